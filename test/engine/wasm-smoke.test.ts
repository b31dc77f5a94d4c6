// Engine (wasm only): a smoke test of the WebAssembly engine through the Engine interface,
// aimed at what the wasm side does its own way: the lazy orphan scan, the pid bitmap's slow
// path, the thread-group ring map, table growth (views re-taken after memory.grow), argument
// sanitising at the JS boundary, batch buffers, u64 counters, option validation, and the debug
// build. selfCheck() runs after every step.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type EngineOptions, TASK_FREE, TASK_LIVE, TASK_ZOMBIE } from '../../src/engine/types.ts';
import { createWasmEngine, type WasmEngine } from '../../src/engine/wasm.ts';
import { ERRNO } from '../../src/errors.ts';

const test = suite('engine/wasm-smoke');
const { EAGAIN, EBUSY, EINVAL, ENOENT, EPERM, ESRCH } = ERRNO;

const list = (a: Int32Array | number): number[] | number => (typeof a === 'number' ? a : Array.from(a));

/** A wasm engine whose every call is followed by selfCheck(). */
function boot(opts: Partial<EngineOptions> = {}): WasmEngine {
  const e = createWasmEngine({ pidMax: 4096, maxHierarchies: 4, cpus: 2, ...opts });
  assert.is(e.selfCheck(), null, 'boot');
  return new Proxy(e, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function' || prop === 'selfCheck') {
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return (...args: unknown[]) => {
        const r = (value as (...a: unknown[]) => unknown).apply(target, args);
        const why = target.selfCheck();
        if (why !== null) throw new Error(`selfCheck after ${String(prop)}(${args.join(', ')}): ${why}`);
        return r;
      };
    },
  });
}

test('boot state: init on cset 1, no hierarchies, cursor 2', () => {
  const e = boot();
  assert.is(e.kind, 'wasm');
  assert.is(e.taskState(1), TASK_LIVE);
  assert.is(e.taskPpid(1), 0);
  assert.is(e.taskCset(1), 1);
  assert.is(e.csetRefcount(1), 2);
  assert.is(e.pidsInUse(), 1);
  const d = e.dump();
  assert.is(d.cursor, 2);
  assert.equal(d.tasks, [{ pid: 1, tgid: 1, ppid: 0, cset: 1, state: TASK_LIVE }]);
  assert.equal(d.csets, [{ id: 1, refcount: 2, nrTasks: 1, cgroups: [0, 0, 0, 0], tasks: [1] }]);
  assert.equal([e.stats().tasks, e.stats().cssSets, e.stats().cgroups, e.stats().hierarchies], [1, 1, 0, 0]);
  assert.ok(e.stats().memoryBytes >= 4096 * 16);
});

test('fork, exit, zombies and thread rings', () => {
  const e = boot();
  const p = e.fork(1, false);
  assert.is(p, 2);
  const threads = [] as number[];
  for (let i = 0; i < 200; i++) threads.push(e.fork(i % 2 ? p : (threads[i - 1] ?? p), true)); // grows the ring map
  assert.is(e.taskTgid(threads[199]!), p);
  assert.is((e.threadGroup(threads[5]!) as Int32Array).length, 201);
  assert.is(e.exit(1), -EPERM);
  assert.is(e.exit(p), 0);
  assert.is(e.taskState(p), TASK_ZOMBIE);
  assert.is(e.exit(p), -ESRCH);
  assert.is(e.fork(p, false), -ESRCH); // a zombie cannot fork
  for (const t of threads.slice(0, 199)) assert.is(e.exit(t), 0);
  assert.is(e.taskState(p), TASK_ZOMBIE);
  assert.equal(list(e.threadGroup(p)), [threads[199]]);
  assert.is(e.exit(threads[199]!), 0);
  assert.is(e.taskState(p), TASK_FREE); // the last thread frees the zombie leader
  assert.is(e.pidsInUse(), 1);
  assert.is(e.taskTgid(p), -ESRCH);
});

