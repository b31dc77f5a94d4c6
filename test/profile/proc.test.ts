// Profile 'v11': /proc (semantics.md §12, §2.6): /proc/<pid>/container with the newest
// hierarchy first and subsystems in descending id order, /proc/containers with subsystem
// bitmasks, /proc/mounts with fstype container and 2.6.24's option order.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { boot, ENGINES, throwsCode } from '../helpers/kernel.ts';

for (const engine of ENGINES) {
  const t = suite(`profile v11: proc [${engine}]`);
  const v11 = () => boot(engine, { profile: 'v11' });

  t('/proc/<pid>/container: newest first, descending ids, no hierarchy number (the §12.1 example)', async () => {
    const k = await v11();
    k.mount('/cs', 'cpuset,cpuacct');
    k.mount('/dbg', 'debug');
    k.fs.mkdirSync('/cs/jobs/a', { recursive: true });
    k.fs.writeFileSync('/cs/jobs/cpuset.cpus', '0');
    k.fs.writeFileSync('/cs/jobs/cpuset.mems', '0');
    k.fs.writeFileSync('/cs/jobs/a/cpuset.cpus', '0');
    k.fs.writeFileSync('/cs/jobs/a/cpuset.mems', '0');
    const p = k.fork(1);
    k.fs.writeFileSync('/cs/jobs/a/tasks', String(p));
    assert.is(k.fs.readFileSync(`/proc/${p}/container`, 'utf8'), 'debug:/\ncpuacct,cpuset:/jobs/a\n');
    assert.is(k.fs.readFileSync('/proc/1/container', 'utf8'), 'debug:/\ncpuacct,cpuset:/\n');
    assert.is(k.as(p).fs.readFileSync('/proc/self/container', 'utf8'), 'debug:/\ncpuacct,cpuset:/jobs/a\n');
    // Threads have their own file under task/.
    const tid = k.fork(p, { thread: true });
    k.fs.writeFileSync('/cs/jobs/tasks', String(tid));
    assert.is(k.fs.readFileSync(`/proc/${p}/task/${tid}/container`, 'utf8'), 'debug:/\ncpuacct,cpuset:/jobs\n');
    assert.not.ok(k.fs.existsSync(`/proc/${p}/cgroup`));
  });

  t('/proc/<pid>/container: nothing mounted is an empty file; an exiting leader shows / everywhere', async () => {
    const k = await v11();
    assert.is(k.fs.readFileSync('/proc/1/container', 'utf8'), '');
    k.mount('/d', 'debug');
    k.fs.mkdirSync('/d/x');
    const p = k.fork(1);
    k.fork(p, { thread: true });
    k.fs.writeFileSync('/d/x/tasks', String(p));
    k.exit(p); // a zombie while its thread lives
    assert.is(k.fs.readFileSync(`/proc/${p}/container`, 'utf8'), 'debug:/\n');
  });

  t('/proc/containers: bitmask of the hierarchy and its cgroup count; unmounted 0 and 1', async () => {
    const k = await v11();
    assert.is(
      k.fs.readFileSync('/proc/containers', 'utf8'),
      '#subsys_name\thierarchy\tnum_containers\ncpuset\t0\t1\ncpuacct\t0\t1\ndebug\t0\t1\n',
    );
    k.mount('/cs', 'cpuset,debug');
    k.fs.mkdirSync('/cs/a');
    k.fs.mkdirSync('/cs/a/b');
    assert.is(
      k.fs.readFileSync('/proc/containers', 'utf8'),
      '#subsys_name\thierarchy\tnum_containers\ncpuset\t5\t3\ncpuacct\t0\t1\ndebug\t5\t3\n',
    );
    k.mount('/ca', 'cpuacct');
    assert.match(k.fs.readFileSync('/proc/containers', 'utf8') as string, /\ncpuacct\t2\t1\n/);
    assert.not.ok(k.fs.existsSync('/proc/cgroups'));
  });

  t('/proc lists containers, mounts and self (no thread-self in 2.6.24)', async () => {
    const k = await v11();
    const p = k.fork(1);
    assert.equal(k.fs.readdirSync('/proc'), ['containers', 'mounts', 'self']);
    assert.equal(k.fs.readdirSync(`/proc/${p}`), ['container', 'cpuset', 'mounts', 'status', 'task']);
    throwsCode(() => k.fs.readFileSync('/proc/thread-self/container', 'utf8'), 'ENOENT');
  });

  t('/proc/mounts: type container, rw, subsystems in descending id, noprefix, then the agent as is', async () => {
    const k = await v11();
    k.mount('/all', 'cpuset,cpuacct,debug,noprefix,release_agent=/sbin/a b');
    k.mount('/two', 'cpuset,cpuacct,debug,noprefix');
    assert.is(
      k.fs.readFileSync('/proc/mounts', 'utf8'),
      'container /all container rw,debug,cpuacct,cpuset,noprefix,release_agent=/sbin/a b 0 0\n' +
        'container /two container rw,debug,cpuacct,cpuset,noprefix,release_agent=/sbin/a b 0 0\n',
    );
  });

  t.run();
}
