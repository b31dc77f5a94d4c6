/**
 * Kernel: wires the numeric engine, hierarchies, subsystems, the filesystem, /proc and the
 * release agent into the public API of design.md.
 *
 * Every public operation either completes or throws a Node-style system error having changed
 * nothing. Release notifications are delivered synchronously, in order, after the operation
 * that made a cgroup releasable.
 */
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { posix } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { Css, SubsysContext, Subsystem } from './cgroup/defs.ts';
import type { MountOptions } from './cgroup/options.ts';
import { rootFlags } from './cgroup/options.ts';
import type { Profile, ProfileName, VfsRules } from './cgroup/profile.ts';
import { profileByName, subsystemForProfile } from './cgroup/profile.ts';
import type { FileEntry, Inode } from './cgroup/tree.ts';
import { CgroupNode, CssImpl, DummyRoot, Hierarchy, newInode, reserveInodes } from './cgroup/tree.ts';
import { createEngine, restoreEngine } from './engine/index.ts';
import type { Engine, EngineStats } from './engine/types.ts';
import { CPU_SYS, CPU_USER, INIT_PID, TASK_FREE, TASK_LIVE, TASK_ZOMBIE } from './engine/types.ts';
import { check, codeOf, sysError } from './errors.ts';
import type { Credentials, FsBackend, ProcNode } from './fs/backend.ts';
import { CgroupFs, mountOf } from './fs/vfs.ts';
import type { ProcView } from './proc/proc.ts';
import { procMounts, procPidStatus } from './proc/proc.ts';

export interface KernelOptions {
  /** 'wasm' (default) or 'reference' (the plain-TypeScript model). */
  engine?: 'wasm' | 'reference';
  /**
   * 'v1' (default): modern cgroup v1 as Linux 6.x shows it. 'v11': Task Containers V11 as
   * merged in Linux 2.6.24, with V11 naming (fstype `container`, /proc/<pid>/container,
   * /proc/containers, the `releasable` file, 2.6.24 parsing and errnos); see docs/profiles.md.
   */
  profile?: ProfileName;
  /** Simulated CPUs and memory nodes (cpuset's root masks). Default 4 and 1. */
  cpus?: number;
  mems?: number;
  /** Like /proc/sys/kernel/pid_max. Default 4194304 (Linux's PID_MAX_LIMIT). */
  pidMax?: number;
  /** Hierarchies that can exist at once. Default 16. */
  maxHierarchies?: number;
  /** What a release does: emit the event only, also exec the agent, or call a function. */
  releaseAgent?: 'event' | 'exec' | ((ev: ReleaseEvent) => void);
  /**
   * Registered subsystems, in id order. Default: the profile's built-ins ('v1': cpuset,
   * cpuacct, pids, debug, ns; 'v11': cpuset, cpuacct, debug).
   */
  subsystems?: Subsystem<any>[];
}

/** What the kernel would pass the release agent. */
export interface ReleaseEvent {
  /** Hierarchy id (as in /proc/<pid>/cgroup). */
  hierarchy: number;
  /** The hierarchy's name= (or ''). */
  name: string;
  /** Path of the released cgroup relative to the hierarchy root, e.g. '/a/b'. */
  path: string;
  /** The hierarchy's release_agent. */
  agent: string;
  argv: [string, string];
  env: { HOME: string; PATH: string };
}

export interface ForkOptions {
  /** Create a thread in the parent's thread group (CLONE_THREAD). */
  thread?: boolean;
  /** Clone into a new namespace: container_clone() through the ns subsystem, as 2.6.24 did. */
  newNamespace?: boolean;
  /** The new task's command name (as if it exec'd); default: inherited from the parent. */
  name?: string;
}

export interface MountFlags {
  /** MS_REMOUNT: change the options of the hierarchy mounted at the target. */
  remount?: boolean;
  /**
   * Filesystem type: the profile's ('cgroup' in 'v1', 'container' in 'v11'; the other one is
   * ENODEV) or the legacy 'cpuset' (both profiles).
   */
  type?: 'cgroup' | 'container' | 'cpuset';
}

export interface ChargeOptions {
  cpu?: number;
  mode?: 'user' | 'system';
}

/** A summary of one hierarchy, for tools. */
export interface HierarchyInfo {
  id: number;
  name: string;
  subsystems: string[];
  mounts: string[];
  releaseAgent: string;
}

/** The checkpoint image: the engine's own image plus the Kernel's state, as plain data. */
interface KernelImage {
  magic: 'cgsim-kernel';
  version: 1;
  engine: Uint8Array;
  /** Absent in images from before profiles: 'v1'. */
  profile?: ProfileName;
  clockNs?: number;
  cpus: number;
  mems: number;
  subsystems: string[];
  nextHierId: number;
  dummy: unknown[];
  hierarchies: Array<{
    id: number;
    slot: number;
    name: string;
    flags: number;
    noprefix: boolean;
    releaseAgent: string;
    options: Hierarchy['options'];
    mounts: string[];
    ssids: number[];
  }>;
  /** Every cgroup, parents before children, children in directory order. */
  nodes: Array<{
    id: number;
    name: string;
    parent: number;
    slot: number;
    inode: Inode;
    owner: Credentials;
    cloneChildren: boolean;
    releasable?: boolean;
    files: Array<[string, Inode]>;
    css: Array<[number, unknown]>;
  }>;
  mounts: string[];
  hostDirs: Array<[string, Inode]>;
  creds: Array<[number, Credentials]>;
  comms: Array<[number, string]>;
}

const AGENT_ENV = { HOME: '/', PATH: '/sbin:/bin:/usr/sbin:/usr/bin' };
const ROOT_CRED: Credentials = Object.freeze({ uid: 0, gid: 0 });

export class Kernel implements FsBackend {
  /** The numeric engine (exposed for tests and tools). */
  readonly engine: Engine;
  /** The filesystem, acting as init (pid 1, root). */
  readonly fs: CgroupFs;
  readonly cpus: number;
  readonly mems: number;
  readonly profile: ProfileName;

  readonly mounts = new Map<string, Hierarchy>();
  readonly fdTable = { files: new Map<number, unknown>(), next: 3 };
  readonly pidlists = new Map<string, { ids: Int32Array; refs: number }>();
  /** k.attach/attachMany: path → cgroup, cleared whenever a rename, mount or umount may change what a path names. */
  private readonly pathCache = new Map<string, CgroupNode>();
  readonly hostDirs = new Map<string, Inode>([
    ['/', newInode(0o755, 0, 0)],
    ['/proc', newInode(0o555, 0, 0)],
  ]);

  /** The profile's rules (src/cgroup/profile.ts). */
  private readonly prof: Profile;
  /** FsBackend: the profile's path-walk and write(2) rules. */
  readonly vfsRules: VfsRules;
  /** The simulated clock, ns since boot (Kernel.tick). */
  private clockNs = 0;
  private readonly subsys: Subsystem<unknown>[];
  private readonly ssNames: string[];
  private readonly dummy: DummyRoot;
  private readonly dummyCss: CssImpl<unknown>[];
  private readonly ssHier: (Hierarchy | null)[];
  private readonly hierBySlot = new Map<number, Hierarchy>();
  private nextHierId = 1;
  private readonly nodes = new Map<number, CgroupNode>();
  private readonly creds = new Map<number, Credentials>();
  /** Command names of tasks that were given one (and their descendants); default 'init'. */
  private readonly comms = new Map<number, string>();
  private readonly events = new EventEmitter();
  private readonly releaseMode: KernelOptions['releaseAgent'];
  private draining = false;
  /** Profile 'v11': releases taken from the engine's queue, delivered from the end (newest first). */
  private readonly releaseStack: number[] = [];
  private readonly core;
  /** Subsystems whose fork-time / exit-time callbacks must run now (recomputed on bind/unbind). */
  private forkSs: number[] = [];
  private exitSs: number[] = [];
  /** Subsystems with a charge hook (accounting), run by charge()/chargeMany(). */
  private readonly chargeSs: number[];
  private readonly baseCtx: SubsysContext;

