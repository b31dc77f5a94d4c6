/**
 * The reference engine: the cgroup v1 model of `types.ts` in plain TypeScript.
 *
 * It is written the way one would without WebAssembly: tasks, css_sets and cgroups are
 * objects, found through `Map`s (tasks through an array indexed by pid), with `Set`s for
 * every list. It serves as the oracle of the
 * differential tests (the wasm engine must agree with it on every call, every id and the
 * release-queue order) and as the "plain TypeScript" baseline of the benchmarks, so it aims
 * at clear and correct rather than clever; fork, exit and attach are still O(1) expected.
 *
 * Layout of the state:
 *
 *   tasks      pid → Task (an array indexed by pid), allocated pids only (LIVE and ZOMBIE).
 *   csets      Map id → Cset, and csetByKey: Map "c0,c1,…" (the cgroup id per slot) → Cset,
 *              the css_set hash of Linux 2.6.26+.
 *   cgroups    Map id → Cgroup; each knows its parent, children (a Set: creation order),
 *              linked csets, and two counters that make `populated` O(1): linked csets
 *              with tasks, and populated children.
 *   hiers      one entry per hierarchy slot (null when free).
 *   release    a Set of cgroups, which iterates in insertion order: a FIFO with O(1)
 *              "queued?" test and O(1) removal by cgroupDestroy.
 *
 * Parents: a process remembers its parent's leader; each leader keeps the set of its child
 * processes, so that when its whole thread group is gone the children are re-parented to init
 * eagerly (as Linux's forget_original_parent). Init never exits, so it keeps no such set.
 *
 * memoryBytes is an estimate from a per-object size model (see SIZE below), not a
 * measurement: V8 gives no per-object accounting, and a deterministic figure lets tests
 * check that a workload returns to its starting footprint.
 *
 * Where types.ts leaves the order of two error checks open, plain arguments are validated
 * before the task they name is looked up, as Linux syscalls do:
 *   attach, attachMany  ENOENT (cgroup; its tasks file must exist to be written) before ESRCH;
 *   taskCgroup          EINVAL (slot) before ESRCH;
 *   charge              EINVAL (cpu, mode, slot, ns) before ESRCH; chargeMany checks cpu, mode,
 *                       slot and lengths, then each (ns, pid) pair in array order;
 *   forkMany            EINVAL (count) before ESRCH (parent) before EAGAIN;
 *   exitMany            the first offending pid in array order (1: EPERM, else ESRCH).
 *
 * Images (`save()`, `ReferenceEngine.restore`): the object graph written as ids, every Map and
 * Set in its iteration order (a cgroup's children are its creation order, the release Set is
 * the FIFO), with the pid table's length, both free-id stacks and the counters. The body
 * after the image.ts header:
 *
 *   u32 nInts, u32 nCounters, the ints (int32), zero padding to 8 bytes, the counters (u64)
 *
 * The ints, in order (ids are 0 for "none"):
 *   pidMax, maxHierarchies, cpus (as in the header, which must agree)
 *   cursor, nrLive, nrLinks, nrHiers, pid table length
 *   cset ids: next, nFree, free stack (bottom first); cgroup ids: the same
 *   cgroups (Map order): count, then per cgroup id, parent, hier, notify, cssRefs,
 *     nrPopulatedCsets, nrPopulatedChildren, nChildren, children, nCsets, csets
 *   hierarchies: per slot root (0 = free), nrCgroups
 *   csets (Map order): count, then per cset id, refcount, its maxHierarchies cgroups, nTasks, tasks
 *   csetByKey (Map order): count, cset ids
 *   tasks (pid order): count, then per task pid, leader, parent, cset, state | 4 (threads Set)
 *     | 8 (children Set); then per task with a threads Set: its size and pids; the same for
 *     children Sets
 *   release queue (oldest first): count, cgroup ids
 * The counters: the unbound root's, then each cgroup's in Map order (cpus * 2 each).
 */

import { ERRNO } from '../errors.ts';
import { BodyReader, decodeImage, encodeImage, malformedImage } from './image.ts';
import type { Engine, EngineDump, EngineOptions, EngineStats } from './types.ts';
import { INIT_CSET, INIT_PID, PID_LIMIT, RESERVED_PIDS, TASK_FREE, TASK_LIVE, TASK_ZOMBIE } from './types.ts';

const EPERM = -ERRNO.EPERM;
const ENOENT = -ERRNO.ENOENT;
const ESRCH = -ERRNO.ESRCH;
const EAGAIN = -ERRNO.EAGAIN;
const EBUSY = -ERRNO.EBUSY;
const EINVAL = -ERRNO.EINVAL;
const ENOSPC = -ERRNO.ENOSPC;

/** Bytes charged per object by the memoryBytes estimate (V8 object + its Map/Set entries). */
const SIZE = {
  base: 4096, // the engine object, empty maps, the unbound root counters
  task: 120, // Task object (7 fields) + cset task-Set entry
  cset: 160, // Cset object + tasks Set + two Map entries + key string (plus slots below)
  csetSlot: 16, // one slot of the cgroup vector (array element + key characters)
  cgroup: 240, // Cgroup object + children/csets Sets + Map entry (plus counters below)
  counter: 8, // one u64 cpuacct counter
  link: 24, // one cset ↔ cgroup link (an entry in the cgroup's csets Set)
  pidSlot: 8, // one element of the pid-indexed task table, used or not
} as const;

interface Task {
  pid: number;
  /** The thread-group leader (the task itself for a process). */
  leader: Task;
  /** Processes: the leader of the parent's thread group (init for orphans); null for init and threads. */
  parent: Task | null;
  /** The css_set of a LIVE task; null for a ZOMBIE. */
  cset: Cset | null;
  state: typeof TASK_LIVE | typeof TASK_ZOMBIE;
  /** Leaders: the LIVE threads of the group, the leader itself excluded (created lazily). */
  threads: Set<Task> | null;
  /** Leaders other than init: child processes (created lazily). */
  children: Set<Task> | null;
}

interface Cset {
  id: number;
  /** The cgroup in each hierarchy slot (null for a free slot). */
  cgrps: (Cgroup | null)[];
  /** csetByKey key of `cgrps`. */
  key: string;
  refcount: number;
  /** LIVE tasks on this css_set (nrTasks is its size). */
  tasks: Set<Task>;
}

interface Cgroup {
  id: number;
  parent: Cgroup | null;
  hier: number;
  children: Set<Cgroup>;
  /** css_sets whose slot `hier` points here. */
  csets: Set<Cset>;
  notify: boolean;
  cssRefs: number;
  /** Linked css_sets with at least one task. */
  nrPopulatedCsets: number;
  /** Children that are populated. */
  nrPopulatedChildren: number;
  /** cpuacct usage, index cpu * 2 + mode, wrapping at 2^64 like the kernel's u64. */
  usage: BigUint64Array;
}

