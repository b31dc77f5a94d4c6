// mkdir, rmdir, rename, unlink, create, readdir, stat: the VFS and cgroupfs rules.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { assertIntegrity, boot, ENGINES, failsUnchanged } from '../helpers/kernel.ts';

for (const engine of ENGINES) {
  const t = suite(`directories [${engine}]`);
  const setup = async () => {
    const k = await boot(engine);
    k.mount('/cg', 'none,name=d');
    return k;
  };

  t('mkdir: child files, inheritance of notify_on_release and clone_children', async () => {
    const k = await setup();
    k.fs.mkdirSync('/cg/c0');
    k.fs.writeFileSync('/cg/notify_on_release', '1');
    k.fs.writeFileSync('/cg/cgroup.clone_children', '1');
    k.fs.mkdirSync('/cg/c1');
    assert.equal(k.fs.readdirSync('/cg/c1'), ['cgroup.clone_children', 'cgroup.procs', 'notify_on_release', 'tasks']);
    assert.is(k.fs.readFileSync('/cg/c0/notify_on_release', 'utf8'), '0\n');
    assert.is(k.fs.readFileSync('/cg/c1/notify_on_release', 'utf8'), '1\n');
    assert.is(k.fs.readFileSync('/cg/c1/cgroup.clone_children', 'utf8'), '1\n');
    assert.is(k.fs.statSync('/cg/c1')!.mode, 0o40755);
    assert.is(k.fs.readFileSync('/cg/c1/tasks', 'utf8'), '');
    k.fs.mkdirSync('/cg/m', 0o700);
    assert.is(k.fs.statSync('/cg/m')!.mode, 0o40700);
    assertIntegrity(k.engine);
  });

  t('mkdir errors', async () => {
    const k = await setup();
    k.fs.mkdirSync('/cg/a');
    failsUnchanged(k, () => k.fs.mkdirSync('/cg/a'), 'EEXIST', 'existing dir');
    failsUnchanged(k, () => k.fs.mkdirSync('/cg/tasks'), 'EEXIST', 'control file name');
    failsUnchanged(k, () => k.fs.mkdirSync('/cg/nope/x'), 'ENOENT', 'missing parent');
    failsUnchanged(k, () => k.fs.mkdirSync('/cg/tasks/x'), 'ENOTDIR', 'under a file');
    failsUnchanged(k, () => k.fs.mkdirSync('/cg/a\nb'), 'EINVAL', 'newline');
    failsUnchanged(k, () => k.fs.mkdirSync('/cg/' + 'x'.repeat(4096)), 'ENAMETOOLONG', 'PATH_MAX');
    k.fs.mkdirSync('/cg/' + 'y'.repeat(300));
    k.fs.mkdirSync('/cg/with space.and-dots');
    assert.ok(k.fs.existsSync('/cg/with space.and-dots/tasks'));
    k.fs.mkdirSync('/cg/p/q/r', { recursive: true });
    assert.ok(k.fs.statSync('/cg/p/q/r')!.isDirectory());
  });

  t('rmdir rules', async () => {
    const k = await setup();
    k.fs.mkdirSync('/cg/a/b', { recursive: true });
    const p = k.fork(1);
    k.fs.writeFileSync('/cg/a/b/tasks', String(p));
    failsUnchanged(k, () => k.fs.rmdirSync('/cg/a/b'), 'EBUSY', 'tasks');
    failsUnchanged(k, () => k.fs.rmdirSync('/cg/a'), 'EBUSY', 'children');
    failsUnchanged(k, () => k.fs.rmdirSync('/cg'), 'EBUSY', 'root');
    failsUnchanged(k, () => k.fs.rmdirSync('/cg/a/tasks'), 'ENOTDIR', 'file');
    failsUnchanged(k, () => k.fs.rmdirSync('/cg/zz'), 'ENOENT', 'missing');
    k.fs.writeFileSync('/cg/tasks', String(p));
    k.fs.rmdirSync('/cg/a/b');
    k.fs.rmdirSync('/cg/a');
    assert.equal(
      (k.fs.readdirSync('/cg') as string[]).filter(
        (n) => !n.includes('.') && n !== 'tasks' && n !== 'notify_on_release' && n !== 'release_agent',
      ),
      [],
    );
    k.exit(p);
    assertIntegrity(k.engine);
    assert.is(k.stats().cgroups, 1);
  });

  t('rename: same parent, EEXIST, EIO across parents, ENOTDIR for files, EINVAL newline', async () => {
    const k = await setup();
    k.fs.mkdirSync('/cg/a/x', { recursive: true });
    k.fs.mkdirSync('/cg/b');
    const p = k.fork(1);
    k.fs.writeFileSync('/cg/a/x/tasks', String(p));
    k.fs.renameSync('/cg/a', '/cg/c');
    assert.is(k.fs.readFileSync(`/proc/${p}/cgroup`, 'utf8'), '1:name=d:/c/x\n');
    failsUnchanged(k, () => k.fs.renameSync('/cg/c', '/cg/b'), 'EEXIST', 'onto existing');
    failsUnchanged(k, () => k.fs.renameSync('/cg/c/x', '/cg/x'), 'EIO', 'cross parent');
    failsUnchanged(k, () => k.fs.renameSync('/cg/c/tasks', '/cg/c/t2'), 'ENOTDIR', 'control file');
    failsUnchanged(k, () => k.fs.renameSync('/cg/c', '/cg/c\nd'), 'EINVAL', 'newline');
    failsUnchanged(k, () => k.fs.renameSync('/cg/nope', '/cg/z'), 'ENOENT', 'missing');
    failsUnchanged(k, () => k.fs.renameSync('/cg', '/cg2'), 'EBUSY', 'mount root');
    k.fs.renameSync('/cg/c', '/cg/c');
    assertIntegrity(k.engine);
  });

  t('unlink EPERM, create EACCES, EISDIR', async () => {
    const k = await setup();
    k.fs.mkdirSync('/cg/a');
    failsUnchanged(k, () => k.fs.unlinkSync('/cg/a/tasks'), 'EPERM', 'unlink control file');
    failsUnchanged(k, () => k.fs.unlinkSync('/cg/a'), 'EISDIR', 'unlink dir');
    failsUnchanged(k, () => k.fs.writeFileSync('/cg/a/newfile', 'x'), 'EACCES', 'create');
    failsUnchanged(k, () => k.fs.writeFileSync('/cg/nodir/newfile', 'x'), 'ENOENT', 'create in missing dir');
    failsUnchanged(k, () => k.fs.writeFileSync('/cg/a', 'x'), 'EISDIR', 'write a dir');
    failsUnchanged(k, () => k.fs.readFileSync('/cg/a'), 'EISDIR', 'read a dir');
    failsUnchanged(k, () => k.fs.readdirSync('/cg/a/tasks'), 'ENOTDIR', 'readdir file');
    failsUnchanged(k, () => k.fs.readFileSync('/cg/a/tasks/'), 'ENOTDIR', 'trailing slash');
  });

  t('descriptors: ENODEV after rmdir; snapshot at first read', async () => {
    const k = await setup();
    k.fs.mkdirSync('/cg/a');
    const p = k.fork(1);
    k.fs.writeFileSync('/cg/a/tasks', String(p));
    const rfd = k.fs.openSync('/cg/a/tasks', 'r');
    const buf = Buffer.alloc(64);
    assert.is(k.fs.readSync(rfd, buf, 0, 2, null), 2);
    k.fs.writeFileSync('/cg/tasks', String(p));
    const n = k.fs.readSync(rfd, buf, 2, 62, null);
    assert.is(buf.subarray(0, 2 + n).toString(), `${p}\n`);
    k.fs.closeSync(rfd);
    const wfd = k.fs.openSync('/cg/a/notify_on_release', 'w');
    const rfd2 = k.fs.openSync('/cg/a/notify_on_release', 'r');
    k.fs.rmdirSync('/cg/a');
    failsUnchanged(k, () => k.fs.writeSync(wfd, '1'), 'ENODEV', 'write after rmdir');
    failsUnchanged(k, () => k.fs.readSync(rfd2, buf), 'ENODEV', 'read after rmdir');
    k.fs.closeSync(wfd);
    k.fs.closeSync(rfd2);
    failsUnchanged(k, () => k.fs.closeSync(wfd), 'EBADF', 'double close');
  });

  t('chmod/chown of files and directories', async () => {
    const k = await setup();
    k.fs.mkdirSync('/cg/a');
    k.fs.chownSync('/cg/a/tasks', 65534, 65534);
    k.fs.chmodSync('/cg/a', 0o777);
    const st = k.fs.statSync('/cg/a/tasks')!;
    assert.equal([st.uid, st.gid, st.mode], [65534, 65534, 0o100644]);
    assert.is(k.fs.statSync('/cg/a')!.mode, 0o40777);
  });

  t.run();
}
