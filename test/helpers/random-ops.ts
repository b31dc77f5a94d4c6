/**
 * Seeded random operations over the Engine interface, for differential and fuzz tests.
 *
 * `Rng` is mulberry32: a tiny, deterministic 32-bit PRNG, so a seed reproduces a run exactly.
 * `RandomOps` generates one engine call at a time. It keeps pools of ids it has seen (pids
 * from fork, cgroups from cgroupCreate and hierarchy roots) and draws arguments mostly from
 * them, with a steady share of invalid inputs: dead or out-of-range pids, removed or unknown
 * cgroups, dead slots, bad cpus, modes and ns values, repeated pids in batches. Now and then it
 * switches to a "teardown" plan that empties a hierarchy leaf by leaf and unmounts it, so that
 * successful cgroupDestroy and hierDestroy calls are frequent too.
 *
 * It reads the current state through a `probe` engine (queries only, never mutations), which
 * the caller keeps in step by applying every generated op to it before asking for the next.
 * Usage: `const op = gen.next(); const r = applyOp(engine, op); gen.observe(op, r);`.
 */

import { type Engine, TASK_FREE } from '../../src/engine/types.ts';

/** mulberry32: returns floats in [0, 1), fully determined by `seed`. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Rng {
  private readonly f: () => number;
  constructor(readonly seed: number) {
    this.f = mulberry32(seed);
  }
  /** [0, 1) */
  float(): number {
    return this.f();
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.f() * n);
  }
  /** Integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  chance(p: number): boolean {
    return this.f() < p;
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[this.int(items.length)]!;
  }
}

/** Names of the Engine methods RandomOps calls ('stats' is compared without memoryBytes). */
export type OpName =
  | 'fork'
  | 'exit'
  | 'forkMany'
  | 'exitMany'
  | 'taskState'
  | 'taskTgid'
  | 'taskPpid'
  | 'taskCset'
  | 'taskCgroup'
  | 'threadGroup'
  | 'pidsInUse'
  | 'hierCreate'
  | 'hierDestroy'
  | 'hierRoot'
  | 'hierNrCgroups'
  | 'cgroupCreate'
  | 'cgroupDestroy'
  | 'cgroupParent'
  | 'cgroupHier'
  | 'cgroupChildren'
  | 'cgroupSetNotify'
  | 'cgroupNotify'
  | 'cgroupPopulated'
  | 'cgroupTaskCount'
  | 'cgroupTasks'
  | 'cgroupCsets'
  | 'cssGet'
  | 'cssPut'
  | 'cgroupCssRefs'
  | 'attach'
  | 'attachMany'
  | 'csetRefcount'
  | 'csetNrTasks'
  | 'csetCgroups'
  | 'csetTasks'
  | 'releasePop'
  | 'charge'
  | 'chargeMany'
  | 'cpuacctUsage'
  | 'cpuacctReset'
  | 'cpuacctMove'
  | 'stats';

export type OpArg = number | boolean | Int32Array | Float64Array;

export interface Op {
  name: OpName;
  args: OpArg[];
}

/** Call `op` on `engine` and return the raw result. */
export function applyOp(engine: Engine, op: Op): unknown {
  if (op.name === 'stats') {
    const { memoryBytes: _ignored, ...counts } = engine.stats();
    return counts;
  }
  const fn = engine[op.name] as (...args: OpArg[]) => unknown;
  return fn.apply(engine, op.args);
}

/** A JSON-comparable form of a result: typed arrays become tagged lists, bigints strings. */
export function normalizeResult(r: unknown): unknown {
  if (r instanceof Int32Array) return { i32: Array.from(r) };
  if (typeof r === 'bigint') return `${r}n`;
  return r;
}

/** A short, readable rendering of an op for failure messages. */
export function describeOp(op: Op): string {
  const arg = (a: OpArg): string => {
    if (a instanceof Int32Array) return `Int32Array[${Array.from(a).join(',')}]`;
    if (a instanceof Float64Array) return `Float64Array[${Array.from(a).join(',')}]`;
    return String(a);
  };
  return `${op.name}(${op.args.map(arg).join(', ')})`;
}

export interface RandomOpsOptions {
  /** Forks are throttled above this many LIVE tasks. Default 250. */
  maxTasks?: number;
  /** New cgroups are throttled above this many. Default 60. */
  maxCgroups?: number;
  /** Per-op chance of starting a hierarchy teardown. Default 0.002. */
  teardownRate?: number;
}

