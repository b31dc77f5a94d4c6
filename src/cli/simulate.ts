/**
 * `cgsim simulate`: the default simulation, what a new user sees first.
 *
 * A node (4 CPUs, 1 memory node) boots with three hierarchies:
 *
 *   /sys/fs/cgroup/cpuset    cpuset   /system on CPU 0, /services on CPUs 1-3
 *   /sys/fs/cgroup/cpuacct   cpuacct  per-service CPU accounting
 *   /sys/fs/cgroup/sim       name=sim, release_agent set, notify_on_release on /services
 *                            and /jobs: per-job groups are left for the agent to remove
 *
 * and a tree of services, each started as one daemon task attached to its groups:
 *
 *   /system/sshd  /system/cron  /services/web/frontend  /services/web/api
 *   /services/db  /services/cache
 *
 * Then, step by step: every service forks a batch of workers (k.forkMany from its daemon:
 * children inherit its cgroups), some workers migrate between sibling services
 * (k.attachMany), every live worker is charged CPU time (k.chargeMany), and a share of the
 * workers exit (k.exitMany). cron starts batch jobs: each gets a fresh cgroup
 * /sim/jobs/job-N, and when its tasks have all exited the group is released and the
 * release agent (a function here, standing in for a script doing `rmdir`) removes it.
 *
 * Everything random comes from a seeded PRNG: the same flags give the same result (counts,
 * css_sets, CPU time, trees) on either engine. Only `timing` depends on the machine.
 */

import type { EngineKind } from '../engine/types.ts';
import type { ReleaseEvent } from '../kernel.ts';
import { Kernel } from '../kernel.ts';
import { builtinSubsystems } from '../subsys/index.ts';
import { ENGINE_CHOICES, pickEngine } from './engine.ts';
import type { Io } from './io.ts';
import { bytes, compact, grouped } from './io.ts';
import type { OptionSpec } from './options.ts';
import { formatOptions, HELP_OPTION, PROGRESS_OPTION, parseOptions, UsageError } from './options.ts';
import { Prng } from './prng.ts';
import { Progress } from './progress.ts';
import type { CgroupRow } from './tree.ts';
import { cgroupTreeNode, formatTree, readCgroupTree, seconds } from './tree.ts';

export const CPUSET = '/sys/fs/cgroup/cpuset';
export const CPUACCT = '/sys/fs/cgroup/cpuacct';
export const SIM = '/sys/fs/cgroup/sim';
export const RELEASE_AGENT = '/usr/local/sbin/cgsim-release';

export interface SimOptions {
  engine: EngineKind;
  /** Tasks to fork over the whole run (the churn). */
  tasks: number;
  /** Steps of the run. */
  steps: number;
  seed: number;
  /** Stop early after this many milliseconds of wall time (makes the result machine-dependent). */
  durationMs?: number;
  onProgress?: (fraction: number, note: string) => void;
}

/** A service: where its daemon lives and how it behaves. */
interface Service {
  name: string;
  cpuset: string; // cpuset group
  path: string; // group in the cpuacct and sim hierarchies
  weight: number; // share of the forks
  cpuMeanNs: number; // mean CPU time charged per worker per step
  sysShare: number; // fraction of charges that are system time
  cpus: readonly number[]; // CPUs it runs on (its cpuset)
  peer?: string; // a sibling service its workers migrate to
  leader: number;
  pool: Pool;
}

interface Job {
  id: number;
  path: string; // relative to the hierarchy root
  pids: Int32Array;
  endStep: number;
}