test('orphans: lazily re-parented to init, never to a reused pid', () => {
  const e = boot({ pidMax: 400 });
  assert.is(e.exitMany(e.forkMany(1, 298) as Int32Array), 298); // the cursor moves to 300
  const p = e.fork(1, false);
  assert.is(p, 300);
  const kids = [e.fork(p, false), e.fork(p, false)];
  const t = e.fork(p, true);
  const grandkid = e.fork(t, false); // forked by a thread: the parent is the group
  assert.is(e.taskPpid(grandkid), p);
  assert.is(e.exit(p), 0); // zombie: the group lives on, so do the parent links
  assert.is(e.taskPpid(kids[0]!), p);
  assert.is(e.exit(t), 0); // the group is gone: orphans
  for (const k of [...kids, grandkid]) assert.is(e.taskPpid(k), 1);
  // walk the cursor round so that p's pid is handed out again: every pid >= 300 but the 3
  const filler = e.forkMany(1, 100 - 3) as Int32Array;
  assert.ok(filler.includes(p), 'the old pid is reused');
  assert.is(e.taskPpid(p), 1);
  for (const k of [...kids, grandkid]) assert.is(e.taskPpid(k), 1);
  assert.is(e.fork(1, false), -EAGAIN);
  assert.is(e.forkMany(1, 1), -EAGAIN);
  assert.is(e.exitMany(filler), filler.length);
});

test('pid allocation: cursor, wrap to 300, the full-block hint, all-or-nothing forkMany', () => {
  const e = boot({ pidMax: 1000 });
  const a = e.forkMany(1, 997) as Int32Array; // pids 2..998
  assert.is(a[0], 2);
  assert.is(a[996], 998);
  const last = e.fork(1, false);
  assert.is(last, 999);
  assert.is(e.fork(1, false), -EAGAIN);
  // free a scattered handful below and above 300: only those >= 300 are reachable after a wrap
  const freed = [5, 299, 300, 301, 640, 641, 999];
  assert.is(e.exitMany(Int32Array.from(freed)), freed.length);
  assert.is(e.forkMany(1, 6), -EAGAIN); // 5 and 299 are out of reach
  assert.is(e.dump().cursor, 1000, 'a failed forkMany leaves the cursor');
  assert.equal(list(e.forkMany(1, 5)), [300, 301, 640, 641, 999]);
  assert.is(e.fork(1, false), -EAGAIN);
  assert.is(e.forkMany(1, -1), -EINVAL);
  assert.is(e.forkMany(1, 1.5), -EINVAL);
  assert.is(e.forkMany(12345, 0), -ESRCH);
  assert.equal(list(e.forkMany(1, 0)), []);
  assert.is(e.forkMany(1, 2 ** 40), -EAGAIN);
});

test('exitMany validates everything first', () => {
  const e = boot();
  const pids = e.forkMany(1, 10) as Int32Array;
  assert.is(e.exitMany(Int32Array.from([pids[0]!, pids[1]!, pids[0]!])), -ESRCH); // repeated
  assert.is(e.exitMany(Int32Array.from([pids[0]!, 1])), -EPERM);
  assert.is(e.exitMany(Int32Array.from([pids[0]!, 4000])), -ESRCH);
  assert.is(e.exitMany(Int32Array.from([pids[0]!, -3])), -ESRCH);
  assert.is(e.pidsInUse(), 11);
  assert.is(e.exitMany(pids), 10);
  assert.is(e.exitMany(new Int32Array(0)), 0);
});

