/**
 * Runs scenarios on the live kernel (cgroup v1, as root), inside named hierarchies that this
 * module mounts itself. Used by record.ts only.
 *
 * Safety rules (see README.md): only hierarchies named `cgsim_rec_*` that we mount, under a
 * temp dir of our own; every mount option string is checked by `assertSafeOptions` so that it
 * can never bind a real controller; only processes we started are moved or killed, by pid;
 * `close()` always kills our processes, removes every cgroup we created (remounting a
 * hierarchy that was unmounted with children), unmounts everything under the temp dir and
 * deletes it.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { HELPER_PY } from './helper-py.ts';
import {
  EnvBase,
  expand,
  normalizeChunk,
  normalizeNames,
  normalizeReleases,
  normalizeStat,
  normalizeText,
  type Outcome,
  resourceKeys,
  type Scenario,
  type Step,
} from './scenario.ts';

export const PYTHON = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const HELPER_ENV = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', CGSIM_HELPER: HELPER_PY };
/** Prefix of every hierarchy name the recorder creates. */
export const NAME_PREFIX = 'cgsim_rec_';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------
// Mount option safety

const CONTROLLERS = new Set([
  'cpuset',
  'cpu',
  'cpuacct',
  'blkio',
  'io',
  'memory',
  'devices',
  'freezer',
  'net_cls',
  'perf_event',
  'net_prio',
  'hugetlb',
  'pids',
  'rdma',
  'misc',
  'debug',
  'all',
]);
try {
  for (const line of fs.readFileSync('/proc/cgroups', 'utf8').split('\n').slice(1)) {
    const name = line.split('\t')[0];
    if (name) CONTROLLERS.add(name);
  }
} catch {
  // no /proc/cgroups: the static list stands
}
const KNOWN_KEYS = new Set([
  'none',
  'noprefix',
  'clone_children',
  'cpuset_v2_mode',
  'xattr',
  'favordynmods',
  'nofavordynmods',
  'name',
  'release_agent',
  'source',
]);

/**
 * Throws unless the option string provably cannot bind a real controller nor reuse a
 * hierarchy that is not ours: no token may name a controller (or `all`); every `name=`
 * value must be ours (cgsim_rec_*) or invalid; and the string must say `none`, give a
 * `name=`, or contain an unknown key (a parse error before anything happens). Without any
 * of these the kernel would default to `all`.
 */
export function assertSafeOptions(opts: string): void {
  const tokens = opts.split(',').filter((t) => t !== '');
  const keys = tokens.map((t) => t.split('=')[0] ?? '');
  const bad = keys.find((k) => CONTROLLERS.has(k));
  if (bad !== undefined) throw new Error(`refusing mount options "${opts}": names controller ${bad}`);
  for (const t of tokens) {
    if (!t.startsWith('name=')) continue;
    const v = t.slice(5);
    const invalid = v === '' || v.length > 63 || /[^A-Za-z0-9_.-]/.test(v);
    if (!invalid && !v.startsWith(NAME_PREFIX)) throw new Error(`refusing mount options "${opts}": foreign name ${v}`);
  }
  const hasNone = keys.includes('none');
  const hasName = tokens.some((t) => t.startsWith('name='));
  const hasUnknown = keys.some((k) => !KNOWN_KEYS.has(k));
  if (!hasNone && !hasName && !hasUnknown) {
    throw new Error(`refusing mount options "${opts}": would default to all controllers`);
  }
}

/**
 * The pid a write to tasks/cgroup.procs names, parsed as Linux does (strstrip, then
 * kstrtoint base 0: optional sign, 0x hex / 0 octal / decimal, one trailing newline), or
 * null when the kernel rejects the text.
 */
