/**
 * cpuacct: CPU time accounting for groups of tasks (modern cgroup v1 files).
 *
 * Time charged to a task (Kernel.charge) is added, per CPU and per mode (user or system),
 * to the task's cgroup and to every ancestor up to the root: the counters live in the
 * engine, hierarchical as in Linux since 2.6.29, so a parent's usage is its own tasks'
 * plus its children's, and moving a task moves none of its past usage (no double
 * counting). While cpuacct is not mounted the time goes to the invisible root (engine
 * cgroup id 0); binding moves those counters to the hierarchy's root and unbinding moves
 * them back, because Linux has a single root cpuacct state whichever hierarchy shows it.
 *
 * Files (nanoseconds unless stated):
 *   usage              sum over CPUs of user + system; writing 0 resets this cgroup's
 *                      counters (not its relatives'); any other value -> EINVAL. At the
 *                      root the write succeeds and resets nothing, as modern kernels
 *                      refuse to reset the global statistics.
 *   usage_user/_sys    sum over CPUs of one mode
 *   usage_percpu       per CPU, each followed by a space, then "\n"; _user and _sys alike
 *   usage_all          "cpu user system" then one "<cpu> <user> <sys>" row per CPU
 *   stat               "user N\nsystem N\n" in USER_HZ ticks (ns / 10,000,000), kept
 *                      monotonic per cgroup as the kernel's cputime_adjust() does: after a
 *                      reset it repeats the old values until the new usage exceeds them.
 *
 * Profile 'v11' (the V11 example subsystem, patch 09/10, semantics.md §14.1) replaces the
 * files and keeps its own counters, charged through the `charge` hook: time goes to the
 * task's own cgroup only (no propagation to ancestors), and moving a task moves none of it.
 *
 *   usage              total CPU time charged to this cgroup, in milliseconds
 *   load               the CPU time of the last complete 10-second interval, as a
 *                      percentage of one CPU (above 100 on SMP)
 *
 * Both are read-only (writes: EINVAL). Intervals are 10 s of the simulated clock
 * (Kernel.tick), with boundaries at multiples of 10 s since boot. Each charge and each read
 * first rolls the intervals over lazily: if a whole interval passed without a roll-over the
 * last interval counts as 0, otherwise it takes the current interval's time; the current
 * interval then restarts. cgsim counts nanoseconds where V11 counted jiffies, so `usage` is
 * the exact millisecond floor rather than jiffies * 1000 / HZ.
 */
import type { Cftype, Css, SubsysContext, Subsystem } from '../cgroup/defs.ts';
import { kstrtoull } from '../cgroup/parse.ts';
import { CPU_SYS, CPU_USER } from '../engine/types.ts';
import { sysError } from '../errors.ts';

/** Nanoseconds per USER_HZ tick (USER_HZ = 100). */
const NSEC_PER_USER_HZ = 10_000_000n;

/** Per-cgroup cpuacct state: the engine keeps the counters; this is the stat history. */
export interface Cpuacct {
  /** The last user/system split `stat` reported, in ns (the kernel's prev_cputime). */
  prevUser: bigint;
  prevSys: bigint;
  /** Profile 'v11' only: the V11 counters. */
  v11?: CpuacctV11;
}

/** The V11 cpuacct state of one cgroup (nanoseconds). */
export interface CpuacctV11 {
  /** All time charged. */
  total: bigint;
  /** Time charged in the current interval. */
  current: bigint;
  /** Time of the last complete interval. */
  last: bigint;
  /** Clock time of the next interval boundary. */
  next: bigint;
}

/** V11's INTERVAL: 10 seconds. */
export const V11_INTERVAL_NS = 10_000_000_000n;

/** The engine's counter of css's cgroup for (cpu, mode); 0 when the cgroup is gone. */
function usage(css: Css<Cpuacct>, cpu: number, mode: number, ctx: SubsysContext): bigint {
  const v = ctx.engine.cpuacctUsage(css.cgroup.id, cpu, mode);
  return v < 0n ? 0n : v;
}

/** Usage of one CPU for a mode, or both modes with mode -1. */
function cpuUsage(css: Css<Cpuacct>, cpu: number, mode: number, ctx: SubsysContext): bigint {
  if (mode >= 0) return usage(css, cpu, mode, ctx);
  return usage(css, cpu, CPU_USER, ctx) + usage(css, cpu, CPU_SYS, ctx);
}

function totalUsage(css: Css<Cpuacct>, mode: number, ctx: SubsysContext): bigint {
  let sum = 0n;
  for (let cpu = 0; cpu < ctx.cpus; cpu++) sum += cpuUsage(css, cpu, mode, ctx);
  return sum;
}

function percpu(css: Css<Cpuacct>, mode: number, ctx: SubsysContext): string {
  let out = '';
  for (let cpu = 0; cpu < ctx.cpus; cpu++) out += `${cpuUsage(css, cpu, mode, ctx)} `;
  return out + '\n';
}

/**
 * The kernel's cputime_adjust(): split the runtime into user and system time so that
 * neither ever goes backwards from what was last reported. Returns [user, sys] in ns.
 */
