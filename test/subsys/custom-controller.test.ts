// The custom controller example of docs/subsystems.md, run exactly as written: the code block
// is taken from the document, `from 'cgsim'` points at src/index.ts, and every
// `console.log(...); // expected` line must print what its comment says, in order.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

const test = suite('subsys/custom controller example');

const DOC = fileURLToPath(new URL('../../docs/subsystems.md', import.meta.url));
const INDEX = pathToFileURL(fileURLToPath(new URL('../../src/index.ts', import.meta.url))).href;
const MARK = '<!-- example: custom-controller';

/** The fenced ts block right after the example marker. */
function exampleCode(): string {
  const doc = readFileSync(DOC, 'utf8');
  const at = doc.indexOf(MARK);
  assert.ok(at >= 0, 'the example marker is in docs/subsystems.md');
  const m = /```ts\n([\s\S]*?)```/.exec(doc.slice(at));
  assert.ok(m, 'a ts code block follows the marker');
  return m![1]!;
}

test('the documented controller behaves as its comments say', async () => {
  const code = exampleCode();
  const expected = [...code.matchAll(/console\.log\(.*\); \/\/ (.*)$/gm)].map((m) => m[1]!);
  assert.ok(expected.length >= 3, 'the example states its output');
  assert.ok(code.includes("from 'cgsim'"));

  const dir = mkdtempSync(join(tmpdir(), 'cgsim-example-'));
  const file = join(dir, 'example.mts');
  writeFileSync(file, code.replace("from 'cgsim'", `from '${INDEX}'`));
  const printed: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => void printed.push(args.map(String).join(' '));
  try {
    await import(pathToFileURL(file).href);
  } finally {
    console.log = log;
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(
    printed.map((s) => s.trimEnd()),
    expected,
  );
});

test.run();
