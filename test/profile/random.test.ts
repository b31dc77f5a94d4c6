// Profile 'v11' under seeded random operations through the public API: both engines must give
// the same results, errnos, release events and observable state after every step, and the
// engine must stay consistent. Inputs include the 2.6.24 parsing corner cases.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Kernel } from '../../src/index.ts';
import { assertIntegrity, boot, ENGINES, observe } from '../helpers/kernel.ts';
import { Rng } from '../helpers/random-ops.ts';

const MOUNT_OPTS = [
  'debug,release_agent=/sbin/agent',
  'cpuacct,release_agent=/bin/a',
  'cpuset',
  'cpuacct',
  'debug',
  'cpuset,cpuacct,release_agent=/x',
  'debug,noprefix',
  'all',
  '',
  'foo',
  'a,,b',
];
const PID_TEXT = (pid: number) => [
  `${pid}`,
  `${pid}`,
  `${pid}`,
  ` ${pid}abc`,
  '0x10',
  '',
  '\n',
  'abc',
  '-1',
  `${pid}\n`,
];
const NOTIFY_TEXT = ['1', '1', '1', '0', 'abc', '2', '', ' 1', '12x'];

/** One random step: a description and the thing to run (its result or errno is logged). */
function step(rng: Rng, k: Kernel, dirs: string[]): [string, () => unknown] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng.float() * xs.length)]!;
  const pids = () => {
    const out: number[] = [];
    for (let p = 1; p < 64; p++) if (k.fs.existsSync(`/proc/${p}`)) out.push(p);
    return out;
  };
  const dir = () => (dirs.length === 0 ? '/nowhere' : pick(dirs));
  const r = dirs.length === 0 ? 0 : rng.float();
  if (r < 0.08) {
    const mp = pick(['/m1', '/m2', '/m3']);
    const o = pick(MOUNT_OPTS);
    return [`mount ${mp} ${o}`, () => k.mount(mp, o === '' && rng.float() < 0.5 ? undefined : o)];
  }
  if (r < 0.1) {
    const mp = pick(['/m1', '/m2', '/m3']);
    return [`umount ${mp}`, () => k.umount(mp)];
  }
  if (r < 0.25) {
    const d = `${dir()}/${pick(['a', 'b', 'c'])}`;
    return [`mkdir ${d}`, () => k.fs.mkdirSync(d)];
  }
  if (r < 0.32) {
    const d = dir();
    return [`rmdir ${d}`, () => k.fs.rmdirSync(d)];
  }
  if (r < 0.42) {
    const p = pick(pids());
    return [`fork ${p}`, () => k.fork(p, { thread: rng.float() < 0.2 })];
  }
  if (r < 0.5) {
    const p = pick(pids());
    return [`exit ${p}`, () => k.exit(p)];
  }
  if (r < 0.72) {
    const d = dir();
    const text = pick(PID_TEXT(pick(pids())));
    const actor = pick(pids());
    return [`tasks ${d} ${JSON.stringify(text)} as ${actor}`, () => k.as(actor).fs.writeFileSync(`${d}/tasks`, text)];
  }
  if (r < 0.82) {
    const d = dir();
    const text = pick(NOTIFY_TEXT);
    return [`notify ${d} ${JSON.stringify(text)}`, () => k.fs.writeFileSync(`${d}/notify_on_release`, text)];
  }
  if (r < 0.85) {
    const d = dir().split('/').slice(0, 2).join('/');
    const text = pick(['/sbin/agent\n', '', ' /x y ']);
    return [`agent ${d} ${JSON.stringify(text)}`, () => k.fs.writeFileSync(`${d}/release_agent`, text)];
  }
  if (r < 0.9) {
    const p = pick(pids());
    const ns = Math.floor(rng.float() * 3e9);
    return [`charge ${p} ${ns}`, () => k.charge(p, ns)];
  }
  if (r < 0.93) {
    const ns = Math.floor(rng.float() * 8e9);
    return [`tick ${ns}`, () => k.tick(ns)];
  }
  if (r < 0.96) {
    const p = pick(pids());
    const ss = pick(['cpuset', 'cpuacct', 'debug']);
    return [`clone ${p} ${ss}`, () => k.containerClone(p, ss)];
  }
  const d = dir();
  const f = pick(['cpuset.cpus', 'cpuset.mems', 'cpus', 'mems']);
  const v = pick(['0', '0-1', '', '5', '0,', 'x']);
  return [`write ${d}/${f} ${JSON.stringify(v)}`, () => k.fs.writeFileSync(`${d}/${f}`, v)];
}

/** Every cgroup directory under the mounts (the random walk's targets). */
function cgroupDirs(k: Kernel): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    out.push(d);
    for (const n of k.fs.readdirSync(d) as string[]) if (k.fs.statSync(`${d}/${n}`)!.isDirectory()) walk(`${d}/${n}`);
  };
  for (const h of k.hierarchies()) for (const m of h.mounts) walk(m);
  return out;
}

const t = suite('profile v11: random operations, both engines');

for (const seed of [1, 2, 3, 4, 5, 6]) {
  t(`seed ${seed}: engines agree step by step`, async () => {
    const ks = await Promise.all(ENGINES.map((e) => boot(e, { profile: 'v11', cpus: 2 })));
    const logs = ks.map(() => [] as string[]);
    ks.forEach((k, i) => {
      k.on('release', (ev) => logs[i]!.push(`release ${ev.hierarchy} ${ev.path}`));
    });
    const rngs = ks.map(() => new Rng(seed));
    for (let n = 0; n < 250; n++) {
      const outs = ks.map((k, i) => {
        const [what, run] = step(rngs[i]!, k, cgroupDirs(k));
        let res: string;
        try {
          res = JSON.stringify(run() ?? null);
        } catch (e) {
          const code = (e as { code?: string }).code;
          if (code === undefined) throw e;
          res = code;
        }
        logs[i]!.push(`${what} -> ${res}`);
        return observe(k);
      });
      for (let i = 1; i < ks.length; i++) {
        assert.equal(logs[i], logs[0], `seed ${seed} step ${n}`);
        assert.is(outs[i], outs[0], `seed ${seed} step ${n}: state`);
      }
      if (n % 25 === 0) for (const k of ks) assertIntegrity(k.engine);
    }
    for (const k of ks) assertIntegrity(k.engine);
  });
}

t.run();
