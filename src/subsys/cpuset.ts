/**
 * cpuset: processor and memory-node placement for sets of tasks (modern cgroup v1 rules).
 *
 * Every cpuset holds a set of CPUs (`cpus`) and memory nodes (`mems`) and some flags. The
 * root tracks every simulated CPU and node and is read-only (writing its `cpus` or `mems`
 * fails with EACCES); it is cpu- and mem-exclusive. A new child starts with empty sets, so
 * no task can enter it (ENOSPC) until both are set; it starts with `sched_load_balance=1`
 * and inherits `memory_spread_page` and `memory_spread_slab` from its parent.
 *
 * Every change is tried on a copy and checked by validateChange(), in this order:
 *   1. every child must stay a subset of the trial (cpus, mems, and exclusive flags may be
 *      set on a child only if the trial has them)                                -> EBUSY
 *   2. the root is not checked further;
 *   3. the trial must be a subset of its parent in the same sense               -> EACCES
 *   4. if the trial or a sibling is cpu-exclusive, their cpus must not overlap;
 *      likewise mems with mem-exclusive                                         -> EINVAL
 *   5. a populated cpuset (tasks in it or below) cannot go from non-empty cpus or mems to
 *      empty ones                                                               -> ENOSPC
 *
 * Lists are written in the kernel's bitmap_parselist() syntax after strstrip(): regions
 * `N`, `N-M`, `N-M:used/group`, `all`, and `N` (the letter: the last valid number),
 * separated by commas or whitespace. A region must be well-formed (EINVAL), within the
 * mask (ERANGE: cpus >= the CPU count, nodes >= MAX_NUMNODES) and free of overflow
 * (EOVERFLOW); nodes that exist in the mask but not in the machine give EINVAL. An empty
 * write is the empty set. Writing the current value is a no-op before any validation.
 * Lists print compressed (`0-3,5`) plus a newline; the empty set prints "\n".
 *
 * Without cpuset_v2_mode (not simulated) the effective sets of v1 equal the configured
 * ones. cgroup.clone_children and container_clone() call postClone(), which copies the
 * parent's cpus and mems unless a sibling is cpu- or mem-exclusive.
 *
 * Not simulated: CPU/memory hotplug, sched domains, memory_pressure (always 0), page
 * migration, SCHED_DEADLINE admission (the kernel's EBUSY on shrinking an exclusive set).
 *
 * Profile 'v11' (semantics.md §13) has the V11 file table: cpus, mems, cpu_exclusive,
 * mem_exclusive, memory_migrate, memory_pressure, memory_spread_page, memory_spread_slab and,
 * at the root only, memory_pressure_enabled; no sched_load_balance (added in 2.6.24 after
 * V11), effective_*, mem_hardwall or sched_relax_domain_level. Its write path is 2.6.24's
 * cpuset_common_file_write: any file refuses more than 100 + 6 * max(NR_CPUS, MAX_NUMNODES)
 * bytes (E2BIG); flags are simple_strtoul(buf, 10) != 0, never a parse error; memory_pressure
 * is EACCES; lists use the old bitmap_parselist (parseListV11) after strstrip, an empty list
 * is the empty set, and the result is ANDed with the simulated CPUs or nodes (offline
 * numbers are dropped, not refused). cpus validate before the unchanged no-op check, mems
 * after it, as 2.6.24 did. The ENOSPC rule counts the cgroup's own tasks.
 */

import type { Cftype, Cgroup, Css, SubsysContext, Subsystem } from '../cgroup/defs.ts';
import { CFTYPE_ONLY_ON_ROOT } from '../cgroup/defs.ts';
import { isSpace, kstrtoll, kstrtoull, simpleStrtoul10, strstrip } from '../cgroup/parse.ts';
import type { ErrnoCode } from '../errors.ts';
import { ERRNO, sysError } from '../errors.ts';

/** The kernel configuration cgsim models: x86_64 distribution defaults (CONFIG_MAXSMP). */
export const NR_CPUS = 8192;
export const MAX_NUMNODES = 1024;
/** Largest sched_relax_domain_level (the kernel's sched_domain_level_max + 1). */
const RELAX_DOMAIN_LEVEL_MAX = 5;