interface Hierarchy {
  slot: number;
  root: Cgroup;
  nrCgroups: number;
}

/**
 * Allocated tasks by pid: an array indexed by pid (pids are small dense integers, so this is
 * the natural table; a Map works too but hashes a million keys for nothing).
 */
class PidTable {
  private readonly slots: (Task | undefined)[] = [];
  private count = 0;

  get(pid: number): Task | undefined {
    return pid >= 1 && pid < this.slots.length ? this.slots[pid] : undefined;
  }

  has(pid: number): boolean {
    return this.get(pid) !== undefined;
  }

  set(pid: number, tsk: Task): void {
    while (this.slots.length < pid) this.slots.push(undefined);
    if (this.slots[pid] === undefined) this.count++;
    this.slots[pid] = tsk;
  }

  delete(pid: number): void {
    if (this.slots[pid] !== undefined) {
      this.slots[pid] = undefined;
      this.count--;
    }
  }

  get size(): number {
    return this.count;
  }

  /** Length of the table: one past the highest pid ever allocated. */
  get capacity(): number {
    return this.slots.length;
  }

  /** Restore: extend the table to `length` slots (its capacity in the image). */
  reserve(length: number): void {
    while (this.slots.length < length) this.slots.push(undefined);
  }

  /** Allocated tasks in pid order. */
  *values(): IterableIterator<Task> {
    for (const tsk of this.slots) if (tsk !== undefined) yield tsk;
  }
}

/** Id allocation shared by csets and cgroups: freed ids are reused LIFO, else one past the highest. */
class IdAllocator {
  private readonly free: number[] = [];
  private next = 1;

  alloc(): number {
    return this.free.pop() ?? this.next++;
  }

  release(id: number): void {
    this.free.push(id);
  }

  get size(): number {
    return this.free.length;
  }

  /** Images: the next new id and the free stack (bottom first). */
  get state(): { next: number; free: readonly number[] } {
    return { next: this.next, free: this.free };
  }

  /** Restore the state `state` returned. */
  load(next: number, free: Iterable<number>): void {
    this.next = next;
    this.free.length = 0;
    this.free.push(...free);
  }
}

/** A growable int32 list (image bodies). */
class IntList {
  buf = new Int32Array(1024);
  length = 0;

  push(v: number): void {
    if (this.length === this.buf.length) {
      const bigger = new Int32Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    this.buf[this.length++] = v;
  }

  pushAll(vs: Iterable<number>): void {
    for (const v of vs) this.push(v);
  }

  view(): Int32Array {
    return this.buf.subarray(0, this.length);
  }
}

/** Sequential reads from the ints of an image body; running past the end is a malformed image. */
class IntCursor {
  pos = 0;
  constructor(private readonly ints: Int32Array) {}

  next(): number {
    if (this.pos >= this.ints.length) malformedImage('the int section ends early');
    return this.ints[this.pos++]!;
  }

  /** The next `n` ints, as a view. */
  take(n: number): Int32Array {
    if (n < 0 || this.pos + n > this.ints.length) malformedImage('the int section ends early');
    this.pos += n;
    return this.ints.subarray(this.pos - n, this.pos);
  }
}

function csetKey(cgrps: readonly (Cgroup | null)[]): string {
  return cgrps.map((c) => (c === null ? 0 : c.id)).join(',');
}

function isPopulated(cgrp: Cgroup): boolean {
  return cgrp.nrPopulatedCsets > 0 || cgrp.nrPopulatedChildren > 0;
}

function sortedInt32(values: Iterable<number>): Int32Array {
  return Int32Array.from(values).sort();
}

export class ReferenceEngine implements Engine {
  readonly kind = 'reference' as const;
  readonly pidMax: number;
  readonly maxHierarchies: number;
  readonly cpus: number;

  private readonly tasks = new PidTable();
  private readonly init: Task;
  private cursor = 1;
  private nrLive = 0;

  private readonly csets = new Map<number, Cset>();
  private csetByKey = new Map<string, Cset>();
  private readonly csetIds = new IdAllocator();
  private nrLinks = 0;

  private readonly cgroups = new Map<number, Cgroup>();
  private readonly cgroupIds = new IdAllocator();
  private readonly hiers: (Hierarchy | null)[];
  private nrHiers = 0;

  private readonly release = new Set<Cgroup>();
  private readonly unboundUsage: BigUint64Array;

  /**
   * A new engine with `opts`. With `body` (an image body checked by decodeImage, for the same
   * options: see {@link ReferenceEngine.restore}), the state is loaded from it instead of booted.
   */
  constructor(opts: EngineOptions, body?: Uint8Array) {
    const { pidMax, maxHierarchies, cpus } = opts;
    if (!Number.isInteger(pidMax) || pidMax < 2 || pidMax > PID_LIMIT) {
      throw new RangeError(`pidMax must be an integer in [2, ${PID_LIMIT}], got ${pidMax}`);
    }
    if (!Number.isInteger(maxHierarchies) || maxHierarchies < 1 || maxHierarchies > 1024) {
      throw new RangeError(`maxHierarchies must be an integer in [1, 1024], got ${maxHierarchies}`);
    }
    if (!Number.isInteger(cpus) || cpus < 1 || cpus > 4096) {
      throw new RangeError(`cpus must be an integer in [1, 4096], got ${cpus}`);
    }
    this.pidMax = pidMax;
    this.maxHierarchies = maxHierarchies;
    this.cpus = cpus;
    this.hiers = new Array<Hierarchy | null>(maxHierarchies).fill(null);
    this.unboundUsage = new BigUint64Array(cpus * 2);
    this.init = body === undefined ? this.boot() : this.load(body);
  }

  /** The boot state: init's css_set (id 1) and init (pid 1) on it. Returns init. */
  private boot(): Task {
    const initCgrps = new Array<Cgroup | null>(this.maxHierarchies).fill(null);
    const initCset = this.csetCreate(initCgrps);
    initCset.refcount = 1; // the permanent reference
    if (initCset.id !== INIT_CSET) throw new Error('init cset must get id 1');

    const pid = this.pidAlloc();
    if (pid !== INIT_PID) throw new Error('init must get pid 1');
    const init: Task = {
      pid,
      parent: null,
      cset: null,
      state: TASK_LIVE,
      threads: null,
      children: null,
      leader: null as unknown as Task,
    };
    init.leader = init;
    this.tasks.set(pid, init);
    this.nrLive++;
    this.csetAddTask(initCset, init);
    return init;
  }

  // ------------------------------------------------------------------ images

  /** Rebuild an engine from an image saved by {@link ReferenceEngine.save}. */
  static restore(bytes: Uint8Array): ReferenceEngine {
    const { header, body } = decodeImage(bytes, 'reference');
    return new ReferenceEngine(header, body);
  }

