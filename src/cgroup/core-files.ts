/**
 * The core control files of every cgroup, one builder per profile.
 *
 * Modern cgroup v1 (profile 'v1', the kernel's cgroup1_base_files):
 *
 *   cgroup.procs           read: sorted unique tgids; write: move a whole thread group
 *   cgroup.clone_children  u64 flag (non-zero → 1)
 *   cgroup.sane_behavior   root only, read-only "0"
 *   notify_on_release      u64 flag
 *   release_agent          root only; up to PATH_MAX-1 bytes, whitespace-stripped
 *   tasks                  read: sorted pids; write: move one task
 *
 * Task Containers V11 / Linux 2.6.24 (profile 'v11', the kernel's `files[]` plus
 * cft_release_agent), all through one write path that refuses 4096 bytes or more (E2BIG):
 *
 *   tasks                  read: sorted pids; write: sscanf("%d"), nothing parsed -> EIO
 *   notify_on_release      every write clears RELEASABLE; then lax base-10, non-zero sets
 *   releasable             read-only: the RELEASABLE flag
 *   release_agent          root only; one trailing newline stripped, the rest verbatim
 *
 * Handlers get the cgroup through `css.cgroup` (the cgroup's own "self" css, as in Linux).
 */

import { Buffer } from 'node:buffer';
import { sysError } from '../errors.ts';
import type { Cftype, Css } from './defs.ts';
import { CFTYPE_ONLY_ON_ROOT } from './defs.ts';
import { kstrtoint, kstrtoull, simpleStrtoul10, sscanfInt, strstrip } from './parse.ts';
import type { CgroupNode } from './tree.ts';

/** What the core files need from the kernel. */
export interface CoreOps {
  /** Move `pid` (0 = the actor), or its thread group, into `cgrp`, as a write by `actor`. */
  attachByWrite(cgrp: CgroupNode, pid: number, actor: number, threadgroup: boolean): void;
  listTasks(cgrp: CgroupNode, procs: boolean): Int32Array;
  setNotify(cgrp: CgroupNode, on: boolean): void;
  notify(cgrp: CgroupNode): boolean;
}

const PATH_MAX = 4096;

/**
 * Sorted ids one per line ("%d\n" each), as the tasks and cgroup.procs files show them,
 * written as ASCII digits straight into a buffer: a million pids take a few milliseconds.
 */
export function formatIdsBytes(ids: Int32Array): Buffer {
  const buf = Buffer.allocUnsafe(ids.length * 11); // at most 10 digits and '\n' each
  let o = 0;
  for (let i = 0; i < ids.length; i++) {
    let v = ids[i]!;
    let width = 1;
    for (let t = v; t >= 10; t = (t / 10) | 0) width++;
    o += width;
    for (let p = o - 1; p >= o - width; p--) {
      buf[p] = 48 + (v % 10);
      v = (v / 10) | 0;
    }
    buf[o++] = 10;
  }
  return buf.subarray(0, o);
}

/** formatIdsBytes as a string. */
export function formatIds(ids: Int32Array): string {
  return formatIdsBytes(ids).toString('latin1');
}

/** The pid written to tasks/cgroup.procs: strstrip, base-0 int, negative → EINVAL. */
export function parsePidWrite(data: string): number {
  let pid: number;
  try {
    pid = kstrtoint(strstrip(data));
  } catch {
    throw sysError('EINVAL', 'write');
  }
  if (pid < 0) throw sysError('EINVAL', 'write');
  return pid;
}

/** A u64 flag file's write: kstrtoull(buf, 0) on the raw buffer; non-zero sets. */
export function parseFlagWrite(data: string): boolean {
  return kstrtoull(data) !== 0n;
}

const node = (css: Css<unknown>) => css.cgroup as CgroupNode;