const SERVICES: ReadonlyArray<Omit<Service, 'leader' | 'pool'>> = [
  { name: 'sshd', cpuset: '/system', path: '/system/sshd', weight: 1, cpuMeanNs: 20_000, sysShare: 0.5, cpus: [0] },
  { name: 'cron', cpuset: '/system', path: '/system/cron', weight: 1, cpuMeanNs: 10_000, sysShare: 0.3, cpus: [0] },
  {
    name: 'frontend',
    cpuset: '/services',
    path: '/services/web/frontend',
    weight: 8,
    cpuMeanNs: 150_000,
    sysShare: 0.2,
    cpus: [1, 2, 3],
    peer: 'api',
  },
  {
    name: 'api',
    cpuset: '/services',
    path: '/services/web/api',
    weight: 6,
    cpuMeanNs: 300_000,
    sysShare: 0.2,
    cpus: [1, 2, 3],
    peer: 'frontend',
  },
  {
    name: 'db',
    cpuset: '/services',
    path: '/services/db',
    weight: 3,
    cpuMeanNs: 800_000,
    sysShare: 0.4,
    cpus: [2, 3],
    peer: 'cache',
  },
  {
    name: 'cache',
    cpuset: '/services',
    path: '/services/cache',
    weight: 2,
    cpuMeanNs: 100_000,
    sysShare: 0.1,
    cpus: [1],
    peer: 'db',
  },
];

/** Fraction of a service's workers that exit at each step. */
const EXIT_RATE = 0.1;
/** Fraction of a service's workers that migrate to its peer at each step. */
const MIGRATE_RATE = 0.02;
/** Share of all forks that go to cron's batch jobs. */
const JOB_SHARE = 0.05;

/** A set of pids with O(1) add and random removal, stored in an Int32Array. */
class Pool {
  private buf = new Int32Array(1024);
  size = 0;

  add(pids: Int32Array): void {
    if (this.size + pids.length > this.buf.length) {
      const bigger = new Int32Array(Math.max(this.buf.length * 2, this.size + pids.length));
      bigger.set(this.buf.subarray(0, this.size));
      this.buf = bigger;
    }
    this.buf.set(pids, this.size);
    this.size += pids.length;
  }

  /** Remove `n` pids chosen at random (a partial Fisher-Yates from the end). */
  take(n: number, rng: Prng): Int32Array {
    n = Math.min(n, this.size);
    const b = this.buf;
    for (let i = 0; i < n; i++) {
      const last = this.size - 1 - i;
      const j = rng.int(last + 1);
      const t = b[j]!;
      b[j] = b[last]!;
      b[last] = t;
    }
    this.size -= n;
    return b.slice(this.size, this.size + n);
  }

  view(): Int32Array {
    return this.buf.subarray(0, this.size);
  }
}

export interface SimResult {
  engine: EngineKind;
  seed: number;
  steps: number;
  stepsRun: number;
  tasks: { forked: number; exited: number; live: number; peak: number };
  migrations: number;
  charges: number;
  cpuNs: number;
  jobs: { created: number; released: number; removed: number; running: number };
  operations: number;
  stats: { tasks: number; cssSets: number; cgroups: number; hierarchies: number; memoryBytes: number };
  hierarchies: Array<{ mount: string; name: string; subsystems: string[]; releaseAgent: string; tree: CgroupRow }>;
}

export interface SimRun {
  result: SimResult;
  kernel: Kernel;
  elapsedMs: number;
}

