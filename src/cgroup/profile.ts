/**
 * Behaviour profiles: everything that differs between modern cgroup v1 ('v1', the default)
 * and the seed's own interface, Task Containers V11 as merged in Linux 2.6.24 ('v11'), as
 * one record of rules per profile. The Kernel, the filesystem and the /proc renderers consult
 * the record; they do not test the profile's name. Subsystems carry their per-profile
 * differences in their own descriptors (`Subsystem.profiles`).
 *
 * See shared/docs/semantics.md for the behaviour behind each rule (section numbers below) and
 * docs/profiles.md for the list of differences and the assumptions made where the V11
 * sources were not available.
 */
import type { ErrnoCode } from '../errors.ts';
import { sysError } from '../errors.ts';
import type { MountLineStyle, ProcView } from '../proc/proc.ts';
import {
  MODERN_MOUNT_LINE,
  procCgroups,
  procContainers,
  procPidCgroup,
  procPidContainer,
  V11_MOUNT_LINE,
} from '../proc/proc.ts';
import { cpuacctSubsystem } from '../subsys/cpuacct.ts';
import { cpusetSubsystem } from '../subsys/cpuset.ts';
import { debugSubsystem } from '../subsys/debug.ts';
import { builtinSubsystems } from '../subsys/index.ts';
import type { CoreOps, CoreWriteRules } from './core-files.ts';
import {
  coreFiles,
  coreFilesV11,
  normalizeReleaseAgentV11,
  parseFlagWrite,
  parseNotifyWriteV11,
  parsePidWrite,
  parseTasksWriteV11,
} from './core-files.ts';
import type { Cftype, Subsystem } from './defs.ts';
import type { MountOptions } from './options.ts';
import { parseMountOptions, parseMountOptionsV11, rootFlags, validateMountOptions } from './options.ts';
import { strstrip } from './parse.ts';
import type { Hierarchy } from './tree.ts';
import { cftMode } from './tree.ts';

export type ProfileName = 'v1' | 'v11';

/** What the path walk and the write(2) path do differently (src/fs/vfs.ts). */
export interface VfsRules {
  /** Longest cgroup directory name in bytes; longer names are ENAMETOOLONG (2.6.24: NAME_MAX). */
  readonly cgroupNameMax: number;
  /** A newline in a cgroup name is EINVAL (modern cgroup_mkdir/rename); 2.6.24 allowed it. */
  readonly rejectNewlineInNames: boolean;
  /** A zero-length write reaches the handler (2.6.24) instead of returning 0 (modern kernfs). */
  readonly emptyWriteReachesHandler: boolean;
  /**
   * A file without a write handler fails EINVAL before any size check, as 2.6.24's
   * cgroup_file_write dispatched first and each handler checked its own size.
   */
  readonly writeHandlerCheckedFirst: boolean;
}

/** The /proc files a profile shows and how they look. */
export interface ProcRules {
  /** The per-task file under /proc/<pid>/ and /proc/<pid>/task/<tid>/. */
  readonly perTask: string;
  /** The global subsystem table under /proc. */
  readonly global: string;
  /** What readdir('/proc') lists (pids aside). */
  readonly rootEntries: readonly string[];
  renderPerTask(v: ProcView, pid: number): string;
  renderGlobal(v: ProcView): string;
  /** /proc/mounts lines (type, generic flags, show_options order). */
  readonly mountLine: MountLineStyle;
}

export interface Profile {
  readonly name: ProfileName;
  /** Filesystem types `k.mount` accepts for a hierarchy; the first is its default. */
  readonly fstypes: readonly string[];
  readonly proc: ProcRules;
  /** The core control files (tasks, notify_on_release, ...). */
  coreFiles(ops: CoreOps): Cftype<unknown>[];
  /** The write parsers of the core files (documentation for 'v1': its builder uses these). */
  readonly coreWrites: CoreWriteRules;
  /** mkdir: does a child start with its parent's notify_on_release? */
  readonly inheritNotify: boolean;
  /** Parse and validate the -o data of a mount; null = no data at all. Throws the errno. */
  parseMount(data: string | null, subsystems: readonly string[]): MountOptions;
  /** The live hierarchy a new mount reuses, or null to create one. Throws the errno. */
  findHierarchy(o: MountOptions, hierarchies: readonly Hierarchy[]): Hierarchy | null;
  /** 2.6.24 quirk: remount copies release_agent= even when the rebind fails with EBUSY. */
  readonly remountSetsAgentWhenBusy: boolean;
  /** The mode a control file is created with. */
  fileMode(cft: Cftype<unknown>): number;
  /** The mode of a hierarchy's root directory. */
  readonly rootDirMode: number;
  readonly vfs: VfsRules;
  /** The subsystems `Kernel.create()` registers when none are given, in id order. */
  defaultSubsystems(): Subsystem<any>[];
  /** Keep the 2.6.24 RELEASABLE flag and require it before a release is delivered. */
  readonly releasableFlag: boolean;
  /**
   * Deliver the releases one operation queued newest first: 2.6.24 added to the head of its
   * release list and its worker took from the head. Modern kernels queue one work item per
   * cgroup, oldest first (recorded on 6.18).
   */
  readonly releaseNewestFirst: boolean;
  /** Attaching an exiting (zombie) task: this errno (2.6.24: ESRCH), or null (modern: a no-op). */
  readonly attachExitingErrno: ErrnoCode | null;
  /** The name container_clone() gives the new child of the task's cgroup. */
  cloneName(pid: number): string;
}