export function coreFiles(ops: CoreOps): Cftype<unknown>[] {
  const procsFile = (name: string, procs: boolean): Cftype<unknown> => ({
    name,
    read: (css) => formatIds(ops.listTasks(node(css), procs)),
    write: (css, data, ctx) => ops.attachByWrite(node(css), parsePidWrite(data), ctx.actor, procs),
  });
  return [
    procsFile('cgroup.procs', true),
    {
      name: 'cgroup.clone_children',
      read: (css) => (node(css).cloneChildren ? '1\n' : '0\n'),
      write: (css, data) => {
        node(css).cloneChildren = parseFlagWrite(data);
      },
    },
    { name: 'cgroup.sane_behavior', flags: CFTYPE_ONLY_ON_ROOT, read: () => '0\n' },
    {
      name: 'notify_on_release',
      read: (css) => (ops.notify(node(css)) ? '1\n' : '0\n'),
      write: (css, data) => ops.setNotify(node(css), parseFlagWrite(data)),
    },
    {
      name: 'release_agent',
      flags: CFTYPE_ONLY_ON_ROOT,
      maxWriteLen: PATH_MAX - 1,
      read: (css) => node(css).hier.releaseAgent + '\n',
      write: (css, data, ctx) => {
        // Modern kernels require CAP_SYS_ADMIN: the agent runs with full privileges.
        if (ctx.credentials(ctx.actor).uid !== 0) throw sysError('EPERM', 'write');
        node(css).hier.releaseAgent = strstrip(data);
      },
    },
    procsFile('tasks', false),
  ];
}

// ---------------------------------------------------------------------------------------
// Profile 'v11': the 2.6.24 write paths (cgroup_common_file_write)

/** tasks (2.6.24): sscanf("%d") must convert a number, else EIO; "0x10" is 0, the writer. */
export function parseTasksWriteV11(data: string): number {
  const pid = sscanfInt(data);
  if (pid === null) throw sysError('EIO', 'write');
  return pid; // negative pids are simply not found later (ESRCH)
}

/** notify_on_release (2.6.24): simple_strtoul(buf, NULL, 10) != 0; never an error. */
export function parseNotifyWriteV11(data: string): boolean {
  return simpleStrtoul10(data).value !== 0n;
}

/** release_agent (2.6.24): one trailing newline stripped, the rest kept up to the first NUL. */
export function normalizeReleaseAgentV11(data: string): string {
  const s = data.endsWith('\n') ? data.slice(0, -1) : data;
  const nul = s.indexOf('\0');
  return nul < 0 ? s : s.slice(0, nul);
}

/** The parsers a 2.6.24-style core file table uses (see profile.ts). */
export interface CoreWriteRules {
  parseTasksWrite(data: string): number;
  parseNotifyWrite(data: string): boolean;
  normalizeReleaseAgent(data: string): string;
}

/**
 * The V11 core files. Zero-length writes reach these handlers (the VFS rules of the profile):
 * tasks then fails with EIO, notify_on_release clears both flags, release_agent clears it.
 */
export function coreFilesV11(ops: CoreOps, rules: CoreWriteRules): Cftype<unknown>[] {
  const common = PATH_MAX - 1; // cgroup_common_file_write: nbytes >= PATH_MAX -> E2BIG
  return [
    {
      name: 'tasks',
      maxWriteLen: common,
      read: (css) => formatIds(ops.listTasks(node(css), false)),
      write: (css, data, ctx) => ops.attachByWrite(node(css), rules.parseTasksWrite(data), ctx.actor, false),
    },
    {
      name: 'notify_on_release',
      maxWriteLen: common,
      read: (css) => (ops.notify(node(css)) ? '1\n' : '0\n'),
      write: (css, data) => {
        const cgrp = node(css);
        cgrp.releasable = false; // every write clears RELEASABLE, whatever it says
        ops.setNotify(cgrp, rules.parseNotifyWrite(data));
      },
    },
    { name: 'releasable', read: (css) => (node(css).releasable ? '1\n' : '0\n') },
    {
      name: 'release_agent',
      flags: CFTYPE_ONLY_ON_ROOT,
      maxWriteLen: common,
      read: (css) => node(css).hier.releaseAgent + '\n',
      write: (css, data) => {
        node(css).hier.releaseAgent = rules.normalizeReleaseAgent(data);
      },
    },
  ];
}
