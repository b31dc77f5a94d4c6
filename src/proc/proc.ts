/**
 * /proc renderers: /proc/<pid>/cgroup, /proc/<pid>/status, /proc/cgroups, /proc/mounts, in
 * modern Linux's formats. Pure functions over a read-only view of the kernel.
 */

import type { Subsystem } from '../cgroup/defs.ts';
import type { CgroupNode, Hierarchy } from '../cgroup/tree.ts';
import type { Engine } from '../engine/types.ts';
import { TASK_ZOMBIE } from '../engine/types.ts';

export interface ProcView {
  readonly engine: Engine;
  /** Live hierarchies in creation order. */
  hierarchyList(): readonly Hierarchy[];
  readonly subsystems: readonly Subsystem<unknown>[];
  /** The hierarchy each subsystem id is bound to (null: unbound). */
  subsysHierarchy(ssid: number): Hierarchy | null;
  readonly mounts: ReadonlyMap<string, Hierarchy>;
  node(id: number): CgroupNode | undefined;
  comm(pid: number): string;
  credentials(pid: number): { uid: number; gid: number };
  /** Extra status lines contributed by subsystems. */
  statusExtra(pid: number): string;
}

/** The subsystem and name part of a hierarchy's /proc/<pid>/cgroup line: `cpuset,cpuacct,name=x`. */
export function hierarchyLabel(h: Hierarchy): string {
  const parts = h.subsys.map(({ ss }) => ss.name);
  if (h.name !== '') parts.push(`name=${h.name}`);
  return parts.join(',');
}

/** /proc/<pid>/cgroup: one line per live hierarchy, newest first: `ID:subsys[,name=X]:/path`. */
export function procPidCgroup(v: ProcView, pid: number): string {
  const zombie = v.engine.taskState(pid) === TASK_ZOMBIE;
  let out = '';
  const hs = v.hierarchyList();
  for (let i = hs.length - 1; i >= 0; i--) {
    const h = hs[i]!;
    const path = zombie ? '/' : (v.node(v.engine.taskCgroup(pid, h.slot))?.path ?? '/');
    out += `${h.id}:${hierarchyLabel(h)}:${path}\n`;
  }
  return out;
}

/** /proc/cgroups: `#subsys_name hierarchy num_cgroups enabled`, one row per subsystem. */
export function procCgroups(v: ProcView): string {
  let out = '#subsys_name\thierarchy\tnum_cgroups\tenabled\n';
  v.subsystems.forEach((ss, ssid) => {
    const h = v.subsysHierarchy(ssid);
    const n = h === null ? 1 : v.engine.hierNrCgroups(h.slot);
    out += `${ss.name}\t${h === null ? 0 : h.id}\t${n}\t1\n`;
  });
  return out;
}

/** seq_escape: the given characters become octal escapes (\040 for a space). */
export function mangle(s: string, chars: string): string {
  let out = '';
  for (const c of s) out += chars.includes(c) ? '\\' + c.charCodeAt(0).toString(8).padStart(3, '0') : c;
  return out;
}

/** The superblock options of a hierarchy, as cgroup1_show_options prints them (leading commas). */
export function showOptions(h: Hierarchy): string {
  let out = '';
  for (const { ss } of h.subsys) out += ',' + ss.name;
  if (h.noprefix) out += ',noprefix';
  if (h.options.xattr) out += ',xattr';
  if (h.options.cpusetV2) out += ',cpuset_v2_mode';
  if (h.options.favorDynmods) out += ',favordynmods';
  if (h.releaseAgent !== '') out += ',release_agent=' + mangle(h.releaseAgent, ',= \t\n\\');
  if (h.root.cloneChildren) out += ',clone_children';
  if (h.name !== '') out += ',name=' + mangle(h.name, ',= \t\n\\');
  return out;
}

/** /proc/mounts: one line per cgroup mount, in mount order. */
export function procMounts(v: ProcView): string {
  let out = '';
  for (const [mp, h] of v.mounts) {
    out += `cgroup ${mangle(mp, ' \t\n\\')} cgroup rw,relatime${showOptions(h)} 0 0\n`;
  }
  return out;
}

/** /proc/<pid>/status: the fields a cgroup simulation can know. */
export function procPidStatus(v: ProcView, pid: number): string {
  const e = v.engine;
  const zombie = e.taskState(pid) === TASK_ZOMBIE;
  const tgid = e.taskTgid(pid);
  const cred = v.credentials(pid);
  const threads = e.threadGroup(pid);
  const nthreads = typeof threads === 'number' ? 0 : threads.length;
  return (
    `Name:\t${v.comm(pid)}\n` +
    `Umask:\t0022\n` +
    `State:\t${zombie ? 'Z (zombie)' : 'S (sleeping)'}\n` +
    `Tgid:\t${tgid}\n` +
    `Ngid:\t0\n` +
    `Pid:\t${pid}\n` +
    `PPid:\t${e.taskPpid(pid)}\n` +
    `TracerPid:\t0\n` +
    `Uid:\t${cred.uid}\t${cred.uid}\t${cred.uid}\t${cred.uid}\n` +
    `Gid:\t${cred.gid}\t${cred.gid}\t${cred.gid}\t${cred.gid}\n` +
    `Threads:\t${nthreads}\n` +
    v.statusExtra(pid)
  );
}
