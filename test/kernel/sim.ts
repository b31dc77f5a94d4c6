/**
 * Runs a scenario's steps against the simulator through its public API only (Kernel from
 * src/index.ts), producing outcomes normalized exactly as the live recorder normalizes the
 * kernel's. Used by replay.test.ts.
 *
 * Mapping: `self` is a task forked from init at the start; `spawn` forks from the parent task
 * (then setCredentials for uid/gid); `thread` forks with { thread: true } from the leader;
 * `kill` exits a thread, or every live thread of a process and then its leader (SIGKILL);
 * every fs step runs as `k.as(actor).fs`; mount points $M<n> are /cg/m<n> (created before the
 * first step, as the recorder creates its temp dirs); `releases` returns the 'release' events
 * collected since the previous `releases` step whose agent is one of the scenario's agents
 * (the kernel runs nothing for an empty agent, and nothing we could log for another path).
 * A `$RMAGENT` event is also carried out, as the kernel's agent script does: at the
 * `releases` step the released cgroup is removed under $M1 (as root, errors ignored), which
 * may release its parent in turn; this repeats until no removing agent is left to run.
 */
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
  simResource,
} from './scenario.ts';

/** The slice of the Kernel's fs the replay uses (Node-fs shaped). */
export interface SimFs {
  mkdirSync(path: string, options?: { mode?: number; recursive?: boolean }): unknown;
  rmdirSync(path: string): void;
  renameSync(from: string, to: string): void;
  unlinkSync(path: string): void;
  writeFileSync(path: string, data: string): void;
  readFileSync(path: string, enc: 'utf8'): string;
  readdirSync(path: string): string[];
  statSync(path: string): { mode: number; uid: number; gid: number };
  chmodSync(path: string, mode: number): void;
  chownSync(path: string, uid: number, gid: number): void;
  openSync(path: string, flags: number): number;
  readSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number | null): number;
  writeSync(fd: number, data: string): number;
  closeSync(fd: number): void;
}

export interface SimReleaseEvent {
  path: string;
  agent: string;
}

/** The slice of the Kernel API the replay uses. */
export interface SimKernel {
  fork(parent: number, opts?: { thread?: boolean }): number;
  exit(pid: number): void;
  mount(target: string, options: string, flags?: { remount?: boolean }): void;
  umount(target: string): void;
  as(pid: number): { fs: SimFs };
  setCredentials(pid: number, cred: { uid: number; gid: number }): void;
  on(event: 'release', fn: (ev: SimReleaseEvent) => void): unknown;
  readonly fs: SimFs;
  readonly engine?: unknown;
}

const O_RDONLY = 0;
const O_WRONLY = 1;

interface SimTask {
  name: string;
  pid: number;
  alive: boolean;
  leader?: string;
  zombie?: boolean;
  unreaped?: boolean;
}

export class SimRunner extends EnvBase<SimTask> {
  private readonly fds = new Map<string, { fd: number; path: string; actor: string; carry: string }>();
  private events: SimReleaseEvent[] = [];

  constructor(
    readonly k: SimKernel,
    sc: Scenario,
  ) {
    super();
    for (const key of resourceKeys(sc)) this.values.set(key, simResource(key));
    k.on('release', (ev) => this.events.push(ev));
    for (const [key, path] of this.values) {
      if (!/^M\d+$/.test(key)) continue;
      try {
        k.fs.mkdirSync(path, { recursive: true, mode: 0o755 });
      } catch {
        // a kernel that creates mount points itself
      }
    }
    const self = k.fork(1);
    this.tasks.set('self', { name: 'self', pid: self, alive: true });
  }

  private fsOf(actor: string | undefined): SimFs {
    const t = this.tasks.get(actor ?? 'self');
    if (!t?.alive || t.zombie || t.unreaped) throw new Error(`task ${actor} is not alive`);
    return this.k.as(t.pid).fs;
  }

  /** Run one step; errors with a `code` become outcomes, anything else propagates. */
  step(step: Step): Outcome {
    try {
      return { ok: this.exec(step) };
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      if (typeof code === 'string' && /^E[A-Z0-9]+$/.test(code)) return { error: code };
      throw e;
    }
  }