interface Weighted {
  w: number;
  gen: () => Op;
}

/** A generator of random engine operations, biased toward valid ones. See the file header. */
export class RandomOps {
  readonly rng: Rng;
  private readonly probe: Engine;
  private readonly maxTasks: number;
  private readonly maxCgroups: number;
  private readonly teardownRate: number;
  private pids: number[] = [];
  private cgroups: number[] = [];
  private teardown = -1; // slot being torn down, or -1
  private teardownSteps = 0;
  private count = 0;

  constructor(seed: number, probe: Engine, opts: RandomOpsOptions = {}) {
    this.rng = new Rng(seed);
    this.probe = probe;
    this.maxTasks = opts.maxTasks ?? 250;
    this.maxCgroups = opts.maxCgroups ?? 60;
    this.teardownRate = opts.teardownRate ?? 0.002;
  }

  /** Number of ops generated so far. */
  get generated(): number {
    return this.count;
  }

  /** Feed back the result `op` had (on the probe engine), to learn new ids. */
  observe(op: Op, result: unknown): void {
    switch (op.name) {
      case 'fork':
        if (typeof result === 'number' && result > 0) this.pids.push(result);
        break;
      case 'forkMany':
        if (result instanceof Int32Array) this.pids.push(...result);
        break;
      case 'exit':
        if (result === 0) this.forgetPid(op.args[0] as number);
        break;
      case 'exitMany':
        if (typeof result === 'number' && result > 0) {
          for (const pid of op.args[0] as Int32Array) this.forgetPid(pid);
        }
        break;
      case 'cgroupCreate':
        if (typeof result === 'number' && result > 0) this.cgroups.push(result);
        break;
      case 'hierCreate':
        if (typeof result === 'number' && result >= 0) this.cgroups.push(this.probe.hierRoot(result));
        break;
      default:
        break;
    }
  }

  /** The next operation to apply. */
  next(): Op {
    this.count++;
    if (this.count % 500 === 0) this.prune();
    if (this.teardown >= 0) {
      const op = this.teardownStep();
      if (op !== null) return op;
    } else if (this.rng.chance(this.teardownRate)) {
      const slots = this.liveSlots();
      if (slots.length > 0) {
        this.teardown = this.rng.pick(slots);
        this.teardownSteps = 0;
        const op = this.teardownStep();
        if (op !== null) return op;
      }
    }
    return this.pickWeighted(this.table())();
  }

  // ---------------------------------------------------------------- pools

  private forgetPid(pid: number): void {
    const i = this.pids.indexOf(pid);
    if (i >= 0) {
      this.pids[i] = this.pids[this.pids.length - 1]!;
      this.pids.pop();
    }
  }

  /** Drop ids that died on their own (zombie leaders, destroyed cgroups), keeping a few. */
  private prune(): void {
    this.pids = [...new Set(this.pids)].filter((p) => this.probe.taskState(p) !== TASK_FREE || this.rng.chance(0.05));
    this.cgroups = [...new Set(this.cgroups)].filter((c) => this.probe.cgroupHier(c) >= 0 || this.rng.chance(0.05));
  }

  private liveSlots(): number[] {
    const slots: number[] = [];
    for (let h = 0; h < this.probe.maxHierarchies; h++) if (this.probe.hierRoot(h) > 0) slots.push(h);
    return slots;
  }

  private pid(): number {
    const r = this.rng.float();
    if (r < 0.82 && this.pids.length > 0) return this.rng.pick(this.pids);
    if (r < 0.9) return 1;
    if (r < 0.96) return this.rng.range(0, Math.min(this.probe.pidMax + 2, 2000));
    return this.rng.pick([-1, 0, this.probe.pidMax, this.probe.pidMax - 1, 0x7fffffff]);
  }

  private pidList(max: number): Int32Array {
    const n = this.rng.range(0, max);
    const list: number[] = [];
    for (let i = 0; i < n; i++) {
      const r = this.rng.float();
      if (r < 0.06 && list.length > 0)
        list.push(this.rng.pick(list)); // repeated
      else if (r < 0.09) list.push(1);
      else if (this.pids.length > 0 && r < 0.97) list.push(this.rng.pick(this.pids));
      else list.push(this.pid());
    }
    return Int32Array.from(list);
  }