/** Run the default simulation. */
export async function simulate(opts: SimOptions): Promise<SimRun> {
  const steps = Math.max(1, Math.floor(opts.steps));
  const totalTasks = Math.max(0, Math.floor(opts.tasks));
  const rng = new Prng(opts.seed);
  const started = performance.now();

  let released = 0;
  let removed = 0;
  let k: Kernel | undefined;
  // The release agent: what a `rmdir "/sys/fs/cgroup/sim$1"` script would do.
  const agent = (ev: ReleaseEvent): void => {
    released++;
    const mount = k!.hierarchies().find((h) => h.id === ev.hierarchy)?.mounts[0];
    if (mount === undefined) return;
    k!.fs.rmdirSync(mount + ev.path);
    removed++;
  };
  // pids and ns have fork/attach callbacks; leaving them out keeps batch forks in the engine.
  const subsystems = builtinSubsystems().filter((ss) => ['cpuset', 'cpuacct', 'debug'].includes(ss.name));
  k = await Kernel.create({ engine: opts.engine, cpus: 4, mems: 1, subsystems, releaseAgent: agent });
  const fs = k.fs;

  k.mount(CPUSET, 'cpuset');
  k.mount(CPUACCT, 'cpuacct');
  k.mount(SIM, `none,name=sim,release_agent=${RELEASE_AGENT}`);
  for (const [dir, cpus] of [
    ['system', '0'],
    ['services', '1-3'],
  ] as const) {
    fs.mkdirSync(`${CPUSET}/${dir}`);
    fs.writeFileSync(`${CPUSET}/${dir}/cpuset.cpus`, cpus);
    fs.writeFileSync(`${CPUSET}/${dir}/cpuset.mems`, '0');
  }
  fs.writeFileSync(`${CPUSET}/system/cpuset.cpu_exclusive`, '1');
  for (const root of [CPUACCT, SIM]) {
    for (const dir of ['/system', '/services']) fs.mkdirSync(root + dir);
    if (root === SIM) {
      // Inherited at mkdir by everything created below.
      fs.writeFileSync(`${SIM}/services/notify_on_release`, '1');
      fs.mkdirSync(`${SIM}/jobs`);
      fs.writeFileSync(`${SIM}/jobs/notify_on_release`, '1');
    }
    for (const s of SERVICES) fs.mkdirSync(root + s.path, { recursive: true });
  }

  let operations = 0;
  const services: Service[] = SERVICES.map((s) => {
    const leader = k!.fork(1, { name: s.name });
    k!.attach(leader, CPUSET + s.cpuset);
    k!.attach(leader, CPUACCT + s.path);
    k!.attach(leader, SIM + s.path);
    operations += 4;
    return { ...s, leader, pool: new Pool() };
  });
  const byName = new Map(services.map((s) => [s.name, s]));
  const cron = byName.get('cron')!;
  const weightSum = services.reduce((a, s) => a + s.weight, 0);

  let forked = 0;
  let exited = 0;
  let migrations = 0;
  let charges = 0;
  let peak = 0;
  let live = 0;
  let jobsCreated = 0;
  const jobs: Job[] = [];
  let stepsRun = 0;
  let nsBuf = new Float64Array(1024);

  const chargeAll = (s: Service, step: number): void => {
    const pids = s.pool.view();
    if (pids.length === 0) return;
    if (nsBuf.length < pids.length) nsBuf = new Float64Array(pids.length * 2);
    const ns = nsBuf.subarray(0, pids.length);
    const mean = s.cpuMeanNs;
    for (let i = 0; i < ns.length; i++) ns[i] = Math.floor(mean * 2 * rng.next());
    const nSys = Math.floor(pids.length * s.sysShare);
    const cpu = s.cpus[step % s.cpus.length]!;
    // The first nSys workers spent this step in the kernel, the rest in user space.
    if (nSys > 0) k!.chargeMany(pids.subarray(0, nSys), ns.subarray(0, nSys), { cpu, mode: 'system' });
    k!.chargeMany(pids.subarray(nSys), ns.subarray(nSys), { cpu, mode: 'user' });
    charges += pids.length;
    operations += pids.length;
  };

  for (let step = 0; step < steps; step++) {
    if (opts.durationMs !== undefined && performance.now() - started > opts.durationMs) break;
    // Forks this step: an even share of the total, the last step takes the remainder.
    const quota = step === steps - 1 ? totalTasks - forked : Math.floor(totalTasks / steps);
    const jobQuota = Math.floor(quota * JOB_SHARE);
    let left = quota - jobQuota;
    services.forEach((s, i) => {
      const n =
        i === services.length - 1 ? left : Math.min(left, Math.round(((quota - jobQuota) * s.weight) / weightSum));
      left -= n;
      if (n <= 0) return;
      s.pool.add(k!.forkMany(s.leader, n));
      forked += n;
      operations += n;
    });

    // cron starts a job: a new group in the sim hierarchy, its tasks forked by cron.
    if (jobQuota > 0) {
      const id = ++jobsCreated;
      const path = `/jobs/job-${String(id).padStart(6, '0')}`;
      fs.mkdirSync(SIM + path);
      const pids = k.forkMany(cron.leader, jobQuota);
      k.attachMany(pids, SIM + path);
      forked += jobQuota;
      operations += 2 * jobQuota + 1;
      jobs.push({ id, path, pids, endStep: step + rng.range(1, 4) });
    }

    // Workers hand over to a sibling service (both hierarchies follow).
    for (const s of services) {
      if (s.peer === undefined) continue;
      const peer = byName.get(s.peer)!;
      const moving = s.pool.take(Math.floor(s.pool.size * MIGRATE_RATE * rng.next() * 2), rng);
      if (moving.length === 0) continue;
      k.attachMany(moving, CPUACCT + peer.path);
      k.attachMany(moving, SIM + peer.path);
      peer.pool.add(moving);
      migrations += moving.length;
      operations += 2 * moving.length;
    }

    // Everyone runs for a while.
    for (const s of services) chargeAll(s, step);
    for (const job of jobs) {
      const ns = new Float64Array(job.pids.length);
      for (let i = 0; i < ns.length; i++) ns[i] = Math.floor(50_000 * rng.next());
      k.chargeMany(job.pids, ns, { cpu: 0 });
      charges += ns.length;
      operations += ns.length;
    }

    liveCount();
    // Some workers finish; jobs that are done exit as a whole (and get released).
    for (const s of services) {
      const dying = s.pool.take(Math.round(s.pool.size * EXIT_RATE), rng);
      if (dying.length === 0) continue;
      k.exitMany(dying);
      exited += dying.length;
      operations += dying.length;
    }
    for (let i = 0; i < jobs.length; ) {
      const job = jobs[i]!;
      if (job.endStep > step) {
        i++;
        continue;
      }
      k.exitMany(job.pids);
      exited += job.pids.length;
      operations += job.pids.length;
      jobs.splice(i, 1);
    }
    stepsRun = step + 1;
    opts.onProgress?.(stepsRun / steps, `step ${stepsRun}/${steps}, ${live.toLocaleString('en-US')} tasks`);
  }
  liveCount();
  operations += removed;

  function liveCount(): void {
    live = k!.stats().tasks;
    if (live > peak) peak = live;
  }

  const elapsedMs = performance.now() - started;
  const stats = k.stats();
  const rootCpu = readCgroupTree(k, CPUACCT).cpuNs ?? 0n;
  const result: SimResult = {
    engine: opts.engine,
    seed: opts.seed,
    steps,
    stepsRun,
    tasks: { forked, exited, live: stats.tasks, peak },
    migrations,
    charges,
    cpuNs: Number(rootCpu),
    jobs: { created: jobsCreated, released, removed, running: jobs.length },
    operations,
    stats: { ...stats },
    hierarchies: k.hierarchies().map((h) => ({
      mount: h.mounts[0]!,
      name: h.name,
      subsystems: h.subsystems,
      releaseAgent: h.releaseAgent,
      tree: readCgroupTree(k!, h.mounts[0]!),
    })),
  };
  return { result, kernel: k, elapsedMs };
}