  /**
   * The whole state as an image (layout in the file header): a fresh engine restored from it
   * answers every later call exactly as this one does. Reads only; the engine is untouched.
   */
  save(): Uint8Array {
    const ints = new IntList();
    const put = (v: number) => ints.push(v);
    const idOf = (x: { id: number } | { pid: number } | null): number => (x === null ? 0 : 'id' in x ? x.id : x.pid);
    put(this.pidMax);
    put(this.maxHierarchies);
    put(this.cpus);
    put(this.cursor);
    put(this.nrLive);
    put(this.nrLinks);
    put(this.nrHiers);
    put(this.tasks.capacity);
    for (const ids of [this.csetIds, this.cgroupIds]) {
      put(ids.state.next);
      put(ids.state.free.length);
      ints.pushAll(ids.state.free);
    }
    const counters: BigUint64Array[] = [this.unboundUsage];
    put(this.cgroups.size);
    for (const g of this.cgroups.values()) {
      put(g.id);
      put(idOf(g.parent));
      put(g.hier);
      put(g.notify ? 1 : 0);
      put(g.cssRefs);
      put(g.nrPopulatedCsets);
      put(g.nrPopulatedChildren);
      put(g.children.size);
      for (const c of g.children) put(c.id);
      put(g.csets.size);
      for (const cs of g.csets) put(cs.id);
      counters.push(g.usage);
    }
    for (const h of this.hiers) {
      put(h === null ? 0 : h.root.id);
      put(h === null ? 0 : h.nrCgroups);
    }
    put(this.csets.size);
    for (const cs of this.csets.values()) {
      put(cs.id);
      put(cs.refcount);
      for (const g of cs.cgrps) put(idOf(g));
      put(cs.tasks.size);
      for (const t of cs.tasks) put(t.pid);
    }
    put(this.csetByKey.size);
    for (const cs of this.csetByKey.values()) put(cs.id);
    put(this.tasks.size);
    for (const t of this.tasks.values()) {
      put(t.pid);
      put(t.leader.pid);
      put(idOf(t.parent));
      put(idOf(t.cset));
      put(t.state | (t.threads !== null ? 4 : 0) | (t.children !== null ? 8 : 0));
    }
    for (const t of this.tasks.values()) {
      if (t.threads === null) continue;
      put(t.threads.size);
      for (const th of t.threads) put(th.pid);
    }
    for (const t of this.tasks.values()) {
      if (t.children === null) continue;
      put(t.children.size);
      for (const ch of t.children) put(ch.pid);
    }
    put(this.release.size);
    for (const g of this.release) put(g.id);

    const n = ints.length;
    const head = new Uint8Array(Uint32Array.of(n, counters.length * this.cpus * 2).buffer);
    const parts: Uint8Array[] = [head, new Uint8Array(ints.view().buffer, 0, n * 4)];
    if (n % 2 !== 0) parts.push(new Uint8Array(4));
    for (const c of counters) parts.push(new Uint8Array(c.buffer, c.byteOffset, c.byteLength));
    return encodeImage(this, parts);
  }

  /** Load the state of an image body into this new (empty) engine. Returns init. */
  private load(body: Uint8Array): Task {
    const r = new BodyReader(body);
    const nInts = r.u32();
    const nCounters = r.u32();
    const ints = new IntCursor(r.i32s(nInts));
    r.align(8);
    const counters = r.u64s(nCounters);
    r.end();
    const slots = this.cpus * 2;
    const bad = (what: string): never => malformedImage(what);
    const count = (what: string): number => {
      const v = ints.next();
      return v >= 0 ? v : bad(`negative ${what}`);
    };

    const shape = [ints.next(), ints.next(), ints.next()];
    if (shape[0] !== this.pidMax || shape[1] !== this.maxHierarchies || shape[2] !== this.cpus) {
      bad(
        `the header says pidMax ${this.pidMax}, maxHierarchies ${this.maxHierarchies}, cpus ${this.cpus}; ` +
          `the state says ${shape.join(', ')}`,
      );
    }
    this.cursor = ints.next();
    this.nrLive = ints.next();
    this.nrLinks = ints.next();
    this.nrHiers = ints.next();
    const capacity = count('pid table length');
    for (const ids of [this.csetIds, this.cgroupIds]) {
      const next = ints.next();
      ids.load(next, ints.take(count('free ids')));
    }

    // cgroups: objects first, links once every one exists
    const nCgroups = count('cgroups');
    if (nCounters !== slots * (1 + nCgroups)) bad(`${nCounters} counters for ${nCgroups} cgroups`);
    this.unboundUsage.set(counters.subarray(0, slots));
    const cgLinks: { g: Cgroup; parent: number; children: Int32Array; csets: Int32Array }[] = [];
    for (let i = 0; i < nCgroups; i++) {
      const id = ints.next();
      const parent = ints.next();
      const hier = ints.next();
      if (hier < 0 || hier >= this.maxHierarchies || this.cgroups.has(id)) bad(`cgroup ${id}`);
      const g: Cgroup = {
        id,
        parent: null,
        hier,
        children: new Set(),
        csets: new Set(),
        notify: ints.next() !== 0,
        cssRefs: ints.next(),
        nrPopulatedCsets: ints.next(),
        nrPopulatedChildren: ints.next(),
        usage: counters.slice(slots * (1 + i), slots * (2 + i)),
      };
      const children = ints.take(count('children'));
      const csets = ints.take(count('linked csets'));
      this.cgroups.set(id, g);
      cgLinks.push({ g, parent, children, csets });
    }
    const cgroup = (id: number): Cgroup => this.cgroups.get(id) ?? bad(`no cgroup ${id}`);
    for (const { g, parent, children } of cgLinks) {
      g.parent = parent === 0 ? null : cgroup(parent);
      for (const c of children) g.children.add(cgroup(c));
    }
    for (let h = 0; h < this.maxHierarchies; h++) {
      const root = ints.next();
      const nrCgroups = ints.next();
      if (root !== 0) this.hiers[h] = { slot: h, root: cgroup(root), nrCgroups };
    }

    // csets
    const nCsets = count('csets');
    const csetTasks: { cs: Cset; pids: Int32Array }[] = [];
    for (let i = 0; i < nCsets; i++) {
      const id = ints.next();
      const refcount = ints.next();
      const cgrps = Array.from(ints.take(this.maxHierarchies), (c) => (c === 0 ? null : cgroup(c)));
      if (this.csets.has(id)) bad(`cset ${id} twice`);
      const cs: Cset = { id, cgrps, key: csetKey(cgrps), refcount, tasks: new Set() };
      this.csets.set(id, cs);
      csetTasks.push({ cs, pids: ints.take(count('cset tasks')) });
    }
    const cset = (id: number): Cset => this.csets.get(id) ?? bad(`no cset ${id}`);
    for (const { g, csets } of cgLinks) for (const id of csets) g.csets.add(cset(id));
    const nKeys = count('cset keys');
    for (let i = 0; i < nKeys; i++) {
      const cs = cset(ints.next());
      this.csetByKey.set(cs.key, cs);
    }
    if (this.csetByKey.size !== this.csets.size) bad('the cset hash does not hold every cset');

    // tasks
    const nTasks = count('tasks');
    const recs = ints.take(nTasks * 5);
    for (let i = 0; i < recs.length; i += 5) {
      const pid = recs[i]!;
      if (pid < 1 || pid >= this.pidMax || this.tasks.has(pid)) bad(`task ${pid}`);
      const bits = recs[i + 4]! & 3;
      const state = bits === TASK_LIVE || bits === TASK_ZOMBIE ? bits : bad(`task ${pid}: state ${bits}`);
      this.tasks.set(pid, {
        pid,
        leader: null as unknown as Task,
        parent: null,
        cset: null,
        state,
        threads: null,
        children: null,
      });
    }
    this.tasks.reserve(capacity);
    const task = (pid: number): Task => this.tasks.get(pid) ?? bad(`no task ${pid}`);
    for (let i = 0; i < recs.length; i += 5) {
      const t = this.tasks.get(recs[i]!)!;
      t.leader = task(recs[i + 1]!);
      t.parent = recs[i + 2]! === 0 ? null : task(recs[i + 2]!);
      t.cset = recs[i + 3]! === 0 ? null : cset(recs[i + 3]!);
    }
    for (let i = 0; i < recs.length; i += 5) {
      if ((recs[i + 4]! & 4) === 0) continue;
      const t = this.tasks.get(recs[i]!)!;
      t.threads = new Set(Array.from(ints.take(count('threads')), task));
    }
    for (let i = 0; i < recs.length; i += 5) {
      if ((recs[i + 4]! & 8) === 0) continue;
      const t = this.tasks.get(recs[i]!)!;
      t.children = new Set(Array.from(ints.take(count('children')), task));
    }
    for (const { cs, pids } of csetTasks) for (const pid of pids) cs.tasks.add(task(pid));
    const nQueued = count('queued cgroups');
    for (let i = 0; i < nQueued; i++) this.release.add(cgroup(ints.next()));
    if (ints.pos !== nInts) bad(`${nInts - ints.pos} unread ints`);
    const init = task(INIT_PID);
    if (init.state !== TASK_LIVE || init.leader !== init) bad('init is not a live leader');
    return init;
  }