  private cgroup(): number {
    const r = this.rng.float();
    if (r < 0.9 && this.cgroups.length > 0) return this.rng.pick(this.cgroups);
    if (r < 0.97) return this.rng.range(0, 80);
    return this.rng.pick([-1, 0, 1 << 20, 0x7fffffff]);
  }

  /** A cgroup id for cpuacct calls: the unbound root (0) is valid there. */
  private usageCgroup(): number {
    return this.rng.chance(0.15) ? 0 : this.cgroup();
  }

  private slot(): number {
    const live = this.liveSlots();
    if (live.length > 0 && this.rng.chance(0.8)) return this.rng.pick(live);
    return this.rng.range(-2, this.probe.maxHierarchies);
  }

  /** A slot for charge: -1 (unbound) is valid there. */
  private chargeSlot(): number {
    const r = this.rng.float();
    if (r < 0.2) return -1;
    if (r < 0.95) {
      const live = this.liveSlots();
      if (live.length > 0) return this.rng.pick(live);
      return -1;
    }
    return this.rng.pick([-2, this.probe.maxHierarchies, this.rng.range(0, this.probe.maxHierarchies - 1)]);
  }

  private cpu(): number {
    if (this.rng.chance(0.03)) return this.rng.pick([-1, this.probe.cpus]);
    return this.rng.int(this.probe.cpus);
  }

  private mode(): number {
    if (this.rng.chance(0.03)) return this.rng.pick([-1, 2]);
    return this.rng.int(2);
  }

  private ns(): number {
    const r = this.rng.float();
    if (r < 0.9) return this.rng.int(1_000_000);
    if (r < 0.97) return Number.MAX_SAFE_INTEGER - this.rng.int(1000); // wraps u64 eventually
    return this.rng.pick([-1, 1.5, 2 ** 53, Number.NaN, Infinity]);
  }

  private cset(): number {
    if (this.rng.chance(0.85) && this.pids.length > 0) {
      const cs = this.probe.taskCset(this.rng.pick(this.pids));
      if (cs > 0) return cs;
    }
    return this.rng.range(-1, 40);
  }

  // ---------------------------------------------------------------- the op table

