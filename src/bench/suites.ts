/**
 * The benchmarks. Each case runs once per engine, on a fresh engine or kernel built for it,
 * so that the two engines see exactly the same workload in the same process.
 *
 * What each one stresses is written in bench/README.md; in short:
 *
 *   churn      fork + exit: the task table, the pid allocator, css_set refcounts
 *   attach     one task moved through N cgroups that each hold a resident task: the css_set
 *              hash lookup (always a hit), list moves, refcounts, populated counts
 *   csets      the same lookup with thousands of css_sets across 3 hierarchies
 *   tasks      listing a 1M-task cgroup: gathering and sorting pids, and the text of the file
 *   trees      mkdir/rmdir of whole trees: cgroup records, children lists, the fs layer
 *   cpuacct    charging CPU time up a 4-level hierarchy, one task or a batch at a time
 *   subsys     what registered subsystems cost fork: none without fork callbacks, the
 *              pids controller's fork veto when it has them
 *   memory     bytes per task at 1M, 10M, 100M tasks
 */

import { createEngine } from '../engine/index.ts';
import type { Engine, EngineKind } from '../engine/types.ts';
import { Kernel } from '../kernel.ts';
import { builtinSubsystems } from '../subsys/index.ts';
import type { Outcome } from './harness.ts';
import { collect, timeBatch, timeCalls } from './harness.ts';
import { measureMemory, measureMemoryIsolated, memoryLimit } from './memory.ts';

export interface BenchSizes {
  /** Tasks per batch fork+exit. */
  batch: number;
  /** Tasks per batch fork+exit with the pids controller (per-task callbacks). */
  pidsBatch: number;
  /** benchmark.js sampling time per single-call benchmark, seconds. */
  maxTime: number;
  /** N for the attach benchmarks. */
  attachNs: number[];
  /** Engine-level attaches per repetition. */
  attachOps: number;
  /** k.attach / tasks-file attaches per repetition. */
  kernelAttachOps: number;
  /** Cgroups per hierarchy in the css_set benchmark (dim^3 css_sets). */
  csetDim: number;
  /** Tasks in the cgroup whose tasks file is read. */
  tasksRead: number;
  /** Tree shapes: a top cgroup and `depth` levels of `fanout` children below it. */
  trees: Array<{ fanout: number; depth: number }>;
  /** Tasks charged per chargeMany. */
  chargeBatch: number;
  /** Task counts for the memory benchmark. */
  memory: number[];
  reps: number;
  warmup: number;
  /** Batch benchmarks repeat until the warm-up and the timed part each took this long. */
  minTimeMs: number;
  /** Memory measurements in child processes (true for real runs). */
  isolateMemory: boolean;
}

export const FULL_SIZES: BenchSizes = {
  batch: 1_000_000,
  pidsBatch: 200_000,
  maxTime: 1,
  attachNs: [1, 10, 100, 1_000, 10_000],
  attachOps: 500_000,
  kernelAttachOps: 100_000,
  csetDim: 20,
  tasksRead: 1_000_000,
  trees: [
    { fanout: 2, depth: 9 },
    { fanout: 1, depth: 199 },
    { fanout: 10, depth: 3 },
  ],
  chargeBatch: 1_000_000,
  memory: [1_000_000, 10_000_000, 100_000_000],
  reps: 5,
  warmup: 1,
  minTimeMs: 200,
  isolateMemory: true,
};

export const QUICK_SIZES: BenchSizes = {
  ...FULL_SIZES,
  batch: 200_000,
  pidsBatch: 50_000,
  maxTime: 0.1,
  attachOps: 100_000,
  kernelAttachOps: 20_000,
  csetDim: 12,
  tasksRead: 200_000,
  chargeBatch: 200_000,
  memory: [1_000_000],
  reps: 3,
  minTimeMs: 50,
};

/** Cap every size at `max` (a fast run, or a smoke test). */
export function capSizes(s: BenchSizes, max: number): BenchSizes {
  const m = Math.max(1, Math.floor(max));
  const cgroupsOf = (t: { fanout: number; depth: number }): number =>
    t.fanout === 1 ? t.depth + 1 : (t.fanout ** (t.depth + 1) - 1) / (t.fanout - 1);
  const trees = s.trees.map((t) => {
    let depth = t.depth;
    while (depth > 1 && cgroupsOf({ fanout: t.fanout, depth }) > m) depth--;
    return { fanout: t.fanout, depth };
  });
  const attachNs = s.attachNs.filter((n) => n <= m);
  const memory = s.memory.filter((n) => n <= m);
  return {
    ...s,
    batch: Math.min(s.batch, m),
    pidsBatch: Math.min(s.pidsBatch, m),
    attachNs: attachNs.length > 0 ? attachNs : [1],
    attachOps: Math.min(s.attachOps, m),
    kernelAttachOps: Math.min(s.kernelAttachOps, m),
    csetDim: Math.max(2, Math.min(s.csetDim, Math.floor(Math.cbrt(m)))),
    tasksRead: Math.min(s.tasksRead, m),
    trees,
    chargeBatch: Math.min(s.chargeBatch, m),
    memory: memory.length > 0 ? memory : [m],
  };
}

