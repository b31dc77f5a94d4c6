// k.attach / k.attachMany: the fast paths resolve paths like the fs (through a cache that
// renames, mounts and unmounts invalidate) and keep the tasks-file semantics.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { assertIntegrity, boot, ENGINES, failsUnchanged } from '../helpers/kernel.ts';

for (const engine of ENGINES) {
  const t = suite(`attach fast path [${engine}]`);

  t('paths follow renames, rmdir/mkdir of the same name, remounts', async () => {
    const k = await boot(engine);
    k.mount('/cg', 'none,name=f');
    k.fs.mkdirSync('/cg/a');
    const p = k.fork(1);
    k.attach(p, '/cg/a');
    assert.is(k.fs.readFileSync('/cg/a/tasks', 'utf8'), `${p}\n`);
    k.fs.renameSync('/cg/a', '/cg/b');
    failsUnchanged(k, () => k.attach(p, '/cg/a'), 'ENOENT', 'renamed away');
    k.attach(p, '/cg');
    k.fs.rmdirSync('/cg/b');
    k.fs.mkdirSync('/cg/b');
    k.attach(p, '/cg/b');
    assert.is(k.fs.readFileSync('/cg/b/tasks', 'utf8'), `${p}\n`);
    // The same path names another hierarchy after umount + mount.
    k.umount('/cg');
    k.mount('/cg', 'none,name=g');
    k.fs.mkdirSync('/cg/b');
    k.attach(p, '/cg/b');
    assert.is(k.fs.readFileSync(`/proc/${p}/cgroup`, 'utf8'), '2:name=g:/b\n1:name=f:/b\n');
    k.attachMany([p], '/cg');
    assert.is(k.fs.readFileSync(`/proc/${p}/cgroup`, 'utf8'), '2:name=g:/\n1:name=f:/b\n');
    failsUnchanged(k, () => k.attach(99999, '/cg'), 'ESRCH', 'no such task');
    failsUnchanged(k, () => k.attachMany([p, 99999], '/cg/b'), 'ESRCH', 'one bad pid');
    assertIntegrity(k.engine);
  });

  t.run();
}
