/**
 * The engine interface: the numeric core of cgsim, implemented twice with identical results.
 *
 *   - `wasm.ts`      AssemblyScript compiled to WebAssembly over linear memory (the default);
 *   - `reference.ts` the same model in plain TypeScript (Maps, arrays): the differential-test
 *                    oracle and the benchmark baseline.
 *
 * Everything here is numbers: ids in, ids or `-errno` out. Strings (names, paths, file
 * contents) live above, in the Kernel. Every method either succeeds completely or returns a
 * negative errno having changed nothing.
 *
 * ## Model (modern cgroup v1 semantics; see shared/docs/semantics.md)
 *
 * Tasks. Indexed by pid (1 <= pid < pidMax). Pid 1 (init) exists at boot, a process leader
 * whose parent is 0, on the init css_set. Each task is either a process (thread-group
 * leader, tgid == pid) or a thread (tgid == its leader's pid). A task is in state
 *   LIVE    on its css_set's task list, counted in its refcount and nrTasks;
 *   ZOMBIE  only a leader that exited while threads of its group live: off every task list,
 *           no css_set reference, pid still allocated, tgid still valid;
 *   FREE    the pid is unallocated.
 *
 * Pid allocation (Linux's idr_alloc_cyclic): the next pid is the lowest free pid >= the
 * cursor (the last allocated pid + 1); if none below pidMax, wrap to 300 (RESERVED_PIDS) and
 * search up to the cursor; if none, -EAGAIN. At boot pid 1 is allocated and the cursor is 2.
 *
 * Parents. A forked process's parent is the forking task's tgid. When a whole thread group is
 * gone (its last task freed), its children are re-parented to init (pid 1): `taskPpid` of an
 * orphan is 1. A thread's ppid is its leader's ppid. Init's ppid is 0.
 *
 * css_sets. A css_set (cset) is identified by its vector of cgroups, one per hierarchy slot
 * (0 in slots with no hierarchy). Two live csets never have equal vectors. Each has a
 * refcount (one per LIVE task on it; the init cset, id 1, holds one extra permanent
 * reference and is never freed), nrTasks (LIVE tasks on it), and a task list. A cset is freed
 * when its refcount drops to 0. csets are created only by attach (never by fork or mount).
 *
 * Hierarchies. Up to `maxHierarchies` slots. hierCreate takes the lowest free slot, creates
 * its root cgroup, and links every live cset to that root (slot value = root id). A hierarchy
 * can be destroyed only when its root has no children; then every cset's slot is cleared.
 *
 * Cgroups. Ids start at 1. A cgroup has a parent (0 for a root), children, a hierarchy slot,
 * the list of csets whose slot points at it, and:
 *   notify     the notify_on_release flag (set by the Kernel);
 *   populated  modern semantics: it has a linked cset with nrTasks > 0, or a populated child;
 *   cssRefs    references held through cssGet/cssPut (the root's are never counted).
 *
 * Id allocation, for csets and cgroups alike (both engines must agree, since ids are visible
 * through debug files): freed ids go on a LIFO stack and are reused first; otherwise the next
 * id is one past the highest ever used. Hierarchy slots: the lowest free slot.
 *
 * Release. A cgroup is *releasable* when notify is set, it is not populated, has no children,
 * no cssRefs, and is neither removed nor a root. The engine runs the release check on a
 * cgroup (1) whenever its populated state flips from populated to unpopulated, (2) on the
 * parent after a child's cgroupDestroy, (3) when cssPut drops cssRefs to 0. A cgroup that is
 * releasable at a check is appended to the release queue unless it is already queued
 * ("queued once"). `releasePop` removes the oldest entry (FIFO) and clears its queued mark;
 * whether it is still releasable at delivery is for the caller to decide (the Kernel skips
 * reprieved cgroups). cgroupDestroy removes a queued cgroup from the queue.
 *
 * Attach. Moving a LIVE task to cgroup C of slot h: if the task's cset already has C at h,
 * success with no change. Otherwise the target vector is the current one with slot h = C;
 * an existing cset with that vector is reused (refcount + 1) or a new one created; the task
 * moves lists; the old cset is put (and freed at 0). Populated flags and the release queue
 * follow. Attaching a ZOMBIE task alone is a successful no-op (modern kernels skip exiting
 * tasks); attaching by thread group (`group`) moves every LIVE task of the task's tgid.
 *
 * Exit. A LIVE task leaves its cset (refcount - 1, freed at 0). A thread's pid is freed; if it
 * was the last live task of a group whose leader is a ZOMBIE, the leader's pid is freed too.
 * A leader with live threads becomes a ZOMBIE; otherwise its pid is freed. exit(1) is -EPERM.
 *
 * cpuacct. Each cgroup has usage counters per (cpu, mode) in nanoseconds (u64), mode 0 =
 * user, 1 = system. `charge` adds to the task's cgroup in slot `h` and every ancestor
 * (hierarchical, as modern cpuacct); with h = -1 (cpuacct not mounted) it adds to the
 * *unbound root* counters, addressed as cgroup id 0. A cgroup's counters start at 0.
 */

