/**
 * Kernel-recorded scenarios: the format, the builder DSL, template expansion and the output
 * normalization shared by the live recorder (record.ts / live.ts) and the simulator replay
 * (replay.test.ts / sim.ts). See README.md beside this file.
 *
 * A scenario is a list of steps. Strings in steps are templates:
 *   $M1, $M2 ...     mount points ('m1' → a temp dir on the kernel, /cg/m1 in the simulator)
 *   $H1, $H2 ...     hierarchy names (unique per recording on the kernel)
 *   $L1 ...          a hierarchy name of exactly 63 characters (the maximum)
 *   $AGENT, $AGENT2  release agent paths (on the kernel: scripts that log their argv)
 *   $RMAGENT         a release agent that logs its argv, then removes the released cgroup
 *                    under $M1 (rmdir "$M1$1"), as a cleanup agent does
 *   $self, $init, $p1, $p1.t1, $u1 ...  task ids (a letter and digits, '.tN' for threads);
 *                    `$p1:x` is the pid in hex (0x...), `$p1:X` in upper-case hex (0X...),
 *                    `$p1:o` in octal (0...)
 *   $(c*N)           the character c repeated N times
 * Outputs are normalized back to the same placeholders, so a fixture is identical whatever
 * pids, hierarchy ids or temp paths the recording machine used.
 */

/** A task acting for a step: 'self' (default), 'p1', 'p1.t1', 'u1', ... */
export type Actor = string;

export type Step =
  | { op: 'mount'; at: string; opts: string; remount?: boolean }
  | { op: 'umount'; at: string }
  | { op: 'mkdir'; path: string; mode?: string; as?: Actor }
  | { op: 'rmdir'; path: string; as?: Actor }
  | { op: 'rename'; from: string; to: string; as?: Actor }
  | { op: 'unlink'; path: string; as?: Actor }
  | { op: 'create'; path: string; as?: Actor }
  | { op: 'write'; path: string; data: string; as?: Actor }
  | { op: 'read'; path: string; as?: Actor }
  | { op: 'readdir'; path: string; as?: Actor }
  | { op: 'stat'; path: string; as?: Actor }
  | { op: 'chmod'; path: string; mode: string; as?: Actor }
  | { op: 'chown'; path: string; uid: number; gid: number; as?: Actor }
  | { op: 'spawn'; task: string; parent?: Actor; uid?: number; gid?: number }
  | { op: 'thread'; task: string }
  | { op: 'kill'; task: string }
  | { op: 'zombie'; task: string }
  | { op: 'reap'; task: string }
  | { op: 'leader_exit'; task: string }
  | { op: 'open'; fd: string; path: string; flags: 'r' | 'w'; as?: Actor }
  | { op: 'fdread'; fd: string; size?: number; at?: number }
  | { op: 'fdwrite'; fd: string; data: string }
  | { op: 'close'; fd: string }
  | { op: 'releases'; ordered?: boolean }
  | { op: 'settle' };

export type Op = Step['op'];

/** The result of one step, as stored in a fixture. */
export type Outcome = { ok: unknown } | { error: string };

export interface StatResult {
  type: 'dir' | 'file' | 'other';
  mode: string; // permission bits, 4 octal digits
  uid: number;
  gid: number;
}

export interface Scenario {
  name: string;
  title: string;
  /** Rules covered, as semantics.md section references plus a few words. */
  covers: string[];
  steps: Step[];
}

export interface RecordedStep {
  step: Step;
  expect: Outcome;
}

export interface Fixture {
  name: string;
  title: string;
  covers: string[];
  recordedOn: string; // kernel release
  steps: RecordedStep[];
}

// ---------------------------------------------------------------------------------------
// Builder DSL

type AsOpt = { as?: Actor };

/** Builds the steps of one scenario; every method appends a step. */
export class ScenarioBuilder {
  readonly steps: Step[] = [];

  private push(step: Step, as?: Actor): this {
    if (as !== undefined && as !== 'self') (step as { as?: Actor }).as = as;
    this.steps.push(step);
    return this;
  }