// ---------------------------------------------------------------- the command

export const SIMULATE_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'tasks',
    short: 'n',
    type: 'number',
    arg: 'N',
    description: 'tasks forked over the run (1M, 250k, ...)',
    default: 1_000_000,
  },
  { name: 'size', type: 'number', arg: 'N', description: 'same as --tasks' },
  { name: 'steps', short: 's', type: 'number', arg: 'N', description: 'simulation steps', default: 100 },
  {
    name: 'duration',
    short: 'd',
    type: 'number',
    arg: 'SECONDS',
    description: 'stop after SECONDS of wall time (makes the run machine-dependent)',
  },
  { name: 'seed', type: 'number', arg: 'N', description: 'PRNG seed: the same seed gives the same result', default: 1 },
  {
    name: 'engine',
    short: 'e',
    type: 'string',
    arg: 'KIND',
    choices: ENGINE_CHOICES,
    description: 'auto, wasm or reference',
    default: 'auto',
  },
  { name: 'json', type: 'boolean', description: 'print a machine-readable summary on stdout' },
  PROGRESS_OPTION,
  HELP_OPTION,
];

export const SIMULATE_HELP = `Usage: cgsim simulate [options]

Boot a 4-CPU node with cpuset, cpuacct and a named hierarchy (name=sim, with a release
agent), start a tree of services, and run a churn of tasks: forks, exits, migrations
between services, CPU charging, and batch jobs whose empty groups the release agent
removes. Prints a summary and the hierarchy trees with task counts and CPU time.

Options:
${formatOptions(SIMULATE_OPTIONS)}
`;

