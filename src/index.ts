/**
 * cgsim: a fast, faithful simulator of Linux cgroup v1 ("Task Containers").
 *
 *   const k = await Kernel.create();
 *   k.mount('/sys/fs/cgroup/cpuset', 'cpuset');
 *   k.fs.mkdirSync('/sys/fs/cgroup/cpuset/a');
 */

export type { Cftype, Cgroup, Css, SubsysContext, Subsystem } from './cgroup/defs.ts';
export { CFTYPE_NO_PREFIX, CFTYPE_NOT_ON_ROOT, CFTYPE_ONLY_ON_ROOT } from './cgroup/defs.ts';
export type { ProfileName } from './cgroup/profile.ts';
export { createEngine } from './engine/index.ts';
export type { Engine, EngineDump, EngineOptions, EngineStats } from './engine/types.ts';
export type { ErrnoCode, SystemError } from './errors.ts';
export { ERRNO, isSysError, sysError } from './errors.ts';
export type { CgroupFs, Dirent, Stats } from './fs/vfs.ts';
export type {
  ChargeOptions,
  ForkOptions,
  HierarchyInfo,
  KernelOptions,
  MountFlags,
  ReleaseEvent,
} from './kernel.ts';
export { Kernel } from './kernel.ts';
export { builtinSubsystems } from './subsys/index.ts';
