// Engine: attach: css_set lookup and reuse, creation and freeing, no-op attach, errors.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { INIT_CSET } from '../../src/engine/types.ts';
import { ERRNO } from '../../src/errors.ts';
import { bootChecked, engineKinds } from '../helpers/integrity.ts';

const test = suite('engine/attach');
const list = (a: Int32Array) => Array.from(a);

for (const kind of engineKinds()) {
  test(`${kind}: moving T1 to /b and back finds the original css_set`, () => {
    const e = bootChecked(kind);
    const h = e.hierCreate();
    const root = e.hierRoot(h);
    const a = e.cgroupCreate(root);
    const b = e.cgroupCreate(root);
    const t1 = e.fork(1, false);
    const t2 = e.fork(1, false);
    e.attach(t1, a, false);
    e.attach(t2, a, false);
    const csA = e.taskCset(t1);
    assert.is(e.taskCset(t2), csA);
    assert.is(e.csetRefcount(csA), 2);
    assert.is(e.stats().cssSets, 2);

    assert.is(e.attach(t1, b, false), 0);
    const csB = e.taskCset(t1);
    assert.is.not(csB, csA);
    assert.is(e.stats().cssSets, 3);
    assert.is(e.csetRefcount(csA), 1);
    assert.is(e.csetRefcount(csB), 1);
    assert.equal(list(e.csetCgroups(csB)).slice(0, 1), [b]);

    assert.is(e.attach(t1, a, false), 0);
    assert.is(e.taskCset(t1), csA); // found by lookup, not re-created
    assert.is(e.csetRefcount(csA), 2);
    assert.is(e.csetRefcount(csB), -ERRNO.ENOENT); // freed at refcount 0
    assert.is(e.stats().cssSets, 2);
  });

  test(`${kind}: the first move creates a css_set with the next id; freed ids are reused`, () => {
    const e = bootChecked(kind);
    const h = e.hierCreate();
    const root = e.hierRoot(h);
    const [a, b, c] = [e.cgroupCreate(root), e.cgroupCreate(root), e.cgroupCreate(root)];
    const t = e.fork(1, false);
    const u = e.fork(1, false);
    e.attach(t, a, false);
    assert.is(e.taskCset(t), 2);
    e.attach(u, b, false);
    assert.is(e.taskCset(u), 3);
    e.attach(t, root, false); // frees 2
    assert.is(e.taskCset(t), INIT_CSET);
    e.attach(u, root, false); // frees 3
    e.attach(t, c, false);
    assert.is(e.taskCset(t), 3); // LIFO: the last freed id first
    e.attach(u, c, false);
    assert.is(e.taskCset(u), 3);
    e.attach(u, a, false);
    assert.is(e.taskCset(u), 2);
    e.attach(1, b, false);
    assert.is(e.taskCset(1), 4); // stack empty: one past the highest
  });

  test(`${kind}: attaching to the current cgroup changes nothing`, () => {
    const e = bootChecked(kind);
    const h = e.hierCreate();
    const root = e.hierRoot(h);
    const a = e.cgroupCreate(root);
    e.cgroupSetNotify(a, true);
    const t = e.fork(1, false);
    e.attach(t, a, false);
    const before = e.dump();
    assert.is(e.attach(t, a, false), 0);
    assert.is(e.attach(t, a, true), 0);
    assert.is(e.attachMany(Int32Array.of(t, t), a), 2);
    assert.equal(e.dump(), before);
    assert.is(e.attach(1, root, false), 0);
    assert.equal(e.dump(), before);
  });

  test(`${kind}: moving back to the root returns to the init css_set`, () => {
    const e = bootChecked(kind);
    const h = e.hierCreate();
    const a = e.cgroupCreate(e.hierRoot(h));
    const t = e.fork(1, false);
    e.attach(t, a, false);
    assert.is(e.attach(t, e.hierRoot(h), false), 0);
    assert.is(e.taskCset(t), INIT_CSET);
    assert.is(e.stats().cssSets, 1);
    assert.is(e.csetRefcount(INIT_CSET), 3);
  });

  test(`${kind}: vectors combine hierarchies; equal vectors share one css_set`, () => {
    const e = bootChecked(kind, { maxHierarchies: 3 });
    const h0 = e.hierCreate();
    const h1 = e.hierCreate();
    const a = e.cgroupCreate(e.hierRoot(h0));
    const x = e.cgroupCreate(e.hierRoot(h1));
    const t = e.fork(1, false);
    const u = e.fork(1, false);
    e.attach(t, a, false);
    e.attach(t, x, false);
    assert.equal(list(e.csetCgroups(e.taskCset(t))), [a, x, 0]);
    e.attach(u, x, false); // [root0, x]
    e.attach(u, a, false); // [a, x], the same vector as t's, reached the other way round
    assert.is(e.taskCset(u), e.taskCset(t));
    assert.is(e.stats().cssSets, 2);
    assert.is(e.taskCgroup(u, h0), a);
    assert.is(e.taskCgroup(u, h1), x);
    assert.equal(list(e.cgroupCsets(a)), [e.taskCset(t)]);
    assert.equal(list(e.cgroupCsets(e.hierRoot(h0))), [INIT_CSET]);
  });

  test(`${kind}: errors: unknown cgroup ENOENT, unknown pid ESRCH`, () => {
    const e = bootChecked(kind);
    const h = e.hierCreate();
    const a = e.cgroupCreate(e.hierRoot(h));
    for (const cg of [0, -1, 999]) assert.is(e.attach(1, cg, false), -ERRNO.ENOENT);
    for (const pid of [0, -1, 77, 1 << 30]) assert.is(e.attach(pid, a, false), -ERRNO.ESRCH);
    assert.is(e.attach(77, a, true), -ERRNO.ESRCH);
    // the cgroup is checked first, as the tasks file must exist before a pid is written to it
    assert.is(e.attach(77, 999, false), -ERRNO.ENOENT);
    const t = e.fork(1, false);
    e.exit(t);
    assert.is(e.attach(t, a, false), -ERRNO.ESRCH);
    assert.is(e.cgroupDestroy(a), 0);
    assert.is(e.attach(1, a, false), -ERRNO.ENOENT);
  });

  test(`${kind}: attachMany moves each task, returns the count`, () => {
    const e = bootChecked(kind);
    const h = e.hierCreate();
    const a = e.cgroupCreate(e.hierRoot(h));
    const pids = e.forkMany(1, 5) as Int32Array;
    const th = e.fork(pids[0]!, true);
    assert.is(e.attachMany(pids, a), 5);
    assert.equal(list(e.cgroupTasks(a, false)), list(pids));
    assert.is(e.taskCgroup(th, h), e.hierRoot(h)); // not a group move
    assert.is(e.attachMany(new Int32Array(0), a), 0);
    assert.is(e.csetRefcount(e.taskCset(pids[0]!)), 5);
  });

  test(`${kind}: one task's many moves create and free css_sets without leaks`, () => {
    const e = bootChecked(kind);
    const h = e.hierCreate();
    const root = e.hierRoot(h);
    const cgs = [e.cgroupCreate(root), e.cgroupCreate(root), e.cgroupCreate(root)];
    const t = e.fork(1, false);
    for (let i = 0; i < 12; i++) e.attach(t, cgs[i % 3]!, false);
    assert.is(e.stats().cssSets, 2);
    e.exit(t);
    assert.is(e.stats().cssSets, 1);
  });
}

test.run();