  private constructor(engine: Engine, opts: KernelOptions) {
    this.engine = engine;
    this.cpus = opts.cpus ?? 4;
    this.mems = opts.mems ?? 1;
    this.releaseMode = opts.releaseAgent ?? 'event';
    this.prof = profileByName(opts.profile);
    this.profile = this.prof.name;
    this.vfsRules = this.prof.vfs;
    const given = (opts.subsystems ?? this.prof.defaultSubsystems()) as Subsystem<unknown>[];
    this.subsys = given.map((ss) => subsystemForProfile(ss, this.prof.name));
    this.ssNames = this.subsys.map((s) => s.name);
    if (new Set(this.ssNames).size !== this.ssNames.length || this.subsys.length > 31) {
      throw sysError('EINVAL', 'create');
    }
    this.events.setMaxListeners(0);
    this.baseCtx = {
      cpus: this.cpus,
      mems: this.mems,
      actor: INIT_PID,
      profile: this.prof.name,
      now: () => this.clockNs,
      engine,
      cssOf: (pid, name) => this.cssOfName(pid, name),
      cgroupById: (id) => (id === 0 ? this.dummy : this.nodes.get(id)),
      slotOf: (name) => this.slotOf(name),
      credentials: (pid) => this.credentials(pid),
      subsystems: this.subsys,
    };
    this.dummy = new DummyRoot(engine);
    this.ssHier = this.subsys.map(() => null);
    this.updateHooks();
    this.chargeSs = this.ids((s) => s.charge !== undefined);
    const ctx = this.ctx(INIT_PID);
    this.dummyCss = this.subsys.map((ss) => new CssImpl(ss, this.dummy, null, ss.create?.(null, this.dummy, ctx)));
    this.core = this.prof.coreFiles({
      attachByWrite: (cgrp, pid, actor, tg) => this.attachByWrite(cgrp, pid, actor, tg),
      listTasks: (cgrp, procs) => this.engine.cgroupTasks(cgrp.id, procs),
      setNotify: (cgrp, on) => void this.engine.cgroupSetNotify(cgrp.id, on),
      notify: (cgrp) => this.engine.cgroupNotify(cgrp.id),
    });
    this.fs = new CgroupFs(this, INIT_PID);
  }

  /** Boot a simulated kernel: pid 1 (init) exists, on the init css_set; nothing is mounted. */
  static async create(opts: KernelOptions = {}): Promise<Kernel> {
    profileByName(opts.profile); // EINVAL for an unknown profile
    const cpus = opts.cpus ?? 4;
    const mems = opts.mems ?? 1;
    if (!Number.isInteger(cpus) || cpus < 1 || cpus > 4096 || !Number.isInteger(mems) || mems < 1 || mems > 1024) {
      throw sysError('EINVAL', 'create');
    }
    const engine = createEngine(opts.engine ?? 'wasm', {
      pidMax: opts.pidMax ?? 4194304,
      maxHierarchies: opts.maxHierarchies ?? 16,
      cpus,
    });
    return new Kernel(engine, opts);
  }

  /**
   * A checkpoint of the whole kernel: engine, hierarchies, cgroups, subsystem states, files'
   * owners and modes, credentials. `Kernel.restore(bytes)` rebuilds it exactly: the restored
   * kernel answers every later call as this one would (same pids, ids, release order).
   */
  snapshot(): Uint8Array {
    const saveCss = (ssid: number, state: unknown) => {
      const ss = this.subsys[ssid]!;
      return ss.saveState ? ss.saveState(state) : state;
    };
    const nodes: KernelImage['nodes'] = [];
    const walk = (n: CgroupNode) => {
      nodes.push({
        id: n.id,
        name: n.name,
        parent: n.parent?.id ?? 0,
        slot: n.hier.slot,
        inode: n.inode,
        owner: n.fileOwner,
        cloneChildren: n.cloneChildren,
        ...(n.releasable ? { releasable: true } : {}),
        files: [...n.fileInodes],
        css: [...n.cssMap]
          .filter(([, css]) => css.cgroup === n && css.parent !== null)
          .map(([ssid, css]) => [ssid, saveCss(ssid, css.state)]),
      });
      for (const c of n.childMap.values()) walk(c);
    };
    const hs = [...this.hierBySlot.values()].sort((a, b) => a.id - b.id);
    for (const h of hs) walk(h.root);
    const image: KernelImage = {
      magic: 'cgsim-kernel',
      version: 1,
      engine: this.engine.save(),
      profile: this.profile,
      clockNs: this.clockNs,
      cpus: this.cpus,
      mems: this.mems,
      subsystems: [...this.ssNames],
      nextHierId: this.nextHierId,
      dummy: this.dummyCss.map((css, ssid) => saveCss(ssid, css.state)),
      hierarchies: hs.map((h) => ({
        id: h.id,
        slot: h.slot,
        name: h.name,
        flags: h.flags,
        noprefix: h.noprefix,
        releaseAgent: h.releaseAgent,
        options: h.options,
        mounts: [...h.mounts],
        ssids: h.subsys.map(({ ssid }) => ssid),
      })),
      nodes,
      mounts: [...this.mounts.keys()],
      hostDirs: [...this.hostDirs],
      creds: [...this.creds],
      comms: [...this.comms],
    };
    return new Uint8Array(serialize(image));
  }

