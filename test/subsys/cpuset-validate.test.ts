// cpuset rules without a Kernel: initial values, validate_change() order, writes, attach, clone.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Css } from '../../src/cgroup/defs.ts';
import { type Cpuset, cpusetSubsystem } from '../../src/subsys/cpuset.ts';
import { codeOf, type FakeTree, fakeTree, read, write } from './fake.ts';

const test = suite('subsys/cpuset rules');

function setup(cpus = 4, mems = 2): FakeTree<Cpuset> {
  return fakeTree(cpusetSubsystem(), { cpus, mems });
}

/** mkdir + cpus + mems. */
function child(t: FakeTree<Cpuset>, parent: Css<Cpuset>, name: string, cpus: string, mems: string): Css<Cpuset> {
  const c = t.mkdir(parent, name);
  write(t, c, 'cpus', cpus);
  write(t, c, 'mems', mems);
  return c;
}

test('root: all cpus and mems, exclusive, balanced, relax level -1', () => {
  const t = setup(4, 2);
  const r = t.root;
  assert.is(read(t, r, 'cpus'), '0-3\n');
  assert.is(read(t, r, 'mems'), '0-1\n');
  assert.is(read(t, r, 'effective_cpus'), '0-3\n');
  assert.is(read(t, r, 'effective_mems'), '0-1\n');
  assert.is(read(t, r, 'cpu_exclusive'), '1\n');
  assert.is(read(t, r, 'mem_exclusive'), '1\n');
  assert.is(read(t, r, 'sched_load_balance'), '1\n');
  assert.is(read(t, r, 'sched_relax_domain_level'), '-1\n');
  for (const f of [
    'mem_hardwall',
    'memory_migrate',
    'memory_pressure',
    'memory_spread_page',
    'memory_spread_slab',
    'memory_pressure_enabled',
  ]) {
    assert.is(read(t, r, f), '0\n', f);
  }
});

test('child: empty sets, only sched_load_balance set, spread flags inherited', () => {
  const t = setup();
  write(t, t.root, 'memory_spread_page', '1');
  const a = t.mkdir(t.root, 'a');
  assert.is(read(t, a, 'cpus'), '\n');
  assert.is(read(t, a, 'mems'), '\n');
  assert.is(read(t, a, 'effective_cpus'), '\n');
  assert.is(read(t, a, 'sched_load_balance'), '1\n');
  assert.is(read(t, a, 'memory_spread_page'), '1\n');
  assert.is(read(t, a, 'memory_spread_slab'), '0\n');
  for (const f of ['cpu_exclusive', 'mem_exclusive', 'memory_migrate', 'mem_hardwall'])
    assert.is(read(t, a, f), '0\n', f);
  write(t, t.root, 'memory_spread_slab', '1');
  assert.is(read(t, t.mkdir(t.root, 'b'), 'memory_spread_slab'), '1\n');
});

test('root cpus and mems are read-only (EACCES), even for the same value', () => {
  const t = setup();
  assert.is(
    codeOf(() => write(t, t.root, 'cpus', '0-3')),
    'EACCES',
  );
  assert.is(
    codeOf(() => write(t, t.root, 'mems', '0')),
    'EACCES',
  );
  assert.is(
    codeOf(() => write(t, t.root, 'cpus', 'garbage')),
    'EACCES',
  );
});

test('lists: stripped, parsed, cpus >= the CPU count ERANGE, absent nodes EINVAL', () => {
  const t = setup(4, 2);
  const a = t.mkdir(t.root, 'a');
  write(t, a, 'cpus', '  1-2\n');
  assert.is(read(t, a, 'cpus'), '1-2\n');
  assert.is(read(t, a, 'effective_cpus'), '1-2\n');
  assert.is(
    codeOf(() => write(t, a, 'cpus', '4')),
    'ERANGE',
  );
  assert.is(
    codeOf(() => write(t, a, 'mems', '2')),
    'EINVAL',
  ); // a node the machine lacks
  assert.is(
    codeOf(() => write(t, a, 'mems', '1024')),
    'ERANGE',
  ); // past MAX_NUMNODES
  assert.is(
    codeOf(() => write(t, a, 'cpus', '1 - 2')),
    'EINVAL',
  );
  assert.is(read(t, a, 'cpus'), '1-2\n');
});

test('flags parse as u64: 0, 1, 2 -> 1, 0x1, "1\\n"; " 1", -1, abc -> EINVAL; overflow ERANGE', () => {
  const t = setup();
  const a = t.mkdir(t.root, 'a');
  const cases: Array<[string, string]> = [
    ['1', '1\n'],
    ['0', '0\n'],
    ['2', '1\n'],
    ['0x0', '0\n'],
    ['0x1', '1\n'],
    ['1\n', '1\n'],
  ];
  for (const [v, want] of cases) {
    write(t, a, 'memory_migrate', v);
    assert.is(read(t, a, 'memory_migrate'), want, JSON.stringify(v));
  }
  assert.is(
    codeOf(() => write(t, a, 'memory_migrate', ' 1')),
    'EINVAL',
  );
  assert.is(
    codeOf(() => write(t, a, 'memory_migrate', '-1')),
    'EINVAL',
  );
  assert.is(
    codeOf(() => write(t, a, 'memory_migrate', 'abc')),
    'EINVAL',
  );
  assert.is(
    codeOf(() => write(t, a, 'memory_migrate', '99999999999999999999')),
    'ERANGE',
  );
});