/** Task states returned by {@link Engine.taskState}. */
export const TASK_FREE = 0;
export const TASK_LIVE = 1;
export const TASK_ZOMBIE = 2;

/** cpuacct modes. */
export const CPU_USER = 0;
export const CPU_SYS = 1;

/** The id of the init css_set and of init's pid. */
export const INIT_CSET = 1;
export const INIT_PID = 1;
/** Linux's RESERVED_PIDS: where pid allocation wraps to. */
export const RESERVED_PIDS = 300;
/** Largest pidMax an engine accepts (task ids fit in 28 bits). */
export const PID_LIMIT = 1 << 28;

export interface EngineOptions {
  /** Pids are 1 .. pidMax-1. Default 4194304 (Linux's PID_MAX_LIMIT). */
  pidMax: number;
  /** Hierarchy slots. Default 16. */
  maxHierarchies: number;
  /** Simulated CPUs (for cpuacct's per-cpu counters). Default 1. */
  cpus: number;
}

export interface EngineStats {
  tasks: number; // LIVE tasks
  cssSets: number; // live csets, including init's
  cgroups: number; // live cgroups, including hierarchy roots
  hierarchies: number; // live hierarchies
  memoryBytes: number; // bytes of engine memory (wasm: linear memory size; reference: estimate)
}

/** A canonical, engine-independent picture of the whole state (tests and integrity checks). */
export interface EngineDump {
  cursor: number; // next pid search start
  tasks: Array<{ pid: number; tgid: number; ppid: number; cset: number; state: number }>;
  csets: Array<{ id: number; refcount: number; nrTasks: number; cgroups: number[]; tasks: number[] }>;
  cgroups: Array<{
    id: number;
    parent: number;
    hier: number;
    children: number[]; // ids, in creation order
    csets: number[]; // linked csets, sorted by id
    notify: boolean;
    populated: boolean;
    cssRefs: number;
    queued: boolean;
  }>;
  hierarchies: Array<{ slot: number; root: number; nrCgroups: number }>;
  releaseQueue: number[];
}

export interface Engine {
  readonly kind: 'wasm' | 'reference';
  readonly pidMax: number;
  readonly maxHierarchies: number;
  readonly cpus: number;

  // ---- tasks ----
  /** Fork `parent` (LIVE). `thread`: the child joins parent's thread group. New pid | -ESRCH | -EAGAIN. */
  fork(parent: number, thread: boolean): number;
  /** Exit a LIVE task. 0 | -ESRCH (not LIVE) | -EPERM (pid 1). */
  exit(pid: number): number;
  /** Fork `count` processes of `parent`, all or nothing. The new pids | -ESRCH | -EAGAIN | -EINVAL (count < 0). */
  forkMany(parent: number, count: number): Int32Array | number;
  /** Exit every pid, all or nothing: -ESRCH (any not LIVE or repeated), -EPERM (pid 1), else the count. */
  exitMany(pids: Int32Array): number;
  /** TASK_FREE | TASK_LIVE | TASK_ZOMBIE (pids out of range are FREE). */
  taskState(pid: number): number;
  /** Thread-group id | -ESRCH (FREE). */
  taskTgid(pid: number): number;
  /** Parent's tgid (1 for orphans, 0 for init) | -ESRCH. */
  taskPpid(pid: number): number;
  /** The task's cset id (INIT_CSET for a ZOMBIE) | -ESRCH. */
  taskCset(pid: number): number;
  /** The task's cgroup in slot h (a ZOMBIE is in every root) | -ESRCH | -EINVAL (slot not live). */
  taskCgroup(pid: number, h: number): number;
  /** LIVE tasks of pid's thread group, sorted | -ESRCH. */
  threadGroup(pid: number): Int32Array | number;
  /** Number of allocated pids (LIVE + ZOMBIE). */
  pidsInUse(): number;

