// /proc: /proc/<pid>/cgroup ordering and paths, /proc/cgroups, /proc/mounts, status, errors.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { boot, ENGINES, throwsCode } from '../helpers/kernel.ts';

for (const engine of ENGINES) {
  const t = suite(`proc [${engine}]`);

  t('/proc/<pid>/cgroup: newest hierarchy first, subsystems in id order, nested paths', async () => {
    const k = await boot(engine);
    k.mount('/a', 'cpuacct,cpuset');
    k.mount('/b', 'none,name=sim');
    k.mount('/c', 'pids,name=both');
    k.fs.mkdirSync('/b/n1/n2/n3', { recursive: true });
    const p = k.fork(1);
    k.fs.writeFileSync('/b/n1/n2/n3/tasks', String(p));
    assert.is(
      k.fs.readFileSync(`/proc/${p}/cgroup`, 'utf8'),
      '3:pids,name=both:/\n2:name=sim:/n1/n2/n3\n1:cpuset,cpuacct:/\n',
    );
    assert.is(k.as(p).fs.readFileSync('/proc/self/cgroup', 'utf8'), k.fs.readFileSync(`/proc/${p}/cgroup`, 'utf8'));
  });

  t('/proc/cgroups lists every registered subsystem', async () => {
    const k = await boot(engine);
    assert.is(
      k.fs.readFileSync('/proc/cgroups', 'utf8'),
      '#subsys_name\thierarchy\tnum_cgroups\tenabled\ncpuset\t0\t1\t1\ncpuacct\t0\t1\t1\npids\t0\t1\t1\ndebug\t0\t1\t1\nns\t0\t1\t1\n',
    );
  });

  t('/proc/<pid>/status and errors for tasks that do not exist', async () => {
    const k = await boot(engine);
    const p = k.fork(1, { name: 'worker' });
    const tid = k.fork(p, { thread: true });
    const st = k.fs.readFileSync(`/proc/${tid}/status`, 'utf8') as string;
    assert.match(st, `Name:\tworker\n`);
    assert.match(st, `Tgid:\t${p}\n`);
    assert.match(st, `Pid:\t${tid}\n`);
    assert.match(st, `PPid:\t1\n`);
    assert.match(st, `Threads:\t2\n`);
    throwsCode(() => k.fs.readFileSync('/proc/99999/cgroup'), 'ENOENT');
    throwsCode(() => k.fs.readFileSync('/proc/0/status'), 'ENOENT');
    k.exit(tid);
    throwsCode(() => k.fs.readFileSync(`/proc/${tid}/status`), 'ENOENT');
    assert.equal(k.fs.readdirSync(`/proc/${p}/task`), [String(p)]);
  });

  t('/proc/mounts escapes and lists every mount in order', async () => {
    const k = await boot(engine);
    k.mount('/cg/with space', 'none,name=m1');
    k.mount('/cg/two', 'name=m1');
    assert.is(
      k.fs.readFileSync('/proc/mounts', 'utf8'),
      'cgroup /cg/with\\040space cgroup rw,relatime,name=m1 0 0\ncgroup /cg/two cgroup rw,relatime,name=m1 0 0\n',
    );
  });

  t.run();
}