  mount(at: string, opts: string): this {
    return this.push({ op: 'mount', at, opts });
  }
  remount(at: string, opts: string): this {
    return this.push({ op: 'mount', at, opts, remount: true });
  }
  umount(at: string): this {
    return this.push({ op: 'umount', at });
  }
  mkdir(path: string, o: AsOpt & { mode?: string } = {}): this {
    const step: Step = { op: 'mkdir', path };
    if (o.mode !== undefined) step.mode = o.mode;
    return this.push(step, o.as);
  }
  rmdir(path: string, o: AsOpt = {}): this {
    return this.push({ op: 'rmdir', path }, o.as);
  }
  rename(from: string, to: string, o: AsOpt = {}): this {
    return this.push({ op: 'rename', from, to }, o.as);
  }
  unlink(path: string, o: AsOpt = {}): this {
    return this.push({ op: 'unlink', path }, o.as);
  }
  create(path: string, o: AsOpt = {}): this {
    return this.push({ op: 'create', path }, o.as);
  }
  write(path: string, data: string, o: AsOpt = {}): this {
    return this.push({ op: 'write', path, data }, o.as);
  }
  read(path: string, o: AsOpt = {}): this {
    return this.push({ op: 'read', path }, o.as);
  }
  readdir(path: string, o: AsOpt = {}): this {
    return this.push({ op: 'readdir', path }, o.as);
  }
  stat(path: string, o: AsOpt = {}): this {
    return this.push({ op: 'stat', path }, o.as);
  }
  chmod(path: string, mode: string, o: AsOpt = {}): this {
    return this.push({ op: 'chmod', path, mode }, o.as);
  }
  chown(path: string, uid: number, gid: number, o: AsOpt = {}): this {
    return this.push({ op: 'chown', path, uid, gid }, o.as);
  }
  /** A new process (a copy of `parent`, default self), optionally with other credentials. */
  spawn(task: string, o: { parent?: Actor; uid?: number; gid?: number } = {}): this {
    const step: Step = { op: 'spawn', task };
    if (o.parent !== undefined && o.parent !== 'self') step.parent = o.parent;
    if (o.uid !== undefined) step.uid = o.uid;
    if (o.gid !== undefined) step.gid = o.gid;
    return this.push(step);
  }
  /** A new thread 'p1.tN' in process p1. */
  thread(task: string): this {
    return this.push({ op: 'thread', task });
  }
  /** SIGKILL a process (all its threads) and reap it; for 'p1.tN' the thread exits. */
  kill(task: string): this {
    return this.push({ op: 'kill', task });
  }
  /**
   * SIGKILL a process without reaping it: it stays a zombie (its pid taken, /proc/<pid>
   * present) until `reap`. Do not act as it afterwards. The simulator has no unreaped
   * zombies: there `zombie` is a full exit (`k.exit`) and `reap` does nothing, so the
   * fixture records where the two differ.
   */
  zombie(task: string): this {
    return this.push({ op: 'zombie', task });
  }
  /** The parent of a `zombie` reaps it (waitpid). */
  reap(task: string): this {
    return this.push({ op: 'reap', task });
  }
  /**
   * The thread-group leader of p1 exits alone (SYS_exit from its main thread) while its
   * threads live on: it becomes a zombie whose pid still names the group in cgroup.procs.
   * Do not act as p1 afterwards, and kill p1 (not its threads) to end it.
   */
  leaderExit(task: string): this {
    return this.push({ op: 'leader_exit', task });
  }
  open(fd: string, path: string, flags: 'r' | 'w', o: AsOpt = {}): this {
    return this.push({ op: 'open', fd, path, flags }, o.as);
  }
  /**
   * One read(2) of up to `size` bytes (default 65536) at the file position, or one pread(2)
   * at offset `at` (which leaves the position alone). For files whose outputs are normalized
   * line by line (tasks, cgroup.procs, /proc/<pid>/cgroup, /proc/mounts) the outcome is the
   * lines this read completed; a partial last line is kept for the next sequential read of
   * the descriptor (a pread starts and ends its own line buffer). Byte offsets into those
   * files depend on the machine's pids and paths: only use `at: 0` and sizes below the
   * shortest line there.
   */
  fdread(fd: string, o: { size?: number; at?: number } = {}): this {
    const step: Step = { op: 'fdread', fd };
    if (o.size !== undefined) step.size = o.size;
    if (o.at !== undefined) step.at = o.at;
    return this.push(step);
  }
  fdwrite(fd: string, data: string): this {
    return this.push({ op: 'fdwrite', fd, data });
  }
  close(fd: string): this {
    return this.push({ op: 'close', fd });
  }
  /** The release-agent invocations since the previous `releases` step (sorted). */
  releases(): this {
    return this.push({ op: 'releases' });
  }
  /**
   * The release-agent invocations since the previous `releases` step, in the order the
   * agents logged them (on the kernel: the order their scripts appended to the shared log;
   * in the simulator: the order of the 'release' events). Only use it where the kernel's
   * order proved stable (`npm run record -- --check`).
   */
  releasesOrdered(): this {
    return this.push({ op: 'releases', ordered: true });
  }
  /**
   * Let the kernel finish deferred work (300 ms on the kernel, nothing in the simulator): a
   * removed cgroup stays on its parent's children list until an RCU-deferred release, and
   * until then the root counts as having children (remount EBUSY, umount keeps it alive).
   */
  settle(): this {
    return this.push({ op: 'settle' });
  }
  /** Move task(s) into a cgroup dir by writing each id to its tasks file (as self). */
  move(dir: string, ...tasks: string[]): this {
    for (const t of tasks) this.write(`${dir}/tasks`, `$${t}`);
    return this;
  }
}