test('hierarchies, cgroups, attach and css_set reuse', () => {
  const e = boot();
  const h0 = e.hierCreate();
  const h1 = e.hierCreate();
  assert.equal([h0, h1], [0, 1]);
  const [r0, r1] = [e.hierRoot(h0), e.hierRoot(h1)];
  assert.equal(list(e.csetCgroups(1)), [r0, r1, 0, 0]);
  const a = e.cgroupCreate(r0);
  const b = e.cgroupCreate(r0);
  const x = e.cgroupCreate(r1);
  const p = e.fork(1, false);
  const q = e.fork(1, false);
  assert.is(e.attach(p, a, false), 0);
  const csA = e.taskCset(p);
  assert.is(csA, 2);
  assert.is(e.attach(q, a, false), 0);
  assert.is(e.taskCset(q), csA, 'same vector, same cset');
  assert.is(e.csetRefcount(csA), 2);
  assert.is(e.attach(p, b, false), 0);
  assert.is(e.attach(p, a, false), 0);
  assert.is(e.taskCset(p), csA, 'found again by lookup');
  assert.is(e.attach(p, x, false), 0);
  assert.equal(list(e.csetCgroups(e.taskCset(p))), [a, x, 0, 0]);
  assert.is(e.cgroupTaskCount(a), 2);
  assert.equal(list(e.cgroupTasks(a, false)), [p, q]);
  assert.is(e.cgroupDestroy(a), -EBUSY);
  assert.is(e.cgroupDestroy(r0), -EBUSY);
  assert.is(e.hierDestroy(h0), -EBUSY);
  assert.is(e.attach(p, 9999, false), -ENOENT);
  assert.is(e.attach(3999, a, false), -ESRCH);
  assert.is(e.attach(3999, 9999, false), -ENOENT, 'the cgroup is checked first');
  assert.is(e.taskCgroup(p, 3), -EINVAL);
  assert.is(e.taskCgroup(3999, 3), -EINVAL, 'the slot is checked first');
  assert.is(e.taskCgroup(3999, h0), -ESRCH);
  // many csets: the hash table and the cset table grow
  const kids = e.forkMany(1, 300) as Int32Array;
  const cgs = Array.from({ length: 150 }, () => e.cgroupCreate(r0));
  kids.forEach((pid, i) => {
    assert.is(e.attach(pid, cgs[i % 150]!, false), 0);
  });
  assert.is(e.stats().cssSets, 1 + 2 + 150); // init, {a,r1}, {a,x}, one per new cgroup
  assert.is(e.exitMany(kids), 300);
  for (const g of cgs) assert.is(e.cgroupDestroy(g), 0);
  for (const t of [p, q]) assert.is(e.attach(t, r0, false), 0);
  assert.is(e.attach(p, r1, false), 0);
  for (const g of [a, b, x]) assert.is(e.cgroupDestroy(g), 0);
  assert.is(e.hierDestroy(h0), 0);
  assert.equal(list(e.csetCgroups(1)), [0, r1, 0, 0]);
  assert.is(e.hierCreate(), 0, 'lowest free slot');
  assert.is(e.hierRoot(0), r0, 'freed ids are reused LIFO');
});

test('populated state and the release queue', () => {
  const e = boot();
  const h0 = e.hierCreate();
  const h1 = e.hierCreate();
  const a = e.cgroupCreate(e.hierRoot(h0));
  const ab = e.cgroupCreate(a);
  const x = e.cgroupCreate(e.hierRoot(h1));
  for (const g of [a, ab, x]) e.cgroupSetNotify(g, true);
  const p = e.fork(1, false);
  assert.is(e.attach(p, ab, false), 0);
  assert.is(e.attach(p, x, false), 0);
  assert.ok(e.cgroupPopulated(a) && e.cgroupPopulated(ab) && e.cgroupPopulated(x));
  assert.is(e.exit(p), 0);
  assert.ok(!e.cgroupPopulated(a));
  assert.equal(e.dump().releaseQueue, [ab, x], 'slot order, leaf only (a has a child)');
  assert.is(e.releasePop(), ab);
  assert.is(e.cgroupDestroy(ab), 0); // a becomes releasable
  assert.equal(e.dump().releaseQueue, [x, a]);
  assert.is(e.cssGet(x), 0);
  assert.is(e.cgroupDestroy(x), -EBUSY);
  assert.is(e.cssPut(x), 0);
  assert.is(e.cssPut(x), -EINVAL);
  assert.equal(e.dump().releaseQueue, [x, a], 'queued once');
  assert.is(e.cgroupDestroy(x), 0, 'destroy removes it from the queue');
  assert.is(e.releasePop(), a);
  assert.is(e.releasePop(), 0);
  assert.is(e.cgroupSetNotify(x, true), -ENOENT);
});

