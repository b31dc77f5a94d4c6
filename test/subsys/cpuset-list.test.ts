// cpuset list I/O without a Kernel: bitmap_parselist() parsing, "%*pbl" and "%*pb" printing.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { maskEmpty, maskFormat, maskFormatHex, maskFull, parseList } from '../../src/subsys/cpuset.ts';
import { codeOf } from './fake.ts';

const test = suite('subsys/cpuset list parsing');

/** Parse over nbits and print, or the errno code. */
function io(s: string, nbits: number): string {
  let out = '';
  const code = codeOf(() => {
    out = maskFormat(parseList(s, nbits));
  });
  return code === 'ok' ? out : code;
}

// [input, nbits, expected print or errno]
const CASES: Array<[string, number, string]> = [
  // LTP cpuset_base_ops (case 37), n = 4
  ['0,0', 4, '0\n'],
  ['0-0', 4, '0\n'],
  ['0,1-2,3', 4, '0-3\n'],
  ['', 4, '\n'],
  ['4', 4, 'ERANGE'],
  ['0-4', 4, 'ERANGE'],
  ['-1', 4, 'EINVAL'],
  ['0--3', 4, 'EINVAL'],
  ['AAA', 4, 'EINVAL'],
  ['0AAA', 4, 'EINVAL'],
  // ranges and printing
  ['3,1,2', 8, '1-3\n'],
  ['0-1,3-4,6', 8, '0-1,3-4,6\n'],
  ['7', 8, '7\n'],
  ['0-7', 8, '0-7\n'],
  // separators: commas and whitespace between regions, a trailing or leading comma
  ['0-1,', 4, '0-1\n'],
  [',2', 4, '2\n'],
  [',', 4, '\n'],
  ['1 3', 4, '1,3\n'],
  ['1\t2', 4, '1-2\n'],
  ['0 - 1', 4, 'EINVAL'],
  ['0- 1', 4, 'EINVAL'],
  // a newline right after a region ends the list
  ['1\ngarbage', 4, '1\n'],
  ['1 \ngarbage', 4, 'EINVAL'],
  // modern extensions: N (the last bit), all, strides
  ['N', 4, '3\n'],
  ['1-N', 4, '1-3\n'],
  ['all', 4, '0-3\n'],
  ['ALL', 4, '0-3\n'],
  ['0-7:2/4', 8, '0-1,4-5\n'],
  ['0-1023:2/256', 1024, '0-1,256-257,512-513,768-769\n'],
  ['all:1/2', 8, '0,2,4,6\n'],
  ['0-3:0/2', 4, '\n'],
  ['0-3:3/2', 4, 'EINVAL'],
  ['0-3:1/0', 4, 'EINVAL'],
  ['0-3:1', 4, 'EINVAL'],
  ['1:1/1', 4, 'EINVAL'],
  // order and range
  ['3-1', 4, 'EINVAL'],
  ['+1', 4, 'EINVAL'],
  ['0x1', 4, 'EINVAL'],
  ['4294967295', 4, 'ERANGE'],
  // NUL ends the C string
  ['1\u0000junk', 4, '1\n'],
];

for (const [input, nbits, expected] of CASES) {
  test(`${JSON.stringify(input)} over ${nbits} bits -> ${JSON.stringify(expected)}`, () => {
    assert.is(io(input, nbits), expected);
  });
}

test('a number past 32 bits is an overflow (EOVERFLOW, ERANGE until errors.ts has it)', () => {
  assert.ok(['EOVERFLOW', 'ERANGE'].includes(io('99999999999', 4)));
});

test('errors are raised as by write(2)', () => {
  try {
    parseList('x', 4);
    assert.unreachable();
  } catch (e) {
    const err = e as { code: string; syscall: string; errno: number };
    assert.is(err.code, 'EINVAL');
    assert.is(err.syscall, 'write');
    assert.is(err.errno, -22);
  }
});

test('%*pbl of the empty and the full set', () => {
  assert.is(maskFormat(maskEmpty(64)), '\n');
  assert.is(maskFormat(maskFull(1)), '0\n');
  assert.is(maskFormat(maskFull(33)), '0-32\n');
});

test('%*pb: hex chunks of 32 bits, the first only as wide as its bits', () => {
  assert.is(maskFormatHex(maskFull(4), 4), 'f');
  assert.is(maskFormatHex(parseList('0-1', 4), 4), '3');
  assert.is(maskFormatHex(maskFull(8), 8), 'ff');
  assert.is(maskFormatHex(parseList('0', 6), 6), '01');
  assert.is(maskFormatHex(maskFull(32), 32), 'ffffffff');
  assert.is(maskFormatHex(parseList('0,32', 40), 40), '01,00000001');
  assert.is(maskFormatHex(parseList('0', 64), 64), '00000000,00000001');
  const nodes = maskFormatHex(parseList('0', 1024), 1024);
  assert.is(nodes.split(',').length, 32);
  assert.ok(nodes.endsWith(',00000001'));
});

test.run();