  // ---- hierarchies ----
  /** A new hierarchy in the lowest free slot: the slot | -ENOSPC (no slot free). */
  hierCreate(): number;
  /** Destroy the hierarchy in slot h: 0 | -EBUSY (root has children) | -EINVAL (slot not live). */
  hierDestroy(h: number): number;
  /** Root cgroup id of slot h | -EINVAL. */
  hierRoot(h: number): number;
  /** Number of cgroups in slot h, root included | -EINVAL. */
  hierNrCgroups(h: number): number;

  // ---- cgroups ----
  /** A new child of `parent`: its id | -ENOENT (parent not live). notify starts false. */
  cgroupCreate(parent: number): number;
  /** Remove a cgroup: 0 | -EBUSY (root, populated by its own tasks, has children, or cssRefs > 0) | -ENOENT. */
  cgroupDestroy(cgrp: number): number;
  cgroupParent(cgrp: number): number; // 0 for a root; -ENOENT
  cgroupHier(cgrp: number): number; // slot; -ENOENT
  cgroupChildren(cgrp: number): Int32Array; // in creation order
  cgroupSetNotify(cgrp: number, on: boolean): number; // 0 | -ENOENT (no release check, as Linux)
  cgroupNotify(cgrp: number): boolean;
  cgroupPopulated(cgrp: number): boolean;
  /** Sum of nrTasks over linked csets (debug.taskcount; 0 for an unknown id). */
  cgroupTaskCount(cgrp: number): number;
  /** Sorted pids of LIVE tasks in the cgroup (`tasks`), or sorted unique tgids (`cgroup.procs`). */
  cgroupTasks(cgrp: number, procs: boolean): Int32Array;
  /** Linked cset ids, sorted. */
  cgroupCsets(cgrp: number): Int32Array;
  cssGet(cgrp: number): number; // 0 | -ENOENT; a root is not counted (still 0)
  cssPut(cgrp: number): number; // 0 | -ENOENT | -EINVAL (cssRefs already 0, non-root)
  cgroupCssRefs(cgrp: number): number;

  // ---- attach ----
  /** Move `pid` (or its whole thread group) to cgroup `cgrp`: 0 | -ESRCH (FREE) | -ENOENT (cgrp). */
  attach(pid: number, cgrp: number, group: boolean): number;
  /** Move every pid to `cgrp`, all or nothing: count | -ESRCH (any FREE) | -ENOENT. */
  attachMany(pids: Int32Array, cgrp: number): number;

  // ---- css_sets (introspection, debug files) ----
  csetRefcount(cs: number): number; // -ENOENT if not live
  csetNrTasks(cs: number): number;
  /** The cgroup in each slot (0 for empty slots), length maxHierarchies. */
  csetCgroups(cs: number): Int32Array;
  csetTasks(cs: number): Int32Array; // LIVE tasks on it, sorted

  // ---- release queue ----
  /** Oldest queued cgroup (and unmark it), or 0 when the queue is empty. */
  releasePop(): number;

  // ---- cpuacct ----
  /** Charge `ns` (integer >= 0, < 2^53) to pid's cgroup in slot h (or the unbound root, h = -1) and ancestors. 0 | -ESRCH | -EINVAL. */
  charge(pid: number, ns: number, cpu: number, mode: number, h: number): number;
  /** Batch charge: ns[i] to pids[i]; all validated first. count | -ESRCH | -EINVAL. */
  chargeMany(pids: Int32Array, ns: Float64Array, cpu: number, mode: number, h: number): number;
  /** Usage counter of cgroup (0 = unbound root) for (cpu, mode) | -1n if not live. */
  cpuacctUsage(cgrp: number, cpu: number, mode: number): bigint;
  /** Zero every counter of the cgroup (not its relatives). 0 | -ENOENT. */
  cpuacctReset(cgrp: number): number;
  /** Move the counters of cgroup `from` to `to` (and zero `from`): binding/unbinding cpuacct. */
  cpuacctMove(from: number, to: number): number;

  // ---- whole-state ----
  /**
   * The whole state as a self-contained binary image (format: image.ts). `restoreEngine(image)`
   * (index.ts) builds an engine of the same kind that answers every later call exactly as this
   * one would: the same pids (allocator cursor, pending orphans), the same cset and cgroup ids
   * (free-id stacks), release queue, counters, thread groups and stats(). Saving changes nothing.
   * A wasm image restores only with the build that saved it.
   */
  save(): Uint8Array;
  stats(): EngineStats;
  dump(): EngineDump;
  /** Internal consistency check (refcounts = references, links symmetric, hash complete, counts). null when fine, else a description. */
  selfCheck(): string | null;
}

export type EngineKind = Engine['kind'];