  // ------------------------------------------------------------------ pids

  /** The lowest free pid >= cursor, else wrapping to RESERVED_PIDS up to the cursor; -1 if none. */
  private pidAlloc(): number {
    let pid = this.pidFindFree(this.cursor, this.pidMax);
    if (pid < 0) pid = this.pidFindFree(RESERVED_PIDS, Math.min(this.cursor, this.pidMax));
    if (pid < 0) return -1;
    this.cursor = pid + 1;
    return pid;
  }

  private pidFindFree(from: number, to: number): number {
    for (let pid = from; pid < to; pid++) if (!this.tasks.has(pid)) return pid;
    return -1;
  }

  /**
   * How many pids successive pidAlloc calls can hand out: every free pid >= cursor, and after
   * the wrap every free pid >= RESERVED_PIDS; free pids below both are out of reach.
   */
  private pidsAvailable(): number {
    const low = Math.min(this.cursor, RESERVED_PIDS);
    if (low >= this.pidMax) return 0;
    let usedBelow = 0;
    for (let pid = 1; pid < low; pid++) if (this.tasks.has(pid)) usedBelow++;
    return this.pidMax - low - (this.tasks.size - usedBelow);
  }

  // ------------------------------------------------------------------ tasks

  private liveTask(pid: number): Task | undefined {
    const tsk = this.tasks.get(pid);
    return tsk !== undefined && tsk.state === TASK_LIVE ? tsk : undefined;
  }

  /** Create task `pid` as a child (process) or sibling thread of LIVE `parent`, on its css_set. */
  private taskCreate(pid: number, parent: Task, thread: boolean): void {
    const tsk: Task = {
      pid,
      leader: parent.leader,
      parent: null,
      cset: null,
      state: TASK_LIVE,
      threads: null,
      children: null,
    };
    if (thread) {
      const leader = parent.leader;
      (leader.threads ??= new Set()).add(tsk);
    } else {
      tsk.leader = tsk;
      tsk.parent = parent.leader;
      if (tsk.parent !== this.init) (tsk.parent.children ??= new Set()).add(tsk);
    }
    this.tasks.set(pid, tsk);
    this.nrLive++;
    this.csetAddTask(parent.cset!, tsk);
  }

  /** do_exit for a LIVE task: leave the css_set, then free the pid or become a ZOMBIE. */
  private taskExit(tsk: Task): void {
    const cset = tsk.cset!;
    tsk.cset = null;
    this.nrLive--;
    this.csetRemoveTask(cset, tsk);
    const leader = tsk.leader;
    if (leader !== tsk) {
      this.tasks.delete(tsk.pid);
      leader.threads!.delete(tsk);
      if (leader.state === TASK_ZOMBIE && leader.threads!.size === 0) this.groupFree(leader);
    } else if (tsk.threads !== null && tsk.threads.size > 0) {
      tsk.state = TASK_ZOMBIE;
    } else {
      this.groupFree(tsk);
    }
  }

  /** The last task of `leader`'s group is gone: free the leader's pid, re-parent its children. */
  private groupFree(leader: Task): void {
    this.tasks.delete(leader.pid);
    if (leader.children !== null) {
      for (const child of leader.children) child.parent = this.init;
      leader.children = null;
    }
    const parent = leader.parent;
    if (parent !== null && parent !== this.init) parent.children!.delete(leader);
  }

  fork(parent: number, thread: boolean): number {
    const p = this.liveTask(parent);
    if (p === undefined) return ESRCH;
    const pid = this.pidAlloc();
    if (pid < 0) return EAGAIN;
    this.taskCreate(pid, p, thread);
    return pid;
  }

  exit(pid: number): number {
    if (pid === INIT_PID) return EPERM;
    const tsk = this.liveTask(pid);
    if (tsk === undefined) return ESRCH;
    this.taskExit(tsk);
    return 0;
  }

  forkMany(parent: number, count: number): Int32Array | number {
    if (!Number.isInteger(count) || count < 0) return EINVAL;
    const p = this.liveTask(parent);
    if (p === undefined) return ESRCH;
    if (count > this.pidsAvailable()) return EAGAIN;
    const pids = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      const pid = this.pidAlloc();
      this.taskCreate(pid, p, false);
      pids[i] = pid;
    }
    return pids;
  }