  /**
   * Rebuild a kernel from `snapshot()` bytes. Subsystems are matched by name, so pass the
   * same list (with the same names, in the same order) if the snapshot had custom ones;
   * `releaseAgent` is taken from `opts` (functions are not part of a snapshot).
   */
  static async restore(
    bytes: Uint8Array,
    opts: Pick<KernelOptions, 'releaseAgent' | 'subsystems'> = {},
  ): Promise<Kernel> {
    let image: KernelImage;
    try {
      image = deserialize(bytes) as KernelImage;
    } catch {
      throw sysError('EINVAL', 'restore');
    }
    if (image?.magic !== 'cgsim-kernel' || image.version !== 1) throw sysError('EINVAL', 'restore');
    let engine: Engine;
    try {
      engine = restoreEngine(image.engine);
    } catch {
      throw sysError('EINVAL', 'restore');
    }
    const k = new Kernel(engine, {
      profile: image.profile ?? 'v1',
      cpus: image.cpus,
      mems: image.mems,
      releaseAgent: opts.releaseAgent,
      subsystems: opts.subsystems,
    });
    if (k.ssNames.join(',') !== image.subsystems.join(',')) throw sysError('EINVAL', 'restore');
    const loadCss = (ssid: number, data: unknown) => {
      const ss = k.subsys[ssid]!;
      return ss.loadState ? ss.loadState(data) : data;
    };
    image.dummy.forEach((data, ssid) => {
      k.dummyCss[ssid]!.state = loadCss(ssid, data);
    });
    k.nextHierId = image.nextHierId;
    k.clockNs = image.clockNs ?? 0;
    let maxIno = 0;
    const seeIno = (ino: Inode) => (maxIno = Math.max(maxIno, ino.ino));
    for (const hi of image.hierarchies) {
      const h = new Hierarchy(
        hi.id,
        hi.slot,
        hi.name,
        hi.flags,
        hi.noprefix,
        hi.releaseAgent,
        k.core,
        hi.options,
        k.prof.fileMode,
      );
      h.setSubsystems(hi.ssids.map((ssid) => ({ ssid, ss: k.subsys[ssid]! })));
      h.mounts.push(...hi.mounts);
      k.hierBySlot.set(h.slot, h);
    }
    for (const ni of image.nodes) {
      const h = k.hierBySlot.get(ni.slot)!;
      const parent = ni.parent === 0 ? null : k.nodes.get(ni.parent)!;
      const node = new CgroupNode(ni.id, ni.name, parent, h, ni.inode, engine, ni.owner);
      seeIno(ni.inode);
      node.cloneChildren = ni.cloneChildren;
      node.releasable = ni.releasable === true;
      for (const [name, ino] of ni.files) {
        node.fileInodes.set(name, ino);
        seeIno(ino);
      }
      if (parent === null) {
        h.root = node;
        for (const { ssid } of h.subsys) {
          const css = k.dummyCss[ssid]!;
          css.cgroup = node;
          node.cssMap.set(ssid, css);
          k.ssHier[ssid] = h;
        }
      } else {
        parent.childMap.set(node.name, node);
        const states = new Map(ni.css);
        for (const { ssid, ss } of h.subsys) {
          node.cssMap.set(ssid, new CssImpl(ss, node, parent.cssMap.get(ssid)!, loadCss(ssid, states.get(ssid))));
        }
      }
      k.nodes.set(node.id, node);
    }
    for (const mp of image.mounts) {
      const h = [...k.hierBySlot.values()].find((x) => x.mounts.includes(mp))!;
      k.mounts.set(mp, h);
    }
    k.hostDirs.clear();
    for (const [path, ino] of image.hostDirs) {
      k.hostDirs.set(path, ino);
      seeIno(ino);
    }
    for (const [pid, c] of image.creds) k.creds.set(pid, c);
    for (const [pid, name] of image.comms) k.comms.set(pid, name);
    k.updateHooks();
    reserveInodes(maxIno);
    return k;
  }

  // ================================================================ tasks

  /** Fork `parent`: the child is in exactly the parent's cgroups. ESRCH, EAGAIN (pids or no free pid). */
  fork(parent: number, opts?: ForkOptions): number {
    const thread = opts?.thread === true;
    let pid: number;
    if (this.forkSs.length === 0) {
      pid = this.engine.fork(parent, thread);
      if (pid < 0) throw sysError(codeOf(pid), 'fork');
    } else {
      pid = this.forkWithCallbacks(parent, thread);
    }
    if (this.creds.size !== 0) {
      const c = this.creds.get(parent);
      if (c !== undefined) this.creds.set(pid, c);
    }
    if (opts?.name !== undefined) this.comms.set(pid, opts.name);
    else if (this.comms.size !== 0) {
      const comm = this.comms.get(thread ? this.engine.taskTgid(parent) : parent);
      if (comm !== undefined) this.comms.set(pid, comm);
    }
    if (opts?.newNamespace) {
      try {
        this.containerClone(pid, 'ns', parent);
      } catch (e) {
        this.exit(pid);
        throw e;
      }
    }
    return pid;
  }

  private forkWithCallbacks(parent: number, thread: boolean): number {
    if (this.engine.taskState(parent) !== TASK_LIVE) throw sysError('ESRCH', 'fork');
    const ctx = this.ctx(parent);
    const asked: number[] = [];
    try {
      for (const ssid of this.forkSs) {
        const ss = this.subsys[ssid]!;
        ss.canFork?.(this.cssOf(parent, ssid), parent, ctx);
        asked.push(ssid);
      }
    } catch (e) {
      this.cancelForks(asked, parent, ctx);
      throw e;
    }
    const pid = this.engine.fork(parent, thread);
    if (pid < 0) {
      this.cancelForks(asked, parent, ctx);
      throw sysError(codeOf(pid), 'fork');
    }
    for (const ssid of this.forkSs) this.subsys[ssid]!.fork?.(this.cssOf(pid, ssid), pid, parent, ctx);
    return pid;
  }

  private cancelForks(asked: number[], parent: number, ctx: SubsysContext): void {
    for (let i = asked.length - 1; i >= 0; i--) {
      const ssid = asked[i]!;
      this.subsys[ssid]!.cancelFork?.(this.cssOf(parent, ssid), parent, ctx);
    }
  }

  /** A task exits (a leader with live threads stays a zombie until they are gone). ESRCH, EPERM for init. */
  exit(pid: number): void {
    if (this.exitSs.length !== 0 && this.engine.taskState(pid) === TASK_LIVE && pid !== INIT_PID) {
      const ctx = this.ctx(pid);
      for (const ssid of this.exitSs) this.subsys[ssid]!.exit!(this.cssOf(pid, ssid), pid, ctx);
    }
    const left = this.prof.releasableFlag ? this.taskCgroups([pid]) : null;
    const r = this.engine.exit(pid);
    if (r < 0) throw sysError(codeOf(r), 'exit');
    if (left !== null) this.markEmptiedByExit(left);
    this.forgetTask(pid);
    this.drainReleases();
  }

  /** The non-root cgroups, in every live hierarchy, of the LIVE tasks among `pids`. */
  private taskCgroups(pids: Iterable<number>): Set<CgroupNode> {
    const out = new Set<CgroupNode>();
    const hs = [...this.hierBySlot.values()];
    for (const pid of pids) {
      if (this.engine.taskState(pid) !== TASK_LIVE) continue;
      for (const h of hs) {
        const n = this.nodes.get(this.engine.taskCgroup(pid, h.slot));
        if (n !== undefined && n.parent !== null) out.add(n);
      }
    }
    return out;
  }

  /**
   * RELEASABLE after exits (profile 'v11'): a cgroup whose count the exits dropped to 0 is
   * marked when its notify_on_release is set (2.6.24's release_css_set_taskexit).
   */
  private markEmptiedByExit(cgroups: Set<CgroupNode>): void {
    for (const n of cgroups) {
      if (!n.removed && this.engine.cgroupNotify(n.id) && this.engine.cgroupTaskCount(n.id) === 0) n.releasable = true;
    }
  }

  /** An exiting task cannot be attached in profiles that say so (2.6.24: ESRCH). */
  private checkNotExiting(pid: number, path?: string): void {
    const errno = this.prof.attachExitingErrno;
    if (errno !== null && this.engine.taskState(pid) === TASK_ZOMBIE) throw sysError(errno, 'write', path);
  }

  private forgetTask(pid: number): void {
    if ((this.creds.size !== 0 || this.comms.size !== 0) && this.engine.taskState(pid) === TASK_FREE) {
      this.creds.delete(pid);
      this.comms.delete(pid);
    }
  }

