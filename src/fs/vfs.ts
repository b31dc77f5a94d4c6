/**
 * A synchronous, Node-fs-shaped filesystem over every cgroup mount plus /proc, acting as one
 * task. It does what the VFS does before cgroupfs sees an operation: path walk, permission
 * checks with the acting task's credentials (root bypasses them, as CAP_DAC_OVERRIDE),
 * file-type errors, and open-file descriptors. cgroup operations go to the FsBackend.
 *
 * Outside cgroupfs there is a minimal tree of plain directories: '/', '/proc', the
 * mountpoints and their ancestors (created on mount), and directories made with mkdirSync.
 */
import { Buffer } from 'node:buffer';
import { posix } from 'node:path';
import { formatIdsBytes } from '../cgroup/core-files.ts';
import type { CgroupNode, FileEntry, Hierarchy, Inode } from '../cgroup/tree.ts';
import { newInode } from '../cgroup/tree.ts';
import { isSysError, sysError } from '../errors.ts';
import type { FsBackend, ProcNode } from './backend.ts';

const PATH_MAX = 4096;
const NAME_MAX = 255;
const UMASK = 0o022;
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
/** Default write limit of a control file (one page). */
export const DEFAULT_MAX_WRITE = 4096;

/** The longest mountpoint that is `abs` or a directory above it (component-wise), if any. */
export function mountOf(mounts: ReadonlyMap<string, unknown>, abs: string): string | undefined {
  let mount: string | undefined;
  for (const mp of mounts.keys()) {
    const under = mp === '/' || (abs.startsWith(mp) && (abs.length === mp.length || abs.charCodeAt(mp.length) === 47));
    if (under && (mount === undefined || mp.length > mount.length)) mount = mp;
  }
  return mount;
}

/** `raw` as an absolute, normal path: as it is when it already is one (the common case), else resolved. */
function absolute(raw: string): string {
  if (
    raw.charCodeAt(0) === 47 &&
    !raw.includes('//') &&
    !raw.includes('/.') &&
    (raw.length === 1 || !raw.endsWith('/'))
  ) {
    return raw;
  }
  return posix.resolve('/', raw);
}

/** Run `fn`; a system error it throws without a path gets `syscall` and `path`. */
function withPath<T>(syscall: string, path: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (isSysError(e) && e.path === undefined) throw sysError(e.code, syscall, path);
    throw e;
  }
}

type Resolved =
  | { kind: 'host'; path: string; inode: Inode }
  | { kind: 'cgdir'; path: string; cgrp: CgroupNode; hier: Hierarchy; mount: string }
  | { kind: 'cgfile'; path: string; cgrp: CgroupNode; file: FileEntry; hier: Hierarchy; mount: string }
  | { kind: 'proc'; path: string; node: ProcNode };

/** What statSync returns: the usual Node fields. */
export class Stats {
  constructor(
    readonly mode: number,
    readonly uid: number,
    readonly gid: number,
    readonly ino: number,
    readonly size: number,
    readonly mtimeMs: number,
    readonly nlink: number,
  ) {}
  readonly dev = 0;
  readonly rdev = 0;
  readonly blksize = 4096;
  readonly blocks = 0;
  get atimeMs(): number {
    return this.mtimeMs;
  }
  get ctimeMs(): number {
    return this.mtimeMs;
  }
  get birthtimeMs(): number {
    return this.mtimeMs;
  }
  get mtime(): Date {
    return new Date(this.mtimeMs);
  }
  get atime(): Date {
    return new Date(this.mtimeMs);
  }
  get ctime(): Date {
    return new Date(this.mtimeMs);
  }
  isDirectory(): boolean {
    return (this.mode & 0o170000) === S_IFDIR;
  }
  isFile(): boolean {
    return (this.mode & 0o170000) === S_IFREG;
  }
  isSymbolicLink(): boolean {
    return false;
  }
  isFIFO(): boolean {
    return false;
  }
  isSocket(): boolean {
    return false;
  }
  isBlockDevice(): boolean {
    return false;
  }
  isCharacterDevice(): boolean {
    return false;
  }
}

/** A readdir entry with file types (readdirSync(path, { withFileTypes: true })). */
export class Dirent {
  constructor(
    readonly name: string,
    private readonly dir: boolean,
    readonly parentPath: string,
  ) {}
  get path(): string {
    return this.parentPath;
  }
  isDirectory(): boolean {
    return this.dir;
  }
  isFile(): boolean {
    return !this.dir;
  }
  isSymbolicLink(): boolean {
    return false;
  }
}

