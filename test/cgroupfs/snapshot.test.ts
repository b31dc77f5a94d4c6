// k.snapshot() / Kernel.restore(): the restored kernel shows the same state and answers every
// later operation exactly as the original does (pids, files, release events).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Kernel } from '../../src/index.ts';
import { assertIntegrity, boot, ENGINES, observe, throwsCode } from '../helpers/kernel.ts';

for (const engine of ENGINES) {
  const t = suite(`snapshot [${engine}]`);

  const build = async () => {
    const k = await boot(engine);
    k.mount('/cs', 'cpuset,cpuacct');
    k.mount('/sim', 'none,name=sim,release_agent=/sbin/agent');
    k.mount('/sim2', 'name=sim');
    k.mount('/p', 'pids');
    k.fs.mkdirSync('/cs/a/b', { recursive: true });
    k.fs.writeFileSync('/cs/a/cpuset.cpus', '0-1');
    k.fs.writeFileSync('/cs/a/cpuset.mems', '0');
    k.fs.mkdirSync('/sim/job1');
    k.fs.mkdirSync('/sim/job2');
    k.fs.writeFileSync('/sim/job1/notify_on_release', '1');
    k.fs.writeFileSync('/sim/job2/notify_on_release', '1');
    k.fs.mkdirSync('/p/lim');
    k.fs.writeFileSync('/p/lim/pids.max', '3');
    const a = k.fork(1, { name: 'svc' });
    const b = k.fork(a, { thread: true });
    const c = k.fork(1);
    k.setCredentials(c, { uid: 1000, gid: 1000 });
    k.fs.chownSync('/sim/job2/tasks', 1000, 1000);
    k.fs.writeFileSync('/cs/a/tasks', String(a));
    k.fs.writeFileSync('/sim/job1/cgroup.procs', String(a));
    k.fs.writeFileSync('/sim/job2/tasks', String(c));
    k.fs.writeFileSync('/p/lim/tasks', String(c));
    k.charge(a, 5_000_000, { cpu: 1, mode: 'system' });
    const kids = k.forkMany(1, 50);
    k.exitMany(kids.subarray(0, 25));
    k.umount('/sim2');
    return { k, a, b, c };
  };

  t('restored state is identical and evolves identically', async () => {
    const { k, a, b, c } = await build();
    const bytes = k.snapshot();
    const r = await Kernel.restore(bytes);
    assertIntegrity(r.engine);
    assert.is(observe(r), observe(k));
    const evK: string[] = [];
    const evR: string[] = [];
    k.on('release', (ev) => evK.push(ev.path));
    r.on('release', (ev) => evR.push(ev.path));
    for (const x of [k, r]) {
      x.fs.writeFileSync('/sim/tasks', String(a));
      x.exit(c);
      x.exit(b);
      x.fs.mkdirSync('/cs/a/b/c');
      x.fork(a);
      x.charge(a, 7, { cpu: 0 });
    }
    assert.equal(evR, evK);
    assert.equal(evK, ['/job2', '/job1']); // thread b keeps job1 populated until it exits
    assert.is(r.fork(1), k.fork(1));
    assert.is(observe(r), observe(k));
    assert.is(r.fs.readFileSync(`/proc/${a}/status`, 'utf8'), k.fs.readFileSync(`/proc/${a}/status`, 'utf8'));
    const p1 = r.fork(1);
    r.setCredentials(p1, { uid: 1000, gid: 1000 });
    r.as(p1).fs.writeFileSync('/sim/job2/tasks', String(p1)); // the chown survived
    assertIntegrity(r.engine);
  });

  t('pids limits survive a restore', async () => {
    const { k } = await build();
    const r = await Kernel.restore(k.snapshot());
    const inLim = Number((r.fs.readFileSync('/p/lim/tasks', 'utf8') as string).trim());
    r.fork(inLim);
    r.fork(inLim);
    throwsCode(() => r.fork(inLim), 'EAGAIN', 'past pids.max');
  });

  t('garbage is rejected', async () => {
    await Kernel.restore(new Uint8Array([1, 2, 3])).then(
      () => assert.unreachable('should fail'),
      (e) => assert.is(e.code, 'EINVAL'),
    );
  });

  t.run();
}