  /** Fork `count` children of `parent` at once (all or nothing). */
  forkMany(parent: number, count: number): Int32Array {
    if (!Number.isInteger(count) || count < 0) throw sysError('EINVAL', 'fork');
    let pids: Int32Array;
    if (this.forkSs.length === 0) {
      const r = this.engine.forkMany(parent, count);
      if (typeof r === 'number') throw sysError(codeOf(r), 'fork');
      pids = r;
    } else {
      pids = new Int32Array(count);
      let i = 0;
      try {
        for (; i < count; i++) pids[i] = this.forkWithCallbacks(parent, false);
      } catch (e) {
        this.exitMany(pids.subarray(0, i));
        throw e;
      }
    }
    const c = this.creds.size !== 0 ? this.creds.get(parent) : undefined;
    const comm = this.comms.size !== 0 ? this.comms.get(parent) : undefined;
    if (c !== undefined || comm !== undefined) {
      for (const pid of pids) {
        if (c !== undefined) this.creds.set(pid, c);
        if (comm !== undefined) this.comms.set(pid, comm);
      }
    }
    return pids;
  }

  /** Exit every task in `pids` (all or nothing: ESRCH if any is not live or repeated, EPERM for init). */
  exitMany(pids: Int32Array | readonly number[]): number {
    const arr = pids instanceof Int32Array ? pids : Int32Array.from(pids);
    if (this.exitSs.length !== 0) {
      const seen = new Set<number>();
      for (const pid of arr) {
        if (pid === INIT_PID) throw sysError('EPERM', 'exit');
        if (this.engine.taskState(pid) !== TASK_LIVE || seen.has(pid)) throw sysError('ESRCH', 'exit');
        seen.add(pid);
      }
      for (const pid of arr) {
        const ctx = this.ctx(pid);
        for (const ssid of this.exitSs) this.subsys[ssid]!.exit!(this.cssOf(pid, ssid), pid, ctx);
      }
    }
    const left = this.prof.releasableFlag ? this.taskCgroups(arr) : null;
    const r = this.engine.exitMany(arr);
    if (r < 0) throw sysError(codeOf(r), 'exit');
    if (left !== null) this.markEmptiedByExit(left);
    if (this.creds.size !== 0 || this.comms.size !== 0) for (const pid of arr) this.forgetTask(pid);
    this.drainReleases();
    return r;
  }

  /** Give a task credentials (default root, 0/0). Children inherit them at fork. */
  setCredentials(pid: number, cred: { uid: number; gid: number }): void {
    if (this.engine.taskState(pid) === TASK_FREE) throw sysError('ESRCH', 'setresuid');
    if (!Number.isInteger(cred.uid) || !Number.isInteger(cred.gid) || cred.uid < 0 || cred.gid < 0) {
      throw sysError('EINVAL', 'setresuid');
    }
    if (cred.uid === 0 && cred.gid === 0) this.creds.delete(pid);
    else this.creds.set(pid, Object.freeze({ uid: cred.uid, gid: cred.gid }));
  }

  credentials(pid: number): Credentials {
    return (this.creds.size !== 0 && this.creds.get(pid)) || ROOT_CRED;
  }

  /** The filesystem and operations acting as task `pid` (for '0' in tasks, /proc/self, permissions). */
  as(pid: number): { pid: number; fs: CgroupFs } {
    if (this.engine.taskState(pid) === TASK_FREE) throw sysError('ESRCH', 'open');
    return { pid, fs: new CgroupFs(this, pid) };
  }

  // ================================================================ attach (fast paths)

  /** Move `pid` (or with `group`, its whole thread group) into the cgroup at `path`. */
  attach(pid: number, path: string, opts?: { group?: boolean }): void {
    const cgrp = this.cgroupAt(path, 'write');
    if (this.engine.taskState(pid) === TASK_FREE) throw sysError('ESRCH', 'write', path);
    if (!opts?.group) this.checkNotExiting(pid, path);
    this.attachTask(cgrp, opts?.group ? this.engine.taskTgid(pid) : pid, opts?.group === true, INIT_PID);
    this.drainReleases();
  }

  /** Move every pid into the cgroup at `path` (all or nothing). */
  attachMany(pids: Int32Array | readonly number[], path: string): number {
    const cgrp = this.cgroupAt(path, 'write');
    const arr = pids instanceof Int32Array ? pids : Int32Array.from(pids);
    if (this.prof.attachExitingErrno !== null) {
      for (const pid of arr) if (this.engine.taskState(pid) !== TASK_FREE) this.checkNotExiting(pid, path);
    }
    // RELEASABLE (profile 'v11') goes on the cgroups left, once every move has succeeded.
    const marks: CgroupNode[] | undefined = this.prof.releasableFlag ? [] : undefined;
    if (cgrp.hier.subsys.some(({ ss }) => ss.canAttach || ss.attach)) {
      for (const pid of arr) if (this.engine.taskState(pid) === TASK_FREE) throw sysError('ESRCH', 'write', path);
      // With callbacks, each move is vetted individually; undo on a veto.
      const slot = cgrp.hier.slot;
      const undo: Array<[number, number]> = [];
      try {
        for (const pid of arr) {
          const from = this.engine.taskCgroup(pid, slot);
          if (from < 0 || from === cgrp.id) continue;
          this.attachTask(cgrp, pid, false, INIT_PID, marks);
          undo.push([pid, from]);
        }
      } catch (e) {
        for (let i = undo.length - 1; i >= 0; i--)
          this.attachTask(this.nodes.get(undo[i]![1])!, undo[i]![0], false, INIT_PID, []);
        throw e;
      }
      if (marks !== undefined) for (const n of marks) n.releasable = true;
      this.drainReleases();
      return arr.length;
    }
    if (marks !== undefined) {
      for (const pid of arr)
        if (this.engine.taskState(pid) !== TASK_FREE) marks.push(...this.movers(cgrp, pid, false).map((m) => m.from));
    }
    const r = this.engine.attachMany(arr, cgrp.id);
    if (r < 0) throw sysError(codeOf(r), 'write', path);
    if (marks !== undefined) for (const n of marks) n.releasable = true;
    this.drainReleases();
    return r;
  }

  /** The cgroup at `path` for the fast paths, through a cache that rename/mount/umount clear. */
  private cgroupAt(path: string, syscall: string): CgroupNode {
    const hit = this.pathCache.get(path);
    if (hit !== undefined && !hit.removed) return hit;
    const cgrp = this.resolveCgroup(path, syscall);
    if (this.pathCache.size >= 1 << 16) this.pathCache.clear();
    this.pathCache.set(path, cgrp);
    return cgrp;
  }

  private resolveCgroup(path: string, syscall: string): CgroupNode {
    const abs = posix.resolve('/', path);
    const mount = mountOf(this.mounts, abs);
    if (mount === undefined) throw sysError('ENOENT', syscall, path);
    let cgrp = this.mounts.get(mount)!.root;
    if (abs !== mount) {
      for (const name of abs.slice(mount === '/' ? 1 : mount.length + 1).split('/')) {
        const child = cgrp.childMap.get(name);
        if (child === undefined) throw sysError('ENOENT', syscall, path);
        cgrp = child;
      }
    }
    return cgrp;
  }