/** container_clone()/cgroup_clone(): "node_<pid>", cut to MAX_CGROUP_TYPE_NAMELEN - 1. */
const cloneName = (pid: number): string => `node_${pid}`.slice(0, 31);

/**
 * cgroup1_root_to_use: a mount with name= reuses the hierarchy of that name (EBUSY if its
 * subsystems differ); without name=, one with exactly the requested subsystems. A mount with
 * neither a subsystem list nor none matches only by name (EINVAL if there is none).
 */
function findHierarchyModern(o: MountOptions, hierarchies: readonly Hierarchy[]): Hierarchy | null {
  const hs = [...hierarchies].sort((a, b) => b.id - a.id);
  for (const h of hs) {
    let nameMatch = false;
    if (o.name !== null) {
      if (o.name !== h.name) continue;
      nameMatch = true;
    }
    if ((o.subsysMask || o.none) && o.subsysMask !== h.subsysMask) {
      if (!nameMatch) continue;
      throw sysError('EBUSY', 'mount');
    }
    return h;
  }
  if (!o.subsysMask && !o.none) throw sysError('EINVAL', 'mount'); // "No subsys list or none specified"
  return null;
}

/** 2.6.24 cgroup_test_super: reuse only a hierarchy with the same subsystem mask and flags. */
function findHierarchyV11(o: MountOptions, hierarchies: readonly Hierarchy[]): Hierarchy | null {
  const flags = rootFlags(o);
  return hierarchies.find((h) => h.subsysMask === o.subsysMask && h.flags === flags) ?? null;
}

/** Modern cgroup v1 as Linux 6.x shows it (the default). */
export const V1: Profile = {
  name: 'v1',
  fstypes: ['cgroup'],
  proc: {
    perTask: 'cgroup',
    global: 'cgroups',
    rootEntries: ['cgroups', 'mounts', 'self', 'thread-self'],
    renderPerTask: procPidCgroup,
    renderGlobal: procCgroups,
    mountLine: MODERN_MOUNT_LINE,
  },
  coreFiles,
  coreWrites: {
    parseTasksWrite: parsePidWrite,
    parseNotifyWrite: parseFlagWrite,
    normalizeReleaseAgent: strstrip,
  },
  inheritNotify: true,
  parseMount(data, subsystems) {
    const o = parseMountOptions(data ?? '', subsystems);
    validateMountOptions(o, subsystems.length, subsystems.indexOf('cpuset'));
    return o;
  },
  findHierarchy: findHierarchyModern,
  remountSetsAgentWhenBusy: false,
  fileMode: cftMode,
  rootDirMode: 0o555,
  vfs: {
    cgroupNameMax: Number.POSITIVE_INFINITY,
    rejectNewlineInNames: true,
    emptyWriteReachesHandler: false,
    writeHandlerCheckedFirst: false,
  },
  defaultSubsystems: builtinSubsystems,
  releasableFlag: false,
  releaseNewestFirst: false,
  attachExitingErrno: null,
  cloneName,
};

/** Task Containers V11, as merged in Linux 2.6.24, with V11 naming. */
export const V11: Profile = {
  name: 'v11',
  fstypes: ['container'],
  proc: {
    perTask: 'container',
    global: 'containers',
    rootEntries: ['containers', 'mounts', 'self'],
    renderPerTask: procPidContainer,
    renderGlobal: procContainers,
    mountLine: V11_MOUNT_LINE,
  },
  coreFiles: (ops) => coreFilesV11(ops, V11.coreWrites),
  coreWrites: {
    parseTasksWrite: parseTasksWriteV11,
    parseNotifyWrite: parseNotifyWriteV11,
    normalizeReleaseAgent: normalizeReleaseAgentV11,
  },
  // 2.6.24's cgroup_create starts every cgroup with flags = 0. Whether V11 itself inherited
  // the flag is unknown (semantics.md §20); the merged code is followed.
  inheritNotify: false,
  parseMount: parseMountOptionsV11,
  findHierarchy: findHierarchyV11,
  remountSetsAgentWhenBusy: true,
  fileMode: () => 0o644, // cgroup_add_file creates every control file 0644
  rootDirMode: 0o755, // cgroup_get_rootdir: S_IRUGO | S_IXUGO | S_IWUSR
  vfs: {
    cgroupNameMax: 255, // NAME_MAX, enforced by simple_lookup
    rejectNewlineInNames: false,
    emptyWriteReachesHandler: true,
    writeHandlerCheckedFirst: true,
  },
  // The V11 subsystems in their V11 ids: cpuset 0, cpuacct 1, debug 2.
  defaultSubsystems: () => [cpusetSubsystem(), cpuacctSubsystem(), debugSubsystem()],
  releasableFlag: true,
  releaseNewestFirst: true,
  attachExitingErrno: 'ESRCH', // attach_task_by_pid: PF_EXITING -> ESRCH
  cloneName,
};

const PROFILES: Readonly<Record<ProfileName, Profile>> = { v1: V1, v11: V11 };

/** The profile called `name`; EINVAL for an unknown name. */
export function profileByName(name: string | undefined): Profile {
  if (name === undefined) return V1;
  if (!Object.hasOwn(PROFILES, name)) throw sysError('EINVAL', 'create');
  return PROFILES[name as ProfileName];
}

/**
 * A subsystem as a profile sees it: its descriptor with the profile's overrides
 * (`ss.profiles[name]`) applied, or the descriptor itself when it has none.
 */
export function subsystemForProfile<S>(ss: Subsystem<S>, name: ProfileName): Subsystem<S> {
  const over = ss.profiles?.[name];
  return over === undefined ? ss : { ...ss, ...over };
}
