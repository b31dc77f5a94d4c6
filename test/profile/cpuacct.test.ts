// Profile 'v11': the V11 cpuacct (semantics.md §14.1): `usage` in ms and `load` in % of one CPU
// over the last complete 10-second interval of the simulated clock, both read-only, charged to
// the task's own cgroup only.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { V11_INTERVAL_NS, v11Rollover } from '../../src/subsys/cpuacct.ts';
import { boot, ENGINES, failsUnchanged } from '../helpers/kernel.ts';

const SEC = 1_000_000_000;

const r = suite('profile v11: cpuacct interval roll-over');
r('no roll-over before the boundary; the current interval becomes the last; a skipped one is 0', () => {
  const st = { total: 0n, current: 5n, last: 7n, next: V11_INTERVAL_NS };
  v11Rollover(st, V11_INTERVAL_NS - 1n);
  assert.equal(st, { total: 0n, current: 5n, last: 7n, next: V11_INTERVAL_NS });
  v11Rollover(st, V11_INTERVAL_NS + 3n);
  assert.equal(st, { total: 0n, current: 0n, last: 5n, next: 2n * V11_INTERVAL_NS });
  st.current = 9n;
  v11Rollover(st, 3n * V11_INTERVAL_NS);
  assert.equal(st, { total: 0n, current: 0n, last: 0n, next: 4n * V11_INTERVAL_NS });
});
r.run();

for (const engine of ENGINES) {
  const t = suite(`profile v11: cpuacct [${engine}]`);
  const setup = async (cpus = 4) => {
    const k = await boot(engine, { profile: 'v11', cpus });
    k.mount('/acct', 'cpuacct');
    k.fs.mkdirSync('/acct/p/a', { recursive: true });
    const read = (f: string) => k.fs.readFileSync(`/acct${f}`, 'utf8') as string;
    return { k, read };
  };

  t('files: cpuacct.usage and cpuacct.load only, read-only (EINVAL)', async () => {
    const { k, read } = await setup();
    const files = (k.fs.readdirSync('/acct/p') as string[]).filter((n) => n.startsWith('cpuacct.'));
    assert.equal(files, ['cpuacct.load', 'cpuacct.usage']);
    assert.is(read('/p/cpuacct.usage'), '0\n');
    assert.is(read('/p/cpuacct.load'), '0\n');
    failsUnchanged(k, () => k.fs.writeFileSync('/acct/p/cpuacct.usage', '0'), 'EINVAL', 'usage');
    failsUnchanged(k, () => k.fs.writeFileSync('/acct/p/cpuacct.load', '0'), 'EINVAL', 'load');
  });

  t('usage is in milliseconds, per cgroup, with no propagation to ancestors', async () => {
    const { k, read } = await setup();
    const x = k.fork(1);
    const y = k.fork(1);
    k.fs.writeFileSync('/acct/p/a/tasks', String(x));
    k.fs.writeFileSync('/acct/p/tasks', String(y));
    k.charge(x, 2_500_000);
    k.charge(x, 999_999);
    k.charge(y, 1_000_000);
    assert.is(read('/p/a/cpuacct.usage'), '3\n', '3.499999 ms');
    assert.is(read('/p/cpuacct.usage'), '1\n', 'own tasks only');
    assert.is(read('/cpuacct.usage'), '0\n');
    k.fs.writeFileSync('/acct/p/tasks', String(x));
    assert.is(read('/p/a/cpuacct.usage'), '3\n', 'moving a task moves no usage');
    k.chargeMany([x, y], [4_000_000, 0]);
    assert.is(read('/p/cpuacct.usage'), '5\n');
  });

  t('load: the last complete 10 s interval as % of one CPU; > 100 on SMP; 0 after an idle interval', async () => {
    const { k, read } = await setup();
    const x = k.fork(1);
    k.fs.writeFileSync('/acct/p/tasks', String(x));
    k.charge(x, 5 * SEC);
    assert.is(read('/p/cpuacct.load'), '0\n', 'the first interval is not over');
    k.tick(10 * SEC);
    assert.is(read('/p/cpuacct.load'), '50\n', '5 s of 10');
    k.charge(x, 25 * SEC); // four CPUs busy most of the interval
    k.tick(10 * SEC);
    assert.is(read('/p/cpuacct.load'), '250\n');
    k.tick(10 * SEC);
    assert.is(read('/p/cpuacct.load'), '0\n', 'nothing charged in the last interval');
    k.charge(x, SEC);
    k.tick(25 * SEC);
    assert.is(read('/p/cpuacct.load'), '0\n', 'a whole interval skipped');
    assert.is(read('/p/cpuacct.usage'), '31000\n');
  });

  t('boundaries are multiples of 10 s since boot, also for cgroups made later', async () => {
    const { k, read } = await setup();
    k.tick(7 * SEC);
    k.fs.mkdirSync('/acct/late');
    const x = k.fork(1);
    k.fs.writeFileSync('/acct/late/tasks', String(x));
    k.charge(x, 2 * SEC);
    k.tick(3 * SEC); // t = 10 s: the first boundary
    assert.is(read('/late/cpuacct.load'), '20\n');
  });

  t('charges before mounting go to the root state, which the mount then shows', async () => {
    const k = await boot(engine, { profile: 'v11' });
    k.charge(1, 7_000_000);
    k.mount('/acct', 'cpuacct');
    assert.is(k.fs.readFileSync('/acct/cpuacct.usage', 'utf8'), '7\n');
  });

  t.run();
}
