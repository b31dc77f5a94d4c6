/**
 * The core control files of every cgroup (modern cgroup v1's cgroup1_base_files):
 *
 *   cgroup.procs           read: sorted unique tgids; write: move a whole thread group
 *   cgroup.clone_children  u64 flag (non-zero → 1)
 *   cgroup.sane_behavior   root only, read-only "0"
 *   notify_on_release      u64 flag
 *   release_agent          root only; up to PATH_MAX-1 bytes, whitespace-stripped
 *   tasks                  read: sorted pids; write: move one task
 *
 * Handlers get the cgroup through `css.cgroup` (the cgroup's own "self" css, as in Linux).
 */

import { sysError } from '../errors.ts';
import type { Cftype, Css } from './defs.ts';
import { CFTYPE_ONLY_ON_ROOT } from './defs.ts';
import { kstrtoint, kstrtoull, strstrip } from './parse.ts';
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

/** Format sorted ids one per line, as the tasks and cgroup.procs files do. */
export function formatIds(ids: Int32Array): string {
  if (ids.length === 0) return '';
  // Joining through an array is the fastest portable way for large lists.
  const parts = new Array<string>(ids.length + 1);
  for (let i = 0; i < ids.length; i++) parts[i] = String(ids[i]);
  parts[ids.length] = '';
  return parts.join('\n');
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