  private exec(step: Step): unknown {
    const x = (t: string) => expand(t, this);
    switch (step.op) {
      case 'mount':
        this.k.mount(x(step.at), x(step.opts), step.remount ? { remount: true } : {});
        return null;
      case 'umount':
        this.k.umount(x(step.at));
        return null;
      case 'mkdir':
        if (step.mode !== undefined) this.fsOf(step.as).mkdirSync(x(step.path), { mode: parseInt(step.mode, 8) });
        else this.fsOf(step.as).mkdirSync(x(step.path));
        return null;
      case 'rmdir':
        this.fsOf(step.as).rmdirSync(x(step.path));
        return null;
      case 'unlink':
        this.fsOf(step.as).unlinkSync(x(step.path));
        return null;
      case 'rename':
        this.fsOf(step.as).renameSync(x(step.from), x(step.to));
        return null;
      case 'create':
        this.fsOf(step.as).writeFileSync(x(step.path), '');
        return null;
      case 'write':
        this.fsOf(step.as).writeFileSync(x(step.path), x(step.data));
        return null;
      case 'read':
        return normalizeText(step.path, this.fsOf(step.as).readFileSync(x(step.path), 'utf8'), this);
      case 'readdir':
        return normalizeNames(this.fsOf(step.as).readdirSync(x(step.path)).map(String), this, step.path);
      case 'stat': {
        const st = this.fsOf(step.as).statSync(x(step.path));
        return normalizeStat(st.mode, st.uid, st.gid);
      }
      case 'chmod':
        this.fsOf(step.as).chmodSync(x(step.path), parseInt(step.mode, 8));
        return null;
      case 'chown':
        this.fsOf(step.as).chownSync(x(step.path), step.uid, step.gid);
        return null;
      case 'open': {
        const actor = step.as ?? 'self';
        const fd = this.fsOf(actor).openSync(x(step.path), step.flags === 'r' ? O_RDONLY : O_WRONLY);
        this.fds.set(step.fd, { fd, path: step.path, actor, carry: '' });
        return null;
      }
      case 'fdread': {
        const f = this.openFd(step.fd);
        const buf = Buffer.alloc(step.size ?? 65536);
        const n = this.fsOf(f.actor).readSync(f.fd, buf, 0, buf.length, step.at ?? null);
        const r = normalizeChunk(
          f.path,
          step.at !== undefined ? '' : f.carry,
          buf.subarray(0, n).toString('latin1'),
          this,
        );
        if (step.at === undefined) f.carry = r.carry;
        return r.out;
      }
      case 'fdwrite': {
        const f = this.openFd(step.fd);
        this.fsOf(f.actor).writeSync(f.fd, x(step.data));
        return null;
      }
      case 'close': {
        const f = this.openFd(step.fd);
        this.fds.delete(step.fd);
        this.fsOf(f.actor).closeSync(f.fd);
        return null;
      }
      case 'spawn': {
        const parent = this.tasks.get(step.parent ?? 'self');
        if (!parent?.alive) throw new Error(`spawn: parent ${step.parent} is not alive`);
        const pid = this.k.fork(parent.pid);
        if (step.uid !== undefined || step.gid !== undefined) {
          this.k.setCredentials(pid, { uid: step.uid ?? 0, gid: step.gid ?? 0 });
        }
        this.tasks.set(step.task, { name: step.task, pid, alive: true });
        return null;
      }
      case 'thread': {
        const leaderName = step.task.split('.')[0] ?? '';
        const leader = this.tasks.get(leaderName);
        if (!leader?.alive) throw new Error(`thread: ${leaderName} is not alive`);
        const tid = this.k.fork(leader.pid, { thread: true });
        this.tasks.set(step.task, { name: step.task, pid: tid, alive: true, leader: leaderName });
        return null;
      }
      case 'kill': {
        const t = this.tasks.get(step.task);
        if (!t?.alive) throw new Error(`kill: ${step.task} is not alive`);
        if (t.leader === undefined) {
          for (const th of this.tasks.values()) {
            if (th.leader === t.name && th.alive) {
              this.k.exit(th.pid);
              th.alive = false;
            }
          }
        }
        if (!t.zombie) this.k.exit(t.pid);
        t.alive = false;
        return null;
      }
      case 'zombie': {
        // no unreaped zombies in the simulator: the process exits fully; its name stays
        // mapped to its pid until `reap`, as on the kernel
        const t = this.tasks.get(step.task);
        if (!t?.alive || t.leader !== undefined || t.zombie || t.unreaped)
          throw new Error(`zombie: ${step.task} is not a live process`);
        for (const th of this.tasks.values()) {
          if (th.leader === t.name && th.alive) {
            this.k.exit(th.pid);
            th.alive = false;
          }
        }
        this.k.exit(t.pid);
        t.unreaped = true;
        return null;
      }
      case 'reap': {
        const t = this.tasks.get(step.task);
        if (!t?.alive || !t.unreaped) throw new Error(`reap: ${step.task} is not a zombie`);
        t.alive = false;
        return null;
      }
      case 'leader_exit': {
        const t = this.tasks.get(step.task);
        if (!t?.alive || t.leader !== undefined || t.zombie)
          throw new Error(`leader_exit: ${step.task} is not a live process`);
        this.k.exit(t.pid);
        t.zombie = true;
        return null;
      }
      case 'releases': {
        const agents = new Map<string, string>();
        for (const [key, v] of this.values) if (/^(RM)?AGENT\d*$/.test(key)) agents.set(v, key);
        const lines: string[] = [];
        while (this.events.length !== 0) {
          const events = this.events;
          this.events = [];
          for (const ev of events) {
            const key = agents.get(ev.agent);
            if (key === undefined) continue;
            lines.push(`$${key} ${ev.path}`);
            if (key.startsWith('RMAGENT') && this.values.has('M1')) {
              try {
                this.k.fs.rmdirSync(`${this.resource('M1')}${ev.path}`);
              } catch {
                // the agent's rmdir failed (busy, gone): the kernel's agent ignores it too
              }
            }
          }
        }
        return normalizeReleases(lines, step.ordered === true);
      }
      case 'settle':
        return null;
    }
  }

  private openFd(name: string): { fd: number; path: string; actor: string; carry: string } {
    const f = this.fds.get(name);
    if (!f) throw new Error(`unknown fd ${name}`);
    return f;
  }

  /** Close descriptors left open by a failing replay (the simulator's fd table is global). */
  dispose(): void {
    for (const [name, f] of this.fds) {
      try {
        this.fsOf(f.actor).closeSync(f.fd);
      } catch {
        // already closed or the actor is gone
      }
      this.fds.delete(name);
    }
  }
}