  /** The tasks/cgroup.procs write: pid 0 is the writer; permission as Linux checks it. */
  private attachByWrite(cgrp: CgroupNode, pid: number, actor: number, threadgroup: boolean): void {
    if (cgrp.removed) throw sysError('ENODEV', 'write');
    let target = pid === 0 ? actor : pid;
    if (this.engine.taskState(target) === TASK_FREE) throw sysError('ESRCH', 'write');
    if (!threadgroup) this.checkNotExiting(target);
    if (threadgroup) target = this.engine.taskTgid(target);
    const me = this.credentials(actor);
    if (me.uid !== 0 && me.uid !== this.credentials(target).uid) throw sysError('EACCES', 'write');
    this.attachTask(cgrp, target, threadgroup, actor);
  }

  /**
   * Attach one task or a thread group to `cgrp` (moveTask). In profile 'v11' each cgroup a
   * task actually leaves is marked RELEASABLE (2.6.24's attach_task), or, given `marks`,
   * collected there for the caller to mark.
   */
  private attachTask(cgrp: CgroupNode, pid: number, group: boolean, actor: number, marks?: CgroupNode[]): void {
    if (!this.prof.releasableFlag) {
      this.moveTask(cgrp, pid, group, actor);
      return;
    }
    const left = this.movers(cgrp, pid, group);
    this.moveTask(cgrp, pid, group, actor);
    for (const { from } of left) {
      if (marks !== undefined) marks.push(from);
      else from.releasable = true;
    }
  }

  /** The LIVE tasks a move of `pid` (or its thread group) into `cgrp` takes out of another cgroup, with that cgroup. */
  private movers(cgrp: CgroupNode, pid: number, group: boolean): Array<{ pid: number; from: CgroupNode }> {
    let tasks: Iterable<number>;
    if (group) {
      const g = this.engine.threadGroup(pid);
      tasks = typeof g === 'number' ? [] : g;
    } else {
      tasks = this.engine.taskState(pid) === TASK_LIVE ? [pid] : [];
    }
    const out: Array<{ pid: number; from: CgroupNode }> = [];
    for (const t of tasks) {
      const from = this.engine.taskCgroup(t, cgrp.hier.slot);
      const n = from === cgrp.id ? undefined : this.nodes.get(from);
      if (n !== undefined) out.push({ pid: t, from: n });
    }
    return out;
  }

  /**
   * Move one task or a thread group to `cgrp`: subsystems' canAttach in id order (a veto
   * cancels those asked, in reverse), the engine move, then attach callbacks.
   */
  private moveTask(cgrp: CgroupNode, pid: number, group: boolean, actor: number): void {
    const h = cgrp.hier;
    const withCb = h.subsys.some(({ ss }) => ss.canAttach || ss.attach || ss.cancelAttach);
    if (!withCb) {
      check(this.engine.attach(pid, cgrp.id, group), 'write');
      return;
    }
    const moving = this.movers(cgrp, pid, group);
    if (moving.length === 0) return;
    const ctx = this.ctx(actor);
    const asked: Array<{ ssid: number; pid: number; from: CgroupNode }> = [];
    try {
      for (const m of moving) {
        for (const { ssid, ss } of h.subsys) {
          ss.canAttach?.(cgrp.cssMap.get(ssid)!, m.pid, m.from.cssMap.get(ssid)!, ctx);
          asked.push({ ssid, ...m });
        }
      }
    } catch (e) {
      for (let i = asked.length - 1; i >= 0; i--) {
        const a = asked[i]!;
        this.subsys[a.ssid]!.cancelAttach?.(cgrp.cssMap.get(a.ssid)!, a.pid, a.from.cssMap.get(a.ssid)!, ctx);
      }
      throw e;
    }
    check(this.engine.attach(pid, cgrp.id, group), 'write');
    for (const m of moving) {
      for (const { ssid, ss } of h.subsys) ss.attach?.(cgrp.cssMap.get(ssid)!, m.pid, m.from.cssMap.get(ssid)!, ctx);
    }
  }

  // ================================================================ mount

  /**
   * Mount a cgroup hierarchy at `target`, like `mount -t cgroup -o OPTIONS cgroup TARGET`
   * (`-t container` in profile 'v11'). Which existing hierarchy is reused, and the errnos,
   * follow the profile: 'v1' reuses by name= or the same subsystems (EINVAL for bad options);
   * 'v11' reuses only the same subsystems and flags (ENOENT for an unknown subsystem, EINVAL
   * for an empty token; `options` undefined means no data at all, i.e. all). EBUSY for a
   * subsystem bound elsewhere. The target directory is created if missing.
   */
  mount(target: string, options?: string, flagsOrType: MountFlags | MountFlags['type'] = {}): void {
    this.pathCache.clear();
    const flags: MountFlags = typeof flagsOrType === 'string' ? { type: flagsOrType } : flagsOrType;
    const mp = this.mountpoint(target);
    // mount(8) turns "remount" in -o into MS_REMOUNT; accept it the same way.
    const tokens = options === undefined ? [] : String(options).split(',');
    const remount = flags.remount === true || tokens.includes('remount');
    const rest = tokens.filter((t) => t !== 'remount');
    // No -o at all, or nothing but "remount": mount(2) gets no data (2.6.24 reads it as all).
    const noData = options === undefined || (rest.length < tokens.length && rest.length === 0);
    let data: string | null = noData ? null : rest.join(',');
    if (flags.type === 'cpuset') data = 'cpuset,noprefix,release_agent=/sbin/cpuset_release_agent';
    else if (flags.type !== undefined && !this.prof.fstypes.includes(flags.type)) {
      throw sysError('ENODEV', 'mount', target);
    }
    const o = this.prof.parseMount(data, this.ssNames);
    if (remount) {
      this.remount(mp, target, o);
      return;
    }
    if (this.mounts.has(mp)) throw sysError('EBUSY', 'mount', target);
    this.checkMountTarget(mp, target);
    const h = this.prof.findHierarchy(o, [...this.hierBySlot.values()]) ?? this.createHierarchy(o);
    h.mounts.push(mp);
    this.mounts.set(mp, h);
    for (let d = mp; !this.hostDirs.has(d); d = posix.dirname(d)) this.hostDirs.set(d, newInode(0o755, 0, 0));
  }

  private mountpoint(target: string): string {
    if (typeof target !== 'string' || target === '') throw sysError('ENOENT', 'mount', String(target));
    const mp = posix.resolve('/', target);
    if (mp === '/proc' || mp.startsWith('/proc/')) throw sysError('EBUSY', 'mount', target);
    return mp;
  }

  private checkMountTarget(mp: string, target: string): void {
    // The target must be a plain directory (or missing): not inside a cgroup mount.
    for (const m of this.mounts.keys()) {
      if (mp.startsWith(m === '/' ? '/' : m + '/')) throw sysError('EBUSY', 'mount', target);
    }
  }

