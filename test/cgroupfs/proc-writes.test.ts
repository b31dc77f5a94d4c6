// /proc as Linux 6.18 treats changes (checked by hand on the live kernel): root opens files
// for writing and the write fails EINVAL (EIO for /proc/cgroups); unlink, rmdir, chmod and
// chown are EPERM; rename inside /proc is ENOENT; a new name cannot be created (ENOENT); a
// non-root task cannot open them for writing (0444).
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
    failsUnchanged(k, () => k.fs.rmdirSync('/proc/1/task'), 'EPERM', 'rmdir');
    failsUnchanged(k, () => k.fs.chmodSync('/proc/self/cgroup', 0o644), 'EPERM', 'chmod');
    failsUnchanged(k, () => k.fs.chownSync('/proc/self/cgroup', 1, 1), 'EPERM', 'chown');
    failsUnchanged(k, () => k.fs.renameSync('/proc/self/cgroup', '/proc/self/cg2'), 'ENOENT', 'rename in /proc');
    failsUnchanged(k, () => k.fs.renameSync('/proc/self/cgroup', '/cg/x'), 'EXDEV', 'rename out of /proc');
    const p = k.fork(1);
    k.setCredentials(p, { uid: 1000, gid: 1000 });
    failsUnchanged(k, () => k.as(p).fs.writeFileSync('/proc/cgroups', 'x'), 'EACCES', 'non-root open');
  });

  t.run();
}
