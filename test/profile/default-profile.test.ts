// The default profile is untouched by the V11 profile: a kernel created without `profile`, or
// with 'v1', is modern cgroup v1 (cgroup.procs, cgroup fstype, /proc/cgroups, EINVAL parsing).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { boot, ENGINES, throwsCode } from '../helpers/kernel.ts';

for (const engine of ENGINES) {
  const t = suite(`profile: default is v1 [${engine}]`);

  for (const opts of [{}, { profile: 'v1' as const }]) {
    t(`modern files, names and errnos (${JSON.stringify(opts)})`, async () => {
      const k = await boot(engine, opts);
      assert.is(k.profile, 'v1');
      assert.equal(k.subsystemNames(), ['cpuset', 'cpuacct', 'pids', 'debug', 'ns']);
      throwsCode(() => k.mount('/x', 'debug', 'container'), 'ENODEV', 'container type');
      throwsCode(() => k.mount('/x', 'foo'), 'EINVAL', 'unknown subsystem');
      k.mount('/n', 'none,,name=sim');
      k.mount('/c', 'cpuset');
      const root = k.fs.readdirSync('/n') as string[];
      assert.equal(root, [
        'cgroup.clone_children',
        'cgroup.procs',
        'cgroup.sane_behavior',
        'notify_on_release',
        'release_agent',
        'tasks',
      ]);
      assert.is(k.fs.statSync('/n/cgroup.sane_behavior')!.mode & 0o777, 0o444);
      assert.is(k.fs.statSync('/n')!.mode & 0o777, 0o555);
      throwsCode(() => k.fs.writeFileSync('/n/tasks', 'abc'), 'EINVAL', 'tasks parse');
      k.fs.writeFileSync('/n/tasks', ''); // a zero-length write is a no-op
      k.fs.writeFileSync('/n/notify_on_release', '1');
      k.fs.mkdirSync('/n/a');
      assert.is(k.fs.readFileSync('/n/a/notify_on_release', 'utf8'), '1\n', 'inherited');
      assert.not.ok(k.fs.existsSync('/n/releasable'));
      assert.match(k.fs.readFileSync('/proc/1/cgroup', 'utf8') as string, /^2:cpuset:\/\n1:name=sim:\/\n$/);
      assert.match(
        k.fs.readFileSync('/proc/cgroups', 'utf8') as string,
        /^#subsys_name\thierarchy\tnum_cgroups\tenabled\n/,
      );
      assert.not.ok(k.fs.existsSync('/proc/containers'));
      assert.ok((k.fs.readdirSync('/c') as string[]).includes('cpuset.effective_cpus'));
    });
  }

  t.run();
}
