/**
 * pids: limit the number of tasks (processes and threads) in a cgroup subtree.
 *
 * Every non-root cgroup counts the live tasks in it and in all its descendants
 * (`pids.current`). fork() charges one task to the forking task's cgroup and to every
 * ancestor below the root; if that would take any of them past its `pids.max`, the charge
 * is undone and fork fails with EAGAIN. Moving tasks between cgroups is never refused: the
 * charge moves with the task even when that exceeds a limit, so `pids.current` may be
 * above `pids.max` (as Linux documents). Limits are hierarchical: the tightest ancestor
 * wins. The root is never charged and has none of these files.
 *
 * Files (NOT_ON_ROOT):
 *   pids.max      "max" (the default) or a number 0 .. PID_MAX_LIMIT; the write is
 *                 strstrip()ped, then "max" or a kstrtoll() number; negative or too large
 *                 -> EINVAL, overflow -> ERANGE.
 *   pids.current  the hierarchical task count.
 *   pids.peak     the highest count seen (charges later undone by a failed fork included).
 *   pids.events   "max N": on v1, the number of forks by tasks of this cgroup that some
 *                 limit (this cgroup's or an ancestor's) refused.
 *
 * A task is uncharged when it exits (Linux uncharges at release, after reaping; the
 * simulator reaps at exit).
 */

import type { Cftype, Css, Subsystem } from '../cgroup/defs.ts';
import { CFTYPE_NOT_ON_ROOT } from '../cgroup/defs.ts';
import { kstrtoll, strstrip } from '../cgroup/parse.ts';
import { sysError } from '../errors.ts';

/** Linux's PID_MAX_LIMIT (4M): the largest pids.max short of "max". */
export const PID_MAX_LIMIT = 4194304;

/** Per-cgroup pids state. */
export interface Pids {
  /** Tasks in this cgroup and its descendants. */
  counter: number;
  /** The limit; Infinity for "max". */
  max: number;
  /** Highest counter seen. */
  peak: number;
  /** Forks from this cgroup refused by a limit. */
  events: number;
}

/** The C string a write buffer holds (kernfs NUL-terminates it): text before the first NUL. */
const cstr = (s: string): string => s.split('\0', 1)[0]!;

/** The chain of css from css up to, not including, the root (the root is never charged). */
function* chargeable(css: Css<Pids>): Generator<Css<Pids>> {
  for (let p: Css<Pids> | null = css; p !== null && p.parent !== null; p = p.parent) yield p;
}

function charge(css: Css<Pids>, n: number): void {
  for (const p of chargeable(css)) {
    p.state.counter += n;
    if (p.state.counter > p.state.peak) p.state.peak = p.state.counter;
  }
}

function uncharge(css: Css<Pids>, n: number): void {
  for (const p of chargeable(css)) p.state.counter -= n;
}

/**
 * Charge n tasks to css and its ancestors unless that takes one past its limit: then undo
 * and return the css whose limit was hit.
 */
function tryCharge(css: Css<Pids>, n: number): Css<Pids> | null {
  const done: Css<Pids>[] = [];
  for (const p of chargeable(css)) {
    p.state.counter += n;
    done.push(p);
    if (p.state.counter > p.state.max) {
      for (const q of done) q.state.counter -= n;
      return p;
    }
    if (p.state.counter > p.state.peak) p.state.peak = p.state.counter;
  }
  return null;
}

const files: Cftype<Pids>[] = [
  {
    name: 'max',
    flags: CFTYPE_NOT_ON_ROOT,
    read: (css) => (css.state.max === Infinity ? 'max\n' : `${css.state.max}\n`),
    write: (css, data) => {
      const buf = strstrip(cstr(data));
      if (buf === 'max') {
        css.state.max = Infinity;
        return;
      }
      const v = kstrtoll(buf);
      if (v < 0n || v > BigInt(PID_MAX_LIMIT)) throw sysError('EINVAL', 'write');
      css.state.max = Number(v);
    },
  },
  { name: 'current', flags: CFTYPE_NOT_ON_ROOT, read: (css) => `${css.state.counter}\n` },
  { name: 'peak', flags: CFTYPE_NOT_ON_ROOT, read: (css) => `${css.state.peak}\n` },
  { name: 'events', flags: CFTYPE_NOT_ON_ROOT, read: (css) => `max ${css.state.events}\n` },
];

/** A fresh pids descriptor. */
export function pidsSubsystem(): Subsystem<Pids> {
  return {
    name: 'pids',
    // Unmounted, every task is in the (never charged) root: fork and exit need no hooks.
    hooksOnlyWhenBound: true,

    create(): Pids {
      return { counter: 0, max: Infinity, peak: 0, events: 0 };
    },

    canFork(css) {
      if (tryCharge(css, 1) !== null) {
        css.state.events++;
        throw sysError('EAGAIN', 'fork');
      }
    },

    cancelFork(css) {
      uncharge(css, 1);
    },

    exit(css) {
      uncharge(css, 1);
    },

    attach(css, _pid, from) {
      charge(css, 1);
      uncharge(from, 1);
    },

    files,
  };
}