  exitMany(pids: Int32Array): number {
    const err = this.exitManyCheck(pids);
    if (err !== 0) return err;
    for (const pid of pids) this.taskExit(this.tasks.get(pid)!);
    return pids.length;
  }

  /**
   * Validate an exitMany batch: the first offending pid in array order decides (pid 1: EPERM;
   * not LIVE, or already seen earlier in the batch: ESRCH). The common all-valid case is
   * checked without a per-pid Set (a sorted copy finds repeats); any error takes the exact,
   * ordered pass.
   */
  private exitManyCheck(pids: Int32Array): number {
    let valid = true;
    for (const pid of pids) {
      if (pid === INIT_PID || this.liveTask(pid) === undefined) {
        valid = false;
        break;
      }
    }
    if (valid) {
      const sorted = pids.slice().sort();
      let repeated = false;
      for (let i = 1; i < sorted.length && !repeated; i++) repeated = sorted[i] === sorted[i - 1];
      if (!repeated) return 0;
    }
    const seen = new Set<number>();
    for (const pid of pids) {
      if (pid === INIT_PID) return EPERM;
      if (this.liveTask(pid) === undefined || seen.has(pid)) return ESRCH;
      seen.add(pid);
    }
    return 0;
  }

  taskState(pid: number): number {
    return this.tasks.get(pid)?.state ?? TASK_FREE;
  }

  taskTgid(pid: number): number {
    return this.tasks.get(pid)?.leader.pid ?? ESRCH;
  }

  taskPpid(pid: number): number {
    const tsk = this.tasks.get(pid);
    if (tsk === undefined) return ESRCH;
    return tsk.leader.parent?.pid ?? 0;
  }

  taskCset(pid: number): number {
    const tsk = this.tasks.get(pid);
    if (tsk === undefined) return ESRCH;
    return tsk.cset?.id ?? INIT_CSET;
  }

  taskCgroup(pid: number, h: number): number {
    const hier = this.hierAt(h);
    if (hier === undefined) return EINVAL;
    const tsk = this.tasks.get(pid);
    if (tsk === undefined) return ESRCH;
    return this.taskCgroupIn(tsk, hier).id;
  }

  /** The task's cgroup in a live hierarchy; a ZOMBIE is in the root (it sits on init's css_set). */
  private taskCgroupIn(tsk: Task, hier: Hierarchy): Cgroup {
    return tsk.cset === null ? hier.root : tsk.cset.cgrps[hier.slot]!;
  }

  /** LIVE members of `leader`'s thread group, in ascending pid order. */
  private groupLive(leader: Task): Task[] {
    const members = leader.threads === null ? [] : [...leader.threads];
    if (leader.state === TASK_LIVE) members.push(leader);
    return members.sort((a, b) => a.pid - b.pid);
  }

  threadGroup(pid: number): Int32Array | number {
    const tsk = this.tasks.get(pid);
    if (tsk === undefined) return ESRCH;
    return Int32Array.from(this.groupLive(tsk.leader), (t) => t.pid);
  }

  pidsInUse(): number {
    return this.tasks.size;
  }

  // ------------------------------------------------------------------ css_sets

  /** A new css_set with the given vector (refcount 0, no tasks), linked to each of its cgroups. */
  private csetCreate(cgrps: (Cgroup | null)[]): Cset {
    const key = csetKey(cgrps);
    const cset: Cset = { id: this.csetIds.alloc(), cgrps, key, refcount: 0, tasks: new Set() };
    for (const cgrp of cgrps) {
      if (cgrp !== null) {
        cgrp.csets.add(cset);
        this.nrLinks++;
      }
    }
    this.csets.set(cset.id, cset);
    this.csetByKey.set(key, cset);
    return cset;
  }

  /** Unlink and forget a css_set whose refcount reached 0. */
  private csetFree(cset: Cset): void {
    for (const cgrp of cset.cgrps) {
      if (cgrp !== null) {
        cgrp.csets.delete(cset);
        this.nrLinks--;
      }
    }
    this.csets.delete(cset.id);
    this.csetByKey.delete(cset.key);
    this.csetIds.release(cset.id);
  }

  /** Put `tsk` on `cset` taking a reference; the cgroups become populated with the first task. */
  private csetAddTask(cset: Cset, tsk: Task): void {
    cset.refcount++;
    cset.tasks.add(tsk);
    tsk.cset = cset;
    if (cset.tasks.size === 1) {
      for (const cgrp of cset.cgrps) if (cgrp !== null) this.cgroupPopulatedInc(cgrp);
    }
  }

  /** Take `tsk` off `cset` and drop its reference (freeing the css_set at 0). */
  private csetRemoveTask(cset: Cset, tsk: Task): void {
    cset.tasks.delete(tsk);
    if (cset.tasks.size === 0) {
      for (const cgrp of cset.cgrps) if (cgrp !== null) this.cgroupPopulatedDec(cgrp);
    }
    if (--cset.refcount === 0) this.csetFree(cset);
  }

  csetRefcount(cs: number): number {
    return this.csets.get(cs)?.refcount ?? ENOENT;
  }

  csetNrTasks(cs: number): number {
    return this.csets.get(cs)?.tasks.size ?? ENOENT;
  }

  csetCgroups(cs: number): Int32Array {
    const cset = this.csets.get(cs);
    if (cset === undefined) return new Int32Array(0);
    return Int32Array.from(cset.cgrps, (c) => (c === null ? 0 : c.id));
  }

  csetTasks(cs: number): Int32Array {
    const cset = this.csets.get(cs);
    if (cset === undefined) return new Int32Array(0);
    return sortedInt32(Array.from(cset.tasks, (t) => t.pid));
  }

  // ------------------------------------------------------------------ populated and release

  /** A linked css_set got its first task: count it, and propagate a flip to populated upward. */
  private cgroupPopulatedInc(cgrp: Cgroup): void {
    let was = isPopulated(cgrp);
    cgrp.nrPopulatedCsets++;
    for (let c = cgrp.parent; !was && c !== null; c = c.parent) {
      was = isPopulated(c);
      c.nrPopulatedChildren++;
    }
  }

  /**
   * A linked css_set lost its last task. Each cgroup that flips to unpopulated gets the release
   * check, from `cgrp` upward (an ancestor has a child, so only `cgrp` itself can be queued).
   */
  private cgroupPopulatedDec(cgrp: Cgroup): void {
    cgrp.nrPopulatedCsets--;
    for (let c: Cgroup | null = cgrp; c !== null && !isPopulated(c); c = c.parent) {
      this.releaseCheck(c);
      if (c.parent !== null) c.parent.nrPopulatedChildren--;
    }
  }

