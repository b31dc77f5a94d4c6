// Delegation: credentials, chown of a tasks file, EACCES rules for moving other users' tasks.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { boot, ENGINES, failsUnchanged } from '../helpers/kernel.ts';

for (const engine of ENGINES) {
  const t = suite(`permissions [${engine}]`);

  t('nobody: own pid OK with a delegated tasks file, root task EACCES, mkdir EACCES', async () => {
    const k = await boot(engine);
    k.mount('/cg', 'none,name=perm');
    k.fs.mkdirSync('/cg/a');
    const me = k.fork(1);
    k.setCredentials(me, { uid: 65534, gid: 65534 });
    const rootTask = k.fork(1);
    const nobody = k.as(me).fs;
    failsUnchanged(k, () => nobody.writeFileSync('/cg/a/tasks', String(me)), 'EACCES', 'root-owned tasks');
    k.fs.chownSync('/cg/a/tasks', 65534, 65534);
    nobody.writeFileSync('/cg/a/tasks', String(me));
    assert.is(k.fs.readFileSync('/cg/a/tasks', 'utf8'), `${me}\n`);
    failsUnchanged(k, () => nobody.writeFileSync('/cg/a/tasks', String(rootTask)), 'EACCES', "root's task");
    failsUnchanged(k, () => nobody.mkdirSync('/cg/a/sub'), 'EACCES', 'mkdir in root-owned dir');
    failsUnchanged(k, () => nobody.writeFileSync('/cg/release_agent', '/x'), 'EACCES', 'release_agent mode');
    failsUnchanged(k, () => nobody.chmodSync('/cg/a', 0o777), 'EPERM', 'chmod not owner');
    k.fs.chownSync('/cg/a', 65534, 65534);
    nobody.mkdirSync('/cg/a/sub');
    assert.is(k.fs.statSync('/cg/a/sub/tasks')!.uid, 65534);
    const child = k.fork(me);
    assert.match(k.fs.readFileSync(`/proc/${child}/status`, 'utf8') as string, 'Uid:\t65534');
  });

  t.run();
}