export async function simulateCommand(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseOptions(argv, SIMULATE_OPTIONS);
  if (values.help) {
    io.stdout.write(SIMULATE_HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const tasks = Number(values.size ?? values.tasks);
  const steps = Number(values.steps);
  const seed = Number(values.seed);
  if (!Number.isInteger(tasks) || tasks < 0) throw new UsageError('--tasks must be a whole number >= 0');
  if (!Number.isInteger(steps) || steps < 1) throw new UsageError('--steps must be a whole number >= 1');
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
    throw new UsageError('--seed must be an integer in 0 .. 2^32-1');
  const duration = values.duration as number | undefined;
  if (duration !== undefined && !(duration > 0)) throw new UsageError('--duration must be > 0');
  const engine = pickEngine(values.engine as string, (m) => io.stderr.write(m + '\n'));

  const progress = new Progress(io.stderr, 'simulate ');
  const run = await simulate({
    engine,
    tasks,
    steps,
    seed,
    ...(duration !== undefined ? { durationMs: duration * 1000 } : {}),
    ...(values.progress ? { onProgress: (f: number, note: string) => progress.update(f, note) } : {}),
  });
  progress.done();
  const r = run.result;
  const opsPerSec = r.operations / (run.elapsedMs / 1000);
  if (values.json) {
    const timing = { elapsedMs: Math.round(run.elapsedMs), opsPerSec: Math.round(opsPerSec) };
    const replacer = (_key: string, v: unknown): unknown => (typeof v === 'bigint' ? Number(v) : v);
    io.stdout.write(JSON.stringify({ ...r, timing }, replacer, 2) + '\n');
    return 0;
  }
  io.stdout.write(summary(r, run.elapsedMs));
  return 0;
}

/** The human-readable report: the numbers, then one tree per hierarchy. */
export function summary(r: SimResult, elapsedMs: number): string {
  const rate = r.operations / (elapsedMs / 1000);
  const stopped = r.stepsRun < r.steps ? ` (stopped by --duration after ${r.stepsRun})` : '';
  const lines = [
    `cgsim simulate: seed ${r.seed}, ${r.engine} engine, ${r.steps} steps${stopped}`,
    '',
    `  tasks       ${grouped(r.tasks.forked)} forked, ${grouped(r.tasks.exited)} exited, ${grouped(r.tasks.live)} live (peak ${grouped(r.tasks.peak)})`,
    `  migrations  ${grouped(r.migrations)} task moves between services`,
    `  cpu         ${grouped(r.charges)} charges, ${seconds(BigInt(r.cpuNs))} of CPU time accounted`,
    `  jobs        ${grouped(r.jobs.created)} created, ${grouped(r.jobs.removed)} released and removed by the release agent, ${grouped(r.jobs.running)} running`,
    `  operations  ${grouped(r.operations)} in ${(elapsedMs / 1000).toFixed(2)} s (${compact(rate)} ops/s)`,
    `  state       ${grouped(r.stats.tasks)} tasks, ${grouped(r.stats.cssSets)} css_sets, ${grouped(r.stats.cgroups)} cgroups, ${r.stats.hierarchies} hierarchies`,
    `  memory      ${bytes(r.stats.memoryBytes)} of engine memory`,
    '',
  ];
  return lines.join('\n') + '\n' + trees(r);
}

/** One tree per hierarchy, titled with its subsystems and mountpoint. */
export function trees(r: SimResult): string {
  return r.hierarchies
    .map((h) => {
      const what = [...h.subsystems, ...(h.name ? [`name=${h.name}`] : [])].join(',');
      const agent = h.releaseAgent ? `, release_agent=${h.releaseAgent}` : '';
      const withCpu = h.tree.cpuNs !== null;
      const title = `${what} on ${h.mount}${agent}`;
      return formatTree(cgroupTreeNode(h.tree, '/', withCpu), withCpu ? ['tasks', 'cpu time'] : ['tasks'], title);
    })
    .join('\n');
}
