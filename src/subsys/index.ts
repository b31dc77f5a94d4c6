/**
 * The built-in subsystems. Each call returns fresh descriptors (some keep per-kernel state
 * in their closure), in the id order the Kernel registers them: cpuset 0, cpuacct 1,
 * pids 2, debug 3, ns 4.
 */
import type { Subsystem } from '../cgroup/defs.ts';
import { cpuacctSubsystem } from './cpuacct.ts';
import { cpusetSubsystem } from './cpuset.ts';
import { debugSubsystem } from './debug.ts';
import { nsSubsystem } from './ns.ts';
import { pidsSubsystem } from './pids.ts';

export type { Cpuacct } from './cpuacct.ts';
export type { Cpuset } from './cpuset.ts';
export type { Pids } from './pids.ts';
export { cpuacctSubsystem, cpusetSubsystem, debugSubsystem, nsSubsystem, pidsSubsystem };

/** Fresh built-in descriptors: [cpuset, cpuacct, pids, debug, ns]. */
export function builtinSubsystems(): Subsystem<any>[] {
  return [cpusetSubsystem(), cpuacctSubsystem(), pidsSubsystem(), debugSubsystem(), nsSubsystem()];
}