  private createHierarchy(o: MountOptions): Hierarchy {
    const subsys: Array<{ ssid: number; ss: Subsystem<unknown> }> = [];
    for (let ssid = 0; ssid < this.subsys.length; ssid++) {
      if (!(o.subsysMask & (1 << ssid))) continue;
      if (this.ssHier[ssid] !== null) throw sysError('EBUSY', 'mount');
      subsys.push({ ssid, ss: this.subsys[ssid]! });
    }
    const slot = this.engine.hierCreate();
    if (slot < 0) throw sysError(slot === -28 ? 'ENOSPC' : codeOf(slot), 'mount');
    const h = new Hierarchy(
      this.nextHierId++,
      slot,
      o.name ?? '',
      rootFlags(o),
      o.noprefix,
      o.releaseAgent ?? '',
      this.core,
      { xattr: o.xattr, cpusetV2: o.cpusetV2, favorDynmods: o.favorDynmods },
      this.prof.fileMode,
    );
    h.setSubsystems(subsys);
    const rootInode = newInode(this.prof.rootDirMode, 0, 0);
    const root = new CgroupNode(this.engine.hierRoot(slot), '', null, h, rootInode, this.engine, ROOT_CRED);
    root.cloneChildren = o.cloneChildren;
    h.root = root;
    this.nodes.set(root.id, root);
    this.hierBySlot.set(slot, h);
    const ctx = this.ctx(INIT_PID);
    for (const { ssid } of subsys) this.bind(h, ssid, ctx);
    return h;
  }

  /**
   * cgroup1_reconfigure: no flag or name change (EINVAL), no children and no busy added
   * subsystem (EBUSY; 2.6.24 still copies release_agent= then, a profile rule).
   */
  private remount(mp: string, target: string, o: MountOptions): void {
    const h = this.mounts.get(mp);
    if (h === undefined) throw sysError('EINVAL', 'mount', target);
    if (rootFlags(o) !== h.flags || (o.name !== null && o.name !== h.name)) throw sysError('EINVAL', 'mount', target);
    const added = o.subsysMask & ~h.subsysMask;
    const removed = h.subsysMask & ~o.subsysMask;
    let busy = h.root.childMap.size !== 0;
    for (let ssid = 0; ssid < this.subsys.length; ssid++) {
      if (added & (1 << ssid) && this.ssHier[ssid] !== null) busy = true;
    }
    if (busy) {
      if (this.prof.remountSetsAgentWhenBusy && o.releaseAgent !== null) h.releaseAgent = o.releaseAgent;
      throw sysError('EBUSY', 'mount', target);
    }
    const ctx = this.ctx(INIT_PID);
    for (let ssid = 0; ssid < this.subsys.length; ssid++) {
      if (removed & (1 << ssid)) {
        h.root.cssMap.delete(ssid);
        this.unbind(ssid, ctx);
      }
    }
    if (added || removed) {
      const subsys = this.ids((_, i) => !!(o.subsysMask & (1 << i))).map((ssid) => ({ ssid, ss: this.subsys[ssid]! }));
      h.setSubsystems(subsys);
      for (let ssid = 0; ssid < this.subsys.length; ssid++) if (added & (1 << ssid)) this.bind(h, ssid, ctx);
    }
    if (o.releaseAgent !== null) h.releaseAgent = o.releaseAgent;
  }

  private bind(h: Hierarchy, ssid: number, ctx: SubsysContext): void {
    const css = this.dummyCss[ssid]!;
    css.cgroup = h.root;
    h.root.cssMap.set(ssid, css);
    this.ssHier[ssid] = h;
    this.updateHooks();
    this.subsys[ssid]!.bind?.(css, ctx);
  }

  private unbind(ssid: number, ctx: SubsysContext): void {
    const css = this.dummyCss[ssid]!;
    css.cgroup = this.dummy;
    this.ssHier[ssid] = null;
    this.updateHooks();
    this.subsys[ssid]!.bind?.(css, ctx);
  }

  /** Unmount `target`. The hierarchy is destroyed when it has neither mounts nor children. */
  umount(target: string): void {
    this.pathCache.clear();
    const mp = posix.resolve('/', String(target));
    const h = this.mounts.get(mp);
    if (h === undefined) {
      throw sysError(this.hostDirs.has(mp) || this.fs.existsSync(mp) ? 'EINVAL' : 'ENOENT', 'umount', target);
    }
    this.mounts.delete(mp);
    h.mounts.splice(h.mounts.indexOf(mp), 1);
    if (h.mounts.length === 0 && h.root.childMap.size === 0) this.destroyHierarchy(h);
  }

  private destroyHierarchy(h: Hierarchy): void {
    // Unbind first: subsystems move their root state back while the root still lives.
    const ctx = this.ctx(INIT_PID);
    for (const { ssid } of h.subsys) this.unbind(ssid, ctx);
    check(this.engine.hierDestroy(h.slot), 'umount');
    this.nodes.delete(h.root.id);
    h.root.removed = true;
    this.hierBySlot.delete(h.slot);
  }

  // ================================================================ FsBackend: directories and files

  mkdirCgroup(parent: CgroupNode, name: string, mode: number, actor: number): CgroupNode {
    if (parent.removed) throw sysError('ENOENT', 'mkdir');
    if (this.prof.vfs.rejectNewlineInNames && name.includes('\n')) throw sysError('EINVAL', 'mkdir');
    const h = parent.hier;
    const ctx = this.ctx(actor);
    for (const { ssid, ss } of h.subsys) ss.canCreate?.(parent.cssMap.get(ssid)!, ctx);
    const id = check(this.engine.cgroupCreate(parent.id), 'mkdir');
    // A setgid parent gives the new directory (and its files) its group and the setgid bit.
    const setgid = (parent.inode.mode & 0o2000) !== 0;
    const actorCred = this.credentials(actor);
    const cred = setgid ? { uid: actorCred.uid, gid: parent.inode.gid } : actorCred;
    const dirMode = setgid ? mode | 0o2000 : mode;
    const node = new CgroupNode(id, name, parent, h, newInode(dirMode, cred.uid, cred.gid), this.engine, cred);
    if (this.prof.inheritNotify) this.engine.cgroupSetNotify(id, this.engine.cgroupNotify(parent.id));
    node.cloneChildren = parent.cloneChildren;
    const made: number[] = [];
    try {
      for (const { ssid, ss } of h.subsys) {
        const pcss = parent.cssMap.get(ssid)!;
        node.cssMap.set(ssid, new CssImpl(ss, node, pcss, ss.create?.(pcss, node, ctx)));
        made.push(ssid);
      }
      if (node.cloneChildren) for (const { ssid, ss } of h.subsys) ss.postClone?.(node.cssMap.get(ssid)!, ctx);
    } catch (e) {
      for (let i = made.length - 1; i >= 0; i--) this.subsys[made[i]!]!.destroy?.(node.cssMap.get(made[i]!)!, ctx);
      this.engine.cgroupDestroy(id);
      throw e;
    }
    parent.childMap.set(name, node);
    this.nodes.set(id, node);
    return node;
  }

  rmdirCgroup(cgrp: CgroupNode, actor: number): void {
    const e = this.engine;
    if (
      cgrp.parent === null ||
      e.cgroupPopulated(cgrp.id) ||
      cgrp.childMap.size !== 0 ||
      e.cgroupCssRefs(cgrp.id) !== 0
    ) {
      throw sysError('EBUSY', 'rmdir');
    }
    const ctx = this.ctx(actor);
    for (const { ssid, ss } of cgrp.hier.subsys) ss.canDestroy?.(cgrp.cssMap.get(ssid)!, ctx);
    check(e.cgroupDestroy(cgrp.id), 'rmdir');
    for (const { ssid, ss } of cgrp.hier.subsys) ss.destroy?.(cgrp.cssMap.get(ssid)!, ctx);
    cgrp.parent.childMap.delete(cgrp.name);
    this.nodes.delete(cgrp.id);
    cgrp.removed = true;
    if (this.prof.releasableFlag) cgrp.parent.releasable = true; // 2.6.24 cgroup_rmdir
    this.drainReleases();
  }