  private isReleasable(cgrp: Cgroup): boolean {
    return (
      cgrp.notify &&
      !isPopulated(cgrp) &&
      cgrp.children.size === 0 &&
      cgrp.cssRefs === 0 &&
      cgrp.parent !== null &&
      this.cgroups.get(cgrp.id) === cgrp
    );
  }

  /** check_for_release: queue a releasable cgroup once (Set.add keeps the first position). */
  private releaseCheck(cgrp: Cgroup): void {
    if (this.isReleasable(cgrp)) this.release.add(cgrp);
  }

  releasePop(): number {
    for (const cgrp of this.release) {
      this.release.delete(cgrp);
      return cgrp.id;
    }
    return 0;
  }

  // ------------------------------------------------------------------ hierarchies

  private hierAt(h: number): Hierarchy | undefined {
    if (!Number.isInteger(h) || h < 0 || h >= this.maxHierarchies) return undefined;
    return this.hiers[h] ?? undefined;
  }

  private cgroupAlloc(parent: Cgroup | null, hier: number): Cgroup {
    const cgrp: Cgroup = {
      id: this.cgroupIds.alloc(),
      parent,
      hier,
      children: new Set(),
      csets: new Set(),
      notify: false,
      cssRefs: 0,
      nrPopulatedCsets: 0,
      nrPopulatedChildren: 0,
      usage: new BigUint64Array(this.cpus * 2),
    };
    this.cgroups.set(cgrp.id, cgrp);
    return cgrp;
  }

  private cgroupForget(cgrp: Cgroup): void {
    this.cgroups.delete(cgrp.id);
    this.cgroupIds.release(cgrp.id);
    this.release.delete(cgrp);
  }

  /** Rebuild csetByKey after every vector changed slot at once (mount and umount). */
  private csetRehash(): void {
    this.csetByKey = new Map();
    for (const cset of this.csets.values()) {
      cset.key = csetKey(cset.cgrps);
      this.csetByKey.set(cset.key, cset);
    }
  }

  hierCreate(): number {
    const slot = this.hiers.indexOf(null);
    if (slot < 0) return ENOSPC;
    const root = this.cgroupAlloc(null, slot);
    this.hiers[slot] = { slot, root, nrCgroups: 1 };
    this.nrHiers++;
    for (const cset of this.csets.values()) {
      cset.cgrps[slot] = root;
      root.csets.add(cset);
      this.nrLinks++;
      if (cset.tasks.size > 0) root.nrPopulatedCsets++;
    }
    this.csetRehash();
    return slot;
  }

  hierDestroy(h: number): number {
    const hier = this.hierAt(h);
    if (hier === undefined) return EINVAL;
    const root = hier.root;
    if (root.children.size > 0) return EBUSY;
    for (const cset of this.csets.values()) cset.cgrps[h] = null;
    this.nrLinks -= root.csets.size;
    root.csets.clear();
    this.csetRehash();
    this.cgroupForget(root);
    this.hiers[h] = null;
    this.nrHiers--;
    return 0;
  }

  hierRoot(h: number): number {
    return this.hierAt(h)?.root.id ?? EINVAL;
  }

  hierNrCgroups(h: number): number {
    return this.hierAt(h)?.nrCgroups ?? EINVAL;
  }

  // ------------------------------------------------------------------ cgroups

  cgroupCreate(parent: number): number {
    const p = this.cgroups.get(parent);
    if (p === undefined) return ENOENT;
    const cgrp = this.cgroupAlloc(p, p.hier);
    p.children.add(cgrp);
    this.hiers[p.hier]!.nrCgroups++;
    return cgrp.id;
  }

  cgroupDestroy(id: number): number {
    const cgrp = this.cgroups.get(id);
    if (cgrp === undefined) return ENOENT;
    const parent = cgrp.parent;
    if (parent === null || cgrp.csets.size > 0 || cgrp.children.size > 0 || cgrp.cssRefs > 0) {
      return EBUSY;
    }
    // Neither populated nor a parent of anything: the ancestors' counters are unaffected.
    parent.children.delete(cgrp);
    this.cgroupForget(cgrp);
    this.hiers[cgrp.hier]!.nrCgroups--;
    this.releaseCheck(parent);
    return 0;
  }

  cgroupParent(id: number): number {
    const cgrp = this.cgroups.get(id);
    if (cgrp === undefined) return ENOENT;
    return cgrp.parent?.id ?? 0;
  }

  cgroupHier(id: number): number {
    return this.cgroups.get(id)?.hier ?? ENOENT;
  }

  cgroupChildren(id: number): Int32Array {
    const cgrp = this.cgroups.get(id);
    if (cgrp === undefined) return new Int32Array(0);
    return Int32Array.from(cgrp.children, (c) => c.id);
  }

  cgroupSetNotify(id: number, on: boolean): number {
    const cgrp = this.cgroups.get(id);
    if (cgrp === undefined) return ENOENT;
    cgrp.notify = on;
    return 0;
  }

  cgroupNotify(id: number): boolean {
    return this.cgroups.get(id)?.notify ?? false;
  }

  cgroupPopulated(id: number): boolean {
    const cgrp = this.cgroups.get(id);
    return cgrp !== undefined && isPopulated(cgrp);
  }

  cgroupTaskCount(id: number): number {
    const cgrp = this.cgroups.get(id);
    if (cgrp === undefined) return 0;
    let n = 0;
    for (const cset of cgrp.csets) n += cset.tasks.size;
    return n;
  }

  cgroupTasks(id: number, procs: boolean): Int32Array {
    const cgrp = this.cgroups.get(id);
    if (cgrp === undefined) return new Int32Array(0);
    if (!procs) {
      const pids: number[] = [];
      for (const cset of cgrp.csets) for (const tsk of cset.tasks) pids.push(tsk.pid);
      return sortedInt32(pids);
    }
    // cgroup.procs: each thread group once, by its tgid
    const tgids = new Set<number>();
    for (const cset of cgrp.csets) for (const tsk of cset.tasks) tgids.add(tsk.leader.pid);
    return sortedInt32(tgids);
  }

  cgroupCsets(id: number): Int32Array {
    const cgrp = this.cgroups.get(id);
    if (cgrp === undefined) return new Int32Array(0);
    return sortedInt32(Array.from(cgrp.csets, (c) => c.id));
  }

  cssGet(id: number): number {
    const cgrp = this.cgroups.get(id);
    if (cgrp === undefined) return ENOENT;
    if (cgrp.parent !== null) cgrp.cssRefs++;
    return 0;
  }

  cssPut(id: number): number {
    const cgrp = this.cgroups.get(id);
    if (cgrp === undefined) return ENOENT;
    if (cgrp.parent === null) return 0;
    if (cgrp.cssRefs === 0) return EINVAL;
    if (--cgrp.cssRefs === 0) this.releaseCheck(cgrp);
    return 0;
  }

