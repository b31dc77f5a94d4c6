// Engine: fork and exit of processes, css_set references, boot state.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { INIT_CSET, TASK_FREE, TASK_LIVE } from '../../src/engine/types.ts';
import { ERRNO } from '../../src/errors.ts';
import { bootChecked, engineKinds } from '../helpers/integrity.ts';

const test = suite('engine/fork-exit');

for (const kind of engineKinds()) {
  test(`${kind}: boot state is init alone on the init css_set`, () => {
    const e = bootChecked(kind, { maxHierarchies: 4 });
    assert.is(e.kind, kind);
    assert.is(e.taskState(1), TASK_LIVE);
    assert.is(e.taskTgid(1), 1);
    assert.is(e.taskPpid(1), 0);
    assert.is(e.taskCset(1), INIT_CSET);
    assert.is(e.pidsInUse(), 1);
    assert.is(e.csetRefcount(INIT_CSET), 2); // init + the permanent reference
    assert.is(e.csetNrTasks(INIT_CSET), 1);
    assert.equal(Array.from(e.csetTasks(INIT_CSET)), [1]);
    assert.equal(Array.from(e.csetCgroups(INIT_CSET)), [0, 0, 0, 0]);
    const s = e.stats();
    assert.equal([s.tasks, s.cssSets, s.cgroups, s.hierarchies], [1, 1, 0, 0]);
    assert.is(e.dump().cursor, 2);
  });

  test(`${kind}: fork shares the parent's css_set and takes a reference`, () => {
    const e = bootChecked(kind);
    const a = e.fork(1, false);
    assert.is(a, 2);
    const b = e.fork(a, false);
    assert.is(b, 3);
    assert.is(e.taskTgid(b), b);
    assert.is(e.taskPpid(a), 1);
    assert.is(e.taskPpid(b), a);
    assert.is(e.taskCset(b), INIT_CSET);
    assert.is(e.csetRefcount(INIT_CSET), 4);
    assert.is(e.csetNrTasks(INIT_CSET), 3);
    assert.is(e.stats().cssSets, 1); // fork never creates a css_set
  });

  test(`${kind}: a child is in exactly its parent's cgroups`, () => {
    const e = bootChecked(kind);
    const h0 = e.hierCreate();
    const h1 = e.hierCreate();
    const a = e.cgroupCreate(e.hierRoot(h0));
    const x = e.cgroupCreate(e.hierRoot(h1));
    const t = e.fork(1, false);
    assert.is(e.attach(t, a, false), 0);
    assert.is(e.attach(t, x, false), 0);
    const cs = e.taskCset(t);
    const sets = e.stats().cssSets;
    const refs = e.csetRefcount(cs);
    const c = e.fork(t, false);
    assert.is(e.taskCset(c), cs);
    assert.is(e.taskCgroup(c, h0), a);
    assert.is(e.taskCgroup(c, h1), x);
    assert.is(e.csetRefcount(cs), refs + 1);
    assert.is(e.stats().cssSets, sets);
    assert.equal(Array.from(e.cgroupTasks(a, false)), [t, c]);
  });

  test(`${kind}: fork of a task that is not LIVE is ESRCH`, () => {
    const e = bootChecked(kind, { pidMax: 1000 });
    for (const p of [0, -1, 2, 999, 1000, 0x7fffffff]) assert.is(e.fork(p, false), -ERRNO.ESRCH);
    const t = e.fork(1, false);
    assert.is(e.exit(t), 0);
    assert.is(e.fork(t, false), -ERRNO.ESRCH);
    assert.is(e.fork(t, true), -ERRNO.ESRCH);
    assert.is(e.pidsInUse(), 1);
  });

  test(`${kind}: exit frees the pid and drops the reference`, () => {
    const e = bootChecked(kind);
    const t = e.fork(1, false);
    assert.is(e.exit(t), 0);
    assert.is(e.taskState(t), TASK_FREE);
    assert.is(e.taskTgid(t), -ERRNO.ESRCH);
    assert.is(e.taskPpid(t), -ERRNO.ESRCH);
    assert.is(e.taskCset(t), -ERRNO.ESRCH);
    assert.is(e.csetRefcount(INIT_CSET), 2);
    assert.is(e.pidsInUse(), 1);
    assert.is(e.exit(t), -ERRNO.ESRCH); // twice
  });

  test(`${kind}: exit errors: init is EPERM, unknown pids ESRCH`, () => {
    const e = bootChecked(kind, { pidMax: 500 });
    assert.is(e.exit(1), -ERRNO.EPERM);
    for (const p of [0, -1, 2, 499, 500, 1 << 30]) assert.is(e.exit(p), -ERRNO.ESRCH);
    assert.is(e.taskState(1), TASK_LIVE);
  });

  test(`${kind}: exit of the last task frees its css_set; the task leaves every list`, () => {
    const e = bootChecked(kind);
    const h = e.hierCreate();
    const a = e.cgroupCreate(e.hierRoot(h));
    const t = e.fork(1, false);
    const u = e.fork(1, false);
    e.attach(t, a, false);
    e.attach(u, a, false);
    const cs = e.taskCset(t);
    assert.is.not(cs, INIT_CSET);
    assert.is(e.cgroupTaskCount(a), 2);
    assert.is(e.exit(t), 0);
    assert.is(e.cgroupTaskCount(a), 1);
    assert.equal(Array.from(e.cgroupTasks(a, false)), [u]);
    assert.is(e.csetRefcount(cs), 1);
    assert.is(e.exit(u), 0);
    assert.is(e.csetRefcount(cs), -ERRNO.ENOENT);
    assert.is(e.csetNrTasks(cs), -ERRNO.ENOENT);
    assert.equal(Array.from(e.csetTasks(cs)), []);
    assert.equal(Array.from(e.cgroupCsets(a)), []);
    assert.is(e.cgroupTaskCount(a), 0);
    assert.is(e.stats().cssSets, 1);
  });

  test(`${kind}: out-of-range pids are FREE`, () => {
    const e = bootChecked(kind, { pidMax: 400 });
    for (const p of [-5, 0, 400, 401, 2 ** 31 - 1]) assert.is(e.taskState(p), TASK_FREE);
  });
}

test.run();
