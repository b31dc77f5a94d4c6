/**
 * ns: a cgroup per namespace (the Linux 2.6.24 ns subsystem, removed in 2.6.38).
 *
 * When a task clones or unshares a namespace, the core's container_clone() creates a child
 * `node_<pid>` of the task's current ns cgroup and moves the task into it, so the cgroup
 * tree mirrors the namespace tree. This subsystem has no files; it only restricts:
 *
 *   mkdir    the actor must be privileged (uid 0 stands in for CAP_SYS_ADMIN) and the
 *            new cgroup must be inside the actor's own ns cgroup            -> else EPERM
 *   attach   when the actor moves another task: the actor must be privileged and the
 *            target inside the actor's own ns cgroup                        -> else EPERM
 *            always: the target must be empty and a direct child of the task's current
 *            ns cgroup (a task can only go one namespace level down)        -> else EPERM
 *
 * "Inside" includes the cgroup itself.
 */
import type { Cgroup, Css, SubsysContext, Subsystem } from '../cgroup/defs.ts';
import { sysError } from '../errors.ts';

/** capable(CAP_SYS_ADMIN): cgsim has no capabilities, so root (uid 0) stands in. */
function capable(pid: number, ctx: SubsysContext): boolean {
  return ctx.credentials(pid).uid === 0;
}

/** cgrp is ancestor or one of its descendants. */
function isDescendant(cgrp: Cgroup, ancestor: Cgroup): boolean {
  for (let c: Cgroup | null = cgrp; c !== null; c = c.parent) if (c.id === ancestor.id) return true;
  return false;
}

/** The actor's own ns cgroup. */
function actorCgroup(ctx: SubsysContext): Cgroup {
  return ctx.cssOf(ctx.actor, 'ns').cgroup;
}

/** A fresh ns descriptor. */
export function nsSubsystem(): Subsystem<null> {
  return {
    name: 'ns',

    create: () => null,

    canCreate(parent: Css<null>, ctx) {
      if (!capable(ctx.actor, ctx) || !isDescendant(parent.cgroup, actorCgroup(ctx))) {
        throw sysError('EPERM', 'mkdir');
      }
    },

    canAttach(css, pid, from, ctx) {
      if (ctx.actor !== pid && (!capable(ctx.actor, ctx) || !isDescendant(css.cgroup, actorCgroup(ctx)))) {
        throw sysError('EPERM', 'write');
      }
      if (css.cgroup.taskCount() !== 0) throw sysError('EPERM', 'write');
      if (css.cgroup.parent?.id !== from.cgroup.id) throw sysError('EPERM', 'write');
    },
  };
}