function cputimeAdjust(st: Cpuacct, utime: bigint, stime: bigint): [bigint, bigint] {
  const rtime = utime + stime;
  if (st.prevUser + st.prevSys >= rtime) return [st.prevUser, st.prevSys];
  let s = stime;
  if (s < st.prevSys) s = st.prevSys;
  let u = rtime - s;
  if (u < st.prevUser) {
    u = st.prevUser;
    s = rtime - u;
  }
  st.prevUser = u;
  st.prevSys = s;
  return [u, s];
}

/** The C string a write buffer holds (kernfs NUL-terminates it): text before the first NUL. */
const cstr = (s: string): string => s.split('\0', 1)[0]!;

/** Write to `usage`: a u64 that must be 0. */
function usageWrite(css: Css<Cpuacct>, data: string, ctx: SubsysContext): void {
  if (kstrtoull(cstr(data)) !== 0n) throw sysError('EINVAL', 'write');
  if (css.parent === null) return; // the root's statistics are global and never reset
  ctx.engine.cpuacctReset(css.cgroup.id);
}

const files: Cftype<Cpuacct>[] = [
  {
    name: 'usage',
    read: (css, ctx) => `${totalUsage(css, -1, ctx)}\n`,
    write: usageWrite,
  },
  { name: 'usage_user', read: (css, ctx) => `${totalUsage(css, CPU_USER, ctx)}\n` },
  { name: 'usage_sys', read: (css, ctx) => `${totalUsage(css, CPU_SYS, ctx)}\n` },
  { name: 'usage_percpu', read: (css, ctx) => percpu(css, -1, ctx) },
  { name: 'usage_percpu_user', read: (css, ctx) => percpu(css, CPU_USER, ctx) },
  { name: 'usage_percpu_sys', read: (css, ctx) => percpu(css, CPU_SYS, ctx) },
  {
    name: 'usage_all',
    read: (css, ctx) => {
      let out = 'cpu user system\n';
      for (let cpu = 0; cpu < ctx.cpus; cpu++) {
        out += `${cpu} ${usage(css, cpu, CPU_USER, ctx)} ${usage(css, cpu, CPU_SYS, ctx)}\n`;
      }
      return out;
    },
  },
  {
    name: 'stat',
    read: (css, ctx) => {
      const [u, s] = cputimeAdjust(css.state, totalUsage(css, CPU_USER, ctx), totalUsage(css, CPU_SYS, ctx));
      return `user ${u / NSEC_PER_USER_HZ}\nsystem ${s / NSEC_PER_USER_HZ}\n`;
    },
  },
];

// ---------------------------------------------------------------------------------------
// Profile 'v11': the V11 example subsystem

const clock = (ctx: SubsysContext): bigint => BigInt(ctx.now?.() ?? 0);

/** The first interval boundary after `now`. */
const boundaryAfter = (now: bigint): bigint => (now / V11_INTERVAL_NS + 1n) * V11_INTERVAL_NS;

/** Lazy interval roll-over (V11's cpuusage_update), at clock time `now`. */
export function v11Rollover(st: CpuacctV11, now: bigint): void {
  if (st.next > now) return;
  // A whole interval went by without a roll-over: the last one had no load.
  st.last = st.next <= now - V11_INTERVAL_NS ? 0n : st.current > 0n ? st.current : 0n;
  st.current = 0n;
  st.next = boundaryAfter(now);
}

function v11State(css: Css<Cpuacct>, ctx: SubsysContext): CpuacctV11 {
  css.state.v11 ??= { total: 0n, current: 0n, last: 0n, next: boundaryAfter(clock(ctx)) };
  const st = css.state.v11;
  v11Rollover(st, clock(ctx));
  return st;
}

const v11Files: Cftype<Cpuacct>[] = [
  { name: 'usage', read: (css, ctx) => `${v11State(css, ctx).total / 1_000_000n}\n` },
  { name: 'load', read: (css, ctx) => `${(v11State(css, ctx).last * 100n) / V11_INTERVAL_NS}\n` },
];

/** The V11 overrides: fresh interval state at create, own-cgroup charging, the V11 files. */
const v11Profile: Partial<Subsystem<Cpuacct>> = {
  create(_parent, _cgrp, ctx): Cpuacct {
    return { prevUser: 0n, prevSys: 0n, v11: { total: 0n, current: 0n, last: 0n, next: boundaryAfter(clock(ctx)) } };
  },
  charge(css, _pid, ns, ctx) {
    const st = v11State(css, ctx);
    st.total += BigInt(ns);
    st.current += BigInt(ns);
  },
  files: v11Files,
};

/** A fresh cpuacct descriptor (it remembers which engine cgroup holds the root counters). */
export function cpuacctSubsystem(): Subsystem<Cpuacct> {
  /** Engine id of the cgroup holding the root counters: 0 (unbound) or a hierarchy root. */
  let rootId = 0;

  return {
    name: 'cpuacct',

    create(): Cpuacct {
      return { prevUser: 0n, prevSys: 0n };
    },

    bind(root, ctx) {
      const to = root.cgroup.id;
      if (to === rootId) return;
      ctx.engine.cpuacctMove(rootId, to);
      rootId = to;
    },

    files,

    profiles: { v11: v11Profile },
  };
}