/**
 * An open file. Reads follow the kernel's seq_file: a file is rendered when read at offset 0,
 * or at an offset other than where its last read stopped (seqPos); reads that go on from
 * there are served from what was rendered. tasks and cgroup.procs are pid lists instead: see
 * PidlistCursor.
 */
interface OpenFile {
  path: string;
  res: Resolved;
  read: boolean;
  write: boolean;
  content: Buffer | null;
  /** The file offset (sequential reads). */
  pos: number;
  /** Where the seq_file's last read stopped. */
  seqPos: number;
  pidlist: PidlistCursor | null;
}

/**
 * A tasks / cgroup.procs descriptor (cgroup-v1's pidlist seq_file): the list is the cgroup's
 * shared one (FsBackend.pidlists), loaded by this descriptor's first read; each read goes on
 * with the first pid after the last one shown, one "pid\n" record at a time.
 */
interface PidlistCursor {
  key: string;
  procs: boolean;
  loaded: boolean;
  lastPid: number;
  /** The rest of the record being served. */
  pending: string;
}

/** tasks and cgroup.procs are pid lists (core files only). */
function pidlistKind(file: FileEntry): boolean | null {
  if (file.ssid >= 0) return null;
  return file.name === 'tasks' ? false : file.name === 'cgroup.procs' ? true : null;
}

/** Index of the first id greater than `after` in a sorted list. */
function firstAfter(ids: Int32Array, after: number): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ids[mid]! > after) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

type Data = string | Uint8Array | number;
type WriteOpts = BufferEncoding | { encoding?: BufferEncoding | null; mode?: number; flag?: string } | null | undefined;

const MAY_READ = 4;
const MAY_WRITE = 2;
const MAY_EXEC = 1;