export function scenario(name: string, title: string, covers: string[], build: (s: ScenarioBuilder) => void): Scenario {
  const b = new ScenarioBuilder();
  build(b);
  return { name, title, covers, steps: b.steps };
}

// ---------------------------------------------------------------------------------------
// Templates

/** What a runner knows to expand templates and to normalize outputs. */
export interface Env {
  /** Real value of a resource placeholder: 'M1' → mount path, 'H1'/'L1' → name, 'AGENT' → path. */
  resource(key: string): string;
  /** Pid of a named task, also after it died (for writing stale pids); undefined if never seen. */
  pidOf(task: string): number | undefined;
  /** Names of the live tasks by pid, for normalizing listings (pid 1 is 'init'). */
  liveNames(): Map<number, string>;
  /** The resource placeholders this scenario uses, with their real values. */
  resources(): Array<[key: string, value: string]>;
}

/** The part of an Env both runners share: placeholder values and the named tasks. */
export abstract class EnvBase<T extends { name: string; pid: number; alive: boolean }> implements Env {
  protected readonly tasks = new Map<string, T>();
  protected readonly values = new Map<string, string>();

  resource(key: string): string {
    const v = this.values.get(key);
    if (v === undefined) throw new Error(`unknown placeholder $${key}`);
    return v;
  }
  pidOf(task: string): number | undefined {
    if (task === 'init') return 1;
    return this.tasks.get(task)?.pid;
  }
  liveNames(): Map<number, string> {
    const m = new Map<number, string>([[1, 'init']]);
    for (const t of this.tasks.values()) if (t.alive) m.set(t.pid, t.name);
    return m;
  }
  resources(): Array<[string, string]> {
    return [...this.values.entries()];
  }
}

const FILL = /\$\((.)\*(\d+)\)/g;
const TOKEN = /\$(M\d+|H\d+|L\d+|RMAGENT\d*|AGENT\d*|self|init|[a-z]\d+(?:\.t\d+)?)(?::([xXo]))?/g;

export function isResourceKey(key: string): boolean {
  return /^[A-Z]/.test(key);
}

/** Expand a template string. Throws on an unknown task. */
export function expand(template: string, env: Env): string {
  const filled = template.replace(FILL, (_m, c: string, n: string) => c.repeat(Number(n)));
  return filled.replace(TOKEN, (_m, key: string, radix?: string) => {
    if (isResourceKey(key)) return env.resource(key);
    const pid = env.pidOf(key);
    if (pid === undefined) throw new Error(`unknown task $${key}`);
    if (radix === 'x') return `0x${pid.toString(16)}`;
    if (radix === 'X') return `0X${pid.toString(16).toUpperCase()}`;
    if (radix === 'o') return `0${pid.toString(8)}`;
    return String(pid);
  });
}

