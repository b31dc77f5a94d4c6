/**
 * Public definitions shared by the core and by subsystem writers (like the kernel's
 * cgroup-defs.h). A subsystem is a descriptor: a name, optional callbacks and a table of
 * control files. Pass a list of them to `Kernel.create({ subsystems })`; ids follow list
 * order. Callbacks veto by throwing a system error (`sysError('ENOSPC', 'write')`); the
 * core turns the throw into the errno of the operation and undoes what it had done.
 */
import type { Engine } from '../engine/types.ts';
import type { SystemError } from '../errors.ts';

/** Control-file placement flags (the kernel's CFTYPE_ONLY_ON_ROOT / CFTYPE_NOT_ON_ROOT). */
export const CFTYPE_ONLY_ON_ROOT = 1;
export const CFTYPE_NOT_ON_ROOT = 2;
/** Never prefix this file with `<subsys>.` (the kernel's CFTYPE_NO_PREFIX). */
export const CFTYPE_NO_PREFIX = 4;

/** A read-only view of a cgroup, handed to subsystem callbacks. */
export interface Cgroup {
  /** Engine id (stable while the cgroup lives). */
  readonly id: number;
  /** Directory name ('' for a hierarchy root). */
  readonly name: string;
  /** Path relative to the hierarchy root: '/' or '/a/b'. */
  readonly path: string;
  readonly parent: Cgroup | null;
  readonly children: readonly Cgroup[];
  readonly isRoot: boolean;
  /** The Linux-visible hierarchy id. */
  readonly hierarchyId: number;
  /** cgroup.clone_children of this cgroup. */
  readonly cloneChildren: boolean;
  /** Number of live tasks directly in this cgroup (the kernel's cgroup_task_count). */
  taskCount(): number;
  /** Sorted pids of the live tasks directly in this cgroup. */
  tasks(): Int32Array;
  /** This cgroup's css of subsystem `name`, if that subsystem is bound to its hierarchy. */
  css<S = unknown>(name: string): Css<S> | undefined;
}

/** A subsystem's state object for one cgroup (the kernel's cgroup_subsys_state). */
export interface Css<S = unknown> {
  readonly ss: Subsystem<S>;
  /** The cgroup; for a subsystem that is not mounted, the root of the invisible dummy hierarchy. */
  readonly cgroup: Cgroup;
  /** The parent cgroup's css, null at a root. */
  readonly parent: Css<S> | null;
  /** Whatever `create` returned. */
  state: S;
}

/** What the core offers subsystem callbacks besides their arguments. */
export interface SubsysContext {
  /** Simulated CPUs and memory nodes. */
  readonly cpus: number;
  readonly mems: number;
  /** The task performing the operation (the writer of a file, the forking parent...). */
  readonly actor: number;
  /** Current css of `pid` for subsystem `name` (the dummy root's when unbound). */
  cssOf<S = unknown>(pid: number, name: string): Css<S>;
  /** The profile of the kernel: 'v1' or 'v11'. */
  readonly profile: string;
  /** The simulated clock, in nanoseconds since boot (advanced by Kernel.tick). */
  now?(): number;
  /** The cgroup with engine id `id`, if it lives. */
  cgroupById(id: number): Cgroup | undefined;
  /** The numeric engine (built-in subsystems read counters from it). */
  readonly engine: Engine;
  /** Hierarchy slot the subsystem `name` is bound to, or -1 when it is not mounted. */
  slotOf(name: string): number;
  /** The registered subsystems, in id order. */
  readonly subsystems: readonly Subsystem<any>[];
  /** A task's credentials (root, 0/0, unless set with Kernel.setCredentials). */
  credentials(pid: number): { uid: number; gid: number };
}

/** One control file (the kernel's struct cftype). Mode derives from the handlers. */
export interface Cftype<S = unknown> {
  /** File name without the `<subsys>.` prefix. */
  name: string;
  /** CFTYPE_* bits. */
  flags?: number;
  /** Largest accepted write in bytes (default 4096, a page; longer writes fail with E2BIG). */
  maxWriteLen?: number;
  /** Full file content, e.g. '0-3\n'. */
  read?(css: Css<S>, ctx: SubsysContext): string;
  /**
   * One write(2) of `data`. Throw to fail. Never empty in profile 'v1' (zero-length writes
   * are no-ops there); in profile 'v11' they reach the handler, as in 2.6.24.
   */
  write?(css: Css<S>, data: string, ctx: SubsysContext): void;
}

