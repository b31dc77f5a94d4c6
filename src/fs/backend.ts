/**
 * The private API between the filesystem layer and the kernel core (never exported from
 * src/index.ts). The fs resolves paths and checks VFS permissions; the backend performs the
 * cgroup operations and knows the mounts, /proc and the tasks' credentials.
 */
import type { VfsRules } from '../cgroup/profile.ts';
import type { CgroupNode, FileEntry, Hierarchy, Inode } from '../cgroup/tree.ts';

export interface Credentials {
  uid: number;
  gid: number;
}

/** A /proc entry: a directory with a listing, or a file rendered on open. */
export type ProcNode =
  | { kind: 'dir'; list: () => string[]; inode: Inode }
  | {
      kind: 'file';
      render: () => string;
      inode: Inode;
      /** What write(2) fails with (procfs files have no write method: EINVAL; /proc/cgroups: EIO). */
      writeErrno?: 'EINVAL' | 'EIO';
    };

/** The open-file table entry type is owned by the fs layer; the kernel only stores them. */
export interface FdTable<T> {
  readonly files: Map<number, T>;
  next: number;
}

export interface FsBackend {
  /** This kernel's open descriptors (shared by every task's view of the filesystem). */
  readonly fdTable: FdTable<unknown>;
  /**
   * The kernel's per-cgroup pid lists of `tasks` / `cgroup.procs` (key `id:tasks|procs`),
   * shared by the descriptors that have them open: a descriptor's first read reloads the list
   * every other descriptor of that file then continues from.
   */
  readonly pidlists: Map<string, { ids: Int32Array; refs: number }>;
  /** Sorted pids (or tgids) in `cgrp`, as the tasks / cgroup.procs files list them. */
  listPids(cgrp: CgroupNode, procs: boolean): Int32Array;
  /** Mountpoint → hierarchy, in mount order. */
  readonly mounts: ReadonlyMap<string, Hierarchy>;
  /** Plain directories outside cgroupfs (mountpoints' ancestors and user-made ones). */
  readonly hostDirs: Map<string, Inode>;
  /** The profile's path-walk and write(2) rules. */
  readonly vfsRules: VfsRules;
  credentials(pid: number): Credentials;
  /** Resolve a path below /proc ('' for /proc itself), acting as `actor`; undefined → ENOENT. */
  procLookup(rel: string[], actor: number): ProcNode | undefined;

  mkdirCgroup(parent: CgroupNode, name: string, mode: number, actor: number): CgroupNode;
  rmdirCgroup(cgrp: CgroupNode, actor: number): void;
  renameCgroup(cgrp: CgroupNode, newName: string): void;
  /** One write(2) of `data` to a control file (size already checked; empty only if the rules say so). */
  writeControl(cgrp: CgroupNode, file: FileEntry, data: string, actor: number): void;
  readControl(cgrp: CgroupNode, file: FileEntry, actor: number): string;
}