/** Every resource placeholder a scenario mentions (M1, H1, L1, AGENT, ...). */
export function resourceKeys(sc: { steps: Step[] }): string[] {
  const keys = new Set<string>();
  for (const step of sc.steps) {
    for (const v of Object.values(step)) {
      if (typeof v !== 'string') continue;
      for (const m of v.matchAll(TOKEN)) if (m[1] !== undefined && isResourceKey(m[1])) keys.add(m[1]);
    }
  }
  return [...keys].sort();
}

// ---------------------------------------------------------------------------------------
// Normalization (identical on both sides)

/** Runs of 32 or more equal characters become $(c*N), so fixtures stay short. */
export function compress(s: string): string {
  return s.replace(/([^$()*\n])\1{31,}/g, (m, c: string) => `$(${c}*${m.length})`);
}

/** Replace every real resource value by its placeholder, longest values first. */
export function substitute(s: string, env: Env): string {
  const pairs = env.resources().sort((a, b) => b[1].length - a[1].length);
  for (const [key, value] of pairs) if (value !== '') s = s.split(value).join(`$${key}`);
  return s;
}

function pidList(text: string, env: Env): string {
  const names = env.liveNames();
  let out = '';
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const name = names.get(Number(line));
    if (name !== undefined) out += `$${name}\n`;
  }
  return out;
}

/** Lines `ID:controllers:path` of the scenario's own hierarchies, id → $H<n>. */
function procCgroup(text: string, env: Env): string {
  const ours = new Map<string, string>();
  for (const [key, value] of env.resources()) if (/^[HL]\d+$/.test(key)) ours.set(value, key);
  let out = '';
  for (const line of text.split('\n')) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line);
    if (!m) continue;
    const names = (m[2] ?? '').split(',').filter((c) => c.startsWith('name='));
    const key = names.map((c) => ours.get(c.slice(5))).find((k) => k !== undefined);
    if (key === undefined) continue;
    out += substitute(`$${key}:${m[2]}:${m[3]}`, env) + '\n';
  }
  return out;
}

/** /proc/mounts lines whose mount point is one of the scenario's. */
function procMounts(text: string, env: Env): string {
  const points = new Set(
    env
      .resources()
      .filter(([k]) => /^M\d+$/.test(k))
      .map(([, v]) => v),
  );
  let out = '';
  for (const line of text.split('\n')) {
    const fields = line.split(' ');
    if (fields[1] !== undefined && points.has(fields[1])) out += substitute(line, env) + '\n';
  }
  return out;
}

/**
 * /proc/<pid>/status: only the Tgid, Pid, PPid and Threads lines (pids become $name, pids
 * not the scenario's `$?`), and the State line of a zombie (a live task's state letter
 * depends on timing). Do not read the status of `self`: its parent is the recorder.
 */
function procStatus(text: string, env: Env): string {
  const names = env.liveNames();
  let out = '';
  for (const line of text.split('\n')) {
    const m = /^(Tgid|Pid|PPid|Threads|State):\t(.*)$/.exec(line);
    if (!m) continue;
    const [, key, value = ''] = m;
    if (key === 'State') {
      if (value.startsWith('Z')) out += `${line}\n`;
    } else if (key === 'Threads' || value === '0') {
      out += `${line}\n`;
    } else {
      const name = names.get(Number(value));
      out += `${key}:\t$${name ?? '?'}\n`;
    }
  }
  return out;
}

const PID_LIST = /(^|\/)(tasks|cgroup\.procs)$/;
const PROC_CGROUP = /^\/proc\/[^/]+(\/task\/[^/]+)?\/cgroup$/;
const PROC_STATUS = /^\/proc\/[^/]+(\/task\/[^/]+)?\/status$/;

/** Normalize the text read from `pathTemplate` (the unexpanded step path). */
export function normalizeText(pathTemplate: string, text: string, env: Env): string {
  let out: string;
  if (PID_LIST.test(pathTemplate)) out = pidList(text, env);
  else if (PROC_CGROUP.test(pathTemplate)) out = procCgroup(text, env);
  else if (PROC_STATUS.test(pathTemplate)) out = procStatus(text, env);
  else if (pathTemplate === '/proc/mounts') out = procMounts(text, env);
  else out = substitute(text, env);
  return compress(out);
}

