// Engine: batch calls (forkMany, exitMany, attachMany, chargeMany) are all or nothing.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type Engine, TASK_FREE, TASK_LIVE, TASK_ZOMBIE } from '../../src/engine/types.ts';
import { ERRNO } from '../../src/errors.ts';
import { bootChecked, engineKinds } from '../helpers/integrity.ts';

const test = suite('engine/batch');

/** Every cpuacct counter of every live cgroup and the unbound root, as one comparable list. */
function counters(e: Engine): string[] {
  const out: string[] = [];
  const ids = [0, ...e.dump().cgroups.map((g) => g.id)];
  for (const id of ids) {
    for (let cpu = 0; cpu < e.cpus; cpu++) {
      out.push(`${id}/${cpu}: ${e.cpuacctUsage(id, cpu, 0)} ${e.cpuacctUsage(id, cpu, 1)}`);
    }
  }
  return out;
}

/** Assert that `fn` returns `want` and changes neither the dump nor any counter. */
function unchanged(e: Engine, want: number, fn: () => unknown, what: string): void {
  const dump = e.dump();
  const ctr = counters(e);
  assert.is(fn(), want, what);
  assert.equal(e.dump(), dump, `${what}: state changed`);
  assert.equal(counters(e), ctr, `${what}: counters changed`);
}

/** A small world: a hierarchy with /a, tasks p (with thread pt, leader exited) and q. */
function world(e: Engine) {
  const h = e.hierCreate();
  const a = e.cgroupCreate(e.hierRoot(h));
  e.cgroupSetNotify(a, true);
  const p = e.fork(1, false);
  const pt = e.fork(p, true);
  const q = e.fork(1, false);
  e.attach(q, a, false);
  e.exit(p); // p is a zombie now
  const dead = e.fork(1, false);
  e.exit(dead);
  return { h, a, p, pt, q, dead };
}