// ---------------------------------------------------------------------------------------
// Masks (cpumask_t / nodemask_t)

/** A set of CPU or node numbers, as 32-bit words; bit n of the set is bit n%32 of word n/32. */
export type Mask = Uint32Array;

export function maskEmpty(nbits: number): Mask {
  return new Uint32Array((nbits + 31) >>> 5);
}

/** Bits 0 .. nbits-1 set. */
export function maskFull(nbits: number): Mask {
  const m = maskEmpty(nbits);
  maskSetRange(m, 0, nbits);
  return m;
}

/** Set bits [from, to). */
function maskSetRange(m: Mask, from: number, to: number): void {
  for (let b = from; b < to; b++) m[b >>> 5]! |= 1 << (b & 31);
}

export function maskTest(m: Mask, bit: number): boolean {
  const w = bit >>> 5;
  return w < m.length && (m[w]! & (1 << (bit & 31))) !== 0;
}

export function maskIsEmpty(m: Mask): boolean {
  for (let i = 0; i < m.length; i++) if (m[i] !== 0) return false;
  return true;
}

/** a ⊆ b (words missing from the shorter mask count as 0). */
export function maskSubset(a: Mask, b: Mask): boolean {
  for (let i = 0; i < a.length; i++) if ((a[i]! & ~(b[i] ?? 0)) !== 0) return false;
  return true;
}

export function maskIntersects(a: Mask, b: Mask): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if ((a[i]! & b[i]!) !== 0) return true;
  return false;
}

export function maskEqual(a: Mask, b: Mask): boolean {
  return maskSubset(a, b) && maskSubset(b, a);
}

/** A copy resized to nbits (bits >= nbits dropped). */
export function maskResize(m: Mask, nbits: number): Mask {
  const r = maskEmpty(nbits);
  r.set(m.subarray(0, r.length));
  if ((nbits & 31) !== 0 && r.length > 0) r[r.length - 1]! &= (1 << (nbits & 31)) - 1;
  return r;
}

/** The kernel's "%*pbl" plus a newline: `0-3,5\n`; the empty set is "\n". */
export function maskFormat(m: Mask): string {
  const parts: string[] = [];
  const nbits = m.length * 32;
  for (let b = 0; b < nbits; b++) {
    if (!maskTest(m, b)) continue;
    let e = b;
    while (e + 1 < nbits && maskTest(m, e + 1)) e++;
    parts.push(e === b ? String(b) : `${b}-${e}`);
    b = e;
  }
  return parts.join(',') + '\n';
}

/**
 * The kernel's "%*pb" over nbits bits: hex in 32-bit chunks, most significant first,
 * separated by commas; the first chunk has only the digits its bits need (4 CPUs: `f`).
 */
export function maskFormatHex(m: Mask, nbits: number): string {
  const chunks: string[] = [];
  let chunksz = nbits & 31 || 32;
  for (let i = ((nbits + 31) & ~31) - 32; i >= 0; i -= 32) {
    const word = (m[i >>> 5] ?? 0) >>> 0;
    const val = chunksz === 32 ? word : word & ((1 << chunksz) - 1);
    chunks.push(val.toString(16).padStart(Math.ceil(chunksz / 4), '0'));
    chunksz = 32;
  }
  return chunks.join(',');
}

// ---------------------------------------------------------------------------------------
// List parsing (the kernel's bitmap_parselist)

/**
 * EOVERFLOW (75) for numbers past 32 bits. src/errors.ts does not list it yet (see
 * docs/subsystems-needs.md); until it does, ERANGE stands in.
 */
const EOVERFLOW = ('EOVERFLOW' in ERRNO ? 'EOVERFLOW' : 'ERANGE') as ErrnoCode;