  cgroupCssRefs(id: number): number {
    return this.cgroups.get(id)?.cssRefs ?? ENOENT;
  }

  // ------------------------------------------------------------------ attach

  /** Move a LIVE task to `cgrp` (no-op if already there): find or create the css_set, switch. */
  private taskAttach(tsk: Task, cgrp: Cgroup): void {
    const from = tsk.cset!;
    if (from.cgrps[cgrp.hier] === cgrp) return;
    const cgrps = from.cgrps.slice();
    cgrps[cgrp.hier] = cgrp;
    const to = this.csetByKey.get(csetKey(cgrps)) ?? this.csetCreate(cgrps);
    // Join the new css_set before leaving the old one, so that a cgroup both share (every
    // other slot) never looks unpopulated in between.
    this.csetAddTask(to, tsk);
    this.csetRemoveTask(from, tsk);
  }

  attach(pid: number, cgrp: number, group: boolean): number {
    const dst = this.cgroups.get(cgrp);
    if (dst === undefined) return ENOENT;
    const tsk = this.tasks.get(pid);
    if (tsk === undefined) return ESRCH;
    if (group) {
      for (const member of this.groupLive(tsk.leader)) this.taskAttach(member, dst);
    } else if (tsk.state === TASK_LIVE) {
      this.taskAttach(tsk, dst);
    }
    return 0;
  }

  attachMany(pids: Int32Array, cgrp: number): number {
    const dst = this.cgroups.get(cgrp);
    if (dst === undefined) return ENOENT;
    for (const pid of pids) if (!this.tasks.has(pid)) return ESRCH;
    for (const pid of pids) {
      const tsk = this.tasks.get(pid)!;
      if (tsk.state === TASK_LIVE) this.taskAttach(tsk, dst);
    }
    return pids.length;
  }

  // ------------------------------------------------------------------ cpuacct

  private validCharge(cpu: number, mode: number, h: number): boolean {
    return (
      Number.isInteger(cpu) &&
      cpu >= 0 &&
      cpu < this.cpus &&
      (mode === 0 || mode === 1) &&
      (h === -1 || this.hierAt(h) !== undefined)
    );
  }

  private static validNs(ns: number): boolean {
    return Number.isSafeInteger(ns) && ns >= 0;
  }

  private chargeTask(tsk: Task, ns: bigint, index: number, h: number): void {
    if (h === -1) {
      this.unboundUsage[index]! += ns;
      return;
    }
    for (let c: Cgroup | null = this.taskCgroupIn(tsk, this.hiers[h]!); c !== null; c = c.parent) {
      c.usage[index]! += ns;
    }
  }

  charge(pid: number, ns: number, cpu: number, mode: number, h: number): number {
    if (!this.validCharge(cpu, mode, h) || !ReferenceEngine.validNs(ns)) return EINVAL;
    const tsk = this.tasks.get(pid);
    if (tsk === undefined) return ESRCH;
    this.chargeTask(tsk, BigInt(ns), cpu * 2 + mode, h);
    return 0;
  }

  chargeMany(pids: Int32Array, ns: Float64Array, cpu: number, mode: number, h: number): number {
    if (!this.validCharge(cpu, mode, h) || pids.length !== ns.length) return EINVAL;
    for (let i = 0; i < pids.length; i++) {
      if (!ReferenceEngine.validNs(ns[i]!)) return EINVAL;
      if (!this.tasks.has(pids[i]!)) return ESRCH;
    }
    const index = cpu * 2 + mode;
    for (let i = 0; i < pids.length; i++) {
      this.chargeTask(this.tasks.get(pids[i]!)!, BigInt(ns[i]!), index, h);
    }
    return pids.length;
  }

  /** Counters of cgroup `id`, or of the unbound root for id 0. */
  private usageOf(id: number): BigUint64Array | undefined {
    return id === 0 ? this.unboundUsage : this.cgroups.get(id)?.usage;
  }

  cpuacctUsage(cgrp: number, cpu: number, mode: number): bigint {
    const usage = this.usageOf(cgrp);
    if (usage === undefined || !Number.isInteger(cpu) || cpu < 0 || cpu >= this.cpus || (mode !== 0 && mode !== 1)) {
      return -1n;
    }
    return usage[cpu * 2 + mode]!;
  }

  cpuacctReset(cgrp: number): number {
    const usage = this.usageOf(cgrp);
    if (usage === undefined) return ENOENT;
    usage.fill(0n);
    return 0;
  }

  cpuacctMove(from: number, to: number): number {
    const src = this.usageOf(from);
    const dst = this.usageOf(to);
    if (src === undefined || dst === undefined) return ENOENT;
    if (src === dst) return 0;
    dst.set(src);
    src.fill(0n);
    return 0;
  }

  // ------------------------------------------------------------------ whole state

  stats(): EngineStats {
    const counters = (this.cgroups.size + 1) * this.cpus * 2;
    const memoryBytes =
      SIZE.base +
      this.tasks.size * SIZE.task +
      this.csets.size * (SIZE.cset + this.maxHierarchies * SIZE.csetSlot) +
      this.cgroups.size * SIZE.cgroup +
      counters * SIZE.counter +
      this.nrLinks * SIZE.link +
      this.tasks.capacity * SIZE.pidSlot +
      (this.csetIds.size + this.cgroupIds.size) * 8;
    return {
      tasks: this.nrLive,
      cssSets: this.csets.size,
      cgroups: this.cgroups.size,
      hierarchies: this.nrHiers,
      memoryBytes,
    };
  }

  dump(): EngineDump {
    const byId = <T extends { id: number }>(a: T, b: T) => a.id - b.id;
    const tasks = [...this.tasks.values()].map((t) => ({
      pid: t.pid,
      tgid: t.leader.pid,
      ppid: t.leader.parent?.pid ?? 0,
      cset: t.cset?.id ?? INIT_CSET,
      state: t.state,
    }));
    const csets = [...this.csets.values()].sort(byId).map((c) => ({
      id: c.id,
      refcount: c.refcount,
      nrTasks: c.tasks.size,
      cgroups: c.cgrps.map((g) => (g === null ? 0 : g.id)),
      tasks: [...c.tasks].map((t) => t.pid).sort((a, b) => a - b),
    }));
    const cgroups = [...this.cgroups.values()].sort(byId).map((g) => ({
      id: g.id,
      parent: g.parent?.id ?? 0,
      hier: g.hier,
      children: [...g.children].map((c) => c.id),
      csets: [...g.csets].map((c) => c.id).sort((a, b) => a - b),
      notify: g.notify,
      populated: isPopulated(g),
      cssRefs: g.cssRefs,
      queued: this.release.has(g),
    }));
    const hierarchies = this.hiers
      .filter((h) => h !== null)
      .map((h) => ({ slot: h.slot, root: h.root.id, nrCgroups: h.nrCgroups }));
    return {
      cursor: this.cursor,
      tasks,
      csets,
      cgroups,
      hierarchies,
      releaseQueue: [...this.release].map((g) => g.id),
    };
  }

