// cpuacct over an engine, without a Kernel: file formats, reset rules, stat monotonicity,
// bind/unbind moving the root counters.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Css, SubsysContext } from '../../src/cgroup/defs.ts';
import { CPU_SYS, CPU_USER } from '../../src/engine/types.ts';
import { type Cpuacct, cpuacctSubsystem } from '../../src/subsys/cpuacct.ts';
import { makeEngine } from '../helpers/integrity.ts';
import { codeOf, FakeCgroup } from './fake.ts';

const test = suite('subsys/cpuacct logic');

function setup() {
  const engine = makeEngine('reference', { cpus: 2 });
  const ss = cpuacctSubsystem();
  const ctx = { cpus: 2, mems: 1, actor: 1, profile: 'v1', engine } as unknown as SubsysContext;
  const h = engine.hierCreate();
  const rootCg = new FakeCgroup(engine.hierRoot(h), '', null);
  const root: Css<Cpuacct> = { ss, cgroup: rootCg, parent: null, state: ss.create!(null, rootCg, ctx) };
  const aCg = new FakeCgroup(engine.cgroupCreate(rootCg.id), 'a', rootCg);
  const a: Css<Cpuacct> = { ss, cgroup: aCg, parent: root, state: ss.create!(root, aCg, ctx) };
  const task = engine.fork(1, false);
  engine.attach(task, aCg.id, false);
  const read = (css: Css<Cpuacct>, name: string) => ss.files!.find((f) => f.name === name)!.read!(css, ctx);
  const write = (css: Css<Cpuacct>, name: string, data: string) =>
    ss.files!.find((f) => f.name === name)!.write!(css, data, ctx);
  return { engine, ss, ctx, h, root, a, task, read, write };
}

test("file table, in the kernel's order", () => {
  assert.equal(
    cpuacctSubsystem().files!.map((f) => f.name),
    ['usage', 'usage_user', 'usage_sys', 'usage_percpu', 'usage_percpu_user', 'usage_percpu_sys', 'usage_all', 'stat'],
  );
});

test('formats: usage, percpu with trailing spaces, usage_all, stat in USER_HZ', () => {
  const { engine, h, a, task, read } = setup();
  engine.charge(task, 25_000_000, 0, CPU_USER, h);
  engine.charge(task, 5_000_000, 1, CPU_USER, h);
  engine.charge(task, 12_345_678, 1, CPU_SYS, h);
  assert.is(read(a, 'usage'), '42345678\n');
  assert.is(read(a, 'usage_user'), '30000000\n');
  assert.is(read(a, 'usage_sys'), '12345678\n');
  assert.is(read(a, 'usage_percpu'), '25000000 17345678 \n');
  assert.is(read(a, 'usage_percpu_user'), '25000000 5000000 \n');
  assert.is(read(a, 'usage_percpu_sys'), '0 12345678 \n');
  assert.is(read(a, 'usage_all'), 'cpu user system\n0 25000000 0\n1 5000000 12345678\n');
  assert.is(read(a, 'stat'), 'user 3\nsystem 1\n');
});

test('hierarchical: the root includes its children', () => {
  const { engine, h, root, a, task, read } = setup();
  engine.charge(task, 100, 0, CPU_USER, h);
  engine.charge(1, 50, 0, CPU_USER, h);
  assert.is(read(a, 'usage'), '100\n');
  assert.is(read(root, 'usage'), '150\n');
});

test('writing 0 resets this cgroup only; anything else EINVAL', () => {
  const { engine, h, root, a, task, read, write } = setup();
  engine.charge(task, 100, 0, CPU_SYS, h);
  for (const bad of ['1', 'abc', ' 0', '-0', '0 0'])
    assert.is(
      codeOf(() => write(a, 'usage', bad)),
      'EINVAL',
      bad,
    );
  assert.is(
    codeOf(() => write(a, 'usage', '99999999999999999999')),
    'ERANGE',
  );
  assert.is(read(a, 'usage'), '100\n');
  write(a, 'usage', '0\n');
  assert.is(read(a, 'usage'), '0\n');
  assert.is(read(root, 'usage'), '100\n');
  write(a, 'usage', '0x0');
  assert.is(read(a, 'usage'), '0\n');
});

test('writing 0 at the root succeeds and resets nothing (modern kernels keep global stats)', () => {
  const { engine, h, root, task, read, write } = setup();
  engine.charge(task, 100, 0, CPU_SYS, h);
  write(root, 'usage', '0');
  assert.is(read(root, 'usage'), '100\n');
});

test('stat never goes backwards: after a reset it repeats the old split', () => {
  const { engine, h, a, task, read, write } = setup();
  engine.charge(task, 30_000_000, 0, CPU_USER, h);
  engine.charge(task, 20_000_000, 0, CPU_SYS, h);
  assert.is(read(a, 'stat'), 'user 3\nsystem 2\n');
  write(a, 'usage', '0');
  assert.is(read(a, 'usage'), '0\n');
  assert.is(read(a, 'stat'), 'user 3\nsystem 2\n');
  engine.charge(task, 60_000_000, 0, CPU_USER, h);
  assert.is(read(a, 'stat'), 'user 4\nsystem 2\n'); // runtime 60ms > 50ms: user gets the rest
});

test('bind moves the unbound root counters to the hierarchy root, unbind moves them back', () => {
  const { engine, ss, ctx, root } = setup();
  const t = engine.fork(1, false);
  engine.charge(t, 500, 0, CPU_USER, -1);
  assert.is(engine.cpuacctUsage(0, 0, CPU_USER), 500n);
  ss.bind!(root, ctx);
  assert.is(engine.cpuacctUsage(root.cgroup.id, 0, CPU_USER), 500n);
  assert.is(engine.cpuacctUsage(0, 0, CPU_USER), 0n);
  const dummy: Css<Cpuacct> = { ...root, cgroup: new FakeCgroup(0, '', null) };
  ss.bind!(dummy, ctx);
  assert.is(engine.cpuacctUsage(0, 0, CPU_USER), 500n);
  assert.is(engine.cpuacctUsage(root.cgroup.id, 0, CPU_USER), 0n);
  assert.is(engine.cpuacctUsage(0, 0, CPU_SYS), 0n);
});

test.run();
