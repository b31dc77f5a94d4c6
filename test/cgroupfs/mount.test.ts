// mount/umount/remount through the public API: reuse, EBUSY, persistence after umount.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { assertIntegrity, boot, ENGINES, failsUnchanged, throwsCode } from '../helpers/kernel.ts';

for (const engine of ENGINES) {
  const t = suite(`mount [${engine}]`);

  t('named hierarchy: root files and modes', async () => {
    const k = await boot(engine);
    k.mount('/cg/a', 'none,name=a');
    assert.equal(k.fs.readdirSync('/cg/a'), [
      'cgroup.clone_children',
      'cgroup.procs',
      'cgroup.sane_behavior',
      'notify_on_release',
      'release_agent',
      'tasks',
    ]);
    assert.is(k.fs.statSync('/cg/a')!.mode, 0o40555);
    assert.is(k.fs.statSync('/cg/a/tasks')!.mode, 0o100644);
    assert.is(k.fs.statSync('/cg/a/cgroup.sane_behavior')!.mode, 0o100444);
    assert.is(k.fs.readFileSync('/proc/mounts', 'utf8'), 'cgroup /cg/a cgroup rw,relatime,name=a 0 0\n');
    assert.is(k.fs.readFileSync('/proc/1/cgroup', 'utf8'), '1:name=a:/\n');
    assertIntegrity(k.engine);
  });

  t('subsystem hierarchy: prefixed files, /proc/cgroups, EBUSY elsewhere', async () => {
    const k = await boot(engine);
    k.mount('/cg/cs', 'cpuset,cpuacct');
    const files = k.fs.readdirSync('/cg/cs') as string[];
    assert.ok(files.includes('cpuset.cpus') && files.includes('cpuacct.usage'));
    failsUnchanged(k, () => k.mount('/cg/x', 'cpuset'), 'EBUSY', 'cpuset bound elsewhere');
    failsUnchanged(k, () => k.mount('/cg/x', 'cpuset,cpuacct,pids'), 'EBUSY', 'overlapping set');
    const rows = (k.fs.readFileSync('/proc/cgroups', 'utf8') as string).split('\n');
    assert.is(rows[0], '#subsys_name\thierarchy\tnum_cgroups\tenabled');
    assert.ok(rows.includes('cpuset\t1\t1\t1') && rows.includes('pids\t0\t1\t1'));
    k.fs.mkdirSync('/cg/cs/a');
    assert.ok((k.fs.readFileSync('/proc/cgroups', 'utf8') as string).includes('cpuacct\t1\t2\t1'));
    assert.is(k.fs.readFileSync('/proc/1/cgroup', 'utf8'), '1:cpuset,cpuacct:/\n');
  });

  t('same set at a second mountpoint is the same hierarchy', async () => {
    const k = await boot(engine);
    k.mount('/a', 'none,name=x');
    k.mount('/b', 'name=x');
    k.fs.mkdirSync('/a/child');
    assert.ok(k.fs.existsSync('/b/child'));
    k.mount('/c', 'none,name=x,noprefix,release_agent=/ignored');
    assert.is(k.fs.readFileSync('/c/release_agent', 'utf8'), '\n');
    failsUnchanged(k, () => k.mount('/a', 'none,name=x'), 'EBUSY', 'same mountpoint');
    failsUnchanged(k, () => k.mount('/d', 'pids,name=x'), 'EBUSY', 'name with other subsystems');
    failsUnchanged(k, () => k.mount('/d', 'name=nosuch'), 'EINVAL', 'name alone, no such hierarchy');
    assert.is(k.hierarchies().length, 1);
  });

  t('umount keeps a hierarchy with children; mounting again shows them', async () => {
    const k = await boot(engine);
    k.mount('/m', 'none,name=keep');
    k.fs.mkdirSync('/m/keep');
    const p = k.fork(1);
    k.fs.writeFileSync('/m/keep/tasks', String(p));
    k.umount('/m');
    assert.not.ok(k.fs.existsSync('/m/keep'));
    assert.is(k.fs.readFileSync(`/proc/${p}/cgroup`, 'utf8'), '1:name=keep:/keep\n');
    k.mount('/m2', 'none,name=keep,release_agent=/x');
    assert.is(k.fs.readFileSync('/m2/keep/tasks', 'utf8'), `${p}\n`);
    assert.is(k.fs.readFileSync('/m2/release_agent', 'utf8'), '\n');
    k.fs.writeFileSync('/m2/tasks', String(p));
    k.fs.rmdirSync('/m2/keep');
    k.umount('/m2');
    assert.is(k.hierarchies().length, 0);
    assert.is(k.fs.readFileSync(`/proc/${p}/cgroup`, 'utf8'), '');
    assert.is(k.stats().hierarchies, 0);
    assertIntegrity(k.engine);
  });

  t('hierarchy ids increase and are not reused', async () => {
    const k = await boot(engine);
    k.mount('/a', 'none,name=a');
    k.umount('/a');
    k.mount('/b', 'none,name=b');
    assert.is(k.hierarchies()[0]!.id, 2);
    k.mount('/c', 'none,name=c');
    assert.is(k.fs.readFileSync('/proc/1/cgroup', 'utf8'), '3:name=c:/\n2:name=b:/\n');
  });

  t('remount: EBUSY with children, EINVAL on flag or name change, agent change when childless', async () => {
    const k = await boot(engine);
    k.mount('/a', 'none,name=a');
    k.mount('/a', 'none,name=a,release_agent=/new', { remount: true });
    assert.is(k.fs.readFileSync('/a/release_agent', 'utf8'), '/new\n');
    k.mount('/a', 'remount,none,name=a,release_agent=/newer');
    assert.is(k.fs.readFileSync('/a/release_agent', 'utf8'), '/newer\n');
    failsUnchanged(k, () => k.mount('/a', 'none,name=other', { remount: true }), 'EINVAL', 'name change');
    failsUnchanged(k, () => k.mount('/a', 'none,name=a,noprefix', { remount: true }), 'EINVAL', 'flag change');
    k.fs.mkdirSync('/a/c');
    failsUnchanged(k, () => k.mount('/a', 'none,name=a,release_agent=/z', { remount: true }), 'EBUSY', 'children');
    failsUnchanged(k, () => k.mount('/nowhere', 'none,name=a', { remount: true }), 'EINVAL', 'not a mountpoint');
  });

  t('remount rebinds subsystems of a childless hierarchy', async () => {
    const k = await boot(engine);
    k.mount('/a', 'cpuacct');
    k.mount('/a', 'cpuacct,pids', { remount: true });
    assert.ok((k.fs.readdirSync('/a') as string[]).includes('pids.max') === false); // NOT_ON_ROOT
    assert.is(k.fs.readFileSync('/proc/1/cgroup', 'utf8'), '1:cpuacct,pids:/\n');
    k.mount('/a', 'pids', { remount: true });
    assert.is(k.fs.readFileSync('/proc/1/cgroup', 'utf8'), '1:pids:/\n');
    k.mount('/b', 'cpuacct');
    assertIntegrity(k.engine);
  });

  t('legacy cpuset filesystem type', async () => {
    const k = await boot(engine);
    k.mount('/dev/cpuset', 'whatever,is,ignored', 'cpuset');
    const files = k.fs.readdirSync('/dev/cpuset') as string[];
    assert.ok(files.includes('cpus') && files.includes('mems') && files.includes('tasks'));
    assert.is(k.fs.readFileSync('/dev/cpuset/release_agent', 'utf8'), '/sbin/cpuset_release_agent\n');
    assert.match(
      k.fs.readFileSync('/proc/mounts', 'utf8') as string,
      'cgroup rw,relatime,cpuset,noprefix,release_agent=/sbin/cpuset_release_agent',
    );
  });

  t('umount errors', async () => {
    const k = await boot(engine);
    throwsCode(() => k.umount('/nope'), 'ENOENT');
    k.mount('/x/y', 'none,name=q');
    throwsCode(() => k.umount('/x'), 'EINVAL');
    k.umount('/x/y');
    assert.ok(k.fs.existsSync('/x/y'));
  });

  t.run();
}