  selfCheck(): string | null {
    try {
      this.check();
      return null;
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  }

  /** Throws a description of the first inconsistency of the internal structures. */
  private check(): void {
    const fail = (msg: string): never => {
      throw new Error(msg);
    };
    // tasks
    let live = 0;
    for (const t of this.tasks.values()) {
      const pid = t.pid;
      if (this.tasks.get(pid) !== t || pid < 1 || pid >= this.pidMax) fail(`task ${pid}: bad slot`);
      if (this.tasks.get(t.leader.pid) !== t.leader) fail(`task ${pid}: leader not allocated`);
      if (t.leader.leader !== t.leader) fail(`task ${pid}: leader is a thread`);
      if (t.state === TASK_LIVE) {
        live++;
        if (t.cset === null || !t.cset.tasks.has(t)) fail(`task ${pid}: not on its cset`);
        if (this.csets.get(t.cset!.id) !== t.cset) fail(`task ${pid}: cset not live`);
      } else {
        if (t.cset !== null) fail(`zombie ${pid} holds a cset`);
        if (t.leader !== t || t.threads === null || t.threads.size === 0) {
          fail(`zombie ${pid} is not a leader with live threads`);
        }
      }
      if (t.leader !== t) {
        if (t.parent !== null || t.children !== null || t.threads !== null) {
          fail(`thread ${pid} has process links`);
        }
        if (t.state !== TASK_LIVE || !t.leader.threads?.has(t)) fail(`thread ${pid} not listed`);
      } else if (t === this.init) {
        if (t.parent !== null || t.state !== TASK_LIVE) fail('init has a parent or is not live');
      } else {
        const p = t.parent;
        if (p === null || this.tasks.get(p.pid) !== p || p.leader !== p) {
          fail(`process ${pid}: parent not an allocated leader`);
        }
        if (p !== this.init && !p!.children?.has(t)) fail(`process ${pid}: parent lacks it`);
      }
      for (const th of t.threads ?? []) {
        if (th.leader !== t || this.tasks.get(th.pid) !== th) fail(`leader ${pid}: bad thread`);
      }
      for (const ch of t.children ?? []) {
        if (ch.parent !== t || this.tasks.get(ch.pid) !== ch) fail(`leader ${pid}: bad child`);
      }
    }
    if (live !== this.nrLive) fail(`nrLive ${this.nrLive} != ${live}`);
    if (this.cursor < 1 || this.cursor > this.pidMax) fail(`cursor ${this.cursor} out of range`);
    // css_sets
    if (!this.csets.has(INIT_CSET)) fail('init cset missing');
    if (this.csetByKey.size !== this.csets.size) fail('cset hash size differs from cset count');
    let links = 0;
    for (const [id, cs] of this.csets) {
      if (cs.id !== id) fail(`cset ${id}: bad key`);
      const want = cs.tasks.size + (id === INIT_CSET ? 1 : 0);
      if (cs.refcount !== want) fail(`cset ${id}: refcount ${cs.refcount} != ${want}`);
      if (cs.key !== csetKey(cs.cgrps) || this.csetByKey.get(cs.key) !== cs) {
        fail(`cset ${id}: not hashed under its vector`);
      }
      if (cs.cgrps.length !== this.maxHierarchies) fail(`cset ${id}: vector length`);
      for (const t of cs.tasks) {
        if (t.cset !== cs || this.tasks.get(t.pid) !== t) fail(`cset ${id}: lists foreign task`);
      }
      for (let h = 0; h < this.maxHierarchies; h++) {
        const g = cs.cgrps[h] ?? null;
        const hier = this.hiers[h] ?? null;
        if ((g === null) !== (hier === null)) fail(`cset ${id}: slot ${h} vs hierarchy`);
        if (g !== null) {
          links++;
          if (g.hier !== h || this.cgroups.get(g.id) !== g || !g.csets.has(cs)) {
            fail(`cset ${id}: bad link in slot ${h}`);
          }
        }
      }
    }
    if (links !== this.nrLinks) fail(`nrLinks ${this.nrLinks} != ${links}`);
    // cgroups and hierarchies
    const perHier = new Array<number>(this.maxHierarchies).fill(0);
    for (const [id, g] of this.cgroups) {
      if (g.id !== id) fail(`cgroup ${id}: bad key`);
      const hier = this.hiers[g.hier] ?? null;
      if (hier === null) fail(`cgroup ${id}: hierarchy ${g.hier} not live`);
      perHier[g.hier]!++;
      if (g.parent === null) {
        if (hier!.root !== g) fail(`cgroup ${id}: parentless but not the root`);
      } else if (this.cgroups.get(g.parent.id) !== g.parent || !g.parent.children.has(g) || g.parent.hier !== g.hier) {
        fail(`cgroup ${id}: parent link broken`);
      }
      let popCsets = 0;
      for (const cs of g.csets) {
        if (this.csets.get(cs.id) !== cs || cs.cgrps[g.hier] !== g) fail(`cgroup ${id}: bad link`);
        if (cs.tasks.size > 0) popCsets++;
      }
      let popChildren = 0;
      for (const c of g.children) {
        if (c.parent !== g || this.cgroups.get(c.id) !== c) fail(`cgroup ${id}: bad child`);
        if (isPopulated(c)) popChildren++;
      }
      if (g.nrPopulatedCsets !== popCsets || g.nrPopulatedChildren !== popChildren) {
        fail(`cgroup ${id}: populated counters wrong`);
      }
      if (g.cssRefs < 0 || (g.parent === null && g.cssRefs !== 0)) fail(`cgroup ${id}: cssRefs`);
      if (g.usage.length !== this.cpus * 2) fail(`cgroup ${id}: counters`);
    }
    let nrHiers = 0;
    for (let h = 0; h < this.maxHierarchies; h++) {
      const hier = this.hiers[h] ?? null;
      if (hier === null) continue;
      nrHiers++;
      if (hier.slot !== h || this.cgroups.get(hier.root.id) !== hier.root) fail(`hier ${h}: root`);
      if (hier.nrCgroups !== perHier[h]) fail(`hier ${h}: nrCgroups`);
    }
    if (nrHiers !== this.nrHiers) fail('hierarchy count');
    for (const g of this.release) {
      if (this.cgroups.get(g.id) !== g) fail(`release queue holds dead cgroup ${g.id}`);
    }
  }
}

/** Build a reference engine (the options are complete: see createEngine for defaults). */
export function createReferenceEngine(opts: EngineOptions): ReferenceEngine {
  return new ReferenceEngine(opts);
}