  private table(): Weighted[] {
    const s = this.probe.stats();
    const crowded = s.tasks > this.maxTasks;
    const forkW = crowded ? 0.3 : 1;
    const exitW = crowded ? 4 : 1;
    const mkdirW = s.cgroups > this.maxCgroups ? 0.2 : 1;
    const hierW = s.hierarchies === 0 ? 20 : 1;
    const op = (name: OpName, ...args: OpArg[]): Op => ({ name, args });
    return [
      { w: 10 * forkW, gen: () => op('fork', this.pid(), false) },
      { w: 5 * forkW, gen: () => op('fork', this.pid(), true) },
      {
        w: 2 * forkW,
        gen: () => {
          const r = this.rng.float();
          const count =
            r < 0.88
              ? this.rng.range(0, 6)
              : r < 0.93
                ? -1
                : this.rng.pick([this.probe.pidMax, this.probe.pidMax - this.probe.pidsInUse()]);
          return op('forkMany', this.pid(), count);
        },
      },
      { w: 9 * exitW, gen: () => op('exit', this.pid()) },
      { w: 2 * exitW, gen: () => op('exitMany', this.pidList(5)) },
      { w: 10, gen: () => op('attach', this.pid(), this.cgroup(), false) },
      { w: 4, gen: () => op('attach', this.pid(), this.cgroup(), true) },
      { w: 3, gen: () => op('attachMany', this.pidList(6), this.cgroup()) },
      { w: 0.6 * hierW, gen: () => op('hierCreate') },
      { w: 0.4, gen: () => op('hierDestroy', this.slot()) },
      { w: 5 * mkdirW, gen: () => op('cgroupCreate', this.cgroup()) },
      { w: 3, gen: () => op('cgroupDestroy', this.cgroup()) },
      { w: 4, gen: () => op('cgroupSetNotify', this.cgroup(), this.rng.chance(0.75)) },
      { w: 2, gen: () => op('cssGet', this.cgroup()) },
      { w: 2, gen: () => op('cssPut', this.cgroup()) },
      { w: 4, gen: () => op('releasePop') },
      {
        w: 4,
        gen: () => op('charge', this.pid(), this.ns(), this.cpu(), this.mode(), this.chargeSlot()),
      },
      {
        w: 1.5,
        gen: () => {
          const pids = this.pidList(5);
          const n = this.rng.chance(0.05) ? pids.length + 1 : pids.length;
          const ns = new Float64Array(n);
          for (let i = 0; i < n; i++) ns[i] = this.rng.chance(0.95) ? this.rng.int(100_000) : this.ns();
          return op('chargeMany', pids, ns, this.cpu(), this.mode(), this.chargeSlot());
        },
      },
      { w: 0.7, gen: () => op('cpuacctReset', this.usageCgroup()) },
      { w: 0.3, gen: () => op('cpuacctMove', this.usageCgroup(), this.usageCgroup()) },
      { w: 1.5, gen: () => op('cpuacctUsage', this.usageCgroup(), this.cpu(), this.mode()) },
      // queries
      { w: 1, gen: () => op('taskState', this.pid()) },
      { w: 1, gen: () => op('taskTgid', this.pid()) },
      { w: 1.5, gen: () => op('taskPpid', this.pid()) },
      { w: 1, gen: () => op('taskCset', this.pid()) },
      { w: 1.5, gen: () => op('taskCgroup', this.pid(), this.slot()) },
      { w: 1, gen: () => op('threadGroup', this.pid()) },
      { w: 0.3, gen: () => op('pidsInUse') },
      { w: 0.3, gen: () => op('hierRoot', this.slot()) },
      { w: 0.3, gen: () => op('hierNrCgroups', this.slot()) },
      { w: 0.5, gen: () => op('cgroupParent', this.cgroup()) },
      { w: 0.5, gen: () => op('cgroupHier', this.cgroup()) },
      { w: 0.5, gen: () => op('cgroupChildren', this.cgroup()) },
      { w: 0.5, gen: () => op('cgroupNotify', this.cgroup()) },
      { w: 0.5, gen: () => op('cgroupPopulated', this.cgroup()) },
      { w: 0.5, gen: () => op('cgroupTaskCount', this.cgroup()) },
      { w: 1, gen: () => op('cgroupTasks', this.cgroup(), this.rng.chance(0.5)) },
      { w: 0.5, gen: () => op('cgroupCsets', this.cgroup()) },
      { w: 0.5, gen: () => op('cgroupCssRefs', this.cgroup()) },
      { w: 0.5, gen: () => op('csetRefcount', this.cset()) },
      { w: 0.5, gen: () => op('csetNrTasks', this.cset()) },
      { w: 0.5, gen: () => op('csetCgroups', this.cset()) },
      { w: 0.5, gen: () => op('csetTasks', this.cset()) },
      { w: 0.2, gen: () => op('stats') },
    ];
  }

  private pickWeighted(table: Weighted[]): () => Op {
    let total = 0;
    for (const e of table) total += e.w;
    let x = this.rng.float() * total;
    for (const e of table) {
      x -= e.w;
      if (x < 0) return e.gen;
    }
    return table[table.length - 1]!.gen;
  }

  // ---------------------------------------------------------------- teardown plan

  /**
   * One step of emptying slot `teardown`: take a leaf (post-order first non-root), move its
   * tasks to its parent, drop its css refs, remove it; once only the root is left, unmount.
   */
  private teardownStep(): Op | null {
    const h = this.teardown;
    const root = this.probe.hierRoot(h);
    if (root <= 0 || ++this.teardownSteps > 400) {
      this.teardown = -1;
      return null;
    }
    let leaf = root;
    for (let kids = this.probe.cgroupChildren(leaf); kids.length > 0; kids = this.probe.cgroupChildren(leaf)) {
      leaf = kids[this.rng.int(kids.length)]!;
    }
    if (leaf === root) {
      this.teardown = -1;
      return { name: 'hierDestroy', args: [h] };
    }
    if (this.probe.cgroupTaskCount(leaf) > 0) {
      const parent = this.probe.cgroupParent(leaf);
      return { name: 'attachMany', args: [this.probe.cgroupTasks(leaf, false), parent] };
    }
    if (this.probe.cgroupCssRefs(leaf) > 0) return { name: 'cssPut', args: [leaf] };
    return { name: 'cgroupDestroy', args: [leaf] };
  }
}