for (const kind of engineKinds()) {
  test(`${kind}: forkMany returns consecutive pids, children of the parent's group`, () => {
    const e = bootChecked(kind);
    const { pt, a } = world(e);
    e.attach(pt, a, false);
    const got = e.forkMany(pt, 4);
    assert.instance(got, Int32Array);
    const pids = Array.from(got as Int32Array);
    assert.is(pids.length, 4);
    for (let i = 1; i < 4; i++) assert.is(pids[i], pids[0]! + i);
    for (const c of pids) {
      assert.is(e.taskState(c), TASK_LIVE);
      assert.is(e.taskTgid(c), c);
      assert.is(e.taskPpid(c), e.taskTgid(pt));
      assert.is(e.taskCset(c), e.taskCset(pt));
    }
    const none = e.forkMany(1, 0);
    assert.instance(none, Int32Array);
    assert.is((none as Int32Array).length, 0);
  });

  test(`${kind}: forkMany errors change nothing`, () => {
    const e = bootChecked(kind, { pidMax: 400 });
    const { p, dead } = world(e);
    unchanged(e, -ERRNO.EINVAL, () => e.forkMany(1, -1), 'count < 0');
    unchanged(e, -ERRNO.ESRCH, () => e.forkMany(dead, 3), 'free parent');
    unchanged(e, -ERRNO.ESRCH, () => e.forkMany(p, 3), 'zombie parent');
    unchanged(e, -ERRNO.ESRCH, () => e.forkMany(-4, 0), 'bad parent, count 0');
    // reachable: every pid from the cursor up; the freed `dead` is below it and below 300
    const room = 400 - e.dump().cursor;
    assert.ok(dead < e.dump().cursor);
    unchanged(e, -ERRNO.EAGAIN, () => e.forkMany(1, room + 1), 'one too many');
    const all = e.forkMany(1, room);
    assert.instance(all, Int32Array);
    unchanged(e, -ERRNO.EAGAIN, () => e.forkMany(1, 1), 'full');
  });

  test(`${kind}: exitMany exits all and returns the count`, () => {
    const e = bootChecked(kind);
    const { p, pt, q, a } = world(e);
    const kids = e.forkMany(q, 3) as Int32Array;
    assert.is(e.exitMany(Int32Array.of(pt, ...kids, q)), 5);
    for (const t of [p, pt, q, ...kids]) assert.is(e.taskState(t), TASK_FREE);
    assert.is(e.pidsInUse(), 1);
    assert.equal(e.dump().releaseQueue, [a]);
    assert.is(e.exitMany(new Int32Array(0)), 0);
  });

  test(`${kind}: exitMany of a leader and its thread in one batch`, () => {
    const e = bootChecked(kind);
    const l = e.fork(1, false);
    const t = e.fork(l, true);
    assert.is(e.exitMany(Int32Array.of(l, t)), 2);
    assert.is(e.taskState(l), TASK_FREE);
    const l2 = e.fork(1, false);
    const t2 = e.fork(l2, true);
    const t3 = e.fork(l2, true);
    assert.is(e.exitMany(Int32Array.of(t2, l2)), 2);
    assert.is(e.taskState(l2), TASK_ZOMBIE);
    assert.is(e.exitMany(Int32Array.of(t3)), 1);
    assert.is(e.taskState(l2), TASK_FREE);
  });

  test(`${kind}: exitMany errors change nothing`, () => {
    const e = bootChecked(kind);
    const { p, pt, q, dead } = world(e);
    unchanged(e, -ERRNO.ESRCH, () => e.exitMany(Int32Array.of(q, dead)), 'a free pid');
    unchanged(e, -ERRNO.ESRCH, () => e.exitMany(Int32Array.of(q, p)), 'a zombie');
    unchanged(e, -ERRNO.ESRCH, () => e.exitMany(Int32Array.of(q, pt, q)), 'repeated');
    unchanged(e, -ERRNO.ESRCH, () => e.exitMany(Int32Array.of(-1)), 'negative');
    unchanged(e, -ERRNO.EPERM, () => e.exitMany(Int32Array.of(q, 1)), 'init');
    unchanged(e, -ERRNO.EPERM, () => e.exitMany(Int32Array.of(1, dead)), 'init first');
    unchanged(e, -ERRNO.ESRCH, () => e.exitMany(Int32Array.of(dead, 1)), 'free pid first');
  });

  test(`${kind}: attachMany errors change nothing`, () => {
    const e = bootChecked(kind);
    const { a, q, pt, dead } = world(e);
    unchanged(e, -ERRNO.ESRCH, () => e.attachMany(Int32Array.of(pt, dead), a), 'a free pid');
    unchanged(e, -ERRNO.ESRCH, () => e.attachMany(Int32Array.of(1, 0), a), 'pid 0');
    unchanged(e, -ERRNO.ENOENT, () => e.attachMany(Int32Array.of(pt), 99), 'no cgroup');
    unchanged(e, -ERRNO.ENOENT, () => e.attachMany(Int32Array.of(dead), 99), 'both wrong');
    assert.is(e.attachMany(Int32Array.of(pt, q, 1), a), 3);
  });

  test(`${kind}: attachMany with a zombie moves the others`, () => {
    const e = bootChecked(kind);
    const { a, p, pt } = world(e);
    assert.is(e.attachMany(Int32Array.of(p, pt), a), 2);
    assert.is(e.taskCset(p), 1);
    assert.equal(Array.from(e.cgroupTasks(a, false)).includes(pt), true);
  });

  test(`${kind}: chargeMany charges each pid and returns the count`, () => {
    const e = bootChecked(kind, { cpus: 2 });
    const { h, a, q, pt } = world(e);
    const root = e.hierRoot(h);
    assert.is(e.chargeMany(Int32Array.of(q, pt, q), Float64Array.of(1, 10, 100), 1, 1, h), 3);
    assert.is(e.cpuacctUsage(a, 1, 1), 101n);
    assert.is(e.cpuacctUsage(root, 1, 1), 111n);
    assert.is(e.chargeMany(new Int32Array(0), new Float64Array(0), 0, 0, -1), 0);
    assert.is(e.chargeMany(Int32Array.of(q), Float64Array.of(3), 0, 0, -1), 1);
    assert.is(e.cpuacctUsage(0, 0, 0), 3n);
  });

  test(`${kind}: chargeMany errors change nothing`, () => {
    const e = bootChecked(kind, { cpus: 2 });
    const { h, q, pt, dead } = world(e);
    const pids = Int32Array.of(q, pt);
    const ns = Float64Array.of(5, 6);
    unchanged(e, -ERRNO.ESRCH, () => e.chargeMany(Int32Array.of(q, dead), ns, 0, 0, h), 'free');
    unchanged(e, -ERRNO.EINVAL, () => e.chargeMany(pids, Float64Array.of(5, -1), 0, 0, h), 'ns');
    unchanged(e, -ERRNO.EINVAL, () => e.chargeMany(pids, Float64Array.of(5, 0.5), 0, 0, h), 'frac');
    unchanged(e, -ERRNO.EINVAL, () => e.chargeMany(pids, Float64Array.of(5), 0, 0, h), 'lengths');
    unchanged(e, -ERRNO.EINVAL, () => e.chargeMany(pids, ns, 2, 0, h), 'cpu');
    unchanged(e, -ERRNO.EINVAL, () => e.chargeMany(pids, ns, 0, 5, h), 'mode');
    unchanged(e, -ERRNO.EINVAL, () => e.chargeMany(pids, ns, 0, 0, h + 1), 'slot');
    unchanged(
      e,
      -ERRNO.EINVAL,
      () => e.chargeMany(Int32Array.of(dead), ns.subarray(0, 1), 0, 0, 7),
      'slot checked before pids',
    );
  });
}

test.run();
