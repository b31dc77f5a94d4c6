// Engine: hierarchies: mount links every css_set to the new root; destroy and slot reuse.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { INIT_CSET } from '../../src/engine/types.ts';
import { ERRNO } from '../../src/errors.ts';
import { bootChecked, engineKinds } from '../helpers/integrity.ts';

const test = suite('engine/hierarchy');
const list = (a: Int32Array) => Array.from(a);

for (const kind of engineKinds()) {
  test(`${kind}: hierCreate takes the lowest slot and makes a populated root`, () => {
    const e = bootChecked(kind, { maxHierarchies: 4 });
    const t = e.fork(1, false);
    assert.is(e.hierCreate(), 0);
    const root = e.hierRoot(0);
    assert.is(root, 1);
    assert.is(e.hierNrCgroups(0), 1);
    assert.is(e.cgroupParent(root), 0);
    assert.is(e.cgroupHier(root), 0);
    assert.ok(e.cgroupPopulated(root));
    assert.not.ok(e.cgroupNotify(root));
    assert.equal(list(e.cgroupTasks(root, false)), [1, t]);
    assert.equal(list(e.cgroupCsets(root)), [INIT_CSET]);
    assert.equal(list(e.csetCgroups(INIT_CSET)), [root, 0, 0, 0]);
    assert.is(e.taskCgroup(t, 0), root);
    assert.is(e.cgroupTaskCount(root), 2);
    assert.is(e.hierCreate(), 1);
    assert.is(e.hierRoot(1), 2);
    assert.is(e.stats().hierarchies, 2);
  });

  test(`${kind}: a mount links every live css_set and creates none`, () => {
    const e = bootChecked(kind, { maxHierarchies: 3 });
    const h0 = e.hierCreate();
    const a = e.cgroupCreate(e.hierRoot(h0));
    const t = e.fork(1, false);
    e.attach(t, a, false);
    const cs = e.taskCset(t);
    const h1 = e.hierCreate();
    const r1 = e.hierRoot(h1);
    assert.is(e.stats().cssSets, 2);
    assert.equal(
      list(e.cgroupCsets(r1)),
      [INIT_CSET, cs].sort((x, y) => x - y),
    );
    assert.equal(list(e.csetCgroups(cs)), [a, r1, 0]);
    assert.is(e.taskCgroup(t, h1), r1);
    assert.is(e.taskCset(t), cs); // the css_set itself is unchanged
  });

  test(`${kind}: ENOSPC when every slot is taken`, () => {
    const e = bootChecked(kind, { maxHierarchies: 2 });
    assert.is(e.hierCreate(), 0);
    assert.is(e.hierCreate(), 1);
    const before = e.dump();
    assert.is(e.hierCreate(), -ERRNO.ENOSPC);
    assert.equal(e.dump(), before);
  });

  test(`${kind}: hierDestroy: EINVAL for dead slots, EBUSY with children`, () => {
    const e = bootChecked(kind, { maxHierarchies: 2 });
    for (const h of [-1, 0, 1, 2, 99]) assert.is(e.hierDestroy(h), -ERRNO.EINVAL);
    const h = e.hierCreate();
    const a = e.cgroupCreate(e.hierRoot(h));
    assert.is(e.hierDestroy(h), -ERRNO.EBUSY);
    assert.is(e.cgroupDestroy(a), 0);
    assert.is(e.hierDestroy(h), 0);
    assert.is(e.hierDestroy(h), -ERRNO.EINVAL);
  });

  test(`${kind}: a destroyed hierarchy is unlinked everywhere`, () => {
    const e = bootChecked(kind, { maxHierarchies: 3 });
    const h0 = e.hierCreate();
    const h1 = e.hierCreate();
    const r0 = e.hierRoot(h0);
    const x = e.cgroupCreate(e.hierRoot(h1));
    const t = e.fork(1, false);
    e.attach(t, x, false);
    const cs = e.taskCset(t);
    assert.is(e.hierDestroy(h0), 0);
    assert.equal(list(e.csetCgroups(cs)), [0, x, 0]);
    assert.equal(list(e.csetCgroups(INIT_CSET)), [0, e.hierRoot(h1), 0]);
    assert.is(e.hierRoot(h0), -ERRNO.EINVAL);
    assert.is(e.hierNrCgroups(h0), -ERRNO.EINVAL);
    assert.is(e.taskCgroup(t, h0), -ERRNO.EINVAL);
    assert.is(e.cgroupHier(r0), -ERRNO.ENOENT);
    assert.is(e.cgroupParent(r0), -ERRNO.ENOENT);
    assert.equal(list(e.cgroupTasks(r0, false)), []);
    assert.is(e.stats().hierarchies, 1);
    assert.is(e.stats().cgroups, 2);
    assert.is(e.stats().cssSets, 2); // vectors stay distinct: they differ in slot h1
  });

  test(`${kind}: slots and root ids are reused`, () => {
    const e = bootChecked(kind, { maxHierarchies: 4 });
    e.hierCreate();
    e.hierCreate();
    e.hierCreate();
    const r1 = e.hierRoot(1);
    assert.is(e.hierDestroy(1), 0);
    assert.is(e.hierCreate(), 1); // lowest free slot
    assert.is(e.hierRoot(1), r1); // freed cgroup id reused first
    assert.is(e.hierCreate(), 3);
    assert.is(e.hierRoot(3), 4);
  });

  test(`${kind}: remount after destroy links the css_sets again`, () => {
    const e = bootChecked(kind, { maxHierarchies: 2 });
    const h0 = e.hierCreate();
    const h1 = e.hierCreate();
    const x = e.cgroupCreate(e.hierRoot(h1));
    const t = e.fork(1, false);
    e.attach(t, x, false);
    e.hierDestroy(h0);
    const again = e.hierCreate();
    assert.is(again, h0);
    const r = e.hierRoot(again);
    assert.is(e.taskCgroup(t, again), r);
    assert.is(e.taskCgroup(1, again), r);
    assert.equal(list(e.cgroupTasks(r, false)), [1, t]);
  });

  test(`${kind}: a zombie is in every root`, () => {
    const e = bootChecked(kind, { maxHierarchies: 2 });
    const h = e.hierCreate();
    const a = e.cgroupCreate(e.hierRoot(h));
    const p = e.fork(1, false);
    const t = e.fork(p, true);
    e.attach(p, a, true);
    e.exit(p);
    assert.is(e.taskCgroup(p, h), e.hierRoot(h));
    assert.is(e.taskCgroup(t, h), a);
    const h2 = e.hierCreate();
    assert.is(e.taskCgroup(p, h2), e.hierRoot(h2));
  });
}

test.run();
