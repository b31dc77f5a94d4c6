/**
 * Fake streams for main(argv, io): stdout and stderr collected apart and interleaved,
 * stdin from a string.
 */
import type { Io } from '../../src/cli/main.ts';

export interface FakeIo extends Io {
  out: () => string;
  err: () => string;
  /** stdout and stderr in the order written, stderr lines marked with '! '. */
  both: () => string;
}

export function fakeIo(stdin?: string): FakeIo {
  const out: string[] = [];
  const err: string[] = [];
  const both: string[] = [];
  const io: FakeIo = {
    stdout: {
      write: (s: string) => {
        out.push(s);
        both.push(s);
        return true;
      },
    },
    stderr: {
      write: (s: string) => {
        err.push(s);
        both.push(
          s
            .split('\n')
            .map((l, i, a) => (i === a.length - 1 && l === '' ? '' : `! ${l}`))
            .join('\n'),
        );
        return true;
      },
    },
    out: () => out.join(''),
    err: () => err.join(''),
    both: () => both.join(''),
  };
  if (stdin !== undefined) {
    io.stdin = {
      isTTY: false,
      async *[Symbol.asyncIterator]() {
        yield stdin;
      },
    };
  }
  return io;
}
