/**
 * debug: a window on the core's own bookkeeping (the modern kernel's v1 debug controller).
 *
 * It keeps no state; every file reads the engine's real counts. Where the kernel prints a
 * kernel address, cgsim prints a stable id instead: the engine's css_set id for a css_set
 * and the engine's cgroup id for a css (0 for the invisible root of an unmounted
 * subsystem), so the output is the same on every run and on both engines.
 *
 * Files:
 *   taskcount                  tasks in this cgroup (the kernel's cgroup_task_count: the
 *                              sum of nr_tasks over the css_sets linked to it)
 *   current_css_set            (root only) the reader's css_set: "css_set <id> <refcount>"
 *                              plus " +<extra>" when references exceed tasks, then one
 *                              "<ssid>: <name>\t- <css>[<css id>]" line per subsystem
 *   current_css_set_refcount   (root only) the reader's css_set refcount
 *   current_css_set_cg_links   (root only) "Root <hierarchy id> group <name>" for each
 *                              cgroup the reader's css_set links to ('/' for a root),
 *                              newest hierarchy first
 *   cgroup_css_links           for each css_set linked to this cgroup (by id):
 *                              "css_set <id> <refcount>[ +<extra>]", then "  task <pid>"
 *                              lines (at most 26, then "  ... (<more>)"), and a closing
 *                              "extra references = N" when a css_set other than init's
 *                              holds references that are not tasks
 *   cgroup_subsys_states       one "<ssid>: <name>\t- <css>[<css id>] <online> P=<parent>"
 *                              line per subsystem of this hierarchy (online = 1 + children)
 *   cgroup_masks               the v2 subtree masks, always empty on v1
 *   releasable                 1 when the cgroup has no tasks in its subtree and no
 *                              children (the modern definition; notify_on_release is not
 *                              part of it)
 *
 * The css_set task order is ascending pid (the kernel prints list order).
 *
 * Profile 'v11' has the 2.6.24 debug subsystem instead, under V11 names (the renaming is
 * inferred, semantics.md §15): four read-only "%llu" files on every cgroup.
 *
 *   container_refcount          the cgroup's count: css_sets referencing it times the
 *                               subsystems of its hierarchy (init's css_set, which 2.6.24
 *                               never counted, left out)
 *   taskcount                   the sum of the refcounts of the css_sets linked to it (at a
 *                               root this includes init_css_set's extra permanent reference)
 *   current_css_group           the reader's css_group (css_set), as a stable id where the
 *                               kernel printed its address
 *   current_css_group_refcount  that css_group's refcount
 */

import type { Cftype, Cgroup, Css, SubsysContext, Subsystem } from '../cgroup/defs.ts';
import { CFTYPE_ONLY_ON_ROOT } from '../cgroup/defs.ts';
import { INIT_CSET } from '../engine/types.ts';

/** The kernel's MAX_TASKS_SHOWN_PER_CSS. */
const MAX_TASKS_SHOWN_PER_CSS = 25;

/** The built-in list, in id order (see index.ts). */
const BUILTIN_NAMES = ['cpuset', 'cpuacct', 'pids', 'debug', 'ns'];

/**
 * The registered subsystems' names in id order. SubsysContext does not list them yet (see
 * docs/subsystems-needs.md); until it does, the built-in list stands in, minus the names
 * this kernel does not know.
 */
function subsystemNames(ctx: SubsysContext): readonly string[] {
  const list = (ctx as SubsysContext & { subsystems?: readonly Subsystem[] }).subsystems;
  if (list !== undefined) return list.map((ss) => ss.name);
  return BUILTIN_NAMES.map((name) => {
    try {
      ctx.cssOf(ctx.actor, name);
      return name;
    } catch {
      return '';
    }
  });
}

/** "%2d: %-4s\t- %lx[%d]" with the css's cgroup id standing in for its address and id. */
function cssLine(ssid: number, css: Css): string {
  const id = css.cgroup.id;
  return `${String(ssid).padStart(2)}: ${css.ss.name.padEnd(4)}\t- ${id.toString(16)}[${id}]`;
}

/** "css_set <id> <refcount>" plus " +<extra>" when references exceed tasks. */
function csetHeader(cset: number, ctx: SubsysContext): { line: string; extra: number } {
  const refcnt = ctx.engine.csetRefcount(cset);
  const extra = refcnt - ctx.engine.csetNrTasks(cset);
  return { line: `css_set ${cset} ${refcnt}${extra > 0 ? ` +${extra}` : ''}\n`, extra };
}

function currentCssSet(_css: Css<null>, ctx: SubsysContext): string {
  const cset = ctx.engine.taskCset(ctx.actor);
  let out = csetHeader(cset, ctx).line;
  subsystemNames(ctx).forEach((name, ssid) => {
    if (name !== '') out += cssLine(ssid, ctx.cssOf(ctx.actor, name)) + '\n';
  });
  return out;
}

