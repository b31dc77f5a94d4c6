/**
 * Engine integrity checks for tests, plus the list of engines a test should run against.
 *
 * `assertIntegrity(engine)` asks the engine for its own `selfCheck()` and then verifies the
 * model of src/engine/types.ts independently, from `dump()` alone: refcounts against task
 * lists, task lists against task states, cset ↔ cgroup links both ways, distinct vectors,
 * populated flags recomputed bottom-up, parent/children symmetry, per-hierarchy counts and
 * `stats()`. It throws an Error naming the first violation.
 */

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createEngine } from '../../src/engine/index.ts';
import {
  type Engine,
  type EngineDump,
  type EngineKind,
  type EngineOptions,
  INIT_CSET,
  INIT_PID,
  TASK_LIVE,
  TASK_ZOMBIE,
} from '../../src/engine/types.ts';

const WASM_SOURCE = fileURLToPath(new URL('../../src/engine/wasm.ts', import.meta.url));
let noted = false;

/**
 * The engine kinds to test: both, or only 'reference' while src/engine/wasm.ts does not exist
 * yet (with a one-time console note saying so).
 */
export function engineKinds(): EngineKind[] {
  if (existsSync(WASM_SOURCE)) return ['reference', 'wasm'];
  if (!noted) {
    noted = true;
    console.log('note: src/engine/wasm.ts does not exist yet; skipping the wasm engine');
  }
  return ['reference'];
}

/** createEngine with the test's options. */
export function makeEngine(kind: EngineKind, opts: Partial<EngineOptions> = {}): Engine {
  return createEngine(kind, opts);
}

class IntegrityError extends Error {
  override name = 'IntegrityError';
}

function fail(kind: string, msg: string): never {
  throw new IntegrityError(`[${kind}] integrity: ${msg}`);
}

