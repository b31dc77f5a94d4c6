/**
 * Mount options of the cgroup v1 filesystem, parsed and validated as modern Linux does
 * (cgroup1_parse_param and check_cgroupfs_options).
 *
 *   none | all | noprefix | clone_children | xattr | cpuset_v2_mode | favordynmods |
 *   nofavordynmods | release_agent=PATH | name=NAME | <subsystem>
 *
 * plus the generic superblock/mount flags that mount(8) accepts in -o (rw, ro, nosuid, ...),
 * which cgroupfs ignores. Empty tokens are skipped. Errors are EINVAL, as Linux gives them.
 */
import { sysError } from '../errors.ts';

export interface MountOptions {
  /** Bitmask over registered subsystem ids. */
  subsysMask: number;
  none: boolean;
  all: boolean;
  name: string | null;
  releaseAgent: string | null;
  noprefix: boolean;
  xattr: boolean;
  cpusetV2: boolean;
  favorDynmods: boolean;
  cloneChildren: boolean;
}

/** Root flags compared between mounts and remounts (CGRP_ROOT_*). */
export function rootFlags(o: MountOptions): number {
  return (o.noprefix ? 1 : 0) | (o.xattr ? 2 : 0) | (o.cpusetV2 ? 4 : 0) | (o.favorDynmods ? 8 : 0);
}

/** Generic mount(8) flags that may appear in -o; they never reach cgroupfs as options. */
export const MOUNT8_FLAGS: ReadonlySet<string> = new Set([
  'rw',
  'ro',
  'defaults',
  'sync',
  'async',
  'dirsync',
  'lazytime',
  'nolazytime',
  'mand',
  'nomand',
  'silent',
  'loud',
  'suid',
  'nosuid',
  'dev',
  'nodev',
  'exec',
  'noexec',
  'atime',
  'noatime',
  'diratime',
  'nodiratime',
  'relatime',
  'norelatime',
  'strictatime',
  'nostrictatime',
  'auto',
  'noauto',
  'user',
  'nouser',
  'users',
  'nofail',
  '_netdev',
]);

type FlagField = { [K in keyof MountOptions]: MountOptions[K] extends boolean ? K : never }[keyof MountOptions];

/** Options that take no value: the field each sets, and to what. */
const FLAG_OPTIONS: Record<string, [FlagField, boolean]> = {
  none: ['none', true],
  all: ['all', true],
  noprefix: ['noprefix', true],
  clone_children: ['cloneChildren', true],
  xattr: ['xattr', true],
  cpuset_v2_mode: ['cpusetV2', true],
  favordynmods: ['favorDynmods', true],
  nofavordynmods: ['favorDynmods', false],
};

const NAME_MAX_LEN = 63; // MAX_CGROUP_ROOT_NAMELEN - 1

/**
 * Parse and validate `data` (the -o string). `subsystems` lists the registered subsystem
 * names in id order. Throws EINVAL like Linux.
 */
export function parseMountOptions(data: string, subsystems: readonly string[]): MountOptions {
  const o: MountOptions = {
    subsysMask: 0,
    none: false,
    all: false,
    name: null,
    releaseAgent: null,
    noprefix: false,
    xattr: false,
    cpusetV2: false,
    favorDynmods: false,
    cloneChildren: false,
  };
  const fail = () => sysError('EINVAL', 'mount');
  for (const token of data.split(',')) {
    if (token === '') continue;
    const eq = token.indexOf('=');
    const key = eq < 0 ? token : token.slice(0, eq);
    const value = eq < 0 ? null : token.slice(eq + 1);
    const flag = FLAG_OPTIONS[key];
    if (flag !== undefined) {
      if (value !== null) throw fail(); // a flag takes no value
      o[flag[0]] = flag[1];
      continue;
    }
    switch (key) {
      case 'release_agent':
        if (value === null || value === '') throw fail(); // a string parameter cannot be empty
        if (o.releaseAgent !== null) throw fail(); // "release_agent respecified"
        o.releaseAgent = value;
        continue;
      case 'name': {
        if (value === null || value === '') throw fail(); // "Empty name" / bad value
        if (value.length > NAME_MAX_LEN) throw fail(); // "Name too long"
        if (!/^[A-Za-z0-9._-]+$/.test(value)) throw fail(); // "Invalid name"
        if (o.name !== null) throw fail(); // "name respecified"
        o.name = value;
        continue;
      }
    }
    if (MOUNT8_FLAGS.has(token)) continue;
    const ssid = value === null ? subsystems.indexOf(key) : -1;
    if (ssid < 0) throw fail(); // "Unknown subsys name"
    o.subsysMask |= 1 << ssid;
  }
  return o;
}