function currentCssSetCgLinks(_css: Css<null>, ctx: SubsysContext): string {
  const cset = ctx.engine.taskCset(ctx.actor);
  const linked: Cgroup[] = [];
  for (const id of ctx.engine.csetCgroups(cset)) {
    const cgrp = id === 0 ? undefined : ctx.cgroupById(id);
    if (cgrp !== undefined) linked.push(cgrp);
  }
  linked.sort((a, b) => b.hierarchyId - a.hierarchyId);
  return linked.map((c) => `Root ${c.hierarchyId} group ${c.isRoot ? '/' : c.name}\n`).join('');
}

function cgroupCssLinks(css: Css<null>, ctx: SubsysContext): string {
  let out = '';
  let extraRefs = 0;
  for (const cset of ctx.engine.cgroupCsets(css.cgroup.id)) {
    const { line, extra } = csetHeader(cset, ctx);
    out += line;
    if (extra > 0) extraRefs += cset === INIT_CSET ? extra - 1 : extra;
    const tasks = ctx.engine.csetTasks(cset);
    const shown = Math.min(tasks.length, MAX_TASKS_SHOWN_PER_CSS + 1);
    for (let i = 0; i < shown; i++) out += `  task ${tasks[i]}\n`;
    if (tasks.length > MAX_TASKS_SHOWN_PER_CSS) out += `  ... (${tasks.length - MAX_TASKS_SHOWN_PER_CSS})\n`;
  }
  if (extraRefs !== 0) out += `\nextra references = ${extraRefs}\n`;
  return out;
}

function cgroupSubsysStates(css: Css<null>, ctx: SubsysContext): string {
  const cgrp = css.cgroup;
  let out = '';
  subsystemNames(ctx).forEach((name, ssid) => {
    const c = name === '' ? undefined : cgrp.css(name);
    if (c === undefined) return;
    const online = 1 + cgrp.children.length;
    const parent = c.parent === null ? '' : ` P=${c.parent.cgroup.id}`;
    out += `${cssLine(ssid, c)} ${online}${parent}\n`;
  });
  return out;
}

const files: Cftype<null>[] = [
  { name: 'taskcount', read: (css, ctx) => `${ctx.engine.cgroupTaskCount(css.cgroup.id)}\n` },
  { name: 'current_css_set', flags: CFTYPE_ONLY_ON_ROOT, read: currentCssSet },
  {
    name: 'current_css_set_refcount',
    flags: CFTYPE_ONLY_ON_ROOT,
    read: (_css, ctx) => `${ctx.engine.csetRefcount(ctx.engine.taskCset(ctx.actor))}\n`,
  },
  { name: 'current_css_set_cg_links', flags: CFTYPE_ONLY_ON_ROOT, read: currentCssSetCgLinks },
  { name: 'cgroup_css_links', read: cgroupCssLinks },
  { name: 'cgroup_subsys_states', read: cgroupSubsysStates },
  { name: 'cgroup_masks', read: () => 'subtree_control  : \nsubtree_ss_mask  : \n' },
  {
    name: 'releasable',
    read: (css, ctx) =>
      !ctx.engine.cgroupPopulated(css.cgroup.id) && css.cgroup.children.length === 0 ? '1\n' : '0\n',
  },
];

/** Profile 'v11': the 2.6.24 files under their V11 names. */
const v11Files: Cftype<null>[] = [
  {
    name: 'container_refcount',
    read: (css, ctx) => {
      const cgrp = css.cgroup;
      const nss = ctx.subsystems.filter((ss) => cgrp.css(ss.name) !== undefined).length;
      let csets = 0;
      for (const cset of ctx.engine.cgroupCsets(cgrp.id)) if (cset !== INIT_CSET) csets++;
      return `${csets * nss}\n`;
    },
  },
  {
    name: 'taskcount',
    read: (css, ctx) => {
      let n = 0;
      for (const cset of ctx.engine.cgroupCsets(css.cgroup.id)) n += ctx.engine.csetRefcount(cset);
      return `${n}\n`;
    },
  },
  { name: 'current_css_group', read: (_css, ctx) => `${ctx.engine.taskCset(ctx.actor)}\n` },
  {
    name: 'current_css_group_refcount',
    read: (_css, ctx) => `${ctx.engine.csetRefcount(ctx.engine.taskCset(ctx.actor))}\n`,
  },
];

/** A fresh debug descriptor. */
export function debugSubsystem(): Subsystem<null> {
  return {
    name: 'debug',
    create: () => null,
    files,
    profiles: { v11: { files: v11Files } },
  };
}