test('cpuacct: hierarchical u64 counters, unbound root, reset and move', () => {
  const e = boot();
  const h = e.hierCreate();
  const a = e.cgroupCreate(e.hierRoot(h));
  const p = e.fork(1, false);
  e.attach(p, a, false);
  assert.is(e.charge(p, 1000, 1, 1, h), 0);
  assert.is(e.cpuacctUsage(a, 1, 1), 1000n);
  assert.is(e.cpuacctUsage(e.hierRoot(h), 1, 1), 1000n);
  assert.is(e.cpuacctUsage(a, 0, 1), 0n);
  assert.is(e.charge(p, 5, 0, 0, -1), 0);
  assert.is(e.cpuacctUsage(0, 0, 0), 5n);
  const big = 2 ** 53 - 1;
  for (let i = 0; i < 2100; i++) e.charge(p, big, 0, 0, h); // wraps past 2^64
  assert.is(e.cpuacctUsage(a, 0, 0), BigInt.asUintN(64, 2100n * BigInt(big)));
  assert.is(e.charge(p, 2 ** 53, 0, 0, h), -EINVAL);
  assert.is(e.charge(p, 1.5, 0, 0, h), -EINVAL);
  assert.is(e.charge(p, -1, 0, 0, h), -EINVAL);
  assert.is(e.charge(p, 1, 2, 0, h), -EINVAL);
  assert.is(e.charge(p, 1, 0.5, 0, h), -EINVAL);
  assert.is(e.charge(p, 1, 0, 2, h), -EINVAL);
  assert.is(e.charge(p, 1, 0, 0, 3), -EINVAL);
  assert.is(e.charge(3000, 1, 0, 0, h), -ESRCH);
  assert.is(e.cpuacctUsage(77, 0, 0), -1n);
  assert.is(e.cpuacctUsage(a, 2, 0), -1n);
  const pids = e.forkMany(p, 3) as Int32Array;
  assert.is(e.chargeMany(pids, Float64Array.from([1, 2, 3]), 1, 0, h), 3);
  assert.is(e.cpuacctUsage(a, 1, 0), 6n);
  assert.is(e.chargeMany(pids, Float64Array.from([1, 2]), 1, 0, h), -EINVAL);
  assert.is(e.chargeMany(Int32Array.from([pids[0]!, 3000]), Float64Array.from([1, 2]), 1, 0, h), -ESRCH);
  assert.is(e.cpuacctUsage(a, 1, 0), 6n, 'all or nothing');
  assert.is(e.cpuacctMove(a, 0), 0);
  assert.is(e.cpuacctUsage(0, 1, 0), 6n, 'move overwrites');
  assert.is(e.cpuacctUsage(a, 1, 0), 0n);
  assert.is(e.cpuacctReset(0), 0);
  assert.is(e.cpuacctUsage(0, 0, 0), 0n);
  assert.is(e.cpuacctReset(77), -ENOENT);
});

test('arguments that are not int32 name nothing', () => {
  const e = boot();
  const p = e.fork(1, false);
  assert.is(e.taskState(1.5), TASK_FREE);
  assert.is(e.taskState(2 ** 32 + 1), TASK_FREE);
  assert.is(e.exit(p + 2 ** 32), -ESRCH);
  assert.is(e.fork(NaN, false), -ESRCH);
  assert.is(e.hierRoot(0.5), -EINVAL);
  assert.is(e.cgroupParent(Infinity), -ENOENT);
  assert.is(e.taskState(p), TASK_LIVE);
});

