// cgsim main(): help, version, usage errors, exit statuses.
import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { main } from '../../src/cli/main.ts';
import { parseCount, parseOptions, UsageError } from '../../src/cli/options.ts';
import { fakeIo } from './fake-io.ts';

const test = suite('cli/main');
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

test('--help prints the usage on stdout and exits 0', async () => {
  for (const argv of [['--help'], ['-h'], ['help']]) {
    const io = fakeIo();
    assert.is(await main(argv, io), 0, argv.join(' '));
    assert.match(io.out(), /^Usage: cgsim <command> \[options\]/);
    for (const cmd of ['simulate', 'sh', 'tree', 'bench']) assert.match(io.out(), new RegExp(`\\n  ${cmd} `));
    assert.is(io.err(), '');
  }
});

test('--version prints the version of package.json', async () => {
  for (const argv of [['--version'], ['-V'], ['version']]) {
    const io = fakeIo();
    assert.is(await main(argv, io), 0);
    assert.is(io.out(), `cgsim ${pkg.version}\n`);
  }
});

test('no command: usage on stderr, exit 2', async () => {
  const io = fakeIo();
  assert.is(await main([], io), 2);
  assert.is(io.out(), '');
  assert.match(io.err(), /^Usage: cgsim/);
});

test('an unknown command: message and usage on stderr, exit 2', async () => {
  const io = fakeIo();
  assert.is(await main(['frobnicate'], io), 2);
  assert.is(io.out(), '');
  assert.match(io.err(), /^cgsim: unknown command 'frobnicate'\n\nUsage: cgsim/);
});

test('an unknown option: exit 2, before and after a command', async () => {
  let io = fakeIo();
  assert.is(await main(['--frob'], io), 2);
  assert.match(io.err(), /^cgsim: unknown option '--frob'/);
  io = fakeIo();
  assert.is(await main(['simulate', '--frob'], io), 2);
  assert.match(io.err(), /^cgsim: unknown option '--frob'/);
  io = fakeIo();
  assert.is(await main(['simulate', '--tasks', 'lots'], io), 2);
  assert.match(io.err(), /needs a number, not 'lots'/);
  io = fakeIo();
  assert.is(await main(['sh', '--engine', 'gpu'], io), 2);
  assert.match(io.err(), /must be one of auto, wasm, reference/);
});

test('help <command> and <command> --help print that command’s help', async () => {
  for (const [cmd, head] of [
    ['simulate', 'Usage: cgsim simulate'],
    ['sh', 'Usage: cgsim sh'],
    ['tree', 'Usage: cgsim tree'],
    ['bench', 'Usage: cgsim bench'],
  ]) {
    let io = fakeIo();
    assert.is(await main(['help', cmd!], io), 0);
    assert.ok(io.out().startsWith(head!), cmd);
    io = fakeIo();
    assert.is(await main([cmd!, '--help'], io), 0);
    assert.ok(io.out().startsWith(head!), cmd);
  }
  const io = fakeIo();
  assert.is(await main(['help', 'nope'], io), 2);
});

test('option parsing: counts with suffixes, --x=y, --no-x, -- ', () => {
  assert.is(parseCount('1M'), 1_000_000);
  assert.is(parseCount('250k'), 250_000);
  assert.is(parseCount('1_000'), 1000);
  assert.is(parseCount('1e6'), 1_000_000);
  assert.ok(Number.isNaN(parseCount('x')));
  const specs = [
    { name: 'n', short: 'n', type: 'number' as const, description: '' },
    { name: 'json', type: 'boolean' as const, description: '', default: true },
    { name: 'e', short: 'e', type: 'string' as const, description: '' },
  ];
  const r = parseOptions(['--n=2k', '--no-json', 'a', '-e', 'x', '--', '--n'], specs);
  assert.equal(r.values, { n: 2000, json: false, e: 'x' });
  assert.equal(r.positionals, ['a', '--n']);
  assert.throws(
    () => parseOptions(['--json=1'], specs),
    (e: unknown) => e instanceof UsageError,
  );
  assert.throws(
    () => parseOptions(['-e'], specs),
    (e: unknown) => e instanceof UsageError,
  );
});

test.run();