/** The C string a write buffer holds: everything before the first NUL. */
export function cstr(s: string): string {
  const nul = s.indexOf('\0');
  return nul < 0 ? s : s.slice(0, nul);
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
/** Where a string ends for the parser: NUL (the end of the JS string) or a newline. */
const endOfStr = (c: string | undefined): boolean => c === undefined || c === '\n';
const endOfRegionSep = (c: string | undefined): boolean => c !== undefined && (isSpace(c) || c === ',');
const endOfRegion = (c: string | undefined): boolean => endOfRegionSep(c) || endOfStr(c);

/**
 * Parse a list such as `0-3,5` or `0-15:2/4` into a mask of nbits bits.
 * Throws EINVAL (syntax, start > end, bad stride), ERANGE (a number >= nbits) or EOVERFLOW
 * (a number past 32 bits), reported as raised by `syscall`.
 */
export function parseList(buf: string, nbits: number, syscall = 'write'): Mask {
  const mask = maskEmpty(nbits);
  const lastbit = nbits - 1;
  const s = cstr(buf);
  let i = 0;
  const fail = (code: ErrnoCode): never => {
    throw sysError(code, syscall);
  };
  /** A decimal number or `N` at position i; advances i. */
  const getnum = (): number => {
    if (s[i] === 'N') {
      i++;
      return lastbit;
    }
    const start = i;
    let n = 0;
    while (isDigit(s[i])) {
      n = n * 10 + (s.charCodeAt(i) - 48);
      i++;
    }
    if (i === start) fail('EINVAL');
    if (n > 0xffffffff) fail(EOVERFLOW);
    return n;
  };
  for (;;) {
    while (endOfRegionSep(s[i])) i++; // commas and whitespace before a region
    if (endOfStr(s[i])) return mask;
    let start: number;
    let end: number;
    let off: number;
    let group: number;
    let done = false;
    if (s.slice(i, i + 3).toLowerCase() === 'all') {
      i += 3;
      start = 0;
      end = lastbit;
    } else {
      start = getnum();
      if (endOfRegion(s[i])) {
        end = start;
      } else {
        if (s[i] !== '-') fail('EINVAL');
        i++;
        end = getnum();
      }
    }
    if (endOfRegion(s[i])) {
      off = end + 1;
      group = end + 1;
      done = endOfStr(s[i]);
    } else {
      if (s[i] !== ':') fail('EINVAL');
      i++;
      off = getnum();
      if (s[i] !== '/') fail('EINVAL');
      i++;
      group = getnum();
    }
    if (start > end || group === 0 || off > group) fail('EINVAL');
    if (end >= nbits) fail('ERANGE');
    for (let b = start; b <= end; b += group) maskSetRange(mask, b, b + Math.min(end - b + 1, off));
    if (done) return mask;
  }
}

/**
 * The list parser of 2.6.24 (the old bitmap_parselist), for profile 'v11': `N` or `N-M`
 * items separated by single commas, up to the end of the string or a newline. An item that
 * does not start with a digit, or a '-' not followed by one, is EINVAL (so are whitespace
 * and a leading or doubled comma); M < N is EINVAL; a number >= nbits is ERANGE; a trailing
 * comma is accepted. Numbers are simple_strtoul's kept in an unsigned int (modulo 2^32).
 */
export function parseListV11(buf: string, nbits: number, syscall = 'write'): Mask {
  const mask = maskEmpty(nbits);
  const s = cstr(buf);
  let i = 0;
  const num = (): number => {
    if (!isDigit(s[i])) throw sysError('EINVAL', syscall);
    const r = simpleStrtoul10(s, i);
    i = r.end;
    return Number(r.value % 0x100000000n);
  };
  do {
    const a = num();
    let b = a;
    if (s[i] === '-') {
      i++;
      b = num();
    }
    if (a > b) throw sysError('EINVAL', syscall);
    if (b >= nbits) throw sysError('ERANGE', syscall);
    maskSetRange(mask, a, b + 1);
    if (s[i] === ',') i++;
  } while (i < s.length && s[i] !== '\n');
  return mask;
}

// ---------------------------------------------------------------------------------------
// State

/** Per-cgroup cpuset state (the kernel's struct cpuset, v1 part). */
export interface Cpuset {
  cpus: Mask;
  mems: Mask;
  cpuExclusive: boolean;
  memExclusive: boolean;
  memHardwall: boolean;
  memoryMigrate: boolean;
  schedLoadBalance: boolean;
  spreadPage: boolean;
  spreadSlab: boolean;
  relaxDomainLevel: number;
}

function cpusetCopy(cs: Cpuset): Cpuset {
  return { ...cs, cpus: cs.cpus.slice(), mems: cs.mems.slice() };
}

/** p is a subset of q: sets included, and exclusive flags only where q has them. */
export function isCpusetSubset(p: Cpuset, q: Cpuset): boolean {
  return (
    maskSubset(p.cpus, q.cpus) &&
    maskSubset(p.mems, q.mems) &&
    (!p.cpuExclusive || q.cpuExclusive) &&
    (!p.memExclusive || q.memExclusive)
  );
}

/** The cpuset states of a cgroup's children. */
function childCpusets(cgrp: Cgroup): Css<Cpuset>[] {
  const out: Css<Cpuset>[] = [];
  for (const child of cgrp.children) {
    const css = child.css<Cpuset>('cpuset');
    if (css !== undefined) out.push(css);
  }
  return out;
}

/**
 * Would replacing cur's state with trial keep every cpuset rule? Throws the errno of the
 * first broken rule (see the header); `populated` says whether cur's cgroup or any
 * descendant holds tasks.
 */
export function validateChange(cur: Css<Cpuset>, trial: Cpuset, populated: boolean, syscall = 'write'): void {
  for (const c of childCpusets(cur.cgroup)) {
    if (!isCpusetSubset(c.state, trial)) throw sysError('EBUSY', syscall);
  }
  const par = cur.parent;
  if (par === null) return;
  if (!isCpusetSubset(trial, par.state)) throw sysError('EACCES', syscall);
  for (const c of childCpusets(par.cgroup)) {
    if (c.cgroup.id === cur.cgroup.id) continue;
    if ((trial.cpuExclusive || c.state.cpuExclusive) && maskIntersects(trial.cpus, c.state.cpus)) {
      throw sysError('EINVAL', syscall);
    }
    if ((trial.memExclusive || c.state.memExclusive) && maskIntersects(trial.mems, c.state.mems)) {
      throw sysError('EINVAL', syscall);
    }
  }
  if (populated) {
    const cs = cur.state;
    if (!maskIsEmpty(cs.cpus) && maskIsEmpty(trial.cpus)) throw sysError('ENOSPC', syscall);
    if (!maskIsEmpty(cs.mems) && maskIsEmpty(trial.mems)) throw sysError('ENOSPC', syscall);
  }
}

// ---------------------------------------------------------------------------------------
// Updates

/** Bits that a node list may name: the kernel's MAX_NUMNODES, or more if simulated. */
const nodeBits = (ctx: SubsysContext): number => Math.max(MAX_NUMNODES, ctx.mems);

function isPopulated(css: Css<Cpuset>, ctx: SubsysContext): boolean {
  return ctx.engine.cgroupPopulated(css.cgroup.id);
}

/** Write to `cpus` (kind 'cpus') or `mems`: parse, check, commit. */
function updateMask(css: Css<Cpuset>, data: string, kind: 'cpus' | 'mems', ctx: SubsysContext): void {
  if (css.parent === null) throw sysError('EACCES', 'write'); // the root tracks the machine
  const buf = strstrip(cstr(data));
  const online = kind === 'cpus' ? ctx.cpus : ctx.mems;
  const parsed = parseList(buf, kind === 'cpus' ? ctx.cpus : nodeBits(ctx));
  if (!maskSubset(parsed, maskFull(online))) throw sysError('EINVAL', 'write');
  const next = maskResize(parsed, online);
  if (maskEqual(next, css.state[kind])) return;
  const trial = cpusetCopy(css.state);
  trial[kind] = next;
  validateChange(css, trial, isPopulated(css, ctx));
  css.state[kind] = next;
}

type FlagName =
  | 'cpuExclusive'
  | 'memExclusive'
  | 'memHardwall'
  | 'memoryMigrate'
  | 'schedLoadBalance'
  | 'spreadPage'
  | 'spreadSlab';

/** Write to a flag file: a u64 (kstrtoull, one trailing newline), non-zero sets it. */
function updateFlag(css: Css<Cpuset>, data: string, flag: FlagName, ctx: SubsysContext): void {
  const on = kstrtoull(cstr(data)) !== 0n;
  const trial = cpusetCopy(css.state);
  trial[flag] = on;
  validateChange(css, trial, isPopulated(css, ctx));
  css.state[flag] = on;
}

// ---------------------------------------------------------------------------------------
// Profile 'v11': 2.6.24's update_cpumask / update_nodemask / update_flag

/** 2.6.24's crude limit on any cpuset write. */
const V11_MAX_WRITE = 100 + 6 * Math.max(NR_CPUS, MAX_NUMNODES);

/** The ENOSPC rule of 2.6.24 looks at the cgroup's own count (its tasks), not its subtree. */
const hasOwnTasks = (css: Css<Cpuset>, ctx: SubsysContext): boolean => ctx.engine.cgroupTaskCount(css.cgroup.id) > 0;

function updateMaskV11(css: Css<Cpuset>, data: string, kind: 'cpus' | 'mems', ctx: SubsysContext): void {
  if (css.parent === null) throw sysError('EACCES', 'write'); // the root tracks the machine
  const buf = strstrip(cstr(data));
  const nbits = kind === 'cpus' ? Math.max(NR_CPUS, ctx.cpus) : nodeBits(ctx);
  const parsed = buf === '' ? maskEmpty(nbits) : parseListV11(buf, nbits);
  const next = maskResize(parsed, kind === 'cpus' ? ctx.cpus : ctx.mems); // AND the online set
  const unchanged = maskEqual(next, css.state[kind]);
  if (kind === 'mems' && unchanged) return; // update_nodemask: before validation
  const trial = cpusetCopy(css.state);
  trial[kind] = next;
  validateChange(css, trial, hasOwnTasks(css, ctx));
  if (unchanged) return; // update_cpumask: after validation
  css.state[kind] = next;
}

/** simple_strtoul(buf, NULL, 10) != 0: never a parse error. */
const laxFlag = (data: string): boolean => simpleStrtoul10(cstr(data)).value !== 0n;

function updateFlagV11(css: Css<Cpuset>, data: string, flag: FlagName, ctx: SubsysContext): void {
  const trial = cpusetCopy(css.state);
  trial[flag] = laxFlag(data);
  validateChange(css, trial, hasOwnTasks(css, ctx));
  css.state[flag] = trial[flag];
}

function flagFileV11(name: string, flag: FlagName): Cftype<Cpuset> {
  return {
    name,
    maxWriteLen: V11_MAX_WRITE,
    read: (css) => (css.state[flag] ? '1\n' : '0\n'),
    write: (css, data, ctx) => updateFlagV11(css, data, flag, ctx),
  };
}

function flagFile(name: string, flag: FlagName): Cftype<Cpuset> {
  return {
    name,
    read: (css) => (css.state[flag] ? '1\n' : '0\n'),
    write: (css, data, ctx) => updateFlag(css, data, flag, ctx),
  };
}

// ---------------------------------------------------------------------------------------
// The subsystem

/** A fresh cpuset descriptor (it owns the global memory_pressure_enabled switch). */
export function cpusetSubsystem(): Subsystem<Cpuset> {
  let memoryPressureEnabled = false;

  const files: Cftype<Cpuset>[] = [
    {
      name: 'cpus',
      maxWriteLen: 100 + 6 * NR_CPUS,
      read: (css) => maskFormat(css.state.cpus),
      write: (css, data, ctx) => updateMask(css, data, 'cpus', ctx),
    },
    {
      name: 'mems',
      maxWriteLen: 100 + 6 * MAX_NUMNODES,
      read: (css) => maskFormat(css.state.mems),
      write: (css, data, ctx) => updateMask(css, data, 'mems', ctx),
    },
    { name: 'effective_cpus', read: (css) => maskFormat(css.state.cpus) },
    { name: 'effective_mems', read: (css) => maskFormat(css.state.mems) },
    flagFile('cpu_exclusive', 'cpuExclusive'),
    flagFile('mem_exclusive', 'memExclusive'),
    flagFile('mem_hardwall', 'memHardwall'),
    flagFile('sched_load_balance', 'schedLoadBalance'),
    {
      name: 'sched_relax_domain_level',
      read: (css) => `${css.state.relaxDomainLevel}\n`,
      write: (css, data) => {
        const v = kstrtoll(cstr(data));
        if (v < -1n || v > BigInt(RELAX_DOMAIN_LEVEL_MAX)) throw sysError('EINVAL', 'write');
        css.state.relaxDomainLevel = Number(v);
      },
    },
    flagFile('memory_migrate', 'memoryMigrate'),
    { name: 'memory_pressure', read: () => '0\n' },
    flagFile('memory_spread_page', 'spreadPage'),
    flagFile('memory_spread_slab', 'spreadSlab'),
    {
      name: 'memory_pressure_enabled',
      flags: CFTYPE_ONLY_ON_ROOT,
      read: () => (memoryPressureEnabled ? '1\n' : '0\n'),
      write: (_css, data) => {
        memoryPressureEnabled = kstrtoull(cstr(data)) !== 0n;
      },
    },
  ];

  /** The V11 file table, in 2.6.24's populate order without sched_load_balance. */
  const v11Files: Cftype<Cpuset>[] = [
    {
      name: 'cpus',
      maxWriteLen: V11_MAX_WRITE,
      read: (css) => maskFormat(css.state.cpus),
      write: (css, data, ctx) => updateMaskV11(css, data, 'cpus', ctx),
    },
    {
      name: 'mems',
      maxWriteLen: V11_MAX_WRITE,
      read: (css) => maskFormat(css.state.mems),
      write: (css, data, ctx) => updateMaskV11(css, data, 'mems', ctx),
    },
    flagFileV11('cpu_exclusive', 'cpuExclusive'),
    flagFileV11('mem_exclusive', 'memExclusive'),
    flagFileV11('memory_migrate', 'memoryMigrate'),
    {
      name: 'memory_pressure',
      maxWriteLen: V11_MAX_WRITE,
      read: () => '0\n',
      write: () => {
        throw sysError('EACCES', 'write');
      },
    },
    flagFileV11('memory_spread_page', 'spreadPage'),
    flagFileV11('memory_spread_slab', 'spreadSlab'),
    {
      name: 'memory_pressure_enabled',
      flags: CFTYPE_ONLY_ON_ROOT,
      maxWriteLen: V11_MAX_WRITE,
      read: () => (memoryPressureEnabled ? '1\n' : '0\n'),
      write: (_css, data) => {
        memoryPressureEnabled = laxFlag(data);
      },
    },
  ];

  return {
    name: 'cpuset',

    create(parent, _cgrp, ctx): Cpuset {
      if (parent === null) {
        return {
          cpus: maskFull(ctx.cpus),
          mems: maskFull(ctx.mems),
          cpuExclusive: true,
          memExclusive: true,
          memHardwall: false,
          memoryMigrate: false,
          schedLoadBalance: true,
          spreadPage: false,
          spreadSlab: false,
          relaxDomainLevel: -1,
        };
      }
      return {
        cpus: maskEmpty(ctx.cpus),
        mems: maskEmpty(ctx.mems),
        cpuExclusive: false,
        memExclusive: false,
        memHardwall: false,
        memoryMigrate: false,
        schedLoadBalance: true,
        spreadPage: parent.state.spreadPage,
        spreadSlab: parent.state.spreadSlab,
        relaxDomainLevel: -1,
      };
    },

    canAttach(css) {
      if (maskIsEmpty(css.state.cpus) || maskIsEmpty(css.state.mems)) throw sysError('ENOSPC', 'write');
    },

    /** /proc/<pid>/status: the task's allowed CPUs and nodes are its cpuset's. */
    status(css, _pid, ctx) {
      const { cpus, mems } = css.state;
      const nodes = nodeBits(ctx);
      return (
        `Cpus_allowed:\t${maskFormatHex(cpus, ctx.cpus)}\n` +
        `Cpus_allowed_list:\t${maskFormat(cpus)}` +
        `Mems_allowed:\t${maskFormatHex(mems, nodes)}\n` +
        `Mems_allowed_list:\t${maskFormat(mems)}`
      );
    },

    postClone(css) {
      const parent = css.parent;
      if (parent === null) return;
      for (const sibling of childCpusets(parent.cgroup)) {
        if (sibling.state.cpuExclusive || sibling.state.memExclusive) return;
      }
      css.state.cpus = parent.state.cpus.slice();
      css.state.mems = parent.state.mems.slice();
    },

    files,

    profiles: { v11: { files: v11Files } },
  };
}