test('sched_relax_domain_level accepts -1..5 (s64 parse), else EINVAL', () => {
  const t = setup();
  const a = t.mkdir(t.root, 'a');
  for (const v of ['-1', '0', '5', '3\n']) {
    write(t, a, 'sched_relax_domain_level', v);
    assert.is(read(t, a, 'sched_relax_domain_level'), `${Number(v)}\n`);
  }
  assert.is(
    codeOf(() => write(t, a, 'sched_relax_domain_level', '6')),
    'EINVAL',
  );
  assert.is(
    codeOf(() => write(t, a, 'sched_relax_domain_level', '-2')),
    'EINVAL',
  );
  assert.is(
    codeOf(() => write(t, a, 'sched_relax_domain_level', 'x')),
    'EINVAL',
  );
});

test('memory_pressure_enabled is global to the subsystem instance', () => {
  const t = setup();
  write(t, t.root, 'memory_pressure_enabled', '1');
  assert.is(read(t, t.root, 'memory_pressure_enabled'), '1\n');
  const other = setup();
  assert.is(read(other, other.root, 'memory_pressure_enabled'), '0\n');
});

test('EACCES: a child must stay inside its parent (case 33)', () => {
  const t = setup();
  const p = child(t, t.root, 'p', '0', '0');
  const c = t.mkdir(p, 'c');
  assert.is(
    codeOf(() => write(t, c, 'cpus', '1')),
    'EACCES',
  );
  assert.is(
    codeOf(() => write(t, c, 'cpus', '0,1')),
    'EACCES',
  );
  assert.is(read(t, c, 'cpus'), '\n');
  assert.is(
    codeOf(() => write(t, c, 'mems', '1')),
    'EACCES',
  );
  assert.is(
    codeOf(() => write(t, c, 'mems', '0-1')),
    'EACCES',
  );
  assert.is(read(t, c, 'mems'), '\n');
});

test('EBUSY: a parent cannot drop what a child uses (case 34)', () => {
  const t = setup();
  const p = child(t, t.root, 'p', '0-3', '0');
  const c = child(t, p, 'c', '1', '0');
  assert.is(
    codeOf(() => write(t, p, 'cpus', '0')),
    'EBUSY',
  );
  assert.is(read(t, p, 'cpus'), '0-3\n');
  assert.is(read(t, c, 'cpus'), '1\n');
  write(t, c, 'cpus', '0');
  write(t, p, 'cpus', '0,1');
  assert.is(read(t, p, 'cpus'), '0-1\n');
});

test('EBUSY is checked before EACCES', () => {
  const t = setup();
  const p = child(t, t.root, 'p', '0-1', '0');
  const c = child(t, p, 'c', '1', '0');
  child(t, c, 'g', '1', '0');
  // c -> '2': the grandchild is no longer a subset (EBUSY) and c leaves p (EACCES).
  assert.is(
    codeOf(() => write(t, c, 'cpus', '2')),
    'EBUSY',
  );
});

test('exclusive flags: parent first, siblings may not overlap (case 36, cpus)', () => {
  const t = setup();
  const p = child(t, t.root, 'p', '0-1', '0');
  const c = child(t, p, 'c', '0', '0');
  assert.is(
    codeOf(() => write(t, c, 'cpu_exclusive', '1')),
    'EACCES',
  ); // parent not exclusive
  write(t, p, 'cpu_exclusive', '1');
  write(t, c, 'cpu_exclusive', '1');
  assert.is(
    codeOf(() => write(t, p, 'cpu_exclusive', '0')),
    'EBUSY',
  ); // a child is exclusive
  const s = t.mkdir(p, 's');
  write(t, s, 'mems', '0');
  assert.is(
    codeOf(() => write(t, s, 'cpus', '0-1')),
    'EINVAL',
  ); // overlaps the exclusive child
  write(t, s, 'cpus', '1');
  assert.is(read(t, s, 'cpus'), '1\n');
  // sibling already 0-1, then the child turns exclusive
  write(t, c, 'cpu_exclusive', '0');
  write(t, s, 'cpus', '0-1');
  assert.is(
    codeOf(() => write(t, c, 'cpu_exclusive', '1')),
    'EINVAL',
  );
});