  renameCgroup(cgrp: CgroupNode, newName: string): void {
    this.pathCache.clear();
    const parent = cgrp.parent!;
    parent.childMap.delete(cgrp.name);
    cgrp.name = newName;
    parent.childMap.set(newName, cgrp);
  }

  writeControl(cgrp: CgroupNode, file: FileEntry, data: string, actor: number): void {
    const css = file.ssid < 0 ? cgrp.self : cgrp.cssMap.get(file.ssid)!;
    try {
      file.cft.write!(css, data, this.ctx(actor));
    } finally {
      this.drainReleases();
    }
  }

  listPids(cgrp: CgroupNode, procs: boolean): Int32Array {
    return this.engine.cgroupTasks(cgrp.id, procs);
  }

  readControl(cgrp: CgroupNode, file: FileEntry, actor: number): string {
    const css = file.ssid < 0 ? cgrp.self : cgrp.cssMap.get(file.ssid)!;
    return file.cft.read!(css, this.ctx(actor));
  }

  // ================================================================ /proc

  procLookup(rel: string[], actor: number): ProcNode | undefined {
    const view = this.procView();
    const dirInode = newInode(0o555, 0, 0);
    const file = (render: () => string, writeErrno?: 'EIO'): ProcNode => ({
      kind: 'file',
      render,
      inode: newInode(0o444, 0, 0),
      ...(writeErrno ? { writeErrno } : {}),
    });
    const pr = this.prof.proc;
    if (rel.length === 0) return { kind: 'dir', list: () => [...pr.rootEntries], inode: dirInode };
    const [head, ...rest] = rel;
    if (rest.length === 0 && head === pr.global) return file(() => pr.renderGlobal(view), 'EIO');
    if (rest.length === 0 && head === 'mounts') return file(() => procMounts(view, pr.mountLine));
    // /proc/self is the acting task's process (its thread-group leader); thread-self is the thread.
    if (head === 'thread-self' && pr.rootEntries.includes('thread-self')) {
      if (this.engine.taskState(actor) === TASK_FREE) return undefined;
      return this.procPid(view, actor, rest, true);
    }
    const pid = head === 'self' ? this.engine.taskTgid(actor) : /^[1-9][0-9]*$/.test(head!) ? Number(head) : -1;
    if (pid <= 0 || this.engine.taskState(pid) === TASK_FREE) return undefined;
    return this.procPid(view, pid, rest, false);
  }

  private procPid(view: ProcView, pid: number, rest: string[], inTask: boolean): ProcNode | undefined {
    const owner = this.credentials(pid);
    const pr = this.prof.proc;
    const entries = [
      pr.perTask,
      'mounts',
      'status',
      ...(inTask ? [] : ['task']),
      ...(this.ssNames.includes('cpuset') ? ['cpuset'] : []),
    ];
    if (rest.length === 0) return { kind: 'dir', list: () => entries, inode: newInode(0o555, owner.uid, owner.gid) };
    const file = (render: () => string): ProcNode => ({
      kind: 'file',
      render,
      inode: newInode(0o444, owner.uid, owner.gid),
    });
    const [name, ...more] = rest;
    if (more.length === 0) {
      if (name === pr.perTask) return file(() => pr.renderPerTask(view, pid));
      switch (name) {
        case 'status':
          return file(() => procPidStatus(view, pid));
        case 'mounts':
          return file(() => procMounts(view, pr.mountLine));
        case 'cpuset':
          if (!this.ssNames.includes('cpuset')) return undefined;
          return file(() => this.cssOfName(pid, 'cpuset').cgroup.path + '\n');
      }
    }
    if (name === 'task' && !inTask) {
      // The live threads, and a leader that exited before them (still listed, as Linux does).
      const group = () => {
        const g = this.engine.threadGroup(pid);
        const ids = typeof g === 'number' ? [] : [...g];
        const leader = this.engine.taskTgid(pid);
        if (this.engine.taskState(leader) === TASK_ZOMBIE) ids.push(leader);
        return ids.sort((a, b) => a - b).map(String);
      };
      if (more.length === 0) return { kind: 'dir', list: group, inode: newInode(0o555, owner.uid, owner.gid) };
      const tid = Number(more[0]);
      if (!group().includes(more[0]!) || this.engine.taskTgid(tid) !== this.engine.taskTgid(pid)) return undefined;
      return this.procPid(view, tid, more.slice(1), true);
    }
    return undefined;
  }

  private procView(): ProcView {
    return {
      engine: this.engine,
      subsystems: this.subsys,
      mounts: this.mounts,
      hierarchyList: () => [...this.hierBySlot.values()].sort((a, b) => a.id - b.id),
      subsysHierarchy: (ssid) => this.ssHier[ssid] ?? null,
      node: (id) => this.nodes.get(id),
      comm: (pid) => this.comms.get(pid) ?? this.comms.get(this.engine.taskTgid(pid)) ?? 'init',
      credentials: (pid) => this.credentials(pid),
      statusExtra: (pid) => {
        let out = '';
        const ctx = this.ctx(pid);
        this.subsys.forEach((ss, ssid) => {
          if (ss.status && this.engine.taskState(pid) === TASK_LIVE) out += ss.status(this.cssOf(pid, ssid), pid, ctx);
        });
        return out;
      },
    };
  }

  // ================================================================ release agent

  /** Subscribe to 'release' (ReleaseEvent) or 'agent-error' ({ event, error }) notifications. */
  on(event: 'release', fn: (ev: ReleaseEvent) => void): this;
  on(event: 'agent-error', fn: (info: { event: ReleaseEvent; error: Error }) => void): this;
  on(event: string, fn: (...args: any[]) => void): this {
    this.events.on(event, fn);
    return this;
  }

  off(event: 'release' | 'agent-error', fn: (...args: any[]) => void): this {
    this.events.off(event, fn);
    return this;
  }

