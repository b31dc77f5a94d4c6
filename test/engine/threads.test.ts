// Engine: thread groups: thread fork, zombie leaders, group attach, tasks vs procs listings.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { INIT_CSET, TASK_FREE, TASK_LIVE, TASK_ZOMBIE } from '../../src/engine/types.ts';
import { ERRNO } from '../../src/errors.ts';
import { bootChecked, engineKinds } from '../helpers/integrity.ts';

const test = suite('engine/threads');
const list = (a: Int32Array | number) => (typeof a === 'number' ? a : Array.from(a));

for (const kind of engineKinds()) {
  test(`${kind}: a thread joins its creator's group and shares its parent`, () => {
    const e = bootChecked(kind);
    const p = e.fork(1, false);
    const q = e.fork(p, false);
    const t1 = e.fork(q, true);
    const t2 = e.fork(t1, true); // a thread of a thread is in the same group
    assert.is(e.taskTgid(t1), q);
    assert.is(e.taskTgid(t2), q);
    assert.is(e.taskPpid(t1), p);
    assert.is(e.taskPpid(t2), p);
    assert.equal(list(e.threadGroup(q)), [q, t1, t2]);
    assert.equal(list(e.threadGroup(t2)), [q, t1, t2]);
    assert.equal(list(e.threadGroup(p)), [p]);
    assert.is(e.threadGroup(999), -ERRNO.ESRCH);
  });

  test(`${kind}: a process forked by a thread has the group's leader as parent`, () => {
    const e = bootChecked(kind);
    const p = e.fork(1, false);
    const t = e.fork(p, true);
    const c = e.fork(t, false);
    assert.is(e.taskTgid(c), c);
    assert.is(e.taskPpid(c), p);
    assert.is(e.exit(t), 0);
    assert.is(e.taskPpid(c), p); // the group lives on
  });

  test(`${kind}: a leader exiting with live threads becomes a zombie`, () => {
    const e = bootChecked(kind);
    const h = e.hierCreate();
    const root = e.hierRoot(h);
    const a = e.cgroupCreate(root);
    const p = e.fork(1, false);
    const t = e.fork(p, true);
    assert.is(e.attach(p, a, true), 0);
    const cs = e.taskCset(p);
    assert.is(e.csetRefcount(cs), 2);
    assert.is(e.exit(p), 0);
    assert.is(e.taskState(p), TASK_ZOMBIE);
    assert.is(e.taskTgid(p), p);
    assert.is(e.taskTgid(t), p);
    assert.is(e.taskCset(p), INIT_CSET);
    assert.is(e.taskCgroup(p, h), root); // a zombie is in every root
    assert.is(e.csetRefcount(cs), 1);
    assert.equal(list(e.csetTasks(cs)), [t]);
    assert.equal(list(e.cgroupTasks(a, false)), [t]);
    assert.equal(list(e.cgroupTasks(a, true)), [p]); // the group is still listed by its tgid
    assert.equal(list(e.threadGroup(p)), [t]);
    assert.is(e.pidsInUse(), 3);
    assert.is(e.stats().tasks, 2);
    // a zombie cannot fork or exit again
    assert.is(e.fork(p, false), -ERRNO.ESRCH);
    assert.is(e.fork(p, true), -ERRNO.ESRCH);
    assert.is(e.exit(p), -ERRNO.ESRCH);
  });

  test(`${kind}: the last thread's exit frees the zombie leader`, () => {
    const e = bootChecked(kind);
    const p = e.fork(1, false);
    const t1 = e.fork(p, true);
    const t2 = e.fork(p, true);
    e.exit(p);
    e.exit(t1);
    assert.is(e.taskState(p), TASK_ZOMBIE);
    const t3 = e.fork(t2, true); // the group can still grow through a live thread
    assert.is(e.taskTgid(t3), p);
    e.exit(t2);
    assert.is(e.taskState(p), TASK_ZOMBIE);
    e.exit(t3);
    assert.is(e.taskState(p), TASK_FREE);
    assert.is(e.taskState(t3), TASK_FREE);
    assert.is(e.pidsInUse(), 1);
  });

  test(`${kind}: threads exiting before their leader free only themselves`, () => {
    const e = bootChecked(kind);
    const p = e.fork(1, false);
    const t = e.fork(p, true);
    e.exit(t);
    assert.is(e.taskState(t), TASK_FREE);
    assert.is(e.taskState(p), TASK_LIVE);
    e.exit(p);
    assert.is(e.taskState(p), TASK_FREE);
  });

  test(`${kind}: group attach moves every live task of the group`, () => {
    const e = bootChecked(kind);
    const h = e.hierCreate();
    const a = e.cgroupCreate(e.hierRoot(h));
    const b = e.cgroupCreate(e.hierRoot(h));
    const p = e.fork(1, false);
    const t1 = e.fork(p, true);
    const t2 = e.fork(p, true);
    const other = e.fork(p, false); // a child process is not in the group
    assert.is(e.attach(t1, a, true), 0); // by any member
    assert.equal(list(e.cgroupTasks(a, false)), [p, t1, t2]);
    assert.equal(list(e.cgroupTasks(a, true)), [p]);
    assert.is(e.taskCgroup(other, h), e.hierRoot(h));
    // one thread alone
    assert.is(e.attach(t2, b, false), 0);
    assert.equal(list(e.cgroupTasks(a, false)), [p, t1]);
    assert.equal(list(e.cgroupTasks(b, false)), [t2]);
    assert.equal(list(e.cgroupTasks(a, true)), [p]);
    assert.equal(list(e.cgroupTasks(b, true)), [p]);
    // group attach with a zombie leader moves the live threads only
    e.exit(p);
    assert.is(e.attach(p, b, true), 0);
    assert.equal(list(e.cgroupTasks(b, false)), [t1, t2]);
    assert.equal(list(e.cgroupTasks(a, false)), []);
    assert.is(e.stats().cssSets, 2);
  });

  test(`${kind}: attaching a zombie alone is a successful no-op`, () => {
    const e = bootChecked(kind);
    const h = e.hierCreate();
    const a = e.cgroupCreate(e.hierRoot(h));
    const p = e.fork(1, false);
    e.fork(p, true);
    e.exit(p);
    const before = e.dump();
    assert.is(e.attach(p, a, false), 0);
    assert.equal(e.dump(), before);
    assert.is(e.attachMany(Int32Array.of(p), a), 1);
    assert.equal(e.dump(), before);
  });

  test(`${kind}: procs lists each group once, sorted by tgid`, () => {
    const e = bootChecked(kind);
    const h = e.hierCreate();
    const a = e.cgroupCreate(e.hierRoot(h));
    const p = e.fork(1, false);
    const q = e.fork(1, false);
    const qt = e.fork(q, true);
    const pt = e.fork(p, true);
    e.attach(qt, a, false);
    e.attach(pt, a, false);
    e.attach(q, a, false);
    assert.equal(
      list(e.cgroupTasks(a, false)),
      [q, qt, pt].sort((x, y) => x - y),
    );
    assert.equal(list(e.cgroupTasks(a, true)), [p, q]);
    assert.equal(list(e.cgroupTasks(e.hierRoot(h), true)), [1, p]);
  });

  test(`${kind}: init can have threads`, () => {
    const e = bootChecked(kind);
    const t = e.fork(1, true);
    assert.is(e.taskTgid(t), 1);
    assert.is(e.taskPpid(t), 0);
    assert.equal(list(e.threadGroup(1)), [1, t]);
    assert.is(e.exit(t), 0);
  });
}

test.run();
