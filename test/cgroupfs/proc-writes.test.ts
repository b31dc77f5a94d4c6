// /proc files as Linux 6.18 treats writes (recorded by hand on the live kernel): root opens
// them for writing, the write fails EINVAL (EIO for /proc/cgroups); unlink is EPERM; a new
// name cannot be created (ENOENT); a non-root task cannot open them for writing (0444).
import { suite } from 'uvu';
import { boot, ENGINES, failsUnchanged } from '../helpers/kernel.ts';

for (const engine of ENGINES) {
  const t = suite(`proc writes [${engine}]`);

  t('write, unlink, create, non-root', async () => {
    const k = await boot(engine);
    k.mount('/cg', 'none,name=pw');
    failsUnchanged(k, () => k.fs.writeFileSync('/proc/self/cgroup', 'x'), 'EINVAL', 'cgroup');
    failsUnchanged(k, () => k.fs.writeFileSync('/proc/1/status', 'x'), 'EINVAL', 'status');
    failsUnchanged(k, () => k.fs.writeFileSync('/proc/mounts', 'x'), 'EINVAL', 'mounts');
    failsUnchanged(k, () => k.fs.writeFileSync('/proc/cgroups', 'x'), 'EIO', 'cgroups');
    failsUnchanged(k, () => k.fs.unlinkSync('/proc/self/cgroup'), 'EPERM', 'unlink');
    failsUnchanged(k, () => k.fs.writeFileSync('/proc/newfile', 'x'), 'ENOENT', 'create');
    failsUnchanged(k, () => k.fs.mkdirSync('/proc/self/x'), 'ENOENT', 'mkdir');
    const p = k.fork(1);
    k.setCredentials(p, { uid: 1000, gid: 1000 });
    failsUnchanged(k, () => k.as(p).fs.writeFileSync('/proc/cgroups', 'x'), 'EACCES', 'non-root open');
  });

  t.run();
}