/** True for the files whose normalization works line by line (and drops lines). */
export function lineNormalized(pathTemplate: string): boolean {
  return (
    PID_LIST.test(pathTemplate) ||
    PROC_CGROUP.test(pathTemplate) ||
    PROC_STATUS.test(pathTemplate) ||
    pathTemplate === '/proc/mounts'
  );
}

/**
 * Normalize one read(2) of a descriptor: for line-normalized files, the lines this chunk
 * completes (with `carry`, the partial line left by the previous read); the new partial
 * line is returned as `carry`. Other files: the chunk itself.
 */
export function normalizeChunk(
  pathTemplate: string,
  carry: string,
  chunk: string,
  env: Env,
): { out: string; carry: string } {
  if (!lineNormalized(pathTemplate)) return { out: normalizeText(pathTemplate, chunk, env), carry: '' };
  const whole = carry + chunk;
  const end = whole.lastIndexOf('\n') + 1;
  return { out: normalizeText(pathTemplate, whole.slice(0, end), env), carry: whole.slice(end) };
}

/**
 * A directory listing, sorted. In /proc/<pid>/task the names are thread ids: they become
 * `$name` (`$?` for a task not the scenario's).
 */
export function normalizeNames(names: string[], env: Env, pathTemplate = ''): string[] {
  if (/^\/proc\/[^/]+\/task$/.test(pathTemplate)) {
    const live = env.liveNames();
    return names.map((n) => `$${live.get(Number(n)) ?? '?'}`).sort();
  }
  return names.map((n) => compress(substitute(n, env))).sort();
}

export function normalizeStat(mode: number, uid: number, gid: number): StatResult {
  const fmt = mode & 0o170000;
  const type = fmt === 0o040000 ? 'dir' : fmt === 0o100000 ? 'file' : 'other';
  return { type, mode: (mode & 0o7777).toString(8).padStart(4, '0'), uid, gid };
}

/** `releases` lines: '$AGENT /path', sorted (or as logged, for an ordered `releases`). */
export function normalizeReleases(lines: string[], ordered = false): string[] {
  return ordered ? [...lines] : [...lines].sort();
}

/** The placeholder values the simulator uses (the kernel side makes unique ones). */
export function simResource(key: string): string {
  let m: RegExpExecArray | null;
  if ((m = /^M(\d+)$/.exec(key))) return `/cg/m${m[1]}`;
  if ((m = /^H(\d+)$/.exec(key))) return `cgsim_h${m[1]}`;
  if ((m = /^L(\d+)$/.exec(key))) return `cgsim_long${m[1]}_`.padEnd(63, 'x');
  if ((m = /^AGENT(\d*)$/.exec(key))) return `/sbin/cgsim-agent${m[1] ?? ''}`;
  if ((m = /^RMAGENT(\d*)$/.exec(key))) return `/sbin/cgsim-rmagent${m[1] ?? ''}`;
  throw new Error(`unknown placeholder $${key}`);
}

/** Step description for messages: 'step 7 write $M1/a/tasks "abc"'. */
export function describe(index: number, step: Step): string {
  const parts: string[] = [`step ${index}`, step.op];
  const s = step as Record<string, unknown>;
  for (const k of ['at', 'path', 'from', 'to', 'task', 'fd', 'opts', 'mode', 'uid', 'gid', 'size']) {
    if (s[k] === undefined) continue;
    parts.push(step.op === 'fdread' ? `${k}=${String(s[k])}` : String(s[k]));
  }
  if (typeof s.data === 'string') parts.push(JSON.stringify(compress(s.data)));
  if (s.remount) parts.push('(remount)');
  if (s.ordered) parts.push('(ordered)');
  if (s.as !== undefined) parts.push(`as ${String(s.as)}`);
  if (s.parent !== undefined) parts.push(`from ${String(s.parent)}`);
  return parts.join(' ');
}

/** Compare two outcomes as JSON (order of object keys normalized). */
export function sameOutcome(a: Outcome, b: Outcome): boolean {
  return canonical(a) === canonical(b);
}

export function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([p], [q]) => (p < q ? -1 : 1)))
      : x,
  );
}