/**
 * A subsystem (controller) descriptor, like the kernel's struct cgroup_subsys.
 * Every callback is optional. Attach and fork are all-or-nothing across subsystems:
 * `canAttach` of each bound subsystem in id order, and on a veto `cancelAttach` of those
 * already asked, in reverse order; then `attach` of each. The same for `canFork`/`cancelFork`/
 * `fork`. Fork and exit callbacks run for every registered subsystem, mounted or not (an
 * unmounted one sees its dummy-root css), as in Linux.
 */
export interface Subsystem<S = unknown> {
  /** The subsystem name used in mount options, file prefixes and /proc. */
  readonly name: string;
  /**
   * Run canFork/fork/cancelFork/exit only while the subsystem is mounted. Linux runs them for
   * unmounted subsystems too; a controller whose unmounted (dummy root) state is invisible,
   * like pids, sets this so that fork and exit stay in the engine while it is not mounted.
   */
  readonly hooksOnlyWhenBound?: boolean;
  /** New css state for a cgroup. `parent` is null for a root css (created once at boot). */
  create?(parent: Css<S> | null, cgrp: Cgroup, ctx: SubsysContext): S;
  /** Checked before mkdir creates the cgroup; throw to veto (e.g. the ns subsystem's EPERM). */
  canCreate?(parent: Css<S>, ctx: SubsysContext): void;
  /** The cgroup is being removed. */
  destroy?(css: Css<S>, ctx: SubsysContext): void;
  /** Checked before rmdir; throw to veto (rarely needed). */
  canDestroy?(css: Css<S>, ctx: SubsysContext): void;
  canAttach?(css: Css<S>, pid: number, from: Css<S>, ctx: SubsysContext): void;
  cancelAttach?(css: Css<S>, pid: number, from: Css<S>, ctx: SubsysContext): void;
  attach?(css: Css<S>, pid: number, from: Css<S>, ctx: SubsysContext): void;
  /** `css` is the parent's css; throw to make fork fail (pids: EAGAIN). */
  canFork?(css: Css<S>, parent: number, ctx: SubsysContext): void;
  cancelFork?(css: Css<S>, parent: number, ctx: SubsysContext): void;
  fork?(css: Css<S>, pid: number, parent: number, ctx: SubsysContext): void;
  exit?(css: Css<S>, pid: number, ctx: SubsysContext): void;
  /** The subsystem was bound to (or, with the dummy root css, unbound from) a hierarchy. */
  bind?(root: Css<S>, ctx: SubsysContext): void;
  /** A cgroup was created by container_clone, or by mkdir under clone_children=1. */
  postClone?(css: Css<S>, ctx: SubsysContext): void;
  /** Extra lines for /proc/<pid>/status (e.g. cpuset's Cpus_allowed), each ending in '\n'. */
  status?(css: Css<S>, pid: number, ctx: SubsysContext): string;
  /**
   * Checkpointing (Kernel.snapshot/restore): turn a css state into structured-cloneable data
   * and back. Without these hooks the state itself is cloned (plain objects, arrays, typed
   * arrays, Maps, Sets, bigints).
   */
  saveState?(state: S): unknown;
  loadState?(data: unknown): S;
  /**
   * CPU time charged to task `pid` (Kernel.charge/chargeMany), with the task's css: the
   * dummy root's while the subsystem is not mounted. For accounting subsystems.
   */
  charge?(css: Css<S>, pid: number, ns: number, ctx: SubsysContext): void;
  /** Control files. */
  files?: Cftype<S>[];
  /**
   * Per-profile overrides: under a kernel of profile `p`, the members of `profiles[p]`
   * replace the descriptor's own (e.g. the V11 file table), as data rather than branches.
   */
  readonly profiles?: { readonly [profile: string]: Partial<Omit<Subsystem<S>, 'name' | 'profiles'>> };
}

export type { SystemError };
