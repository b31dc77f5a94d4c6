// Profile 'v11': container_clone() (semantics.md §11): a child `node_<pid>` of the task's
// cgroup in the subsystem's hierarchy, initialised by post_clone (cpuset copies cpus/mems),
// the task moved in (marking the old cgroup RELEASABLE); EEXIST if the name exists; nothing
// when the subsystem is not mounted.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { boot, ENGINES, throwsCode } from '../helpers/kernel.ts';

for (const engine of ENGINES) {
  const t = suite(`profile v11: container_clone [${engine}]`);

  t('node_<pid> under the current cgroup, cpus/mems copied, task moved, old cgroup RELEASABLE', async () => {
    const k = await boot(engine, { profile: 'v11', cpus: 2 });
    assert.is(k.containerClone(1, 'cpuset'), null, 'not mounted: nothing happens');
    k.mount('/cs', 'cpuset');
    k.fs.mkdirSync('/cs/p');
    k.fs.writeFileSync('/cs/p/cpuset.cpus', '1');
    k.fs.writeFileSync('/cs/p/cpuset.mems', '0');
    const x = k.fork(1);
    k.fs.writeFileSync('/cs/p/tasks', String(x));
    assert.is(k.containerClone(x, 'cpuset'), `/p/node_${x}`);
    assert.is(k.fs.readFileSync(`/cs/p/node_${x}/cpuset.cpus`, 'utf8'), '1\n');
    assert.is(k.fs.readFileSync(`/cs/p/node_${x}/tasks`, 'utf8'), `${x}\n`);
    assert.is(k.fs.readFileSync(`/proc/${x}/container`, 'utf8'), `cpuset:/p/node_${x}\n`);
    assert.is(k.fs.readFileSync('/cs/p/releasable', 'utf8'), '1\n');
    assert.is(k.fs.readFileSync(`/cs/p/node_${x}/notify_on_release`, 'utf8'), '0\n');
  });

  t('EEXIST when node_<pid> exists', async () => {
    const k = await boot(engine, { profile: 'v11' });
    k.mount('/d', 'debug');
    const x = k.fork(1);
    k.fs.mkdirSync(`/d/node_${x}`);
    throwsCode(() => k.containerClone(x, 'debug'), 'EEXIST');
  });

  t.run();
}