/**
 * check_cgroupfs_options: defaults and cross-option rules. `cpusetId` is the id of the
 * cpuset subsystem (-1 if none), the only one noprefix is allowed with.
 */
export function validateMountOptions(o: MountOptions, nSubsys: number, cpusetId: number): void {
  const enabled = nSubsys >= 31 ? 0x7fffffff : (1 << nSubsys) - 1;
  if (!o.subsysMask && !o.none && !o.all && o.name === null) o.all = true;
  if (o.all) {
    if (o.subsysMask) throw sysError('EINVAL', 'mount'); // "subsys name conflicts with all"
    o.subsysMask = enabled;
  }
  if (!o.subsysMask && o.name === null) throw sysError('EINVAL', 'mount'); // "Need name or subsystem set"
  const others = cpusetId >= 0 ? enabled & ~(1 << cpusetId) : enabled;
  if (o.noprefix && o.subsysMask & others) throw sysError('EINVAL', 'mount');
  if (o.subsysMask && o.none) throw sysError('EINVAL', 'mount'); // "none used incorrectly"
}

/**
 * The 2.6.24 option parser (parse_cgroupfs_options), the V11 / profile 'v11' rules. `data`
 * is null when the mount passes no data at all, which means `all`. Tokens, split on ',' and
 * checked in order:
 *
 *   ''                   EINVAL (`a,,b`, a trailing comma, a present but empty string)
 *   all                  every registered subsystem
 *   noprefix             the NOPREFIX flag (allowed with any subsystem set)
 *   release_agent=PATH   kept verbatim (may be empty); a second one is EINVAL
 *   <subsystem name>     that subsystem; any other token (none, name=..., xattr) is ENOENT
 *
 * then an empty subsystem set is EINVAL. Generic mount(8) flags (rw, relatime, ...) are taken
 * out first, as mount(8) does before calling mount(2); if nothing else is left, there is no
 * data (all). Errors come in token order, as the kernel returns at the first bad token.
 */
export function parseMountOptionsV11(data: string | null, subsystems: readonly string[]): MountOptions {
  const o: MountOptions = {
    subsysMask: 0,
    none: false,
    all: false,
    name: null,
    releaseAgent: null,
    noprefix: false,
    xattr: false,
    cpusetV2: false,
    favorDynmods: false,
    cloneChildren: false,
  };
  const given = data === null ? [] : data.split(',').filter((t) => !MOUNT8_FLAGS.has(t));
  // No data, or nothing but generic flags (mount(8) then passes none): "all".
  const tokens = given.length === 0 ? ['all'] : given;
  const enabled = subsystems.length >= 31 ? 0x7fffffff : (1 << subsystems.length) - 1;
  for (const token of tokens) {
    if (token === '') throw sysError('EINVAL', 'mount');
    if (token === 'all') {
      o.all = true;
      o.subsysMask = enabled;
    } else if (token === 'noprefix') {
      o.noprefix = true;
    } else if (token.startsWith('release_agent=')) {
      if (o.releaseAgent !== null) throw sysError('EINVAL', 'mount');
      o.releaseAgent = token.slice('release_agent='.length, 'release_agent='.length + 4095);
    } else {
      const ssid = subsystems.indexOf(token);
      if (ssid < 0) throw sysError('ENOENT', 'mount');
      o.subsysMask |= 1 << ssid;
    }
  }
  if (o.subsysMask === 0) throw sysError('EINVAL', 'mount'); // no empty hierarchies in 2.6.24
  return o;
}
