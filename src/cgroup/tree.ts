/**
 * The TypeScript side of hierarchies and cgroups: names, the directory tree, ownership and
 * modes, css objects, and the control-file table of each hierarchy. Counts, links and
 * refcounts live in the engine; a CgroupNode holds the engine id to reach them.
 */
import type { Engine } from '../engine/types.ts';
import type { Cftype, Cgroup, Css, Subsystem } from './defs.ts';
import { CFTYPE_NO_PREFIX, CFTYPE_NOT_ON_ROOT, CFTYPE_ONLY_ON_ROOT } from './defs.ts';

/** A file's owner and mode bits (without the type bits). */
export interface Inode {
  mode: number;
  uid: number;
  gid: number;
  ino: number;
  mtimeMs: number;
}

let nextIno = 2;
export function newInode(mode: number, uid: number, gid: number): Inode {
  return { mode, uid, gid, ino: nextIno++, mtimeMs: Date.now() };
}
/** After a restore: never hand out an inode number the restored kernel already uses. */
export function reserveInodes(maxIno: number): void {
  nextIno = Math.max(nextIno, maxIno + 1);
}

/** A css object (one per cgroup per bound subsystem, plus one dummy-root css per subsystem). */
export class CssImpl<S = unknown> implements Css<S> {
  constructor(
    readonly ss: Subsystem<S>,
    public cgroup: Cgroup,
    readonly parent: Css<S> | null,
    public state: S,
  ) {}
}

/** One control file of a hierarchy: the cftype, its owner subsystem (null: core) and full name. */
export interface FileEntry {
  name: string;
  cft: Cftype<unknown>;
  ssid: number; // -1 for core files
  mode: number; // 0644, 0444 or 0200, derived from the handlers (profile 'v11': always 0644)
}

/** The kernel's cgroup_file_mode(): readable if it has a read handler, writable by owner if a write handler. */
export function cftMode(cft: Cftype<unknown>): number {
  return (cft.read ? 0o444 : 0) | (cft.write ? 0o200 : 0);
}

export class Hierarchy {
  /** The mountpoints, in mount order. */
  readonly mounts: string[] = [];
  /** Control files, in order: core files, then each subsystem's in id order. */
  files: FileEntry[] = [];
  private fileByName = new Map<string, FileEntry>();
  root!: CgroupNode;
  /** Bitmask of bound subsystem ids. */
  subsysMask = 0;
  /** The bound subsystems, ascending id, paired with their ids. */
  subsys: ReadonlyArray<{ ssid: number; ss: Subsystem<unknown> }> = [];

  constructor(
    /** Linux-visible hierarchy id (1, 2, ... increasing). */
    readonly id: number,
    /** Engine slot. */
    readonly slot: number,
    readonly name: string,
    /** CGRP_ROOT_* flags as computed by rootFlags(). */
    readonly flags: number,
    readonly noprefix: boolean,
    public releaseAgent: string,
    private readonly coreFiles: ReadonlyArray<Cftype<unknown>>,
    readonly options: { xattr: boolean; cpusetV2: boolean; favorDynmods: boolean },
    /** The mode a control file is created with (the profile's rule). */
    private readonly fileMode: (cft: Cftype<unknown>) => number = cftMode,
  ) {}

  /** Bind a new set of subsystems (mount, remount): recomputes the control-file table. */
  setSubsystems(subsys: ReadonlyArray<{ ssid: number; ss: Subsystem<unknown> }>): void {
    this.subsys = subsys;
    this.subsysMask = subsys.reduce((m, { ssid }) => m | (1 << ssid), 0);
    const files: FileEntry[] = this.coreFiles.map((cft) => ({
      name: cft.name,
      cft,
      ssid: -1,
      mode: this.fileMode(cft),
    }));
    for (const { ssid, ss } of subsys) {
      for (const cft of ss.files ?? []) {
        const prefixed = !this.noprefix && !((cft.flags ?? 0) & CFTYPE_NO_PREFIX);
        const name = prefixed ? `${ss.name}.${cft.name}` : cft.name;
        files.push({ name, cft: cft as Cftype<unknown>, ssid, mode: this.fileMode(cft as Cftype<unknown>) });
      }
    }
    this.files = files;
    this.fileByName = new Map(files.map((f) => [f.name, f]));
  }