test('exclusive flags: the same rules for mem_exclusive (case 36, mems)', () => {
  const t = setup(4, 2);
  const p = child(t, t.root, 'p', '0', '0-1');
  const c = child(t, p, 'c', '0', '0');
  assert.is(
    codeOf(() => write(t, c, 'mem_exclusive', '1')),
    'EACCES',
  );
  write(t, p, 'mem_exclusive', '1');
  write(t, c, 'mem_exclusive', '1');
  assert.is(
    codeOf(() => write(t, p, 'mem_exclusive', '0')),
    'EBUSY',
  );
  const s = t.mkdir(p, 's');
  write(t, s, 'cpus', '0');
  assert.is(
    codeOf(() => write(t, s, 'mems', '0-1')),
    'EINVAL',
  );
  write(t, s, 'mems', '1');
  write(t, c, 'mem_exclusive', '0');
  write(t, s, 'mems', '0-1');
  assert.is(
    codeOf(() => write(t, c, 'mem_exclusive', '1')),
    'EINVAL',
  );
  // cpus of exclusive-mem siblings may overlap
  assert.is(read(t, s, 'cpus'), read(t, c, 'cpus'));
});

test('the root may turn its exclusive flags off, then children cannot turn theirs on', () => {
  const t = setup();
  write(t, t.root, 'cpu_exclusive', '0');
  const a = child(t, t.root, 'a', '0', '0');
  assert.is(
    codeOf(() => write(t, a, 'cpu_exclusive', '1')),
    'EACCES',
  );
});

test('ENOSPC: a populated cpuset cannot become empty (case 35); empty ones can', () => {
  const t = setup();
  const a = child(t, t.root, 'a', '0-1', '0');
  t.cgroup(a).nrTasks = 1;
  assert.is(
    codeOf(() => write(t, a, 'cpus', '')),
    'ENOSPC',
  );
  assert.is(
    codeOf(() => write(t, a, 'cpus', '\n')),
    'ENOSPC',
  );
  assert.is(
    codeOf(() => write(t, a, 'mems', '')),
    'ENOSPC',
  );
  write(t, a, 'cpus', '1'); // shrinking is fine
  t.cgroup(a).nrTasks = 0;
  write(t, a, 'cpus', '');
  assert.is(read(t, a, 'cpus'), '\n');
});

test('ENOSPC counts tasks below, too (populated subtree)', () => {
  const t = setup();
  const a = child(t, t.root, 'a', '0-1', '0');
  const b = child(t, a, 'b', '0', '0');
  t.cgroup(b).nrTasks = 1;
  assert.is(
    codeOf(() => write(t, b, 'mems', '')),
    'ENOSPC',
  );
  // emptying a (EBUSY: b uses cpu 0) fails before the populated check
  assert.is(
    codeOf(() => write(t, a, 'cpus', '')),
    'EBUSY',
  );
});

test('writing the current value is a no-op before validation', () => {
  const t = setup();
  const a = child(t, t.root, 'a', '0', '0');
  t.cgroup(a).nrTasks = 1;
  write(t, t.root, 'cpu_exclusive', '0'); // no rule applies to the root
  write(t, a, 'cpus', '0');
  write(t, a, 'mems', '0');
});

test('canAttach: ENOSPC while cpus or mems is empty (case 31)', () => {
  const t = setup();
  const ss = t.root.ss;
  const a = t.mkdir(t.root, 'a');
  assert.is(
    codeOf(() => ss.canAttach!(a, 2, t.root, t.ctx)),
    'ENOSPC',
  );
  write(t, a, 'cpus', '0');
  assert.is(
    codeOf(() => ss.canAttach!(a, 2, t.root, t.ctx)),
    'ENOSPC',
  );
  write(t, a, 'mems', '0');
  assert.is(
    codeOf(() => ss.canAttach!(a, 2, t.root, t.ctx)),
    'ok',
  );
});

test('postClone copies the parent unless a sibling is exclusive (case 39)', () => {
  const t = setup();
  const ss = t.root.ss;
  const p = child(t, t.root, 'p', '1-2', '0');
  const n = t.mkdir(p, 'node_7');
  ss.postClone!(n, t.ctx);
  assert.is(read(t, n, 'cpus'), '1-2\n');
  assert.is(read(t, n, 'mems'), '0\n');
  write(t, p, 'cpu_exclusive', '0');
  const e = child(t, t.root, 'e', '3', '0');
  write(t, t.root, 'cpu_exclusive', '1');
  write(t, e, 'cpu_exclusive', '1');
  const m = t.mkdir(t.root, 'node_8');
  ss.postClone!(m, t.ctx);
  assert.is(read(t, m, 'cpus'), '\n');
  assert.is(
    codeOf(() => ss.canAttach!(m, 8, t.root, t.ctx)),
    'ENOSPC',
  );
});

test("status lines: the allowed CPUs and nodes of the task's cpuset", () => {
  const t = setup(4, 1);
  const a = child(t, t.root, 'a', '1-2', '0');
  const s = t.root.ss.status!(a, 2, t.ctx);
  const lines = s.split('\n');
  assert.is(lines[0], 'Cpus_allowed:\t6');
  assert.is(lines[1], 'Cpus_allowed_list:\t1-2');
  assert.ok(lines[2]!.startsWith('Mems_allowed:\t00000000,') && lines[2]!.endsWith(',00000001'));
  assert.is(lines[3], 'Mems_allowed_list:\t0');
  assert.is(lines[4], '');
});

test.run();
