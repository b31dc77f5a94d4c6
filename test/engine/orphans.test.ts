// Engine: parents and orphans: re-parenting to init when a whole thread group is gone.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { TASK_ZOMBIE } from '../../src/engine/types.ts';
import { ERRNO } from '../../src/errors.ts';
import { bootChecked, engineKinds } from '../helpers/integrity.ts';

const test = suite('engine/orphans');

for (const kind of engineKinds()) {
  test(`${kind}: children of an exited process report ppid 1`, () => {
    const e = bootChecked(kind);
    const a = e.fork(1, false);
    const b = e.fork(a, false);
    const c = e.fork(b, false);
    assert.is(e.taskPpid(b), a);
    assert.is(e.exit(a), 0);
    assert.is(e.taskPpid(b), 1);
    assert.is(e.taskPpid(c), b); // grandchildren keep their own parent
    assert.is(e.exit(b), 0);
    assert.is(e.taskPpid(c), 1);
  });

  test(`${kind}: init has ppid 0, its children ppid 1`, () => {
    const e = bootChecked(kind);
    assert.is(e.taskPpid(1), 0);
    assert.is(e.taskPpid(e.fork(1, false)), 1);
    assert.is(e.taskPpid(0), -ERRNO.ESRCH);
  });

  test(`${kind}: a zombie leader still parents; the group's end orphans its children`, () => {
    const e = bootChecked(kind);
    const p = e.fork(1, false);
    const pt = e.fork(p, true);
    const c1 = e.fork(p, false);
    const c2 = e.fork(pt, false);
    assert.is(e.exit(p), 0);
    assert.is(e.taskState(p), TASK_ZOMBIE);
    assert.is(e.taskPpid(c1), p);
    assert.is(e.taskPpid(c2), p);
    assert.is(e.exit(pt), 0);
    assert.is(e.taskPpid(c1), 1);
    assert.is(e.taskPpid(c2), 1);
  });

  test(`${kind}: a thread's ppid follows its leader's re-parenting`, () => {
    const e = bootChecked(kind);
    const g = e.fork(1, false);
    const p = e.fork(g, false);
    const t = e.fork(p, true);
    assert.is(e.taskPpid(t), g);
    e.exit(g);
    assert.is(e.taskPpid(p), 1);
    assert.is(e.taskPpid(t), 1);
  });

  test(`${kind}: an orphaned zombie leader and its threads report ppid 1`, () => {
    const e = bootChecked(kind);
    const g = e.fork(1, false);
    const p = e.fork(g, false);
    const t = e.fork(p, true);
    e.exit(p);
    e.exit(g);
    assert.is(e.taskState(p), TASK_ZOMBIE);
    assert.is(e.taskPpid(p), 1);
    assert.is(e.taskPpid(t), 1);
  });

  test(`${kind}: a reused pid does not adopt the previous owner's children`, () => {
    const e = bootChecked(kind, { pidMax: 400 });
    e.forkMany(1, 298); // 2 .. 299
    const parent = e.fork(1, false);
    const child = e.fork(parent, false);
    assert.equal([parent, child], [300, 301]);
    e.forkMany(1, 98); // 302 .. 399
    assert.is(e.exit(parent), 0);
    assert.is(e.taskPpid(child), 1);
    const reuse = e.fork(1, false);
    assert.is(reuse, parent); // wrapped: the old parent's pid is handed out again
    assert.is(e.taskPpid(child), 1);
    assert.is(e.exit(reuse), 0);
    assert.is(e.taskPpid(child), 1);
  });

  test(`${kind}: exiting a child does not disturb its siblings`, () => {
    const e = bootChecked(kind);
    const p = e.fork(1, false);
    const kids = [e.fork(p, false), e.fork(p, false), e.fork(p, false)];
    e.exit(kids[1]!);
    e.exit(p);
    assert.is(e.taskPpid(kids[0]!), 1);
    assert.is(e.taskPpid(kids[2]!), 1);
  });
}

test.run();