function sameList(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function isSorted(a: readonly number[]): boolean {
  for (let i = 1; i < a.length; i++) if (a[i - 1]! >= a[i]!) return false;
  return true;
}

/** Check `engine` thoroughly; throws on the first violation. Returns the dump it checked. */
export function assertIntegrity(engine: Engine): EngineDump {
  const kind = engine.kind;
  const self = engine.selfCheck();
  if (self !== null) fail(kind, `selfCheck: ${self}`);
  const d = engine.dump();
  verifyDump(kind, engine, d);
  return d;
}

/** The independent half of {@link assertIntegrity}. */
export function verifyDump(kind: string, engine: Engine, d: EngineDump): void {
  const H = engine.maxHierarchies;

  // ---- hierarchies
  const hierBySlot = new Map<number, { root: number; nrCgroups: number }>();
  for (const h of d.hierarchies) {
    if (!Number.isInteger(h.slot) || h.slot < 0 || h.slot >= H) fail(kind, `bad slot ${h.slot}`);
    if (hierBySlot.has(h.slot)) fail(kind, `slot ${h.slot} listed twice`);
    hierBySlot.set(h.slot, h);
  }

  // ---- cgroups
  const cgById = new Map<number, EngineDump['cgroups'][number]>();
  for (const g of d.cgroups) {
    if (g.id < 1) fail(kind, `cgroup id ${g.id} < 1`);
    if (cgById.has(g.id)) fail(kind, `cgroup ${g.id} listed twice`);
    cgById.set(g.id, g);
  }
  const perHier = new Map<number, number>();
  for (const g of d.cgroups) {
    const hier = hierBySlot.get(g.hier);
    if (hier === undefined) fail(kind, `cgroup ${g.id} in dead slot ${g.hier}`);
    perHier.set(g.hier, (perHier.get(g.hier) ?? 0) + 1);
    if (g.parent === 0) {
      if (hier.root !== g.id) fail(kind, `cgroup ${g.id} has no parent but is not root of ${g.hier}`);
      if (g.cssRefs !== 0) fail(kind, `root ${g.id} has cssRefs ${g.cssRefs}`);
    } else {
      const p = cgById.get(g.parent);
      if (p === undefined) fail(kind, `cgroup ${g.id}: parent ${g.parent} not live`);
      if (p.hier !== g.hier) fail(kind, `cgroup ${g.id}: parent in another hierarchy`);
      if (p.children.filter((c) => c === g.id).length !== 1) {
        fail(kind, `cgroup ${g.id}: parent ${g.parent} does not list it once`);
      }
      if (g.cssRefs < 0) fail(kind, `cgroup ${g.id}: negative cssRefs`);
    }
    for (const c of g.children) {
      if (cgById.get(c)?.parent !== g.id) fail(kind, `cgroup ${g.id}: child ${c} not its child`);
    }
    if (!isSorted(g.csets)) fail(kind, `cgroup ${g.id}: csets not sorted`);
    // children in creation order: ids are not ordered by creation (LIFO reuse), nothing to sort
  }
  for (const [slot, h] of hierBySlot) {
    const root = cgById.get(h.root);
    if (root === undefined || root.parent !== 0 || root.hier !== slot) {
      fail(kind, `hierarchy ${slot}: root ${h.root} is not a live root of that slot`);
    }
    if (h.nrCgroups !== (perHier.get(slot) ?? 0)) {
      fail(kind, `hierarchy ${slot}: nrCgroups ${h.nrCgroups} != ${perHier.get(slot) ?? 0}`);
    }
    if (engine.hierNrCgroups(slot) !== h.nrCgroups || engine.hierRoot(slot) !== h.root) {
      fail(kind, `hierarchy ${slot}: queries disagree with dump`);
    }
  }

  // ---- tasks
  const taskByPid = new Map<number, EngineDump['tasks'][number]>();
  let prevPid = 0;
  for (const t of d.tasks) {
    if (t.pid <= prevPid) fail(kind, `tasks not sorted by pid at ${t.pid}`);
    prevPid = t.pid;
    if (t.pid < 1 || t.pid >= engine.pidMax) fail(kind, `pid ${t.pid} out of range`);
    taskByPid.set(t.pid, t);
  }
  const init = taskByPid.get(INIT_PID);
  if (init === undefined || init.state !== TASK_LIVE || init.tgid !== INIT_PID || init.ppid !== 0) {
    fail(kind, 'init is not a live leader with ppid 0');
  }
  let live = 0;
  const liveThreads = new Map<number, number>(); // tgid -> live non-leader members
  for (const t of d.tasks) {
    const leader = taskByPid.get(t.tgid);
    if (leader === undefined || leader.tgid !== leader.pid) {
      fail(kind, `task ${t.pid}: tgid ${t.tgid} is not an allocated leader`);
    }
    if (t.state === TASK_LIVE) live++;
    else if (t.state === TASK_ZOMBIE) {
      if (t.tgid !== t.pid) fail(kind, `zombie ${t.pid} is a thread`);
      if (t.cset !== INIT_CSET) fail(kind, `zombie ${t.pid} reports cset ${t.cset}`);
    } else fail(kind, `task ${t.pid}: state ${t.state}`);
    if (t.tgid !== t.pid) {
      if (t.state !== TASK_LIVE) fail(kind, `thread ${t.pid} not live`);
      liveThreads.set(t.tgid, (liveThreads.get(t.tgid) ?? 0) + 1);
      if (t.ppid !== leader.ppid) fail(kind, `thread ${t.pid}: ppid ${t.ppid} != leader's`);
    } else if (t.pid !== INIT_PID) {
      const parent = taskByPid.get(t.ppid);
      if (t.ppid !== INIT_PID && (parent === undefined || parent.tgid !== parent.pid)) {
        fail(kind, `process ${t.pid}: parent ${t.ppid} is not an allocated leader`);
      }
    }
  }
  for (const t of d.tasks) {
    if (t.state === TASK_ZOMBIE && (liveThreads.get(t.pid) ?? 0) === 0) {
      fail(kind, `zombie ${t.pid} has no live threads`);
    }
  }
  if (engine.pidsInUse() !== d.tasks.length) fail(kind, 'pidsInUse != allocated tasks');
  if (d.cursor < 1 || d.cursor > engine.pidMax) fail(kind, `cursor ${d.cursor} out of range`);

  // ---- csets
  const csetById = new Map<number, EngineDump['csets'][number]>();
  const vectors = new Map<string, number>();
  const onCset = new Map<number, number>(); // pid -> cset listing it
  for (const cs of d.csets) {
    if (csetById.has(cs.id)) fail(kind, `cset ${cs.id} listed twice`);
    csetById.set(cs.id, cs);
    if (cs.cgroups.length !== H) fail(kind, `cset ${cs.id}: vector length ${cs.cgroups.length}`);
    const key = cs.cgroups.join(',');
    const other = vectors.get(key);
    if (other !== undefined) fail(kind, `csets ${other} and ${cs.id} have equal vectors`);
    vectors.set(key, cs.id);
    if (!isSorted(cs.tasks)) fail(kind, `cset ${cs.id}: tasks not sorted`);
    if (cs.nrTasks !== cs.tasks.length) fail(kind, `cset ${cs.id}: nrTasks ${cs.nrTasks} != list`);
    const want = cs.tasks.length + (cs.id === INIT_CSET ? 1 : 0);
    if (cs.refcount !== want) fail(kind, `cset ${cs.id}: refcount ${cs.refcount} != ${want}`);
    if (cs.refcount === 0) fail(kind, `cset ${cs.id} is live with refcount 0`);
    for (const pid of cs.tasks) {
      const t = taskByPid.get(pid);
      if (t === undefined || t.state !== TASK_LIVE) fail(kind, `cset ${cs.id} lists non-live ${pid}`);
      if (t.cset !== cs.id) fail(kind, `cset ${cs.id} lists ${pid}, which is on ${t.cset}`);
      if (onCset.has(pid)) fail(kind, `task ${pid} on two csets`);
      onCset.set(pid, cs.id);
    }
    for (let h = 0; h < H; h++) {
      const cg = cs.cgroups[h]!;
      if (!hierBySlot.has(h)) {
        if (cg !== 0) fail(kind, `cset ${cs.id}: slot ${h} is dead but points at ${cg}`);
        continue;
      }
      const g = cgById.get(cg);
      if (g === undefined || g.hier !== h) fail(kind, `cset ${cs.id}: slot ${h} -> ${cg} is wrong`);
      if (!g.csets.includes(cs.id)) fail(kind, `cset ${cs.id} -> ${cg}, but ${cg} does not list it`);
    }
  }
  if (!csetById.has(INIT_CSET)) fail(kind, 'init cset missing');
  for (const t of d.tasks) {
    if (t.state === TASK_LIVE && onCset.get(t.pid) !== t.cset) {
      fail(kind, `live task ${t.pid} (cset ${t.cset}) is not on its cset's list`);
    }
  }
  if (live !== onCset.size) fail(kind, 'live tasks and cset lists differ');
  for (const g of d.cgroups) {
    for (const id of g.csets) {
      if (csetById.get(id)?.cgroups[g.hier] !== g.id) {
        fail(kind, `cgroup ${g.id} lists cset ${id}, which does not point at it`);
      }
    }
  }

  // ---- populated, recomputed bottom-up; queue
  const populated = new Map<number, boolean>();
  const isPop = (id: number): boolean => {
    const known = populated.get(id);
    if (known !== undefined) return known;
    const g = cgById.get(id)!;
    const v = g.csets.some((c) => csetById.get(c)!.nrTasks > 0) || g.children.some(isPop);
    populated.set(id, v);
    return v;
  };
  for (const g of d.cgroups) {
    if (g.populated !== isPop(g.id)) fail(kind, `cgroup ${g.id}: populated ${g.populated} is wrong`);
    if (engine.cgroupPopulated(g.id) !== g.populated) fail(kind, `cgroupPopulated(${g.id}) != dump`);
  }
  const queued = new Set<number>();
  for (const id of d.releaseQueue) {
    if (queued.has(id)) fail(kind, `cgroup ${id} queued twice`);
    queued.add(id);
    const g = cgById.get(id);
    if (g === undefined) fail(kind, `release queue holds dead cgroup ${id}`);
    if (g.parent === 0) fail(kind, `release queue holds root ${id}`);
  }
  for (const g of d.cgroups) {
    if (g.queued !== queued.has(g.id)) fail(kind, `cgroup ${g.id}: queued flag disagrees`);
  }

  // ---- stats
  const s = engine.stats();
  if (s.tasks !== live) fail(kind, `stats.tasks ${s.tasks} != ${live}`);
  if (s.cssSets !== d.csets.length) fail(kind, `stats.cssSets ${s.cssSets} != ${d.csets.length}`);
  if (s.cgroups !== d.cgroups.length) fail(kind, `stats.cgroups ${s.cgroups} != ${d.cgroups.length}`);
  if (s.hierarchies !== d.hierarchies.length) fail(kind, 'stats.hierarchies differs');
  if (!(s.memoryBytes > 0)) fail(kind, `stats.memoryBytes ${s.memoryBytes}`);
}

/** True when two int lists are equal (exported for tests comparing Int32Array results). */
export function listEquals(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  return sameList(Array.from(a), Array.from(b));
}

/** Engine methods that may change state: `checked` verifies integrity after each of them. */
const MUTATORS = new Set<string>([
  'fork',
  'exit',
  'forkMany',
  'exitMany',
  'hierCreate',
  'hierDestroy',
  'cgroupCreate',
  'cgroupDestroy',
  'cgroupSetNotify',
  'cssGet',
  'cssPut',
  'attach',
  'attachMany',
  'releasePop',
  'charge',
  'chargeMany',
  'cpuacctReset',
  'cpuacctMove',
]);

/**
 * Wrap `engine` so that every state-changing call is followed by {@link assertIntegrity}: the
 * "check after every step" discipline of scenario tests, without a check line per step.
 */
export function checked<E extends Engine>(engine: E): E {
  return new Proxy(engine, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function' || typeof prop !== 'string' || !MUTATORS.has(prop)) {
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return (...args: unknown[]) => {
        const result = (value as (...a: unknown[]) => unknown).apply(target, args);
        try {
          assertIntegrity(target);
        } catch (e) {
          (e as Error).message += ` (after ${prop})`;
          throw e;
        }
        return result;
      };
    },
  });
}

/** A fresh engine of `kind`, wrapped by {@link checked}, after checking the boot state. */
export function bootChecked(kind: EngineKind, opts: Partial<EngineOptions> = {}): Engine {
  const engine = makeEngine(kind, opts);
  assertIntegrity(engine);
  return checked(engine);
}
