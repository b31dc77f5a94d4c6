// pids without a Kernel: hierarchical charge, EAGAIN at any ancestor's limit, v1 events,
// attach moves the charge unchecked, exit uncharges; pids.max parsing.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Css } from '../../src/cgroup/defs.ts';
import { PID_MAX_LIMIT, type Pids, pidsSubsystem } from '../../src/subsys/pids.ts';
import { codeOf, type FakeTree, fakeTree, read, write } from './fake.ts';

const test = suite('subsys/pids logic');

function setup() {
  const t = fakeTree(pidsSubsystem());
  const p = t.mkdir(t.root, 'p');
  const a = t.mkdir(p, 'a');
  const b = t.mkdir(p, 'b');
  return { t, ss: t.root.ss, p, a, b };
}

const fork = (t: FakeTree<Pids>, css: Css<Pids>) => codeOf(() => css.ss.canFork!(css, 1, t.ctx));
const cur = (t: FakeTree<Pids>, css: Css<Pids>) => read(t, css, 'current');

test('files: max, current, peak, events, none on the root', () => {
  const ss = pidsSubsystem();
  assert.equal(
    ss.files!.map((f) => f.name),
    ['max', 'current', 'peak', 'events'],
  );
  for (const f of ss.files!) assert.ok((f.flags ?? 0) & 2, `${f.name} is NOT_ON_ROOT`);
  const { t, a } = setup();
  assert.is(read(t, a, 'max'), 'max\n');
  assert.is(read(t, a, 'current'), '0\n');
  assert.is(read(t, a, 'events'), 'max 0\n');
});

test('a fork charges the cgroup and every ancestor but the root', () => {
  const { t, p, a } = setup();
  assert.is(fork(t, a), 'ok');
  assert.is(cur(t, a), '1\n');
  assert.is(cur(t, p), '1\n');
  assert.is(t.root.state.counter, 0);
  t.root.ss.exit!(a, 2, t.ctx);
  assert.is(cur(t, a), '0\n');
  assert.is(cur(t, p), '0\n');
  assert.is(read(t, a, 'peak'), '1\n');
});

test("EAGAIN at an ancestor's limit: nothing stays charged, events count at the forking cgroup", () => {
  const { t, p, a, b } = setup();
  write(t, p, 'max', '2');
  assert.is(fork(t, a), 'ok');
  assert.is(fork(t, b), 'ok');
  assert.is(fork(t, a), 'EAGAIN');
  assert.is(cur(t, a), '1\n');
  assert.is(cur(t, p), '2\n');
  assert.is(read(t, a, 'events'), 'max 1\n'); // v1: the cgroup whose task forked
  assert.is(read(t, p, 'events'), 'max 0\n');
  t.root.ss.cancelFork!(a, 1, t.ctx); // a fork that failed later is uncharged
  assert.is(cur(t, a), '0\n');
  assert.is(cur(t, p), '1\n');
  assert.is(fork(t, b), 'ok');
});

test('own limit: max 0 refuses every fork', () => {
  const { t, a } = setup();
  write(t, a, 'max', '0');
  assert.is(fork(t, a), 'EAGAIN');
  assert.is(fork(t, a), 'EAGAIN');
  assert.is(read(t, a, 'events'), 'max 2\n');
  assert.is(cur(t, a), '0\n');
});

test('the root never refuses a fork', () => {
  const { t } = setup();
  for (let i = 0; i < 5; i++) assert.is(fork(t, t.root), 'ok');
  assert.is(t.root.state.counter, 0);
});

test('attach moves the charge and may exceed a limit', () => {
  const { t, ss, p, a, b } = setup();
  write(t, b, 'max', '1');
  assert.is(fork(t, a), 'ok');
  assert.is(fork(t, a), 'ok');
  ss.attach!(b, 2, a, t.ctx);
  ss.attach!(b, 3, a, t.ctx);
  assert.is(cur(t, a), '0\n');
  assert.is(cur(t, b), '2\n'); // above max 1
  assert.is(cur(t, p), '2\n');
  assert.is(fork(t, b), 'EAGAIN');
  ss.attach!(t.root, 2, b, t.ctx); // to the root: uncharged all the way
  assert.is(cur(t, b), '1\n');
  assert.is(cur(t, p), '1\n');
  ss.attach!(a, 2, t.root, t.ctx);
  assert.is(cur(t, a), '1\n');
  assert.is(cur(t, p), '2\n');
});

test('peak keeps the highest count, including a charge undone higher up', () => {
  const { t, p, a } = setup();
  write(t, p, 'max', '1');
  assert.is(fork(t, a), 'ok');
  assert.is(fork(t, a), 'EAGAIN');
  assert.is(read(t, a, 'peak'), '2\n'); // a was charged before p refused
  assert.is(read(t, p, 'peak'), '1\n');
});

test('pids.max parsing: strstrip, "max", kstrtoll; negative or too large EINVAL', () => {
  const { t, a } = setup();
  const ok: Array<[string, string]> = [
    ['10', '10\n'],
    [' 7 \n', '7\n'],
    ['0x10', '16\n'],
    ['010', '8\n'],
    ['+3', '3\n'],
    ['max', 'max\n'],
    ['max\n', 'max\n'],
    ['0', '0\n'],
    [String(PID_MAX_LIMIT), `${PID_MAX_LIMIT}\n`],
    ['\tmax ', 'max\n'],
  ];
  for (const [v, want] of ok) {
    write(t, a, 'max', v);
    assert.is(read(t, a, 'max'), want, JSON.stringify(v));
  }
  const bad: Array<[string, string]> = [
    ['-1', 'EINVAL'],
    [String(PID_MAX_LIMIT + 1), 'EINVAL'],
    ['2147483647', 'EINVAL'],
    ['abc', 'EINVAL'],
    ['MAX', 'EINVAL'],
    ['1 2', 'EINVAL'],
    ['', 'EINVAL'],
    ['99999999999999999999', 'ERANGE'],
  ];
  for (const [v, code] of bad)
    assert.is(
      codeOf(() => write(t, a, 'max', v)),
      code,
      JSON.stringify(v),
    );
  assert.is(read(t, a, 'max'), 'max\n');
});

test.run();