test('batch ops over a million tasks; views survive memory growth; memory is reused', () => {
  const e = boot({ pidMax: 1 << 21 });
  const h = e.hierCreate();
  const a = e.cgroupCreate(e.hierRoot(h));
  const round = () => {
    const pids = e.forkMany(1, 1_000_000) as Int32Array;
    assert.is(pids.length, 1_000_000);
    assert.is(e.attachMany(pids.subarray(0, 600_000), a), 600_000);
    const listed = e.cgroupTasks(a, true); // grows the IO and sort buffers
    assert.is(listed.length, 600_000);
    assert.ok(listed.every((v, i) => i === 0 || v > listed[i - 1]!));
    const ns = new Float64Array(1_000_000).fill(3);
    assert.is(e.chargeMany(pids, ns, 0, 0, h), 1_000_000);
    assert.is(e.exitMany(pids), 1_000_000);
    return e.stats().memoryBytes;
  };
  const first = round();
  const second = round();
  assert.is(second, first, "the second round reuses the first round's regions");
  assert.is(e.cpuacctUsage(a, 0, 0), 2n * 3n * 600_000n);
  assert.is(e.pidsInUse(), 1);
});

test('batches bigger than one IO chunk stay all or nothing and keep linear memory small', () => {
  const e = boot({ pidMax: 200_000 });
  const h = e.hierCreate();
  const a = e.cgroupCreate(e.hierRoot(h));
  const before = e.stats().memoryBytes;
  const pids = e.forkMany(1, 100_000) as Int32Array; // read back in chunks
  assert.is(pids.length, 100_000);
  assert.ok(
    pids.every((v, i) => v === i + 2),
    'fork order',
  );
  assert.ok(e.stats().memoryBytes - before < 1 << 20, 'the IO buffer did not grow with the batch');
  const late = pids.slice();
  late[70_000] = 199_999; // a FREE pid in a later chunk
  assert.is(e.attachMany(late, a), -ESRCH);
  assert.is(e.cgroupTaskCount(a), 0);
  assert.is(e.attachMany(pids.subarray(0, 50_000), 9999), -ENOENT);
  const ns = new Float64Array(100_000).fill(7);
  ns[90_000] = -1;
  assert.is(e.chargeMany(pids, ns, 0, 0, h), -EINVAL);
  late[70_000] = pids[3]!; // repeated, in a later chunk than its first occurrence
  assert.is(e.exitMany(late), -ESRCH);
  late[70_000] = 1;
  assert.is(e.exitMany(late), -EPERM);
  assert.is(e.pidsInUse(), 100_001, 'nothing exited, every mark cleared');
  assert.is(e.cpuacctUsage(e.hierRoot(h), 0, 0), 0n);
  assert.is(e.attachMany(pids, a), 100_000);
  ns[90_000] = 1;
  assert.is(e.chargeMany(pids, ns, 0, 0, h), 100_000);
  assert.is(e.cpuacctUsage(a, 0, 0), 7n * 99_999n + 1n);
  assert.is(e.exitMany(pids), 100_000);
  assert.is(e.pidsInUse(), 1);
  assert.ok(e.stats().memoryBytes - before < 1 << 20);
});

test('options are validated, including the 4 GiB budget', () => {
  assert.throws(() => createWasmEngine({ pidMax: 1, maxHierarchies: 4, cpus: 1 }), RangeError);
  assert.throws(() => createWasmEngine({ pidMax: 1 << 28, maxHierarchies: 4, cpus: 1 }), /4 GiB/);
  assert.throws(() => createWasmEngine({ pidMax: 1000, maxHierarchies: 0, cpus: 1 }), RangeError);
  assert.throws(() => createWasmEngine({ pidMax: 1000, maxHierarchies: 4, cpus: 0 }), RangeError);
  assert.throws(() => createWasmEngine({ pidMax: 1000.5, maxHierarchies: 4, cpus: 1 }), RangeError);
});

test('the debug build (asserts live) runs the same way', () => {
  const saved = process.env.CGSIM_WASM;
  process.env.CGSIM_WASM = 'debug';
  try {
    const e = boot({ pidMax: 500 });
    const h = e.hierCreate();
    const a = e.cgroupCreate(e.hierRoot(h));
    const pids = e.forkMany(1, 100) as Int32Array;
    assert.is(e.attachMany(pids, a), 100);
    assert.is(e.fork(pids[0]!, true) > 0, true);
    assert.is(e.exitMany(pids), 100);
    assert.is(e.stats().tasks, 2);
  } finally {
    if (saved === undefined) delete process.env.CGSIM_WASM;
    else process.env.CGSIM_WASM = saved;
  }
});

test.run();
