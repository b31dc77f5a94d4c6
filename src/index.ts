/**
 * cgsim: a fast, faithful simulator of Linux cgroup v1 ("Task Containers").
 *
 *   const k = await Kernel.create();
 *   k.mount('/sys/fs/cgroup/cpuset', 'cpuset');
 *   k.fs.mkdirSync('/sys/fs/cgroup/cpuset/a');
 */
export { Kernel } from './kernel.ts';
export { sysError, isSysError, ERRNO } from './errors.ts';
export { CFTYPE_ONLY_ON_ROOT, CFTYPE_NOT_ON_ROOT, CFTYPE_NO_PREFIX } from './cgroup/defs.ts';
export { builtinSubsystems } from './subsys/index.ts';
export { createEngine } from './engine/index.ts';

export type {
  KernelOptions,
  ReleaseEvent,
  ForkOptions,
  MountFlags,
  ChargeOptions,
  HierarchyInfo,
} from './kernel.ts';
export type { Subsystem, Cftype, Css, Cgroup, SubsysContext } from './cgroup/defs.ts';
export type { SystemError, ErrnoCode } from './errors.ts';
export type { Engine, EngineOptions, EngineStats, EngineDump } from './engine/types.ts';
export type { CgroupFs, Stats, Dirent } from './fs/vfs.ts';
