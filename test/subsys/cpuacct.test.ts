// cpuacct through the public API: test-cases.md 40 (hierarchy sums, no double counting after a
// move), per-CPU files, reset, the root counters across mount and umount.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { assertIntegrity, boot, ENGINES, failsUnchanged } from '../helpers/kernel.ts';

const CPUACCT_FILES = [
  'stat',
  'usage',
  'usage_all',
  'usage_percpu',
  'usage_percpu_sys',
  'usage_percpu_user',
  'usage_sys',
  'usage_user',
];

for (const engine of ENGINES) {
  const test = suite(`subsys/cpuacct [${engine}]`);

  async function setup(cpus = 2) {
    const k = await boot(engine, { cpus });
    k.mount('/acct', 'cpuacct');
    const read = (p: string) => k.fs.readFileSync(`/acct${p}`, 'utf8') as string;
    const usage = (p: string) => BigInt(read(`${p}/cpuacct.usage`));
    const join = (pid: number, p: string) => k.fs.writeFileSync(`/acct${p}/tasks`, String(pid));
    return { k, read, usage, join };
  }

  test('files and modes: usage is writable, the rest read-only', async () => {
    const { k } = await setup();
    const files = (k.fs.readdirSync('/acct') as string[]).filter((f) => f.startsWith('cpuacct.'));
    assert.equal(
      files,
      CPUACCT_FILES.map((f) => `cpuacct.${f}`),
    );
    for (const f of CPUACCT_FILES) {
      assert.is(k.fs.statSync(`/acct/cpuacct.${f}`)!.mode, f === 'usage' ? 0o100644 : 0o100444, f);
    }
  });

  test('case 40: /p == a + b, and no double counting after a task moves a -> b', async () => {
    const { k, usage, join } = await setup();
    for (const d of ['/p', '/p/a', '/p/b']) k.fs.mkdirSync(`/acct${d}`);
    const ta = k.fork(1);
    const tb = k.fork(1);
    join(ta, '/p/a');
    join(tb, '/p/b');
    k.charge(ta, 3_000_000);
    k.charge(tb, 1_000_000, { cpu: 1, mode: 'system' });
    assert.ok(usage('/p/a') > 0n && usage('/p/b') > 0n);
    assert.is(usage('/p'), usage('/p/a') + usage('/p/b'));
    join(ta, '/p/b');
    k.charge(ta, 500_000);
    assert.is(usage('/p/a'), 3_000_000n);
    assert.is(usage('/p/b'), 1_500_000n);
    assert.is(usage('/p'), 4_500_000n);
    assert.is(usage(''), 4_500_000n);
    k.charge(1, 7); // init, at the root
    assert.is(usage(''), 4_500_007n);
    assert.is(usage('/p'), 4_500_000n);
    assertIntegrity(k.engine);
  });

  test('per-CPU and per-mode files', async () => {
    const { k, read, join } = await setup(3);
    k.fs.mkdirSync('/acct/a');
    const t = k.fork(1);
    join(t, '/a');
    k.chargeMany([t, t], [20_000_000, 5_000_000], { cpu: 2 });
    k.charge(t, 10_000_000, { cpu: 0, mode: 'system' });
    assert.is(read('/a/cpuacct.usage'), '35000000\n');
    assert.is(read('/a/cpuacct.usage_user'), '25000000\n');
    assert.is(read('/a/cpuacct.usage_sys'), '10000000\n');
    assert.is(read('/a/cpuacct.usage_percpu'), '10000000 0 25000000 \n');
    assert.is(read('/a/cpuacct.usage_percpu_user'), '0 0 25000000 \n');
    assert.is(read('/a/cpuacct.usage_percpu_sys'), '10000000 0 0 \n');
    assert.is(read('/a/cpuacct.usage_all'), 'cpu user system\n0 0 10000000\n1 0 0\n2 25000000 0\n');
    assert.is(read('/a/cpuacct.stat'), 'user 2\nsystem 1\n');
  });

  test('writing 0 resets one cgroup; other values fail', async () => {
    const { k, usage, join } = await setup();
    k.fs.mkdirSync('/acct/a');
    const t = k.fork(1);
    join(t, '/a');
    k.charge(t, 1000);
    failsUnchanged(k, () => k.fs.writeFileSync('/acct/a/cpuacct.usage', '1'), 'EINVAL', 'non-zero');
    failsUnchanged(k, () => k.fs.writeFileSync('/acct/a/cpuacct.usage', 'x'), 'EINVAL', 'garbage');
    failsUnchanged(k, () => k.fs.writeFileSync('/acct/a/cpuacct.usage_user', '0'), 'EINVAL', 'read-only file');
    k.fs.writeFileSync('/acct/a/cpuacct.usage', '0\n');
    assert.is(usage('/a'), 0n);
    assert.is(usage(''), 1000n);
    k.fs.writeFileSync('/acct/cpuacct.usage', '0'); // the root keeps its global counters
    assert.is(usage(''), 1000n);
  });

  test('time charged while unmounted shows at the root once mounted', async () => {
    const k = await boot(engine, { cpus: 1 });
    const t = k.fork(1);
    k.charge(t, 42);
    k.mount('/acct', 'cpuacct');
    assert.is(k.fs.readFileSync('/acct/cpuacct.usage', 'utf8'), '42\n');
    k.fs.mkdirSync('/acct/a');
    k.fs.writeFileSync('/acct/a/tasks', String(t));
    k.charge(t, 8);
    assert.is(k.fs.readFileSync('/acct/cpuacct.usage', 'utf8'), '50\n');
    assert.is(k.fs.readFileSync('/acct/a/cpuacct.usage', 'utf8'), '8\n');
  });

  test('remount moving cpuacct to another hierarchy keeps the root counters', async () => {
    const k = await boot(engine, { cpus: 1 });
    k.mount('/x', 'cpuacct,pids');
    k.charge(1, 100);
    k.mount('/x', 'pids', { remount: true });
    k.mount('/y', 'cpuacct');
    k.charge(1, 1);
    assert.is(k.fs.readFileSync('/y/cpuacct.usage', 'utf8'), '101\n');
  });

  // Needs the core to unbind before the engine destroys the hierarchy root
  // (docs/subsystems-needs.md): today the counters are lost at umount.
  const needsUnbindFirst = test;
  needsUnbindFirst('umount and mount again keeps the root counters (one root cpuacct in Linux)', async () => {
    const k = await boot(engine, { cpus: 1 });
    k.mount('/acct', 'cpuacct');
    k.charge(1, 100);
    k.umount('/acct');
    k.charge(1, 1);
    k.mount('/acct', 'cpuacct');
    assert.is(k.fs.readFileSync('/acct/cpuacct.usage', 'utf8'), '101\n');
  });

  test.run();
}
