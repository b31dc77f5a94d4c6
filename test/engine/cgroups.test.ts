// Engine: cgroup create/destroy (EBUSY rules, id reuse), populated, css references.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ERRNO } from '../../src/errors.ts';
import { bootChecked, engineKinds } from '../helpers/integrity.ts';

const test = suite('engine/cgroups');
const list = (a: Int32Array) => Array.from(a);

for (const kind of engineKinds()) {
  test(`${kind}: cgroupCreate builds a child in the parent's hierarchy`, () => {
    const e = bootChecked(kind, { maxHierarchies: 2 });
    e.hierCreate();
    const h = e.hierCreate();
    const root = e.hierRoot(h);
    const a = e.cgroupCreate(root);
    const b = e.cgroupCreate(root);
    const ab = e.cgroupCreate(a);
    assert.equal([a, b, ab], [3, 4, 5]);
    assert.is(e.cgroupParent(ab), a);
    assert.is(e.cgroupHier(ab), h);
    assert.equal(list(e.cgroupChildren(root)), [a, b]);
    assert.equal(list(e.cgroupChildren(a)), [ab]);
    assert.not.ok(e.cgroupNotify(a));
    assert.not.ok(e.cgroupPopulated(a));
    assert.is(e.cgroupCssRefs(a), 0);
    assert.is(e.cgroupTaskCount(a), 0);
    assert.is(e.hierNrCgroups(h), 4);
    assert.is(e.hierNrCgroups(0), 1);
    for (const p of [0, -1, 99]) assert.is(e.cgroupCreate(p), -ERRNO.ENOENT);
  });

  test(`${kind}: cgroupDestroy: EBUSY for a root, tasks, children or css refs`, () => {
    const e = bootChecked(kind);
    const h = e.hierCreate();
    const root = e.hierRoot(h);
    const a = e.cgroupCreate(root);
    const b = e.cgroupCreate(root);
    const bc = e.cgroupCreate(b);
    const c = e.cgroupCreate(root);
    const t = e.fork(1, false);
    e.attach(t, a, false);
    assert.is(e.cgroupDestroy(root), -ERRNO.EBUSY);
    assert.is(e.cgroupDestroy(a), -ERRNO.EBUSY);
    assert.is(e.cgroupDestroy(b), -ERRNO.EBUSY);
    assert.is(e.cssGet(c), 0);
    assert.is(e.cgroupDestroy(c), -ERRNO.EBUSY);
    for (const g of [0, -1, 1234]) assert.is(e.cgroupDestroy(g), -ERRNO.ENOENT);

    e.attach(t, root, false);
    assert.is(e.cgroupDestroy(a), 0);
    assert.is(e.cgroupDestroy(bc), 0);
    assert.is(e.cgroupDestroy(b), 0);
    assert.is(e.cssPut(c), 0);
    assert.is(e.cgroupDestroy(c), 0);
    assert.is(e.cgroupDestroy(c), -ERRNO.ENOENT);
    assert.is(e.hierNrCgroups(h), 1);
    assert.equal(list(e.cgroupChildren(root)), []);
  });

  test(`${kind}: a removed cgroup answers ENOENT / empty`, () => {
    const e = bootChecked(kind);
    const h = e.hierCreate();
    const a = e.cgroupCreate(e.hierRoot(h));
    e.cgroupSetNotify(a, true);
    e.cgroupDestroy(a);
    assert.is(e.cgroupParent(a), -ERRNO.ENOENT);
    assert.is(e.cgroupHier(a), -ERRNO.ENOENT);
    assert.is(e.cgroupSetNotify(a, true), -ERRNO.ENOENT);
    assert.is(e.cssGet(a), -ERRNO.ENOENT);
    assert.is(e.cssPut(a), -ERRNO.ENOENT);
    assert.is(e.cgroupCssRefs(a), -ERRNO.ENOENT);
    assert.not.ok(e.cgroupNotify(a));
    assert.not.ok(e.cgroupPopulated(a));
    assert.is(e.cgroupTaskCount(a), 0);
    assert.equal(list(e.cgroupChildren(a)), []);
    assert.equal(list(e.cgroupTasks(a, false)), []);
    assert.equal(list(e.cgroupCsets(a)), []);
  });

  test(`${kind}: freed cgroup ids are reused last-freed first`, () => {
    const e = bootChecked(kind);
    const h = e.hierCreate();
    const root = e.hierRoot(h);
    const [a, b, c] = [e.cgroupCreate(root), e.cgroupCreate(root), e.cgroupCreate(root)];
    e.cgroupDestroy(b);
    e.cgroupDestroy(a);
    assert.is(e.cgroupCreate(root), a);
    assert.is(e.cgroupCreate(root), b);
    assert.is(e.cgroupCreate(root), c + 1);
    assert.equal(list(e.cgroupChildren(root)), [c, a, b, c + 1]); // creation order
  });

  test(`${kind}: a reused id starts clean`, () => {
    const e = bootChecked(kind);
    const h = e.hierCreate();
    const root = e.hierRoot(h);
    const a = e.cgroupCreate(root);
    e.cgroupSetNotify(a, true);
    e.charge(1, 5, 0, 0, h);
    e.cssGet(a);
    e.cssPut(a);
    e.cgroupDestroy(a);
    const again = e.cgroupCreate(root);
    assert.is(again, a);
    assert.not.ok(e.cgroupNotify(again));
    assert.is(e.cgroupCssRefs(again), 0);
    assert.is(e.cpuacctUsage(again, 0, 0), 0n);
  });

  test(`${kind}: populated is hierarchical and follows the tasks`, () => {
    const e = bootChecked(kind);
    const h = e.hierCreate();
    const root = e.hierRoot(h);
    const a = e.cgroupCreate(root);
    const ab = e.cgroupCreate(a);
    const abc = e.cgroupCreate(ab);
    const t = e.fork(1, false);
    e.attach(t, abc, false);
    assert.ok(e.cgroupPopulated(abc));
    assert.ok(e.cgroupPopulated(ab));
    assert.ok(e.cgroupPopulated(a));
    assert.is(e.cgroupTaskCount(a), 0); // task count is not hierarchical
    e.attach(t, ab, false);
    assert.not.ok(e.cgroupPopulated(abc));
    assert.ok(e.cgroupPopulated(a));
    e.exit(t);
    assert.not.ok(e.cgroupPopulated(ab));
    assert.not.ok(e.cgroupPopulated(a));
    assert.ok(e.cgroupPopulated(root));
  });

  test(`${kind}: a zombie leader does not keep a cgroup busy; its live threads do`, () => {
    const e = bootChecked(kind);
    const h = e.hierCreate();
    const root = e.hierRoot(h);
    const a = e.cgroupCreate(root);
    const b = e.cgroupCreate(root);
    const p = e.fork(1, false);
    const t = e.fork(p, true);
    e.attach(p, a, false);
    e.attach(t, b, false);
    e.exit(p);
    assert.not.ok(e.cgroupPopulated(a));
    assert.is(e.cgroupDestroy(a), 0);
    assert.is(e.cgroupDestroy(b), -ERRNO.EBUSY);
  });

  test(`${kind}: css references: counted on children only`, () => {
    const e = bootChecked(kind);
    const h = e.hierCreate();
    const root = e.hierRoot(h);
    const a = e.cgroupCreate(root);
    assert.is(e.cssGet(root), 0);
    assert.is(e.cgroupCssRefs(root), 0);
    assert.is(e.cssPut(root), 0);
    assert.is(e.cssPut(root), 0);
    assert.is(e.cssGet(a), 0);
    assert.is(e.cssGet(a), 0);
    assert.is(e.cgroupCssRefs(a), 2);
    assert.is(e.cssPut(a), 0);
    assert.is(e.cssPut(a), 0);
    assert.is(e.cssPut(a), -ERRNO.EINVAL);
    assert.is(e.cgroupCssRefs(a), 0);
    for (const g of [0, 99]) {
      assert.is(e.cssGet(g), -ERRNO.ENOENT);
      assert.is(e.cssPut(g), -ERRNO.ENOENT);
    }
  });

  test(`${kind}: notify is a plain flag`, () => {
    const e = bootChecked(kind);
    const h = e.hierCreate();
    const a = e.cgroupCreate(e.hierRoot(h));
    assert.is(e.cgroupSetNotify(a, true), 0);
    assert.ok(e.cgroupNotify(a));
    assert.is(e.cgroupSetNotify(a, false), 0);
    assert.not.ok(e.cgroupNotify(a));
    assert.is(e.cgroupSetNotify(e.hierRoot(h), true), 0);
    assert.ok(e.cgroupNotify(e.hierRoot(h)));
    assert.is(e.cgroupSetNotify(77, true), -ERRNO.ENOENT);
  });
}

test.run();
