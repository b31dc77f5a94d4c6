// Engine: the release queue: the semantics.md §10.4 trigger matrix, queued once, FIFO.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Engine } from '../../src/engine/types.ts';
import { bootChecked, engineKinds } from '../helpers/integrity.ts';

const test = suite('engine/release');

/** Pop the whole release queue. */
function drain(e: Engine): number[] {
  const out: number[] = [];
  for (let id = e.releasePop(); id !== 0; id = e.releasePop()) out.push(id);
  return out;
}

/** A hierarchy with `n` children of the root, each with notify on; returns [root, ...children]. */
function setup(e: Engine, n: number, notify = true): number[] {
  const root = e.hierRoot(e.hierCreate());
  const cgs = [root];
  for (let i = 0; i < n; i++) {
    const c = e.cgroupCreate(root);
    e.cgroupSetNotify(c, notify);
    cgs.push(c);
  }
  return cgs;
}

for (const kind of engineKinds()) {
  // ---- §10.4, row by row
  test(`${kind}: last task moved out of X (notify=1) queues X`, () => {
    const e = bootChecked(kind);
    const [root, x] = setup(e, 1);
    const t = e.fork(1, false);
    e.attach(t, x!, false);
    assert.equal(e.dump().releaseQueue, []);
    e.attach(t, root!, false);
    assert.equal(e.dump().releaseQueue, [x]);
    assert.equal(drain(e), [x]);
  });

  test(`${kind}: last task in X exits queues X`, () => {
    const e = bootChecked(kind);
    const [, x] = setup(e, 1);
    const t = e.fork(1, false);
    e.attach(t, x!, false);
    e.exit(t);
    assert.equal(drain(e), [x]);
  });

  test(`${kind}: one of two tasks leaving X queues nothing`, () => {
    const e = bootChecked(kind);
    const [root, x] = setup(e, 1);
    const t = e.fork(1, false);
    const u = e.fork(1, false);
    e.attachMany(Int32Array.of(t, u), x!);
    e.attach(t, root!, false);
    e.exit(e.fork(u, false)); // a child born and gone in X, u stays
    assert.equal(drain(e), []);
    assert.ok(e.cgroupPopulated(x!));
  });

  test(`${kind}: X with a child queues nothing when its tasks leave`, () => {
    const e = bootChecked(kind);
    const [root, x] = setup(e, 1);
    const y = e.cgroupCreate(x!);
    const t = e.fork(1, false);
    e.attach(t, x!, false);
    e.attach(t, root!, false);
    assert.equal(drain(e), []);
    assert.equal(Array.from(e.cgroupChildren(x!)), [y]);
  });

  test(`${kind}: rmdir of P's last child queues P, even if P never had tasks`, () => {
    const e = bootChecked(kind);
    const [, p] = setup(e, 1);
    const c1 = e.cgroupCreate(p!);
    const c2 = e.cgroupCreate(p!);
    e.cgroupDestroy(c1);
    assert.equal(e.dump().releaseQueue, []); // c2 is still there
    e.cgroupDestroy(c2);
    assert.equal(drain(e), [p]);
  });

  test(`${kind}: nested: a task leaves /r4/sub, sub is rmdir'ed: sub, then r4`, () => {
    const e = bootChecked(kind);
    const [root, r4] = setup(e, 1);
    const sub = e.cgroupCreate(r4!);
    e.cgroupSetNotify(sub, true);
    const t = e.fork(1, false);
    e.attach(t, sub, false);
    e.attach(t, root!, false);
    assert.is(e.releasePop(), sub); // the agent runs for /r4/sub, which removes it
    e.cgroupDestroy(sub);
    assert.equal(drain(e), [r4]);
  });

  test(`${kind}: a queued cgroup removed before delivery leaves the queue`, () => {
    const e = bootChecked(kind);
    const [root, r4] = setup(e, 1);
    const sub = e.cgroupCreate(r4!);
    e.cgroupSetNotify(sub, true);
    const t = e.fork(1, false);
    e.attach(t, sub, false);
    e.attach(t, root!, false);
    assert.equal(e.dump().releaseQueue, [sub]);
    e.cgroupDestroy(sub);
    assert.equal(drain(e), [r4]);
  });

  test(`${kind}: X notify=0 queues nothing`, () => {
    const e = bootChecked(kind);
    const [root, x] = setup(e, 1, false);
    const t = e.fork(1, false);
    e.attach(t, x!, false);
    e.attach(t, root!, false);
    const y = e.cgroupCreate(x!);
    e.cgroupDestroy(y);
    e.cssGet(x!);
    e.cssPut(x!);
    assert.equal(drain(e), []);
  });

  test(`${kind}: a task moved X→Y (both notify=1) queues X only`, () => {
    const e = bootChecked(kind);
    const [, x, y] = setup(e, 2);
    const t = e.fork(1, false);
    e.attach(t, x!, false);
    e.attach(t, y!, false);
    assert.equal(drain(e), [x]);
  });

  test(`${kind}: writing notify=1 on an empty cgroup queues nothing`, () => {
    const e = bootChecked(kind);
    const [, x] = setup(e, 1, false);
    e.cgroupSetNotify(x!, true);
    assert.equal(drain(e), []);
  });

  // ---- queue mechanics
  test(`${kind}: queued once, FIFO, and again after delivery`, () => {
    const e = bootChecked(kind);
    const [root, x, y] = setup(e, 2);
    const t = e.fork(1, false);
    const u = e.fork(1, false);
    e.attach(t, x!, false);
    e.attach(u, y!, false);
    e.attach(t, root!, false);
    e.attach(u, root!, false);
    e.attach(t, x!, false); // reprieve: X is populated again, but stays queued
    e.attach(t, root!, false); // empty again: not queued twice
    assert.equal(e.dump().releaseQueue, [x, y]);
    assert.is(e.releasePop(), x);
    assert.is(e.releasePop(), y);
    assert.is(e.releasePop(), 0);
    e.attach(t, y!, false);
    e.exit(t);
    assert.equal(drain(e), [y]);
  });

  test(`${kind}: delivery does not check releasability (the caller does)`, () => {
    const e = bootChecked(kind);
    const [root, x] = setup(e, 1);
    const t = e.fork(1, false);
    e.attach(t, x!, false);
    e.attach(t, root!, false);
    e.attach(t, x!, false);
    assert.is(e.releasePop(), x);
    assert.ok(e.cgroupPopulated(x!));
  });

  test(`${kind}: cssPut to 0 runs the check; a css ref blocks release`, () => {
    const e = bootChecked(kind);
    const [root, x] = setup(e, 1);
    const t = e.fork(1, false);
    e.attach(t, x!, false);
    e.cssGet(x!);
    e.cssGet(x!);
    e.attach(t, root!, false);
    assert.equal(e.dump().releaseQueue, []);
    e.cssPut(x!);
    assert.equal(e.dump().releaseQueue, []);
    e.cssPut(x!);
    assert.equal(drain(e), [x]);
    // cssPut to 0 on a cgroup that never had tasks
    const z = e.cgroupCreate(root!);
    e.cgroupSetNotify(z, true);
    e.cssGet(z);
    e.cssPut(z);
    assert.equal(drain(e), [z]);
  });

  test(`${kind}: the release check of a flip sees the child, so parents are not queued`, () => {
    const e = bootChecked(kind);
    const [, x] = setup(e, 1);
    const y = e.cgroupCreate(x!);
    e.cgroupSetNotify(y, true);
    const t = e.fork(1, false);
    e.attach(t, y, false);
    e.exit(t);
    assert.equal(drain(e), [y]);
    e.cgroupDestroy(y);
    assert.equal(drain(e), [x]);
  });

  test(`${kind}: a root is never queued`, () => {
    const e = bootChecked(kind);
    const [root] = setup(e, 0);
    e.cgroupSetNotify(root!, true);
    const a = e.cgroupCreate(root!);
    e.cgroupDestroy(a);
    e.cssGet(root!);
    e.cssPut(root!);
    assert.equal(drain(e), []);
  });

  test(`${kind}: a zombie leader's exit does not empty X; its last thread does`, () => {
    const e = bootChecked(kind);
    const [, x] = setup(e, 1);
    const p = e.fork(1, false);
    const t = e.fork(p, true);
    e.attach(p, x!, true);
    e.exit(p);
    assert.equal(e.dump().releaseQueue, []);
    e.exit(t);
    assert.equal(drain(e), [x]);
  });

  test(`${kind}: batches queue in the order the cgroups empty`, () => {
    const e = bootChecked(kind);
    const [root, x, y, z] = setup(e, 3);
    const [a, b, c] = [e.fork(1, false), e.fork(1, false), e.fork(1, false)];
    e.attach(a, z!, false);
    e.attach(b, x!, false);
    e.attach(c, y!, false);
    e.exitMany(Int32Array.of(c, a, b));
    assert.equal(drain(e), [y, z, x]);
    const [d, f] = [e.fork(1, false), e.fork(1, false)];
    e.attach(d, y!, false);
    e.attach(f, x!, false);
    e.attachMany(Int32Array.of(f, d), root!);
    assert.equal(drain(e), [x, y]);
  });

  test(`${kind}: a group attach moves tasks in pid order`, () => {
    const e = bootChecked(kind);
    const [root, x, y, z] = setup(e, 3);
    const p = e.fork(1, false);
    const t1 = e.fork(p, true);
    const t2 = e.fork(p, true);
    e.attach(p, y!, false);
    e.attach(t1, x!, false);
    e.attach(t2, z!, false);
    e.attach(t2, root!, true);
    assert.equal(drain(e), [y, x, z]);
  });

  test(`${kind}: hierarchical release in another hierarchy is independent`, () => {
    const e = bootChecked(kind);
    const [, x] = setup(e, 1);
    const [, q] = setup(e, 1);
    const t = e.fork(1, false);
    e.attach(t, x!, false);
    e.attach(t, q!, false);
    e.exit(t);
    assert.equal(drain(e), [x, q]); // slot order
  });
}

test.run();
