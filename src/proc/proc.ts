/**
 * /proc renderers: /proc/<pid>/cgroup, /proc/<pid>/status, /proc/cgroups, /proc/mounts, in
 * modern Linux's formats, and the Task Containers V11 / 2.6.24 forms of the profile 'v11'
 * (/proc/<pid>/container, /proc/containers, show_options). Pure functions over a read-only
 * view of the kernel.
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

/** seq_show_option escapes these in an option's value ('=' only in its name, recorded on 6.18). */
const OPTION_VALUE_ESCAPES = ', \t\n\\';

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
  if (h.releaseAgent !== '') out += ',release_agent=' + mangle(h.releaseAgent, OPTION_VALUE_ESCAPES);
  if (h.root.cloneChildren) out += ',clone_children';
  if (h.name !== '') out += ',name=' + mangle(h.name, OPTION_VALUE_ESCAPES);
  return out;
}

/** How /proc/mounts shows a cgroup mount: device and type, generic flags, superblock options. */
export interface MountLineStyle {
  /** The device name and filesystem type columns ('cgroup', or 'container' in V11). */
  readonly type: string;
  /** The generic mount flags ('rw,relatime' on modern kernels; 2.6.24 showed 'rw'). */
  readonly flags: string;
  /** The superblock options, each with a leading comma. */
  options(h: Hierarchy): string;
}

export const MODERN_MOUNT_LINE: MountLineStyle = { type: 'cgroup', flags: 'rw,relatime', options: showOptions };

/** /proc/mounts: one line per cgroup mount, in mount order. */
export function procMounts(v: ProcView, style: MountLineStyle = MODERN_MOUNT_LINE): string {
  let out = '';
  for (const [mp, h] of v.mounts) {
    out += `${style.type} ${mangle(mp, ' \t\n\\')} ${style.type} ${style.flags}${style.options(h)} 0 0\n`;
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Task Containers V11 / 2.6.24 forms (profile 'v11')

/** A hierarchy's subsystem names in its list order: descending id (2.6.24 binds at the head). */
function descendingNames(h: Hierarchy): string[] {
  const names: string[] = [];
  for (let i = h.subsys.length - 1; i >= 0; i--) names.push(h.subsys[i]!.ss.name);
  return names;
}

/**
 * /proc/<pid>/container (2.6.24's /proc/<pid>/cgroup): one line per live hierarchy, newest
 * first, `subsysB,subsysA:/path` with the subsystems in descending id order and no hierarchy
 * number. An exiting task is on init's css_set, so it shows `/` everywhere.
 */
export function procPidContainer(v: ProcView, pid: number): string {
  const zombie = v.engine.taskState(pid) === TASK_ZOMBIE;
  let out = '';
  const hs = v.hierarchyList();
  for (let i = hs.length - 1; i >= 0; i--) {
    const h = hs[i]!;
    const path = zombie ? '/' : (v.node(v.engine.taskCgroup(pid, h.slot))?.path ?? '/');
    out += `${descendingNames(h).join(',')}:${path}\n`;
  }
  return out;
}

/**
 * /proc/containers (2.6.24's 3-column /proc/cgroups): per subsystem in id order, the
 * subsystem bitmask of its hierarchy (decimal; 0 when unmounted) and that hierarchy's number
 * of cgroups (1 for the invisible dummy hierarchy). The header's `num_containers` is the V11
 * naming of 2.6.24's `num_cgroups`: an assumption, as the V11 body of this file is lost.
 */
export function procContainers(v: ProcView): string {
  let out = '#subsys_name\thierarchy\tnum_containers\n';
  v.subsystems.forEach((ss, ssid) => {
    const h = v.subsysHierarchy(ssid);
    const n = h === null ? 1 : v.engine.hierNrCgroups(h.slot);
    out += `${ss.name}\t${h === null ? 0 : h.subsysMask}\t${n}\n`;
  });
  return out;
}

/** 2.6.24 show_options: subsystems in descending id, `,noprefix`, then the agent as is. */
export function showOptionsV11(h: Hierarchy): string {
  let out = '';
  for (const name of descendingNames(h)) out += ',' + name;
  if (h.noprefix) out += ',noprefix';
  if (h.releaseAgent !== '') out += ',release_agent=' + h.releaseAgent;
  return out;
}

/** /proc/mounts in V11: type `container`, 2.6.24's flags (no relatime by default then). */
export const V11_MOUNT_LINE: MountLineStyle = { type: 'container', flags: 'rw', options: showOptionsV11 };

/** /proc/<pid>/status: the fields a cgroup simulation can know. */
export function procPidStatus(v: ProcView, pid: number): string {
  const e = v.engine;
  const zombie = e.taskState(pid) === TASK_ZOMBIE;
  const tgid = e.taskTgid(pid);
  const cred = v.credentials(pid);
  const threads = e.threadGroup(pid);
  // A leader that exited before its threads still counts (signal->nr_threads, recorded on 6.18).
  const nthreads = (typeof threads === 'number' ? 0 : threads.length) + (e.taskState(tgid) === TASK_ZOMBIE ? 1 : 0);
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