export type RowKind = 'speed' | 'memory';

export interface BenchCase {
  section: string;
  name: string;
  kind: RowKind;
  /** What one operation is, for the README and the table ('fork+exit pairs'). */
  unit: string;
  run(engine: EngineKind): Promise<Outcome>;
}

const fmt = (n: number): string => n.toLocaleString('en-US');
const short = (n: number): string =>
  n >= 1e6 && n % 1e6 === 0 ? `${n / 1e6}M` : n >= 1e3 && n % 1e3 === 0 ? `${n / 1e3}k` : fmt(n);

/** A check outside the timed region: a benchmark that silently does nothing is worse than none. */
function ensure(cond: boolean, what: string): void {
  if (!cond) throw new Error(`benchmark sanity check failed: ${what}`);
}

function ok(r: number, what: string): number {
  ensure(r >= 0, `${what} returned ${r}`);
  return r;
}

/** A kernel with the given subsystems (default: none, the bare fork path). */
function kernel(
  engine: EngineKind,
  opts: { subsystems?: ReturnType<typeof builtinSubsystems>; pidMax?: number } = {},
): Promise<Kernel> {
  return Kernel.create({ engine, subsystems: opts.subsystems ?? [], pidMax: opts.pidMax ?? 4194304, cpus: 4 });
}

function engineWithHierarchies(
  kind: EngineKind,
  hierarchies: number,
  pidMax = 4194304,
): { e: Engine; roots: number[] } {
  const e = createEngine(kind, { pidMax, maxHierarchies: Math.max(1, hierarchies), cpus: 4 });
  const roots: number[] = [];
  for (let i = 0; i < hierarchies; i++) roots.push(ok(e.hierRoot(ok(e.hierCreate(), 'hierCreate')), 'hierRoot'));
  return { e, roots };
}

// ---------------------------------------------------------------- cases