  /**
   * Deliver queued releases in order. A cgroup repopulated (or given children) since it was
   * queued is reprieved; a hierarchy without a release_agent runs nothing (as modern Linux).
   */
  private drainReleases(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      for (let id = this.nextRelease(); id !== 0; id = this.nextRelease()) {
        const node = this.nodes.get(id);
        if (node === undefined || node.removed || node.parent === null) continue;
        const e = this.engine;
        if (!e.cgroupNotify(id) || e.cgroupPopulated(id) || node.childMap.size !== 0 || e.cgroupCssRefs(id) !== 0)
          continue;
        // 2.6.24's check_for_release also requires RELEASABLE (profile 'v11').
        if (this.prof.releasableFlag && !node.releasable) continue;
        const agent = node.hier.releaseAgent;
        if (agent === '') continue;
        this.deliver({
          hierarchy: node.hier.id,
          name: node.hier.name,
          path: node.path,
          agent,
          argv: [agent, node.path],
          env: { ...AGENT_ENV },
        });
      }
    } finally {
      this.draining = false;
    }
  }

  /** The next queued release: the engine's oldest, or (profile 'v11') the newest of what is queued. */
  private nextRelease(): number {
    if (!this.prof.releaseNewestFirst) return this.engine.releasePop();
    for (let id = this.engine.releasePop(); id !== 0; id = this.engine.releasePop()) this.releaseStack.push(id);
    return this.releaseStack.pop() ?? 0;
  }

  private deliver(ev: ReleaseEvent): void {
    this.events.emit('release', ev);
    const mode = this.releaseMode;
    if (typeof mode === 'function') {
      try {
        mode(ev);
      } catch (error) {
        this.events.emit('agent-error', { event: ev, error });
      }
    } else if (mode === 'exec') {
      // Like call_usermodehelper(UMH_WAIT_EXEC): start it, do not wait for it.
      try {
        const child = spawn(ev.agent, [ev.path], { cwd: '/', env: ev.env, stdio: 'ignore', detached: true });
        child.on('error', (error) => this.events.emit('agent-error', { event: ev, error }));
        child.unref();
      } catch (error) {
        this.events.emit('agent-error', { event: ev, error });
      }
    }
  }

  // ================================================================ container_clone, cpuacct

  /**
   * container_clone(): a new child `node_<pid>` in the task's cgroup of subsystem `ssName`'s
   * hierarchy, initialised by postClone callbacks, then the task is attached. Returns the new
   * cgroup's path, or null when the subsystem is not mounted. EEXIST if the name exists; an
   * attach failure leaves the new directory in place, as the kernel did.
   */
  containerClone(pid: number, ssName: string, actor: number = pid): string | null {
    const ssid = this.ssNames.indexOf(ssName);
    if (ssid < 0) throw sysError('EINVAL', 'clone');
    if (this.engine.taskState(pid) !== TASK_LIVE) throw sysError('ESRCH', 'clone');
    const h = this.ssHier[ssid];
    if (h === null || h === undefined) return null;
    const parent = this.nodes.get(this.engine.taskCgroup(pid, h.slot))!;
    const name = this.prof.cloneName(pid);
    if (parent.childMap.has(name) || h.fileOf(parent, name)) throw sysError('EEXIST', 'clone');
    const child = this.mkdirCgroup(parent, name, 0o755, actor);
    const ctx = this.ctx(actor);
    if (!child.cloneChildren) for (const { ssid: id, ss } of h.subsys) ss.postClone?.(child.cssMap.get(id)!, ctx);
    this.attachTask(child, pid, false, actor);
    this.drainReleases();
    return child.path;
  }

  /**
   * cpuacct: charge `ns` nanoseconds of CPU time to `pid` (hierarchically in 'v1'; in 'v11'
   * the V11 cpuacct counts it in the task's own cgroup, at the simulated clock's time).
   */
  charge(pid: number, ns: number, opts?: ChargeOptions): void {
    const r = this.engine.charge(
      pid,
      ns,
      opts?.cpu ?? 0,
      opts?.mode === 'system' ? CPU_SYS : CPU_USER,
      this.slotOf('cpuacct'),
    );
    if (r < 0) throw sysError(codeOf(r), 'charge');
    if (this.chargeSs.length !== 0) this.runChargeHooks(pid, ns);
  }

  /** Subsystems' charge hooks, with the task's css of each (the engine has validated pid and ns). */
  private runChargeHooks(pid: number, ns: number): void {
    const ctx = this.ctx(pid);
    for (const ssid of this.chargeSs) this.subsys[ssid]!.charge!(this.cssOf(pid, ssid), pid, ns, ctx);
  }

  /**
   * Advance the simulated clock by `ns` nanoseconds (an integer >= 0). Nothing else moves
   * time: it is what the V11 cpuacct's 10-second `load` intervals are measured against.
   */
  tick(ns: number): void {
    if (!Number.isSafeInteger(ns) || ns < 0 || !Number.isSafeInteger(this.clockNs + ns)) {
      throw sysError('EINVAL', 'tick');
    }
    this.clockNs += ns;
  }

  /** The simulated clock: nanoseconds since boot. */
  now(): number {
    return this.clockNs;
  }

  /** cpuacct batch: ns[i] (or one value for all) to pids[i], all validated first. */
  chargeMany(
    pids: Int32Array | readonly number[],
    ns: Float64Array | readonly number[] | number,
    opts?: ChargeOptions,
  ): number {
    const arr = pids instanceof Int32Array ? pids : Int32Array.from(pids);
    const amounts =
      typeof ns === 'number'
        ? new Float64Array(arr.length).fill(ns)
        : ns instanceof Float64Array
          ? ns
          : Float64Array.from(ns);
    if (amounts.length !== arr.length) throw sysError('EINVAL', 'charge');
    const r = this.engine.chargeMany(
      arr,
      amounts,
      opts?.cpu ?? 0,
      opts?.mode === 'system' ? CPU_SYS : CPU_USER,
      this.slotOf('cpuacct'),
    );
    if (r < 0) throw sysError(codeOf(r), 'charge');
    if (this.chargeSs.length !== 0) for (let i = 0; i < arr.length; i++) this.runChargeHooks(arr[i]!, amounts[i]!);
    return r;
  }

  // ================================================================ introspection

  stats(): EngineStats {
    return this.engine.stats();
  }

  /** Live hierarchies, oldest first. */
  hierarchies(): HierarchyInfo[] {
    return [...this.hierBySlot.values()]
      .sort((a, b) => a.id - b.id)
      .map((h) => ({
        id: h.id,
        name: h.name,
        subsystems: h.subsys.map(({ ss }) => ss.name),
        mounts: [...h.mounts],
        releaseAgent: h.releaseAgent,
      }));
  }

  /** Names of the registered subsystems, in id order. */
  subsystemNames(): string[] {
    return [...this.ssNames];
  }

  // ================================================================ helpers

  /** Which subsystems' fork/exit callbacks run: those that have them, unless bound-only and unbound. */
  private updateHooks(): void {
    const active = (s: Subsystem<unknown>, i: number) => !s.hooksOnlyWhenBound || this.ssHier[i] !== null;
    this.forkSs = this.ids((s, i) => !!(s.canFork || s.fork || s.cancelFork) && active(s, i));
    this.exitSs = this.ids((s, i) => !!s.exit && active(s, i));
  }

  private ids(pred: (s: Subsystem<unknown>, ssid: number) => boolean): number[] {
    return this.subsys.flatMap((s, i) => (pred(s, i) ? [i] : []));
  }

  private ctx(actor: number): SubsysContext {
    if (actor === INIT_PID) return this.baseCtx;
    return { ...this.baseCtx, actor };
  }

  private slotOf(name: string): number {
    const ssid = this.ssNames.indexOf(name);
    const h = ssid < 0 ? null : this.ssHier[ssid];
    return h === null || h === undefined ? -1 : h.slot;
  }

  /** The css of subsystem `ssid` for task `pid` (the dummy root's when unbound). */
  private cssOf(pid: number, ssid: number): Css<unknown> {
    const h = this.ssHier[ssid];
    if (h === null || h === undefined) return this.dummyCss[ssid]!;
    const cg = this.engine.taskCgroup(pid, h.slot);
    return this.nodes.get(cg)?.cssMap.get(ssid) ?? this.dummyCss[ssid]!;
  }

  private cssOfName<S>(pid: number, name: string): Css<S> {
    const ssid = this.ssNames.indexOf(name);
    if (ssid < 0) throw sysError('EINVAL', 'cssOf');
    return this.cssOf(pid, ssid) as Css<S>;
  }
}
