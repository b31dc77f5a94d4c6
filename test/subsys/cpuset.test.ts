// cpuset through the public API: test-cases.md 31-38 (one test each), file listing and modes
// with and without noprefix, the legacy cpuset filesystem, E2BIG, /proc/<pid>/status.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { assertIntegrity, boot, ENGINES, failsUnchanged, throwsCode } from '../helpers/kernel.ts';

const CPUSET_FILES = [
  'cpu_exclusive',
  'cpus',
  'effective_cpus',
  'effective_mems',
  'mem_exclusive',
  'mem_hardwall',
  'memory_migrate',
  'memory_pressure',
  'memory_pressure_enabled',
  'memory_spread_page',
  'memory_spread_slab',
  'mems',
  'sched_load_balance',
  'sched_relax_domain_level',
];
const READ_ONLY = new Set(['effective_cpus', 'effective_mems', 'memory_pressure']);

for (const engine of ENGINES) {
  const test = suite(`subsys/cpuset [${engine}]`);

  /** A kernel with cpuset mounted at /cs (4 CPUs, 2 nodes unless given). */
  async function setup(cpus = 4, mems = 2) {
    const k = await boot(engine, { cpus, mems });
    k.mount('/cs', 'cpuset');
    const read = (p: string) => k.fs.readFileSync(`/cs${p}`, 'utf8') as string;
    const write = (p: string, d: string) => k.fs.writeFileSync(`/cs${p}`, d);
    const mkdir = (p: string, cpus?: string, mems?: string) => {
      k.fs.mkdirSync(`/cs${p}`);
      if (cpus !== undefined) write(`${p}/cpuset.cpus`, cpus);
      if (mems !== undefined) write(`${p}/cpuset.mems`, mems);
    };
    return { k, read, write, mkdir };
  }

  test('files and modes with the prefix; memory_pressure_enabled only at the root', async () => {
    const { k, mkdir } = await setup();
    const root = (k.fs.readdirSync('/cs') as string[]).filter((f) => f.startsWith('cpuset.'));
    assert.equal(
      root,
      CPUSET_FILES.map((f) => `cpuset.${f}`),
    );
    for (const f of CPUSET_FILES) {
      const want = READ_ONLY.has(f) ? 0o100444 : 0o100644;
      assert.is(k.fs.statSync(`/cs/cpuset.${f}`)!.mode, want, f);
    }
    mkdir('/a');
    const child = (k.fs.readdirSync('/cs/a') as string[]).filter((f) => f.startsWith('cpuset.'));
    assert.equal(
      child,
      CPUSET_FILES.filter((f) => f !== 'memory_pressure_enabled').map((f) => `cpuset.${f}`),
    );
  });

  test('noprefix: the same files, bare', async () => {
    const k = await boot(engine);
    k.mount('/cs', 'cpuset,noprefix');
    const files = k.fs.readdirSync('/cs') as string[];
    for (const f of CPUSET_FILES) assert.ok(files.includes(f), f);
    assert.not.ok(files.some((f) => f.startsWith('cpuset.')));
    assert.is(k.fs.readFileSync('/cs/cpus', 'utf8'), '0-3\n');
  });

  test('the legacy cpuset filesystem: bare names, the cpuset release agent', async () => {
    const k = await boot(engine, { cpus: 2, mems: 1 });
    k.mount('/dev/cpuset', '', { type: 'cpuset' });
    const files = k.fs.readdirSync('/dev/cpuset') as string[];
    for (const f of CPUSET_FILES) assert.ok(files.includes(f), f);
    assert.is(k.fs.readFileSync('/dev/cpuset/cpus', 'utf8'), '0-1\n');
    assert.is(k.fs.readFileSync('/dev/cpuset/release_agent', 'utf8'), '/sbin/cpuset_release_agent\n');
    k.fs.mkdirSync('/dev/cpuset/a');
    k.fs.writeFileSync('/dev/cpuset/a/cpus', '1');
    assert.is(k.fs.readFileSync('/dev/cpuset/a/cpus', 'utf8'), '1\n');
  });

  test('root values: all CPUs and nodes, exclusive, balanced', async () => {
    const { read } = await setup(8, 2);
    assert.is(read('/cpuset.cpus'), '0-7\n');
    assert.is(read('/cpuset.mems'), '0-1\n');
    assert.is(read('/cpuset.effective_cpus'), '0-7\n');
    assert.is(read('/cpuset.effective_mems'), '0-1\n');
    assert.is(read('/cpuset.cpu_exclusive'), '1\n');
    assert.is(read('/cpuset.mem_exclusive'), '1\n');
    assert.is(read('/cpuset.sched_load_balance'), '1\n');
    assert.is(read('/cpuset.sched_relax_domain_level'), '-1\n');
    assert.is(read('/cpuset.memory_pressure'), '0\n');
  });

  test('case 31: an empty cpuset refuses tasks until both cpus and mems are set', async () => {
    const { k, read, write, mkdir } = await setup();
    mkdir('/cs1');
    assert.is(read('/cs1/cpuset.cpus'), '\n');
    assert.is(read('/cs1/cpuset.mems'), '\n');
    const t = k.fork(1);
    failsUnchanged(k, () => write('/cs1/tasks', String(t)), 'ENOSPC', 'empty cpus and mems');
    write('/cs1/cpuset.cpus', '0');
    failsUnchanged(k, () => write('/cs1/tasks', String(t)), 'ENOSPC', 'cpus only');
    write('/cs1/cpuset.mems', '0');
    write('/cs1/tasks', String(t));
    assert.is(read('/cs1/tasks'), `${t}\n`);
    assertIntegrity(k.engine);
  });

  test('case 32: root cpus/mems are read-only; memory_pressure is read-only; *_enabled at root only', async () => {
    const { k, read, write, mkdir } = await setup();
    failsUnchanged(k, () => write('/cpuset.cpus', '0'), 'EACCES', 'root cpus');
    failsUnchanged(k, () => write('/cpuset.mems', '0'), 'EACCES', 'root mems');
    failsUnchanged(k, () => write('/cpuset.cpus', '0-3'), 'EACCES', 'root cpus, same value');
    // 2.6.24 said EACCES; a modern v1 kernel has no write handler and root gets EINVAL
    failsUnchanged(k, () => write('/cpuset.memory_pressure', '1'), 'EINVAL', 'memory_pressure');
    assert.ok(k.fs.existsSync('/cs/cpuset.memory_pressure_enabled'));
    mkdir('/a');
    assert.not.ok(k.fs.existsSync('/cs/a/cpuset.memory_pressure_enabled'));
    write('/cpuset.memory_pressure_enabled', '1');
    assert.is(read('/cpuset.memory_pressure_enabled'), '1\n');
  });

  test('case 33: a child must be a subset of its parent (EACCES), cpus and mems', async () => {
    const { k, read, mkdir, write } = await setup();
    mkdir('/p', '0', '0');
    mkdir('/p/c');
    failsUnchanged(k, () => write('/p/c/cpuset.cpus', '1'), 'EACCES', 'cpus 1');
    failsUnchanged(k, () => write('/p/c/cpuset.cpus', '0,1'), 'EACCES', 'cpus 0,1');
    failsUnchanged(k, () => write('/p/c/cpuset.mems', '1'), 'EACCES', 'mems 1');
    failsUnchanged(k, () => write('/p/c/cpuset.mems', '0-1'), 'EACCES', 'mems 0-1');
    assert.is(read('/p/c/cpuset.cpus'), '\n');
    assert.is(read('/p/c/cpuset.mems'), '\n');
  });

  test('case 34: a parent cannot drop a CPU its child uses (EBUSY)', async () => {
    const { k, read, mkdir, write } = await setup();
    mkdir('/p', '0-3', '0');
    mkdir('/p/c', '1', '0');
    failsUnchanged(k, () => write('/p/cpuset.cpus', '0'), 'EBUSY', 'parent drops cpu 1');
    assert.is(read('/p/cpuset.cpus'), '0-3\n');
    assert.is(read('/p/c/cpuset.cpus'), '1\n');
    write('/p/c/cpuset.cpus', '0');
    write('/p/cpuset.cpus', '0,1');
    assert.is(read('/p/cpuset.cpus'), '0-1\n');
  });

  test('case 35: a cpuset with a task cannot be emptied (ENOSPC)', async () => {
    const { k, read, mkdir, write } = await setup();
    mkdir('/a', '0-1', '0');
    const t = k.fork(1);
    write('/a/tasks', String(t));
    failsUnchanged(k, () => write('/a/cpuset.cpus', '\n'), 'ENOSPC', 'empty cpus');
    failsUnchanged(k, () => write('/a/cpuset.cpus', '  '), 'ENOSPC', 'blank cpus');
    failsUnchanged(k, () => write('/a/cpuset.mems', '\n'), 'ENOSPC', 'empty mems');
    k.exit(t);
    write('/a/cpuset.cpus', '\n');
    assert.is(read('/a/cpuset.cpus'), '\n');
  });

  test('case 36: exclusive flags (cpu_exclusive)', async () => {
    const { k, read, mkdir, write } = await setup();
    mkdir('/p', '0-1', '0');
    mkdir('/p/c', '0', '0');
    failsUnchanged(k, () => write('/p/c/cpuset.cpu_exclusive', '1'), 'EACCES', 'parent not exclusive');
    write('/p/cpuset.cpu_exclusive', '1');
    write('/p/c/cpuset.cpu_exclusive', '1');
    failsUnchanged(k, () => write('/p/cpuset.cpu_exclusive', '0'), 'EBUSY', 'child still exclusive');
    mkdir('/p/s', undefined, '0');
    failsUnchanged(k, () => write('/p/s/cpuset.cpus', '0-1'), 'EINVAL', 'sibling overlaps');
    write('/p/s/cpuset.cpus', '1');
    write('/p/c/cpuset.cpu_exclusive', '0');
    write('/p/s/cpuset.cpus', '0-1');
    failsUnchanged(k, () => write('/p/c/cpuset.cpu_exclusive', '1'), 'EINVAL', 'sibling already overlaps');
    assert.is(read('/p/c/cpuset.cpu_exclusive'), '0\n');
  });

  test('case 36: exclusive flags (mem_exclusive)', async () => {
    const { k, read, mkdir, write } = await setup(4, 2);
    mkdir('/p', '0', '0-1');
    mkdir('/p/c', '0', '0');
    failsUnchanged(k, () => write('/p/c/cpuset.mem_exclusive', '1'), 'EACCES', 'parent not exclusive');
    write('/p/cpuset.mem_exclusive', '1');
    write('/p/c/cpuset.mem_exclusive', '1');
    failsUnchanged(k, () => write('/p/cpuset.mem_exclusive', '0'), 'EBUSY', 'child still exclusive');
    mkdir('/p/s', '0');
    failsUnchanged(k, () => write('/p/s/cpuset.mems', '0-1'), 'EINVAL', 'sibling overlaps');
    write('/p/s/cpuset.mems', '1');
    write('/p/c/cpuset.mem_exclusive', '0');
    write('/p/s/cpuset.mems', '0-1');
    failsUnchanged(k, () => write('/p/c/cpuset.mem_exclusive', '1'), 'EINVAL', 'sibling already overlaps');
    assert.is(read('/p/c/cpuset.mem_exclusive'), '0\n');
  });

  test('case 37: cpulist I/O (n = 4 CPUs)', async () => {
    const { k, read, mkdir, write } = await setup(4, 1);
    mkdir('/a');
    const io: Array<[string, string]> = [
      ['0,0', '0\n'],
      ['0-0', '0\n'],
      ['0,1-2,3', '0-3\n'],
      ['', '\n'],
      ['1,3', '1,3\n'],
    ];
    for (const [w, r] of io) {
      write('/a/cpuset.cpus', w === '' ? '\n' : w); // echo "" writes a newline
      assert.is(read('/a/cpuset.cpus'), r, JSON.stringify(w));
    }
    write('/a/cpuset.cpus', '2');
    const bad: Array<[string, string]> = [
      ['4', 'ERANGE'],
      ['0-4', 'ERANGE'],
      ['-1', 'EINVAL'],
      ['0--3', 'EINVAL'],
      ['AAA', 'EINVAL'],
      ['0AAA', 'EINVAL'],
    ];
    for (const [w, code] of bad) failsUnchanged(k, () => write('/a/cpuset.cpus', w), code, JSON.stringify(w));
    assert.is(read('/a/cpuset.cpus'), '2\n');
    // the same parser for mems; nodes missing from the machine are EINVAL, past MAX_NUMNODES ERANGE
    write('/a/cpuset.mems', '0,0');
    assert.is(read('/a/cpuset.mems'), '0\n');
    failsUnchanged(k, () => write('/a/cpuset.mems', '1'), 'EINVAL', 'node 1 of 1');
    failsUnchanged(k, () => write('/a/cpuset.mems', '1024'), 'ERANGE', 'node 1024');
  });

  test('case 38: flag files and what a child inherits', async () => {
    const { read, mkdir, write } = await setup();
    mkdir('/a', '0', '0');
    for (const [w, r] of [
      ['0', '0\n'],
      ['1', '1\n'],
      ['2', '1\n'],
    ] as const) {
      write('/a/cpuset.memory_migrate', w);
      assert.is(read('/a/cpuset.memory_migrate'), r);
    }
    write('/a/cpuset.memory_spread_page', '1');
    write('/a/cpuset.memory_spread_slab', '1');
    write('/a/cpuset.sched_load_balance', '0');
    mkdir('/a/b');
    assert.is(read('/a/b/cpuset.memory_spread_page'), '1\n');
    assert.is(read('/a/b/cpuset.memory_spread_slab'), '1\n');
    assert.is(read('/a/b/cpuset.sched_load_balance'), '1\n');
    assert.is(read('/a/b/cpuset.cpu_exclusive'), '0\n');
    assert.is(read('/a/b/cpuset.mem_exclusive'), '0\n');
    assert.is(read('/a/b/cpuset.memory_migrate'), '0\n');
    assert.is(read('/a/b/cpuset.cpus'), '\n');
  });

  test('E2BIG past 100 + 6 * NR_CPUS bytes (cpus) and 100 + 6 * MAX_NUMNODES (mems)', async () => {
    const { k, read, mkdir, write } = await setup();
    mkdir('/a');
    write('/a/cpuset.cpus', '0' + ' '.repeat(100 + 6 * 8192 - 1));
    assert.is(read('/a/cpuset.cpus'), '0\n');
    failsUnchanged(k, () => write('/a/cpuset.cpus', ' '.repeat(100 + 6 * 8192 + 1)), 'E2BIG', 'cpus');
    write('/a/cpuset.mems', ' '.repeat(100 + 6 * 1024 - 1) + '0');
    failsUnchanged(k, () => write('/a/cpuset.mems', ' '.repeat(100 + 6 * 1024 + 1)), 'E2BIG', 'mems');
  });

  test("/proc/<pid>/status shows the cpuset's CPUs and nodes", async () => {
    const { k, mkdir, write } = await setup(4, 1);
    mkdir('/a', '1-2', '0');
    const t = k.fork(1);
    write('/a/tasks', String(t));
    const status = k.fs.readFileSync(`/proc/${t}/status`, 'utf8') as string;
    assert.match(status, /\nCpus_allowed:\t6\n/);
    assert.match(status, /\nCpus_allowed_list:\t1-2\n/);
    assert.match(status, /\nMems_allowed:\t(00000000,){31}00000001\n/);
    assert.match(status, /\nMems_allowed_list:\t0\n/);
    assert.match(k.fs.readFileSync('/proc/1/status', 'utf8') as string, /\nCpus_allowed_list:\t0-3\n/);
    assert.is(k.fs.readFileSync(`/proc/${t}/cpuset`, 'utf8'), '/a\n');
  });

  test('cpuset unmounted: tasks are allowed everything', async () => {
    const k = await boot(engine, { cpus: 2, mems: 1 });
    assert.match(
      k.fs.readFileSync('/proc/1/status', 'utf8') as string,
      /\nCpus_allowed:\t3\nCpus_allowed_list:\t0-1\n/,
    );
  });

  test('a task in a cpuset keeps it across fork; attach to the same cpuset skips the veto', async () => {
    const { k, read, mkdir, write } = await setup();
    mkdir('/a', '0', '0');
    const t = k.fork(1);
    write('/a/tasks', String(t));
    const c = k.fork(t);
    assert.is(read('/a/tasks'), `${t}\n${c}\n`);
    write('/a/tasks', String(c)); // already there: no-op
    write('/a/cpuset.cpus', ''); // a zero-length write does nothing
    throwsCode(() => write('/a/cpuset.cpus', '\n'), 'ENOSPC');
  });

  test.run();
}