export function kernelPid(data: string): number | null {
  // the kernel parses a C string: a NUL byte ends it
  const nul = data.indexOf('\0');
  let s = (nul >= 0 ? data.slice(0, nul) : data).replace(/^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g, '');
  let neg = false;
  if (s.startsWith('-')) {
    neg = true;
    s = s.slice(1);
  } else if (s.startsWith('+')) s = s.slice(1);
  let base = 10;
  if (s.startsWith('0')) {
    if (/^0[xX][0-9a-fA-F]/.test(s)) {
      base = 16;
      s = s.slice(2);
    } else base = 8;
  }
  const digits = base === 16 ? /^[0-9a-fA-F]+/ : base === 8 ? /^[0-7]+/ : /^[0-9]+/;
  const m = digits.exec(s);
  if (!m) return null;
  const rest = s.slice(m[0].length);
  if (rest !== '' && rest !== '\n') return null;
  const v = parseInt(m[0], base) * (neg ? -1 : 1);
  if (!Number.isSafeInteger(v) || v > 2 ** 31 - 1 || v < -(2 ** 31)) return null;
  return v;
}

// ---------------------------------------------------------------------------------------
// Helper connections

interface Reply {
  id: number;
  ok?: unknown;
  err?: string;
}

class Conn {
  private buf = '';
  private nextId = 1;
  private readonly pending = new Map<number, (r: Reply) => void>();
  closed = false;

  constructor(
    readonly socket: net.Socket,
    onHello: (c: Conn, name: string, pid: number) => void,
  ) {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.buf += chunk;
      let nl: number;
      while ((nl = this.buf.indexOf('\n')) >= 0) {
        const line = this.buf.slice(0, nl);
        this.buf = this.buf.slice(nl + 1);
        const msg = JSON.parse(line) as Reply & { hello?: string; pid?: number };
        if (msg.hello !== undefined) onHello(this, msg.hello, msg.pid ?? 0);
        else this.pending.get(msg.id)?.(msg);
      }
    });
    const fail = () => {
      this.closed = true;
      for (const [id, resolve] of this.pending) resolve({ id, err: 'HELPER_GONE' });
      this.pending.clear();
    };
    socket.on('close', fail);
    socket.on('error', fail);
  }

  request(cmd: Record<string, unknown>, timeoutMs = 20_000): Promise<Reply> {
    if (this.closed) return Promise.resolve({ id: 0, err: 'HELPER_GONE' });
    const id = this.nextId++;
    const line = JSON.stringify({ ...cmd, id }).replace(
      /[\u0080-\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`helper timeout on ${JSON.stringify(cmd).slice(0, 200)}`));
      }, timeoutMs);
      this.pending.set(id, (r) => {
        clearTimeout(timer);
        this.pending.delete(id);
        resolve(r);
      });
      this.socket.write(line + '\n');
    });
  }
}

interface LiveTask {
  name: string;
  pid: number;
  alive: boolean;
  conn?: Conn; // processes
  leader?: string; // threads: the process name
  parent?: string; // processes: who reaps it
  zombie?: boolean; // a leader that exited while its threads live on
  unreaped?: boolean; // killed, not yet reaped by its parent (the `zombie` step)
}

// ---------------------------------------------------------------------------------------
// /proc helpers

export function mountsUnder(dir: string): Array<{ point: string; opts: string }> {
  const out: Array<{ point: string; opts: string }> = [];
  for (const line of fs.readFileSync('/proc/mounts', 'utf8').split('\n')) {
    const f = line.split(' ');
    if (f[1]?.startsWith(dir + '/')) out.push({ point: f[1], opts: f[3] ?? '' });
  }
  return out;
}

function hierarchyAlive(name: string): boolean {
  return fs.readFileSync('/proc/self/cgroup', 'utf8').includes(`:name=${name}:`);
}

// ---------------------------------------------------------------------------------------
// The runner

export class LiveRunner extends EnvBase<LiveTask> {
  private readonly order: string[] = [];
  private readonly fds = new Map<string, { actor: string; path: string; carry: string }>();
  private readonly helloWaiters = new Map<string, (c: Conn, pid: number) => void>();
  private server!: net.Server;
  private selfProc!: ChildProcess;
  private readonly sock: string;
  readonly log: string;
  readonly warnings: string[] = [];

