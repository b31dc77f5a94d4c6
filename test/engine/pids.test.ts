// Engine: pid allocation (idr_alloc_cyclic): order, wrap to RESERVED_PIDS, EAGAIN, reuse.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type Engine, RESERVED_PIDS, TASK_FREE } from '../../src/engine/types.ts';
import { ERRNO } from '../../src/errors.ts';
import { assertIntegrity, bootChecked, engineKinds, makeEngine } from '../helpers/integrity.ts';

const test = suite('engine/pids');

/** Fork from init until the pid `last` has been handed out; returns the pids. */
function forkUpTo(e: Engine, last: number): number[] {
  const pids: number[] = [];
  for (;;) {
    const p = e.fork(1, false);
    assert.ok(p > 0, `fork failed with ${p}`);
    pids.push(p);
    if (p === last) return pids;
  }
}

for (const kind of engineKinds()) {
  test(`${kind}: pids are handed out in increasing order from 2`, () => {
    const e = bootChecked(kind);
    assert.equal([e.fork(1, false), e.fork(1, true), e.fork(1, false)], [2, 3, 4]);
    assert.is(e.dump().cursor, 5);
    assert.is(e.pidsInUse(), 4);
    assert.is(e.pidMax, 4194304);
  });

  test(`${kind}: a freed pid is not reused before the wrap`, () => {
    const e = bootChecked(kind);
    const [, b] = [e.fork(1, false), e.fork(1, false), e.fork(1, false)];
    assert.is(e.exit(b!), 0);
    assert.is(e.fork(1, false), 5);
    assert.is(e.taskState(b!), TASK_FREE);
  });

  test(`${kind}: after pidMax - 1 allocation wraps to 300, not below`, () => {
    const e = makeEngine(kind, { pidMax: 400 });
    const pids = forkUpTo(e, 399);
    assert.is(pids.length, 398);
    assert.is(e.dump().cursor, 400);
    assertIntegrity(e);
    assert.is(e.exit(5), 0);
    assert.is(e.exit(310), 0);
    assert.is(e.exit(320), 0);
    assert.is(e.fork(1, false), 310); // lowest free >= 300; 5 is below RESERVED_PIDS
    assert.is(e.dump().cursor, 311);
    assert.is(e.fork(1, false), 320);
    // 5 is free but out of reach: the search runs from the cursor to pidMax, then 300..cursor
    assert.is(e.fork(1, false), -ERRNO.EAGAIN);
    assert.is(e.taskState(5), TASK_FREE);
    assertIntegrity(e);
  });

  test(`${kind}: EAGAIN changes nothing`, () => {
    const e = makeEngine(kind, { pidMax: 400 });
    forkUpTo(e, 399);
    const before = e.dump();
    assert.is(e.fork(1, false), -ERRNO.EAGAIN);
    assert.is(e.fork(1, true), -ERRNO.EAGAIN);
    assert.is(e.forkMany(1, 1), -ERRNO.EAGAIN);
    assert.equal(e.dump(), before);
    assertIntegrity(e);
  });

  test(`${kind}: the cursor moves on from a reused pid`, () => {
    const e = makeEngine(kind, { pidMax: 400 });
    forkUpTo(e, 399);
    for (const p of [300, 301, 350, 351]) assert.is(e.exit(p), 0);
    assert.is(e.fork(1, false), 300);
    assert.is(e.fork(1, false), 301);
    assert.is(e.exit(300), 0); // behind the cursor now
    assert.is(e.fork(1, false), 350);
    assert.is(e.fork(1, false), 351);
    assert.is(e.fork(1, false), 300); // wrapped again
    assert.is(e.fork(1, false), -ERRNO.EAGAIN);
    assertIntegrity(e);
  });

  test(`${kind}: before the first wrap, pids below 300 are still handed out`, () => {
    const e = makeEngine(kind, { pidMax: 400 });
    forkUpTo(e, 100);
    assert.is(e.exit(50), 0);
    assert.is(e.fork(1, false), 101);
    forkUpTo(e, 399);
    assert.is(e.fork(1, false), -ERRNO.EAGAIN); // 50 is below RESERVED_PIDS
    assert.is(RESERVED_PIDS, 300);
  });

  test(`${kind}: forkMany gets exactly the reachable pids, or EAGAIN`, () => {
    const e = makeEngine(kind, { pidMax: 400 });
    forkUpTo(e, 350);
    for (const p of [10, 305, 306, 340]) assert.is(e.exit(p), 0);
    // reachable: 351..399 (49) and 305, 306, 340 after the wrap; 10 is not
    const before = e.dump();
    assert.is(e.forkMany(1, 53), -ERRNO.EAGAIN);
    assert.equal(e.dump(), before);
    const got = e.forkMany(1, 52);
    assert.instance(got, Int32Array);
    const want = [];
    for (let p = 351; p < 400; p++) want.push(p);
    want.push(305, 306, 340);
    assert.equal(Array.from(got as Int32Array), want);
    assert.is(e.dump().cursor, 341);
    assertIntegrity(e);
  });

  test(`${kind}: a small pidMax can run out before any wrap`, () => {
    const e = makeEngine(kind, { pidMax: 10 });
    assert.equal(Array.from(e.forkMany(1, 8) as Int32Array), [2, 3, 4, 5, 6, 7, 8, 9]);
    assert.is(e.fork(1, false), -ERRNO.EAGAIN);
    assert.is(e.exit(4), 0);
    assert.is(e.fork(1, false), -ERRNO.EAGAIN); // 4 < RESERVED_PIDS
    assertIntegrity(e);
  });

  test(`${kind}: pidsInUse counts LIVE and ZOMBIE tasks`, () => {
    const e = bootChecked(kind);
    const p = e.fork(1, false);
    e.fork(p, true);
    assert.is(e.pidsInUse(), 3);
    assert.is(e.exit(p), 0); // zombie: its thread lives
    assert.is(e.pidsInUse(), 3);
    assert.is(e.stats().tasks, 2);
  });

  test(`${kind}: a bad pidMax is refused`, () => {
    assert.throws(() => makeEngine(kind, { pidMax: 2 ** 28 + 1 }));
    assert.throws(() => makeEngine(kind, { pidMax: 1 }));
  });
}

test.run();