  /** The control files present in `cgrp` (placement flags applied). */
  filesOf(cgrp: CgroupNode): FileEntry[] {
    const isRoot = cgrp.parent === null;
    return this.files.filter((f) => {
      const flags = f.cft.flags ?? 0;
      return isRoot ? !(flags & CFTYPE_NOT_ON_ROOT) : !(flags & CFTYPE_ONLY_ON_ROOT);
    });
  }

  /** The control file `name` of `cgrp`, if present. */
  fileOf(cgrp: CgroupNode, name: string): FileEntry | undefined {
    const f = this.fileByName.get(name);
    if (f === undefined) return undefined;
    const flags = f.cft.flags ?? 0;
    if (cgrp.parent === null ? flags & CFTYPE_NOT_ON_ROOT : flags & CFTYPE_ONLY_ON_ROOT) return undefined;
    return f;
  }
}

/** The pseudo-subsystem that owns the core files (the kernel's cgroup "self" css). */
export const CORE_SUBSYS: Subsystem<null> = { name: 'cgroup' };

export class CgroupNode implements Cgroup {
  readonly childMap = new Map<string, CgroupNode>();
  /** The cgroup's own css, handed to core-file handlers. */
  readonly self: CssImpl<unknown>;
  /** css per bound subsystem id. */
  readonly cssMap = new Map<number, CssImpl<unknown>>();
  /** chmod/chown of control files: name → inode (created on first use). */
  readonly fileInodes = new Map<string, Inode>();
  cloneChildren = false;
  removed = false;
  /**
   * The 2.6.24 RELEASABLE flag (profile 'v11' only): set when a task leaves, when an exit
   * empties the cgroup while notify_on_release is set, and on the parent at rmdir; cleared
   * only by a write to notify_on_release.
   */
  releasable = false;

  constructor(
    readonly id: number,
    public name: string,
    public parent: CgroupNode | null,
    readonly hier: Hierarchy,
    readonly inode: Inode,
    private readonly engine: Engine,
    /** Owner of the control files created with this directory. */
    readonly fileOwner: { uid: number; gid: number },
  ) {
    this.self = new CssImpl<unknown>(CORE_SUBSYS as Subsystem<unknown>, this, null, null);
  }

  get path(): string {
    if (this.parent === null) return '/';
    const parts: string[] = [];
    for (let c: CgroupNode | null = this; c !== null && c.parent !== null; c = c.parent) parts.push(c.name);
    return '/' + parts.reverse().join('/');
  }
  get children(): readonly CgroupNode[] {
    return [...this.childMap.values()];
  }
  get isRoot(): boolean {
    return this.parent === null;
  }
  get hierarchyId(): number {
    return this.hier.id;
  }
  taskCount(): number {
    return this.engine.cgroupTaskCount(this.id);
  }
  tasks(): Int32Array {
    return this.engine.cgroupTasks(this.id, false);
  }
  css<S = unknown>(name: string): Css<S> | undefined {
    for (const { ssid, ss } of this.hier.subsys)
      if (ss.name === name) return this.cssMap.get(ssid) as Css<S> | undefined;
    return undefined;
  }
  /** The inode of control file `name` (owner = creator of the directory, mode from the handlers). */
  fileInode(f: FileEntry): Inode {
    let ino = this.fileInodes.get(f.name);
    if (ino === undefined) {
      ino = newInode(f.mode, this.fileOwner.uid, this.fileOwner.gid);
      this.fileInodes.set(f.name, ino);
    }
    return ino;
  }
}

/** The invisible dummy root that holds unbound subsystems (engine cgroup id 0). */
export class DummyRoot implements Cgroup {
  readonly id = 0;
  readonly name = '';
  readonly path = '/';
  readonly parent = null;
  readonly children: readonly Cgroup[] = [];
  readonly isRoot = true;
  readonly hierarchyId = 0;
  readonly cloneChildren = false;
  constructor(private readonly engine: Engine) {}
  taskCount(): number {
    return this.engine.stats().tasks;
  }
  tasks(): Int32Array {
    return new Int32Array(0);
  }
  css<S = unknown>(): Css<S> | undefined {
    return undefined;
  }
}