  private constructor(
    readonly sc: Scenario,
    readonly tmp: string,
    readonly tag: string,
  ) {
    super();
    this.sock = join(tmp, 'helper.sock');
    this.log = join(tmp, 'releases.log');
  }

  /** Create the temp dir, mount points, agents and the `self` helper. */
  static async start(sc: Scenario, tag: string): Promise<LiveRunner> {
    const tmp = fs.mkdtempSync('/tmp/cgsim-rec-');
    fs.chmodSync(tmp, 0o755); // helpers running as nobody must reach the mounts
    const r = new LiveRunner(sc, tmp, tag);
    try {
      await r.init();
    } catch (e) {
      await r.close();
      throw e;
    }
    return r;
  }

  private async init(): Promise<void> {
    for (const key of resourceKeys(this.sc)) {
      let m: RegExpExecArray | null;
      if ((m = /^M(\d+)$/.exec(key))) {
        const p = join(this.tmp, `m${m[1]}`);
        fs.mkdirSync(p, { mode: 0o755 });
        this.values.set(key, p);
      } else if (/^H\d+$/.test(key)) {
        this.values.set(key, `${NAME_PREFIX}${this.tag}_${key}`);
      } else if (/^L\d+$/.test(key)) {
        this.values.set(key, `${NAME_PREFIX}${this.tag}_${key}_`.padEnd(63, 'x'));
      } else if (/^AGENT\d*$/.test(key)) {
        const p = join(this.tmp, `${key.toLowerCase()}.sh`);
        // each line starts with the agent's pid: the order in which the kernel started the
        // agents (an ordered `releases` sorts by it; the scripts' appends can race)
        fs.writeFileSync(p, `#!/bin/sh\necho "$$" '$${key}' "$@" >> '${this.log}'\n`, { mode: 0o755 });
        this.values.set(key, p);
      } else if (/^RMAGENT\d*$/.test(key)) {
        // logs like $AGENT, then removes the released cgroup under $M1 (our own mount point;
        // cgroup paths never hold '..'); rmdir's complaints go to a file the cleanup reports
        const p = join(this.tmp, `${key.toLowerCase()}.sh`);
        const m1 = join(this.tmp, 'm1');
        fs.writeFileSync(
          p,
          `#!/bin/sh\necho "$$" '$${key}' "$@" >> '${this.log}'\nrmdir -- '${m1}'"$1" 2>> '${this.tmp}/rmagent.err'\n`,
          { mode: 0o755 },
        );
        this.values.set(key, p);
      } else {
        throw new Error(`unknown placeholder $${key}`);
      }
    }
    this.server = net.createServer((socket) => {
      new Conn(socket, (conn, name, pid) => this.helloWaiters.get(name)?.(conn, pid));
    });
    await new Promise<void>((res, rej) => {
      this.server.once('error', rej);
      this.server.listen(this.sock, () => res());
    });
    fs.chmodSync(this.sock, 0o777);
    const hello = this.waitHello('self');
    this.selfProc = spawn(PYTHON, ['-c', HELPER_PY, this.sock, 'self'], {
      env: HELPER_ENV,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const { conn, pid } = await hello;
    this.addTask({ name: 'self', pid, alive: true, conn });
  }

  private waitHello(name: string): Promise<{ conn: Conn; pid: number }> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.helloWaiters.delete(name);
        reject(new Error(`helper ${name} did not start`));
      }, 15_000);
      this.helloWaiters.set(name, (conn, pid) => {
        clearTimeout(timer);
        this.helloWaiters.delete(name);
        resolve({ conn, pid });
      });
    });
  }

  private addTask(t: LiveTask): void {
    this.tasks.set(t.name, t);
    this.order.push(t.name);
  }

  /** True when the named tasks got increasing pids in creation order (no pid wrap). */
  pidsMonotonic(): boolean {
    const pids = this.order.map((n) => this.tasks.get(n)?.pid ?? 0);
    return pids.every((p, i) => p > 1 && (i === 0 || p > (pids[i - 1] ?? 0)));
  }

  // ---- steps ----
  private actor(name: string | undefined): { conn: Conn; tid?: number } {
    const t = this.tasks.get(name ?? 'self');
    if (!t?.alive || t.zombie || t.unreaped) throw new Error(`task ${name} is not alive`);
    if (t.leader !== undefined) {
      const leader = this.tasks.get(t.leader);
      if (!leader?.conn) throw new Error(`no leader for ${t.name}`);
      return { conn: leader.conn, tid: t.pid };
    }
    if (!t.conn) throw new Error(`no connection for ${t.name}`);
    return { conn: t.conn };
  }

  private async call(as: string | undefined, cmd: Record<string, unknown>): Promise<Reply> {
    const a = this.actor(as);
    const r = await a.conn.request(a.tid !== undefined ? { ...cmd, tid: a.tid } : cmd);
    if (r.err === 'HELPER_GONE' || r.err === 'BADOP') throw new Error(`helper failure ${r.err} on ${cmd.op}`);
    return r;
  }

  async step(step: Step): Promise<Outcome> {
    const x = (t: string) => expand(t, this);
    const result = (r: Reply, map: (v: unknown) => unknown = () => null): Outcome =>
      r.err !== undefined ? { error: r.err } : { ok: map(r.ok) };
    switch (step.op) {
      case 'mount': {
        const data = x(step.opts);
        assertSafeOptions(data);
        return result(await this.call('self', { op: 'mount', target: x(step.at), data, remount: !!step.remount }));
      }
      case 'umount':
        return result(await this.call('self', { op: 'umount', target: x(step.at) }));
      case 'mkdir': {
        const cmd: Record<string, unknown> = { op: 'mkdir', path: x(step.path) };
        if (step.mode !== undefined) cmd.mode = parseInt(step.mode, 8);
        return result(await this.call(step.as, cmd));
      }
      case 'rmdir':
      case 'unlink':
        return result(await this.call(step.as, { op: step.op, path: x(step.path) }));
      case 'rename':
        return result(await this.call(step.as, { op: 'rename', from: x(step.from), to: x(step.to) }));
      case 'create':
        return result(await this.call(step.as, { op: 'write', path: x(step.path), data: '' }));
      case 'write': {
        const data = x(step.data);
        this.assertOwnPid(step.path, data);
        return result(await this.call(step.as, { op: 'write', path: x(step.path), data }));
      }
      case 'read':
        return result(await this.call(step.as, { op: 'read', path: x(step.path) }), (v) =>
          normalizeText(step.path, String(v), this),
        );
      case 'readdir':
        return result(await this.call(step.as, { op: 'readdir', path: x(step.path) }), (v) =>
          normalizeNames(v as string[], this, step.path),
        );
      case 'stat':
        return result(await this.call(step.as, { op: 'stat', path: x(step.path) }), (v) => {
          const s = v as { mode: number; uid: number; gid: number };
          return normalizeStat(s.mode, s.uid, s.gid);
        });
      case 'chmod':
        return result(await this.call(step.as, { op: 'chmod', path: x(step.path), mode: parseInt(step.mode, 8) }));
      case 'chown':
        return result(await this.call(step.as, { op: 'chown', path: x(step.path), uid: step.uid, gid: step.gid }));
      case 'open': {
        this.fds.set(step.fd, { actor: step.as ?? 'self', path: step.path, carry: '' });
        return result(await this.call(step.as, { op: 'open', fd: step.fd, path: x(step.path), flags: step.flags }));
      }
      case 'fdread': {
        const fd = this.fds.get(step.fd);
        if (!fd) throw new Error(`unknown fd ${step.fd}`);
        const cmd: Record<string, unknown> = { op: 'fdread', fd: step.fd };
        if (step.size !== undefined) cmd.size = step.size;
        if (step.at !== undefined) cmd.at = step.at;
        return result(await this.call(fd.actor, cmd), (v) => {
          // a pread has a line buffer of its own; a read continues the descriptor's
          const r = normalizeChunk(fd.path, step.at !== undefined ? '' : fd.carry, String(v), this);
          if (step.at === undefined) fd.carry = r.carry;
          return r.out;
        });
      }
      case 'fdwrite':
      case 'close': {
        const fd = this.fds.get(step.fd);
        if (!fd) throw new Error(`unknown fd ${step.fd}`);
        const cmd: Record<string, unknown> = { op: step.op, fd: step.fd };
        if (step.op === 'fdwrite') {
          cmd.data = x(step.data);
          this.assertOwnPid(fd.path, String(cmd.data));
        }
        return result(await this.call(fd.actor, cmd));
      }
      case 'spawn':
        return this.spawnTask(step);
      case 'thread': {
        const leader = step.task.split('.')[0] ?? '';
        const r = await this.call(leader, { op: 'thread' });
        if (r.err !== undefined) throw new Error(`thread creation failed: ${r.err}`);
        this.addTask({ name: step.task, pid: Number(r.ok), alive: true, leader });
        return { ok: null };
      }
      case 'kill':
        await this.killTask(step.task);
        return { ok: null };
      case 'zombie': {
        const t = this.tasks.get(step.task);
        if (!t?.alive || t.leader !== undefined || t.zombie || t.unreaped || step.task === 'self')
          throw new Error(`zombie: ${step.task} is not a live process`);
        const reaper = this.reaperOf(t);
        const r = await this.call(reaper, { op: 'kill', pid: t.pid, reap: false });
        if (r.err !== undefined) throw new Error(`kill failed: ${r.err}`);
        t.unreaped = true;
        for (const o of this.tasks.values()) if (o.leader === t.name) o.alive = false;
        return { ok: null };
      }
      case 'reap': {
        const t = this.tasks.get(step.task);
        if (!t?.alive || !t.unreaped) throw new Error(`reap: ${step.task} is not a zombie`);
        const r = await this.call(this.reaperOf(t), { op: 'reap', pid: t.pid });
        if (r.err !== undefined) throw new Error(`reap failed: ${r.err}`);
        this.markDead(step.task);
        return { ok: null };
      }
      case 'leader_exit': {
        const t = this.tasks.get(step.task);
        if (!t?.alive || t.leader !== undefined || t.zombie || !t.conn)
          throw new Error(`leader_exit: ${step.task} is not a live process`);
        const r = await t.conn.request({ op: 'leader_exit' });
        if (r.err !== undefined) throw new Error(`leader_exit failed: ${r.err} (does ${step.task} have a thread?)`);
        t.zombie = true;
        return { ok: null };
      }
      case 'settle':
        await sleep(300);
        return { ok: null };
      case 'releases': {
        await sleep(250);
        // agents may start further releases (an agent that removes its cgroup can empty the
        // parent): wait until the log has been quiet for 150 ms
        for (let round = 0, last = -1; round < 40; round++) {
          let size = 0;
          try {
            size = fs.statSync(this.log).size;
          } catch {
            // no agent ran yet
          }
          if (size === last) break;
          last = size;
          await sleep(150);
        }
        let text = '';
        try {
          text = fs.readFileSync(this.log, 'utf8');
          fs.truncateSync(this.log, 0);
        } catch {
          // no agent ran yet
        }
        // '<agent pid> $AGENT /path': ordered by the agents' pids (their start order)
        const logged = text
          .split('\n')
          .filter((l) => l !== '')
          .map((l) => {
            const m = /^(\d+) (.*)$/.exec(l);
            return { pid: m ? Number(m[1]) : 0, line: m ? (m[2] ?? '') : l };
          });
        if (step.ordered) logged.sort((a, b) => a.pid - b.pid);
        return {
          ok: normalizeReleases(
            logged.map((l) => l.line),
            step.ordered === true,
          ),
        };
      }
    }
  }

  /**
   * Refuse a write to tasks/cgroup.procs that would name a process we did not start: the
   * pid must be 0 (the writer), one of our live tasks, or free (no /proc entry).
   */
  private assertOwnPid(pathTemplate: string, data: string): void {
    if (!/(^|\/)(tasks|cgroup\.procs)$/.test(pathTemplate)) return;
    const pid = kernelPid(data);
    if (pid === null || pid <= 0) return;
    if (this.liveNames().get(pid) !== undefined && pid !== 1) return;
    if (!fs.existsSync(`/proc/${pid}`)) return;
    throw new Error(`refusing to write pid ${pid} (not ours) to ${pathTemplate}`);
  }

  private async spawnTask(step: Extract<Step, { op: 'spawn' }>): Promise<Outcome> {
    const parent = step.parent ?? 'self';
    const hello = this.waitHello(step.task);
    const cmd: Record<string, unknown> = { op: 'spawn', name: step.task };
    if (step.uid !== undefined) cmd.uid = step.uid;
    if (step.gid !== undefined) cmd.gid = step.gid;
    const r = await this.call(parent, cmd);
    if (r.err !== undefined) throw new Error(`spawn failed: ${r.err}`);
    const { conn, pid } = await hello;
    if (pid !== Number(r.ok)) throw new Error(`spawned pid mismatch ${pid} != ${String(r.ok)}`);
    // a child forked by a thread belongs to the thread group: its leader's helper reaps it
    this.addTask({ name: step.task, pid, alive: true, conn, parent: parent.split('.')[0] ?? parent });
    return { ok: null };
  }

  /** Who waits for a process: its parent while that lives (and can act), else self (the subreaper). */
  private reaperOf(t: LiveTask): string {
    const p = t.parent !== undefined ? this.tasks.get(t.parent) : undefined;
    return p?.alive && !p.zombie && !p.unreaped && t.parent !== undefined ? t.parent : 'self';
  }

  private markDead(name: string): void {
    const t = this.tasks.get(name);
    if (!t) return;
    t.alive = false;
    for (const o of this.tasks.values()) {
      if (o.leader === name) o.alive = false;
      if (o.parent === name) o.parent = 'self'; // orphans go to the subreaper
    }
  }

  private async killTask(name: string): Promise<void> {
    const t = this.tasks.get(name);
    if (!t?.alive) throw new Error(`kill: task ${name} is not alive`);
    if (t.leader !== undefined) {
      const r = await this.call(t.leader, { op: 'thread_exit', thread: t.pid });
      if (r.err !== undefined) throw new Error(`thread exit failed: ${r.err}`);
      t.alive = false;
      return;
    }
    if (name === 'self') throw new Error('kill: self cannot be killed in a scenario');
    const r = await this.call(this.reaperOf(t), { op: 'kill', pid: t.pid });
    if (r.err !== undefined) throw new Error(`kill failed: ${r.err}`);
    this.markDead(name);
  }

  // ---- cleanup ----

  /** Kill our processes, remove our cgroups, unmount and delete the temp dir. Never throws. */
  async close(): Promise<void> {
    const warn = (m: string) => this.warnings.push(m);
    // 1. our processes, children before parents, each reaped by its parent (or self)
    for (const name of [...this.order].reverse()) {
      const t = this.tasks.get(name);
      if (!t?.alive || t.leader !== undefined || name === 'self') continue;
      try {
        await this.killTask(name);
      } catch (e) {
        warn(`cleanup kill ${name}: ${(e as Error).message}`);
        try {
          process.kill(t.pid, 'SIGKILL');
        } catch {
          // already gone
        }
        this.markDead(name);
      }
    }
    // 2. the self helper
    const self = this.tasks.get('self');
    if (this.selfProc && this.selfProc.exitCode === null && this.selfProc.signalCode === null) {
      const exited = new Promise<void>((r) => this.selfProc.once('exit', () => r()));
      self?.conn?.socket.end();
      const t = setTimeout(() => {
        if (self) {
          try {
            process.kill(self.pid, 'SIGKILL');
          } catch {
            // gone
          }
        }
      }, 3000);
      await exited;
      clearTimeout(t);
    }
    if (self) self.alive = false;
    if (this.server) await new Promise<void>((r) => this.server.close(() => r()));
    // 3. every cgroup we created, in every hierarchy of the scenario
    for (const [key, name] of this.values) {
      if (!/^[HL]\d+$/.test(key)) continue;
      try {
        this.cleanHierarchy(key, name);
      } catch (e) {
        warn(`cleanup of ${name}: ${(e as Error).message}`);
      }
    }
    // 4. unmount everything under the temp dir, then delete it
    for (let round = 0; round < 10; round++) {
      const points = mountsUnder(this.tmp).map((m) => m.point);
      if (points.length === 0) break;
      for (const p of points.sort((a, b) => b.length - a.length)) {
        const r = spawnSync('umount', [p], { encoding: 'utf8' });
        if (r.status !== 0) warn(`umount ${p}: ${r.stderr.trim()}`);
      }
    }
    // 5. a hierarchy unmounted right after an rmdir can outlive its last mount (the removed
    //    child is unlinked from the root's children only after an RCU grace period, so
    //    umount saw a child): reattach it by name and unmount it again. On a dying hierarchy
    //    the mount waits until it is gone and then fails, which is the end of the loop.
    for (const [key, name] of this.values) {
      if (!/^[HL]\d+$/.test(key)) continue;
      for (let round = 0; round < 20 && hierarchyAlive(name); round++) {
        const point = join(this.tmp, `final-${key}`);
        fs.mkdirSync(point, { recursive: true });
        const r = spawnSync('mount', ['-t', 'cgroup', '-o', `name=${name}`, 'cgroup', point], {
          encoding: 'utf8',
          timeout: 10_000,
          killSignal: 'SIGKILL',
        });
        if (r.status !== 0) break;
        try {
          this.cleanHierarchy(key, name);
        } catch (e) {
          warn(`cleanup of ${name}: ${(e as Error).message}`);
        }
        spawnSync('sleep', ['0.1']);
        spawnSync('umount', [point]);
      }
    }
    try {
      const rmErr = fs.readFileSync(join(this.tmp, 'rmagent.err'), 'utf8').trim();
      if (rmErr !== '') warn(`the removing agent failed: ${rmErr}`);
    } catch {
      // no removing agent, or it never failed
    }
    if (mountsUnder(this.tmp).length === 0) fs.rmSync(this.tmp, { recursive: true, force: true });
    else warn(`left ${this.tmp} in place: still mounted`);
  }

  private cleanHierarchy(key: string, name: string): void {
    let point = mountsUnder(this.tmp).find((m) => m.opts.split(',').includes(`name=${name}`))?.point;
    if (point === undefined) {
      if (!hierarchyAlive(name)) return;
      // unmounted with children (or dying): reattach by name alone, which never creates one
      point = join(this.tmp, `cleanup-${key}`);
      fs.mkdirSync(point, { recursive: true });
      const r = spawnSync('mount', ['-t', 'cgroup', '-o', `name=${name}`, 'cgroup', point], { encoding: 'utf8' });
      if (r.status !== 0) return; // it vanished meanwhile
    }
    const root = point;
    const removeTree = (dir: string): void => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) removeTree(join(dir, e.name));
      }
      if (dir === root) return;
      for (let attempt = 0; ; attempt++) {
        const procs = fs.readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean);
        for (const pid of procs) {
          // only our own processes can be in our own non-root cgroups
          this.warnings.push(`cleanup: moving leftover pid ${pid} out of ${dir}`);
          try {
            fs.writeFileSync(join(root, 'cgroup.procs'), pid);
          } catch {
            // it exited meanwhile
          }
        }
        try {
          fs.rmdirSync(dir);
          return;
        } catch (e) {
          if (attempt >= 50) throw e;
          spawnSync('sleep', ['0.05']);
        }
      }
    };
    removeTree(root);
  }
}

/** Random tag for this recording run: hierarchy names are cgsim_rec_<tag>_<n>_H1. */
export function runTag(): string {
  return randomBytes(3).toString('hex');
}