function toBuffer(data: Data | number, enc: BufferEncoding = 'utf8'): Buffer {
  if (typeof data === 'number') return Buffer.from(String(data)); // lenient: a pid as a number
  return typeof data === 'string' ? Buffer.from(data, enc) : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

function flagBits(flags: string | number | undefined): {
  read: boolean;
  write: boolean;
  create: boolean;
  excl: boolean;
} {
  if (typeof flags === 'number') {
    const acc = flags & 3;
    return { read: acc !== 1, write: acc !== 0, create: (flags & 0o100) !== 0, excl: (flags & 0o200) !== 0 };
  }
  switch (flags ?? 'r') {
    case 'r':
    case 'rs':
    case 'sr':
      return { read: true, write: false, create: false, excl: false };
    case 'r+':
    case 'rs+':
    case 'sr+':
      return { read: true, write: true, create: false, excl: false };
    case 'w':
    case 'a':
    case 'as':
    case 'sa':
      return { read: false, write: true, create: true, excl: false };
    case 'wx':
    case 'xw':
    case 'ax':
    case 'xa':
      return { read: false, write: true, create: true, excl: true };
    case 'w+':
    case 'a+':
    case 'as+':
    case 'sa+':
      return { read: true, write: true, create: true, excl: false };
    case 'wx+':
    case 'xw+':
    case 'ax+':
    case 'xa+':
      return { read: true, write: true, create: true, excl: true };
    default:
      throw new TypeError(`Invalid flags: ${String(flags)}`);
  }
}

export class CgroupFs {
  private readonly fds: Map<number, OpenFile>;

  constructor(
    private readonly be: FsBackend,
    readonly actor: number,
  ) {
    this.fds = be.fdTable.files as Map<number, OpenFile>;
  }

  // ---------------------------------------------------------------- path walk

  private normalize(path: string | URL | Buffer, syscall: string): string {
    if (path instanceof URL) path = decodeURIComponent(path.pathname);
    if (Buffer.isBuffer(path)) path = path.toString('utf8');
    if (typeof path !== 'string') throw new TypeError('The "path" argument must be of type string, Buffer or URL');
    if (path.includes('\0')) throw new TypeError('The "path" argument must not contain null bytes');
    if (path === '') throw sysError('ENOENT', syscall, path);
    if (Buffer.byteLength(path) >= PATH_MAX) throw sysError('ENAMETOOLONG', syscall, path);
    return path;
  }

  /** Walk `path`. Errors: ENOENT, ENOTDIR (a file used as a directory), EACCES (search). */
  private resolve(raw: string, syscall: string): Resolved {
    const abs = absolute(raw);
    const trailing = raw.length > 1 && raw.endsWith('/');
    const res = this.lookup(abs, syscall, raw);
    if (trailing && (res.kind === 'cgfile' || (res.kind === 'proc' && res.node.kind === 'file'))) {
      throw sysError('ENOTDIR', syscall, raw);
    }
    return res;
  }

  private lookup(abs: string, syscall: string, raw: string): Resolved {
    if (abs === '/proc' || abs.startsWith('/proc/')) {
      const rel = abs === '/proc' ? [] : abs.slice(6).split('/');
      const node = this.be.procLookup(rel, this.actor);
      if (node === undefined) throw sysError('ENOENT', syscall, raw);
      return { kind: 'proc', path: abs, node };
    }
    const mount = mountOf(this.be.mounts, abs);
    if (mount === undefined) {
      const inode = this.be.hostDirs.get(abs);
      if (inode !== undefined) return { kind: 'host', path: abs, inode };
      // A component under nothing: ENOENT (ENOTDIR cannot happen outside cgroupfs).
      throw sysError('ENOENT', syscall, raw);
    }
    const hier = this.be.mounts.get(mount)!;
    const rest = abs === mount ? [] : abs.slice(mount === '/' ? 1 : mount.length + 1).split('/');
    let cgrp = hier.root;
    const root = this.be.credentials(this.actor).uid === 0;
    for (let i = 0; i < rest.length; i++) {
      const name = rest[i]!;
      if (!root) this.mayAccess(cgrp.inode, MAY_EXEC, syscall, raw);
      const child = cgrp.childMap.get(name);
      if (child !== undefined) {
        cgrp = child;
        continue;
      }
      const file = hier.fileOf(cgrp, name);
      if (file !== undefined) {
        if (i !== rest.length - 1) throw sysError('ENOTDIR', syscall, raw);
        return { kind: 'cgfile', path: abs, cgrp, file, hier, mount };
      }
      throw sysError(this.nameTooLong(name) ? 'ENAMETOOLONG' : 'ENOENT', syscall, raw);
    }
    return { kind: 'cgdir', path: abs, cgrp, hier, mount };
  }

  /** A cgroupfs name longer than the profile allows (2.6.24: NAME_MAX; modern: no limit of its own). */
  private nameTooLong(name: string): boolean {
    const max = this.be.vfsRules.cgroupNameMax;
    return name.length > max / 4 && Buffer.byteLength(name) > max;
  }

  /** Resolve the parent directory of `abs` and return it with the last component. */
  private resolveParent(raw: string, syscall: string): { parent: Resolved; name: string; abs: string } {
    const abs = posix.resolve('/', raw);
    if (abs === '/') return { parent: this.lookup('/', syscall, raw), name: '', abs };
    const name = posix.basename(abs);
    const parent = this.lookup(posix.dirname(abs), syscall, raw);
    if (parent.kind === 'cgfile' || (parent.kind === 'proc' && parent.node.kind === 'file')) {
      throw sysError('ENOTDIR', syscall, raw);
    }
    return { parent, name, abs };
  }

  private inodeOf(r: Resolved): Inode {
    switch (r.kind) {
      case 'host':
        return r.inode;
      case 'cgdir':
        return r.cgrp.inode;
      case 'cgfile':
        return r.cgrp.fileInode(r.file);
      case 'proc':
        return r.node.inode;
    }
  }

  /** The VFS permission check (generic_permission); uid 0 bypasses it, as CAP_DAC_OVERRIDE. */
  private mayAccess(inode: Inode, mask: number, syscall: string, path: string): void {
    const cred = this.be.credentials(this.actor);
    if (cred.uid === 0) return;
    const bits =
      cred.uid === inode.uid ? (inode.mode >> 6) & 7 : cred.gid === inode.gid ? (inode.mode >> 3) & 7 : inode.mode & 7;
    if ((bits & mask) !== mask) throw sysError('EACCES', syscall, path);
  }

  /** The sticky bit (check_sticky): only the owner of the entry or of the directory, or root, removes it. */
  private mayDeleteSticky(dir: Inode, entry: Inode, syscall: string, path: string, dest?: string): void {
    if (!(dir.mode & 0o1000)) return;
    const cred = this.be.credentials(this.actor);
    if (cred.uid !== 0 && cred.uid !== dir.uid && cred.uid !== entry.uid) throw sysError('EPERM', syscall, path, dest);
  }

  // ---------------------------------------------------------------- directories

  mkdirSync(
    path: string,
    options?: number | string | { mode?: number | string; recursive?: boolean },
  ): string | undefined {
    const p = this.normalize(path, 'mkdir');
    const opts = typeof options === 'object' && options !== null ? options : { mode: options };
    const mode = (typeof opts.mode === 'string' ? parseInt(opts.mode, 8) : (opts.mode ?? 0o777)) & 0o7777 & ~UMASK;
    if (opts.recursive) {
      const abs = posix.resolve('/', p);
      const missing: string[] = [];
      for (let cur = abs; ; cur = posix.dirname(cur)) {
        if (this.existsResolved(cur)) {
          if (!this.isDir(cur)) throw sysError(cur === abs ? 'EEXIST' : 'ENOTDIR', 'mkdir', p);
          break;
        }
        missing.push(cur);
        if (cur === '/') break;
      }
      for (const dir of missing.reverse()) this.mkdirOne(dir, mode, p);
      return missing[0];
    }
    this.mkdirOne(p, mode, p);
    return undefined;
  }

  private mkdirOne(p: string, mode: number, shown: string): void {
    const { parent, name, abs } = this.resolveParent(p, 'mkdir');
    if (name === '' || this.existsResolved(abs)) throw sysError('EEXIST', 'mkdir', shown);
    switch (parent.kind) {
      case 'cgdir':
        if (this.nameTooLong(name)) throw sysError('ENAMETOOLONG', 'mkdir', shown);
        this.mayAccess(parent.cgrp.inode, MAY_WRITE | MAY_EXEC, 'mkdir', shown);
        withPath('mkdir', shown, () => this.be.mkdirCgroup(parent.cgrp, name, mode, this.actor));
        return;
      case 'host': {
        this.mayAccess(parent.inode, MAY_WRITE | MAY_EXEC, 'mkdir', shown);
        if (Buffer.byteLength(name) > NAME_MAX) throw sysError('ENAMETOOLONG', 'mkdir', shown);
        const cred = this.be.credentials(this.actor);
        this.be.hostDirs.set(abs, newInode(mode, cred.uid, cred.gid));
        return;
      }
      case 'proc':
        throw sysError('ENOENT', 'mkdir', shown);
      default:
        throw sysError('ENOTDIR', 'mkdir', shown);
    }
  }

  rmdirSync(path: string): void {
    const p = this.normalize(path, 'rmdir');
    const r = this.resolve(p, 'rmdir');
    switch (r.kind) {
      case 'cgfile':
        throw sysError('ENOTDIR', 'rmdir', p);
      case 'cgdir': {
        if (r.cgrp.parent === null) throw sysError('EBUSY', 'rmdir', p); // a mountpoint
        this.mayAccess(r.cgrp.parent.inode, MAY_WRITE | MAY_EXEC, 'rmdir', p);
        this.mayDeleteSticky(r.cgrp.parent.inode, r.cgrp.inode, 'rmdir', p);
        withPath('rmdir', p, () => this.be.rmdirCgroup(r.cgrp, this.actor));
        return;
      }
      case 'host': {
        if (r.path === '/' || r.path === '/proc') throw sysError('EBUSY', 'rmdir', p);
        for (const mp of this.be.mounts.keys()) if (mp === r.path) throw sysError('EBUSY', 'rmdir', p);
        if (this.hostChildren(r.path).length > 0) throw sysError('ENOTEMPTY', 'rmdir', p);
        const parent = this.be.hostDirs.get(posix.dirname(r.path));
        if (parent !== undefined) this.mayAccess(parent, MAY_WRITE | MAY_EXEC, 'rmdir', p);
        this.be.hostDirs.delete(r.path);
        return;
      }
      case 'proc':
        throw sysError(r.node.kind === 'file' ? 'ENOTDIR' : 'EPERM', 'rmdir', p);
    }
  }

  private hostChildren(dir: string): string[] {
    const prefix = dir === '/' ? '/' : dir + '/';
    const names = new Set<string>();
    for (const d of this.be.hostDirs.keys()) {
      if (d !== dir && d.startsWith(prefix)) {
        const name = d.slice(prefix.length).split('/')[0]!;
        if (name !== '') names.add(name);
      }
    }
    return [...names];
  }

  readdirSync(
    path: string,
    options?: BufferEncoding | { withFileTypes?: boolean; encoding?: BufferEncoding | null },
  ): any[] {
    const p = this.normalize(path, 'scandir');
    const r = this.resolve(p, 'scandir');
    const withTypes = typeof options === 'object' && options !== null && options.withFileTypes === true;
    let entries: Array<[string, boolean]>;
    switch (r.kind) {
      case 'cgfile':
        throw sysError('ENOTDIR', 'scandir', p);
      case 'cgdir':
        this.mayAccess(r.cgrp.inode, MAY_READ, 'scandir', p);
        if (r.cgrp.removed) throw sysError('ENOENT', 'scandir', p);
        entries = [
          ...[...r.cgrp.childMap.keys()].map((n): [string, boolean] => [n, true]),
          ...r.hier.filesOf(r.cgrp).map((f): [string, boolean] => [f.name, false]),
        ];
        break;
      case 'host':
        this.mayAccess(r.inode, MAY_READ, 'scandir', p);
        entries = this.hostChildren(r.path).map((n) => [n, true]);
        if (r.path === '/' && !entries.some(([n]) => n === 'proc')) entries.push(['proc', true]);
        break;
      case 'proc':
        if (r.node.kind === 'file') throw sysError('ENOTDIR', 'scandir', p);
        entries = r.node.list().map((n) => [n, this.isDir(posix.join(r.path, n))]);
        break;
    }
    entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return withTypes ? entries.map(([n, d]) => new Dirent(n, d, r.path)) : entries.map(([n]) => n);
  }

  renameSync(oldPath: string, newPath: string): void {
    const o = this.normalize(oldPath, 'rename');
    const n = this.normalize(newPath, 'rename');
    const err = (code: Parameters<typeof sysError>[0]) => sysError(code, 'rename', o, n);
    let src: Resolved;
    try {
      src = this.resolve(o, 'rename');
    } catch (e) {
      throw Object.assign(e as Error, { dest: n, message: (e as Error).message + ` -> '${n}'` });
    }
    const dst = this.resolveParent(n, 'rename');
    // A mountpoint cannot be renamed (the VFS checks this before the cross-mount rule).
    if (src.kind === 'cgdir' && src.cgrp.parent === null) throw err('EBUSY');
    const srcMount = src.kind === 'cgdir' || src.kind === 'cgfile' ? src.mount : null;
    const dstMount = dst.parent.kind === 'cgdir' ? dst.parent.mount : null;
    // Within /proc nothing can be renamed (ENOENT, recorded on 6.18); across filesystems EXDEV.
    if (src.kind === 'proc' && dst.parent.kind === 'proc') throw err('ENOENT');
    if (src.kind === 'proc' || dst.parent.kind === 'proc') throw err('EXDEV');
    if (
      srcMount !== dstMount ||
      (srcMount !== null && this.be.mounts.get(srcMount) !== this.be.mounts.get(dstMount!))
    ) {
      throw err('EXDEV');
    }
    if (src.path === dst.abs) return;
    if (src.kind === 'host') {
      if (dst.parent.kind !== 'host') throw err('EXDEV');
      if (this.be.hostDirs.has(dst.abs)) throw err(this.hostChildren(dst.abs).length ? 'ENOTEMPTY' : 'EEXIST');
      for (const mp of this.be.mounts.keys()) if (mp === src.path || mp.startsWith(src.path + '/')) throw err('EBUSY');
      const moved = [...this.be.hostDirs].filter(([d]) => d === src.path || d.startsWith(src.path + '/'));
      for (const [d] of moved) this.be.hostDirs.delete(d);
      for (const [d, ino] of moved) this.be.hostDirs.set(dst.abs + d.slice(src.path.length), ino);
      return;
    }
    const parent = dst.parent as Extract<Resolved, { kind: 'cgdir' }>;
    const srcParent = src.cgrp.parent ?? src.cgrp;
    this.mayAccess(srcParent.inode, MAY_WRITE | MAY_EXEC, 'rename', o);
    this.mayAccess(parent.cgrp.inode, MAY_WRITE | MAY_EXEC, 'rename', n);
    this.mayDeleteSticky(srcParent.inode, this.inodeOf(src), 'rename', o, n);
    const target = parent.cgrp.childMap.get(dst.name) ?? parent.hier.fileOf(parent.cgrp, dst.name);
    // The VFS compares the types of source and an existing target first.
    if (target !== undefined && src.kind === 'cgdir' && !('childMap' in target)) throw err('ENOTDIR');
    if (target !== undefined && src.kind === 'cgfile' && 'childMap' in target) throw err('EISDIR');
    if (src.kind === 'cgfile') throw err('ENOTDIR'); // cgroupfs renames only directories
    if (src.cgrp.parent !== parent.cgrp) throw err('EIO');
    if (this.nameTooLong(dst.name)) throw err('ENAMETOOLONG');
    if (this.be.vfsRules.rejectNewlineInNames && dst.name.includes('\n')) throw err('EINVAL');
    if (target !== undefined) throw err('EEXIST');
    this.be.renameCgroup(src.cgrp, dst.name);
  }

  // ---------------------------------------------------------------- files

  unlinkSync(path: string): void {
    const p = this.normalize(path, 'unlink');
    const r = this.resolve(p, 'unlink');
    if (r.kind === 'host' || r.kind === 'cgdir' || (r.kind === 'proc' && r.node.kind === 'dir')) {
      throw sysError('EISDIR', 'unlink', p);
    }
    if (r.kind === 'proc') throw sysError('EPERM', 'unlink', p);
    this.mayAccess(r.cgrp.inode, MAY_WRITE | MAY_EXEC, 'unlink', p);
    throw sysError('EPERM', 'unlink', p); // cgroupfs has no unlink operation
  }

  existsSync(path: string): boolean {
    try {
      this.resolve(this.normalize(path, 'access'), 'access');
      return true;
    } catch {
      return false;
    }
  }

  private existsResolved(abs: string): boolean {
    try {
      this.lookup(abs, 'access', abs);
      return true;
    } catch {
      return false;
    }
  }

  private isDir(abs: string): boolean {
    try {
      const r = this.lookup(abs, 'stat', abs);
      return r.kind === 'host' || r.kind === 'cgdir' || (r.kind === 'proc' && r.node.kind === 'dir');
    } catch {
      return false;
    }
  }

  statSync(path: string, options?: { throwIfNoEntry?: boolean }): Stats | undefined {
    const p = this.normalize(path, 'stat');
    let r: Resolved;
    try {
      r = this.resolve(p, 'stat');
    } catch (e) {
      if (options?.throwIfNoEntry === false && (e as { code?: string }).code === 'ENOENT') return undefined;
      throw e;
    }
    const ino = this.inodeOf(r);
    const dir = r.kind === 'host' || r.kind === 'cgdir' || (r.kind === 'proc' && r.node.kind === 'dir');
    const nlink = r.kind === 'cgdir' ? 2 + r.cgrp.childMap.size : dir ? 2 : 1;
    return new Stats(ino.mode | (dir ? S_IFDIR : S_IFREG), ino.uid, ino.gid, ino.ino, 0, ino.mtimeMs, nlink);
  }

  lstatSync(path: string, options?: { throwIfNoEntry?: boolean }): Stats | undefined {
    return this.statSync(path, options);
  }

  chmodSync(path: string, mode: number | string): void {
    const p = this.normalize(path, 'chmod');
    const r = this.resolve(p, 'chmod');
    if (r.kind === 'proc') throw sysError('EPERM', 'chmod', p); // procfs refuses setattr
    const ino = this.inodeOf(r);
    const cred = this.be.credentials(this.actor);
    if (cred.uid !== 0 && cred.uid !== ino.uid) throw sysError('EPERM', 'chmod', p);
    ino.mode = (typeof mode === 'string' ? parseInt(mode, 8) : mode) & 0o7777;
  }

  chownSync(path: string, uid: number, gid: number): void {
    const p = this.normalize(path, 'chown');
    const r = this.resolve(p, 'chown');
    if (r.kind === 'proc') throw sysError('EPERM', 'chown', p); // procfs refuses setattr
    const ino = this.inodeOf(r);
    const cred = this.be.credentials(this.actor);
    const changesUid = uid !== -1 && uid !== ino.uid;
    const changesGid = gid !== -1 && gid !== ino.gid;
    if (cred.uid !== 0 && (changesUid || (changesGid && (cred.uid !== ino.uid || gid !== cred.gid)))) {
      throw sysError('EPERM', 'chown', p);
    }
    if (uid !== -1) ino.uid = uid;
    if (gid !== -1) ino.gid = gid;
  }

  readFileSync(
    path: string | number,
    options?: BufferEncoding | { encoding?: BufferEncoding | null; flag?: string } | null,
  ): any {
    const enc = typeof options === 'string' ? options : (options?.encoding ?? null);
    let buf: Buffer;
    if (typeof path === 'number') {
      const f = this.fd(path, 'read');
      buf = this.snapshot(f, 'read');
    } else {
      const fd = this.openSync(path, 'r');
      try {
        buf = this.snapshot(this.fds.get(fd)!, 'read');
      } finally {
        this.closeSync(fd);
      }
    }
    return enc === null ? buf : buf.toString(enc);
  }

  /** Like `echo data > path`: open(O_WRONLY|O_CREAT|O_TRUNC) and exactly one write(2). */
  writeFileSync(path: string | number, data: Data, options?: WriteOpts): void {
    const enc = (typeof options === 'string' ? options : options?.encoding) ?? 'utf8';
    const flag = typeof options === 'object' && options !== null ? (options.flag ?? 'w') : 'w';
    const buf = toBuffer(data, enc);
    if (typeof path === 'number') {
      this.writeSync(path, buf);
      return;
    }
    const fd = this.openSync(path, flag);
    try {
      this.writeSync(fd, buf);
    } finally {
      this.closeSync(fd);
    }
  }

  appendFileSync(path: string | number, data: Data, options?: WriteOpts): void {
    const o = typeof options === 'string' ? { encoding: options } : (options ?? {});
    this.writeFileSync(path, data, { ...o, flag: o.flag ?? 'a' });
  }

  // ---------------------------------------------------------------- descriptors

  openSync(path: string, flags?: string | number, _mode?: number): number {
    const p = this.normalize(path, 'open');
    const fl = flagBits(flags);
    let r: Resolved;
    try {
      r = this.resolve(p, 'open');
    } catch (e) {
      if ((e as { code?: string }).code !== 'ENOENT' || !fl.create) throw e;
      const { parent } = this.resolveParent(p, 'open');
      // cgroupfs and /proc have no create operation; the plain tree is read-only.
      if (parent.kind === 'cgdir') {
        this.mayAccess(parent.cgrp.inode, MAY_WRITE | MAY_EXEC, 'open', p);
        throw sysError('EACCES', 'open', p);
      }
      // procfs has no create operation for new names: ENOENT (recorded on 6.18).
      throw sysError(parent.kind === 'host' ? 'EROFS' : parent.kind === 'proc' ? 'ENOENT' : 'EACCES', 'open', p);
    }
    if (fl.create && fl.excl) throw sysError('EEXIST', 'open', p);
    const dir = r.kind === 'host' || r.kind === 'cgdir' || (r.kind === 'proc' && r.node.kind === 'dir');
    if (dir && fl.write) throw sysError('EISDIR', 'open', p);
    const ino = this.inodeOf(r);
    this.mayAccess(ino, (fl.read ? MAY_READ : 0) | (fl.write ? MAY_WRITE : 0), 'open', p);
    const fd = this.be.fdTable.next++;
    let pidlist: PidlistCursor | null = null;
    const procs = r.kind === 'cgfile' && fl.read ? pidlistKind(r.file) : null;
    if (r.kind === 'cgfile' && procs !== null) {
      const key = `${r.cgrp.id}:${procs ? 'procs' : 'tasks'}`;
      const shared = this.be.pidlists.get(key) ?? { ids: new Int32Array(0), refs: 0 };
      shared.refs++;
      this.be.pidlists.set(key, shared);
      pidlist = { key, procs, loaded: false, lastPid: -1, pending: '' };
    }
    this.fds.set(fd, { path: p, res: r, read: fl.read, write: fl.write, content: null, pos: 0, seqPos: 0, pidlist });
    return fd;
  }

  closeSync(fd: number): void {
    const f = this.fds.get(fd);
    if (f === undefined) throw sysError('EBADF', 'close');
    this.fds.delete(fd);
    if (f.pidlist !== null) {
      const shared = this.be.pidlists.get(f.pidlist.key);
      if (shared !== undefined && --shared.refs === 0) this.be.pidlists.delete(f.pidlist.key);
    }
  }

  private fd(fd: number, syscall: string): OpenFile {
    const f = this.fds.get(fd);
    if (f === undefined) throw sysError('EBADF', syscall);
    return f;
  }

  private snapshot(f: OpenFile, syscall: string, fresh = false): Buffer {
    if (!f.read) throw sysError('EBADF', syscall);
    const r = f.res;
    if (r.kind === 'host' || r.kind === 'cgdir' || (r.kind === 'proc' && r.node.kind === 'dir')) {
      throw sysError('EISDIR', syscall);
    }
    if (f.content === null || fresh) {
      if (r.kind === 'cgfile' && f.pidlist !== null && !r.cgrp.removed) {
        // A whole-file read from offset 0: this descriptor's load of the shared list.
        const ids = this.be.listPids(r.cgrp, f.pidlist.procs);
        this.be.pidlists.get(f.pidlist.key)!.ids = ids;
        f.pidlist.loaded = true;
        f.content = formatIdsBytes(ids);
      } else if (r.kind === 'proc') {
        f.content = Buffer.from((r.node as Extract<ProcNode, { kind: 'file' }>).render());
      } else {
        if (r.cgrp.removed) throw sysError('ENODEV', syscall);
        if (!r.file.cft.read) throw sysError('EINVAL', syscall);
        f.content = Buffer.from(this.be.readControl(r.cgrp, r.file, this.actor));
      }
    } else if (r.kind === 'cgfile' && r.cgrp.removed) {
      throw sysError('ENODEV', syscall);
    }
    return f.content;
  }

  readSync(
    fd: number,
    buffer: Uint8Array,
    offsetOrOpts?: number | { offset?: number; length?: number; position?: number | null },
    length?: number,
    position?: number | null,
  ): number {
    const f = this.fd(fd, 'read');
    let offset = 0;
    if (typeof offsetOrOpts === 'object' && offsetOrOpts !== null) {
      offset = offsetOrOpts.offset ?? 0;
      length = offsetOrOpts.length;
      position = offsetOrOpts.position;
    } else if (typeof offsetOrOpts === 'number') {
      offset = offsetOrOpts;
    }
    const len = length ?? buffer.byteLength - offset;
    const positional = typeof position === 'number' && position >= 0;
    const pos = positional ? (position as number) : f.pos;
    const restart = pos === 0 || pos !== f.seqPos;
    let n: number;
    if (f.pidlist !== null) {
      n = this.readPidlist(f, f.pidlist, buffer, offset, len, pos, restart);
    } else {
      const content = this.snapshot(f, 'read', restart);
      n = Math.max(0, Math.min(len, content.length - pos));
      if (n > 0) content.copy(buffer, offset, pos, pos + n);
    }
    f.seqPos = pos + n;
    if (!positional) f.pos = pos + n;
    return n;
  }

  /** A read of a tasks / cgroup.procs descriptor: records from the shared list (see PidlistCursor). */
  private readPidlist(
    f: OpenFile,
    cur: PidlistCursor,
    buffer: Uint8Array,
    offset: number,
    len: number,
    pos: number,
    restart: boolean,
  ): number {
    const r = f.res as Extract<Resolved, { kind: 'cgfile' }>;
    if (!f.read) throw sysError('EBADF', 'read');
    if (r.cgrp.removed) throw sysError('ENODEV', 'read');
    const shared = this.be.pidlists.get(cur.key)!;
    if (!cur.loaded) {
      shared.ids = this.be.listPids(r.cgrp, cur.procs);
      cur.loaded = true;
    }
    if (restart) {
      cur.pending = '';
      cur.lastPid = -1;
    }
    // A restart at a later offset renders from the start and skips to it (seq_file's traverse).
    const skip = restart ? pos : 0;
    let text = cur.pending;
    const ids = shared.ids;
    for (let i = firstAfter(ids, cur.lastPid); text.length < skip + len && i < ids.length; i++) {
      text += `${ids[i]}\n`;
      cur.lastPid = ids[i]!;
    }
    const out = text.slice(Math.min(skip, text.length), skip + len);
    cur.pending = text.slice(Math.min(text.length, skip + len));
    Buffer.from(out, 'latin1').copy(buffer, offset);
    return out.length;
  }

  /** One write(2). For a control file: ENODEV if its cgroup is gone, E2BIG past its limit. */
  writeSync(
    fd: number,
    data: Data,
    offsetOrPosition?: number | null,
    lengthOrEncoding?: number | BufferEncoding,
    _position?: number | null,
  ): number {
    const f = this.fd(fd, 'write');
    if (!f.write) throw sysError('EBADF', 'write');
    let buf: Buffer;
    if (typeof data === 'string' || typeof data === 'number') {
      buf = Buffer.from(String(data), typeof lengthOrEncoding === 'string' ? lengthOrEncoding : 'utf8');
    } else {
      const off = typeof offsetOrPosition === 'number' ? offsetOrPosition : 0;
      const len = typeof lengthOrEncoding === 'number' ? lengthOrEncoding : data.byteLength - off;
      buf = Buffer.from(data.buffer, data.byteOffset + off, len);
    }
    const r = f.res;
    if (r.kind === 'proc')
      throw sysError(r.node.kind === 'file' ? (r.node.writeErrno ?? 'EINVAL') : 'EISDIR', 'write', f.path);
    if (r.kind !== 'cgfile') throw sysError('EINVAL', 'write');
    if (r.cgrp.removed) throw sysError('ENODEV', 'write');
    const rules = this.be.vfsRules;
    if (rules.writeHandlerCheckedFirst && !r.file.cft.write) throw sysError('EINVAL', 'write');
    if (buf.length === 0 && !rules.emptyWriteReachesHandler) return 0;
    if (buf.length > (r.file.cft.maxWriteLen ?? DEFAULT_MAX_WRITE)) throw sysError('E2BIG', 'write');
    if (!r.file.cft.write) throw sysError('EINVAL', 'write');
    // The kernel's handlers see a C string: the data ends at the first NUL byte.
    const text = buf.toString('utf8');
    const nul = text.indexOf('\0');
    const cstring = nul < 0 ? text : text.slice(0, nul);
    withPath('write', f.path, () => this.be.writeControl(r.cgrp, r.file, cstring, this.actor));
    return buf.length;
  }
}