export function buildSuite(s: BenchSizes): BenchCase[] {
  const cases: BenchCase[] = [];
  const add = (c: BenchCase): void => void cases.push(c);

  // ---- fork+exit churn
  add({
    section: 'fork+exit churn',
    name: 'single calls: k.fork(1) + k.exit(pid)',
    kind: 'speed',
    unit: 'fork+exit pairs',
    run: async (engine) => {
      const k = await kernel(engine);
      return timeCalls(() => k.exit(k.fork(1)), { maxTime: s.maxTime });
    },
  });
  add({
    section: 'fork+exit churn',
    name: `batch: k.forkMany(1, ${short(s.batch)}) + k.exitMany`,
    kind: 'speed',
    unit: 'fork+exit pairs',
    run: async (engine) => {
      const k = await kernel(engine);
      return timeBatch(
        () => {
          const pids = k.forkMany(1, s.batch);
          return k.exitMany(pids);
        },
        { reps: s.reps, warmup: s.warmup, minTimeMs: s.minTimeMs, after: collect },
      );
    },
  });

  // ---- attach / migration
  for (const n of s.attachNs) {
    add({
      section: 'attach: one task through N cgroups, each holding a resident task',
      name: `engine.attach, N = ${fmt(n)}`,
      kind: 'speed',
      unit: 'attaches',
      run: async (engine) => {
        const { e, roots } = engineWithHierarchies(engine, 1, 2 * n + 4096);
        const targets = new Int32Array(n + 1);
        targets[0] = roots[0]!;
        for (let i = 1; i <= n; i++) targets[i] = ok(e.cgroupCreate(roots[0]!), 'cgroupCreate');
        const residents = e.forkMany(1, n);
        ensure(typeof residents !== 'number', 'forkMany');
        for (let i = 0; i < n; i++) ok(e.attach((residents as Int32Array)[i]!, targets[i + 1]!, false), 'attach');
        const mover = ok(e.fork(1, false), 'fork');
        const csets = e.stats().cssSets;
        let at = 0;
        const ops = s.attachOps;
        const m = timeBatch(
          () => {
            for (let j = 0; j < ops; j++) {
              e.attach(mover, targets[at]!, false);
              if (++at === targets.length) at = 0;
            }
            return ops;
          },
          { reps: s.reps, warmup: s.warmup, minTimeMs: s.minTimeMs },
        );
        ensure(
          e.taskCgroup(mover, 0) === targets[(at + targets.length - 1) % targets.length],
          'mover is where it was sent',
        );
        ensure(e.stats().cssSets === csets, 'every attach hit an existing css_set');
        return m;
      },
    });
  }
  const nMax = Math.max(...s.attachNs);
  for (const via of ['k.attach', 'tasks file'] as const) {
    add({
      section: 'attach: one task through N cgroups, each holding a resident task',
      name:
        via === 'k.attach'
          ? `k.attach(pid, path), N = ${fmt(nMax)}`
          : `k.fs.writeFileSync(path/tasks, pid), N = ${fmt(nMax)}`,
      kind: 'speed',
      unit: 'attaches',
      run: async (engine) => {
        const k = await kernel(engine, { pidMax: 2 * nMax + 4096 });
        k.mount('/cg', 'none,name=bench');
        const paths = ['/cg'];
        for (let i = 0; i < nMax; i++) {
          k.fs.mkdirSync(`/cg/c${i}`);
          paths.push(`/cg/c${i}`);
        }
        const residents = k.forkMany(1, nMax);
        for (let i = 0; i < nMax; i++) k.attach(residents[i]!, paths[i + 1]!);
        const mover = k.fork(1);
        const moverText = String(mover);
        const tasksFiles = paths.map((p) => `${p}/tasks`);
        let at = 0;
        const ops = s.kernelAttachOps;
        const run =
          via === 'k.attach'
            ? () => {
                for (let j = 0; j < ops; j++) {
                  k.attach(mover, paths[at]!);
                  if (++at === paths.length) at = 0;
                }
                return ops;
              }
            : () => {
                for (let j = 0; j < ops; j++) {
                  k.fs.writeFileSync(tasksFiles[at]!, moverText);
                  if (++at === paths.length) at = 0;
                }
                return ops;
              };
        return timeBatch(run, { reps: s.reps, warmup: s.warmup, minTimeMs: s.minTimeMs });
      },
    });
  }

  // ---- css_set lookup across 3 hierarchies
  const dim = s.csetDim;
  add({
    section: 'css_set lookup: 3 hierarchies',
    name: `attach hitting one of ${fmt(dim ** 3)} css_sets (${dim} cgroups per hierarchy)`,
    kind: 'speed',
    unit: 'attaches',
    run: async (engine) => {
      const { e, roots } = engineWithHierarchies(engine, 3, dim ** 3 + 4096);
      const cg = roots.map((r) => Array.from({ length: dim }, () => ok(e.cgroupCreate(r), 'cgroupCreate')));
      const tasks = e.forkMany(1, dim ** 3);
      ensure(typeof tasks !== 'number', 'forkMany');
      (tasks as Int32Array).forEach((pid, t) => {
        ok(e.attach(pid, cg[0]![t % dim]!, false), 'attach');
        ok(e.attach(pid, cg[1]![Math.floor(t / dim) % dim]!, false), 'attach');
        ok(e.attach(pid, cg[2]![Math.floor(t / dim / dim) % dim]!, false), 'attach');
      });
      const mover = ok(e.fork(1, false), 'fork');
      for (let h = 0; h < 3; h++) ok(e.attach(mover, cg[h]![0]!, false), 'attach');
      const csets = e.stats().cssSets;
      ensure(csets === dim ** 3 + 1, `${dim ** 3} distinct css_sets (+ init's), got ${csets}`);
      // A walk that always changes one coordinate: every target vector exists.
      const seq = new Int32Array(3 * dim * 7);
      for (let j = 0; j < seq.length; j++) seq[j] = cg[j % 3]![(j * 7 + (j % 3) + 1) % dim]!;
      let at = 0;
      const ops = s.attachOps;
      const m = timeBatch(
        () => {
          for (let j = 0; j < ops; j++) {
            e.attach(mover, seq[at]!, false);
            if (++at === seq.length) at = 0;
          }
          return ops;
        },
        { reps: s.reps, warmup: s.warmup, minTimeMs: s.minTimeMs },
      );
      ensure(e.stats().cssSets === csets, 'no css_set created while timing');
      return m;
    },
  });

  // ---- reading tasks
  for (const via of ['engine', 'fs'] as const) {
    add({
      section: 'reading tasks',
      name:
        via === 'engine'
          ? `engine.cgroupTasks of a ${short(s.tasksRead)}-task cgroup`
          : `k.fs.readFileSync(tasks) of a ${short(s.tasksRead)}-task cgroup`,
      kind: 'speed',
      unit: 'whole reads',
      run: async (engine) => {
        const k = await kernel(engine, { pidMax: s.tasksRead + 4096 });
        k.mount('/cg', 'none,name=bench');
        k.fs.mkdirSync('/cg/big');
        const pids = k.forkMany(1, s.tasksRead);
        k.attachMany(pids, '/cg/big');
        const id = k.engine.taskCgroup(pids[0]!, 0); // the only hierarchy is in slot 0
        ensure(k.engine.cgroupTaskCount(id) === s.tasksRead, 'the cgroup holds every task');
        const run =
          via === 'engine'
            ? () => {
                ensure(k.engine.cgroupTasks(id, false).length === s.tasksRead, 'cgroupTasks length');
                return 1;
              }
            : () => {
                ensure((k.fs.readFileSync('/cg/big/tasks', 'utf8') as string).length > s.tasksRead, 'tasks text');
                return 1;
              };
        return timeBatch(run, { reps: s.reps + 2, warmup: s.warmup, minTimeMs: s.minTimeMs, after: collect });
      },
    });
  }

  // ---- mkdir/rmdir of trees
  for (const t of s.trees) {
    const shape = t.fanout === 1 ? `a ${t.depth + 1}-deep chain` : `${t.fanout}x${t.depth}`;
    for (const via of ['engine', 'fs'] as const) {
      add({
        section: 'mkdir/rmdir of trees',
        name: `${shape} (${fmt(treeSize(t))} cgroups), ${via === 'engine' ? 'engine.cgroupCreate/Destroy' : 'k.fs.mkdirSync/rmdirSync'}`,
        kind: 'speed',
        unit: 'cgroups made and removed',
        run: async (engine) => {
          if (via === 'engine') {
            const { e, roots } = engineWithHierarchies(engine, 1);
            return timeBatch(
              () => {
                const made: number[] = [e.cgroupCreate(roots[0]!)];
                let level = [made[0]!];
                for (let d = 0; d < t.depth; d++) {
                  const next: number[] = [];
                  for (const p of level) for (let i = 0; i < t.fanout; i++) next.push(e.cgroupCreate(p));
                  made.push(...next);
                  level = next;
                }
                for (let i = made.length - 1; i >= 0; i--) e.cgroupDestroy(made[i]!);
                ensure(e.stats().cgroups === 1, 'the tree is gone');
                return made.length;
              },
              { reps: s.reps + 2, warmup: s.warmup, minTimeMs: s.minTimeMs },
            );
          }
          const k = await kernel(engine);
          k.mount('/cg', 'none,name=bench');
          const paths: string[] = ['/cg/top'];
          let level = ['/cg/top'];
          for (let d = 0; d < t.depth; d++) {
            const next: string[] = [];
            for (const p of level)
              for (let i = 0; i < t.fanout; i++) next.push(`${p}/${t.fanout === 1 ? 'd' : `c${i}`}`);
            paths.push(...next);
            level = next;
          }
          return timeBatch(
            () => {
              for (const p of paths) k.fs.mkdirSync(p);
              for (let i = paths.length - 1; i >= 0; i--) k.fs.rmdirSync(paths[i]!);
              return paths.length;
            },
            { reps: s.reps + 2, warmup: s.warmup, minTimeMs: s.minTimeMs },
          );
        },
      });
    }
  }

  // ---- cpuacct
  const cpuacctKernel = async (engine: EngineKind, tasks: number): Promise<{ k: Kernel; pids: Int32Array }> => {
    const subsystems = builtinSubsystems().filter((ss) => ss.name === 'cpuacct');
    const k = await kernel(engine, { subsystems, pidMax: tasks + 4096 });
    k.mount('/cg', 'cpuacct');
    k.fs.mkdirSync('/cg/a/b/c', { recursive: true });
    const pids = k.forkMany(1, tasks);
    k.attachMany(pids, '/cg/a/b/c');
    return { k, pids };
  };
  add({
    section: 'cpuacct charging (cpuacct mounted, tasks 3 levels below the root)',
    name: 'single calls: k.charge(pid, ns)',
    kind: 'speed',
    unit: 'charges',
    run: async (engine) => {
      const { k, pids } = await cpuacctKernel(engine, 1024);
      let i = 0;
      const m = timeCalls(
        () => {
          k.charge(pids[i]!, 1000, { cpu: i & 3 });
          i = (i + 1) & 1023;
        },
        { maxTime: s.maxTime },
      );
      ensure(k.fs.readFileSync('/cg/a/cpuacct.usage', 'utf8') !== '0\n', 'usage was charged');
      return m;
    },
  });
  add({
    section: 'cpuacct charging (cpuacct mounted, tasks 3 levels below the root)',
    name: `batch: k.chargeMany of ${short(s.chargeBatch)} tasks`,
    kind: 'speed',
    unit: 'charges',
    run: async (engine) => {
      const { k, pids } = await cpuacctKernel(engine, s.chargeBatch);
      const ns = new Float64Array(pids.length).fill(1000);
      return timeBatch(() => k.chargeMany(pids, ns, { cpu: 1 }), {
        reps: s.reps,
        warmup: s.warmup,
        minTimeMs: s.minTimeMs,
      });
    },
  });

  // ---- what subsystems cost fork
  type Config = { label: string; setup: (engine: EngineKind) => Promise<{ k: Kernel; parent: number }>; batch: number };
  const configs: Config[] = [
    {
      label: 'subsystems: []',
      batch: s.batch,
      setup: async (engine) => ({ k: await kernel(engine), parent: 1 }),
    },
    {
      label: 'all built-ins registered, none mounted',
      batch: s.batch,
      setup: async (engine) => ({ k: await kernel(engine, { subsystems: builtinSubsystems() }), parent: 1 }),
    },
    {
      label: 'cpuset+cpuacct+debug mounted',
      batch: s.batch,
      setup: async (engine) => {
        const subsystems = builtinSubsystems().filter((ss) => ['cpuset', 'cpuacct', 'debug'].includes(ss.name));
        const k = await kernel(engine, { subsystems });
        k.mount('/cg', 'cpuset,cpuacct,debug');
        return { k, parent: 1 };
      },
    },
    {
      label: 'pids mounted, parent under pids.max',
      batch: s.pidsBatch,
      setup: async (engine) => {
        const subsystems = builtinSubsystems().filter((ss) => ss.name === 'pids');
        const k = await kernel(engine, { subsystems });
        k.mount('/cg', 'pids');
        k.fs.mkdirSync('/cg/box');
        k.fs.writeFileSync('/cg/box/pids.max', '4000000');
        const parent = k.fork(1);
        k.attach(parent, '/cg/box');
        return { k, parent };
      },
    },
  ];
  for (const c of configs) {
    add({
      section: 'fork cost of registered subsystems',
      name: `single k.fork + k.exit, ${c.label}`,
      kind: 'speed',
      unit: 'fork+exit pairs',
      run: async (engine) => {
        const { k, parent } = await c.setup(engine);
        return timeCalls(() => k.exit(k.fork(parent)), { maxTime: s.maxTime });
      },
    });
  }
  for (const c of configs) {
    add({
      section: 'fork cost of registered subsystems',
      name: `batch of ${short(c.batch)} forkMany + exitMany, ${c.label}`,
      kind: 'speed',
      unit: 'fork+exit pairs',
      run: async (engine) => {
        const { k, parent } = await c.setup(engine);
        return timeBatch(() => k.exitMany(k.forkMany(parent, c.batch)), {
          reps: s.reps,
          warmup: s.warmup,
          minTimeMs: s.minTimeMs,
          after: collect,
        });
      },
    });
  }

  // ---- memory per task
  const known: Partial<Record<EngineKind, number>> = {};
  for (const n of s.memory) {
    add({
      section: 'memory per task',
      name: `${short(n)} tasks`,
      kind: 'memory',
      unit: 'bytes per task',
      run: async (engine) => {
        const limit = memoryLimit(engine, n, known[engine]);
        if (limit !== null) return { skipped: limit };
        collect();
        const r: Outcome = s.isolateMemory ? await measureMemoryIsolated(engine, n) : await measureMemory(engine, n);
        if (!('skipped' in r) && r.bytesPerTask !== undefined) known[engine] = r.bytesPerTask;
        return r;
      },
    });
  }
  return cases;
}

/** Cgroups in a tree shape, its top included. */
function treeSize(t: { fanout: number; depth: number }): number {
  let n = 1;
  let level = 1;
  for (let d = 0; d < t.depth; d++) {
    level *= t.fanout;
    n += level;
  }
  return n;
}
