// cgsim simulate: a pure function of its flags (same seed, same output), the same result on
// both engines, and a readable summary.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { wasmAvailable } from '../../src/cli/engine.ts';
import { main } from '../../src/cli/main.ts';
import { Prng } from '../../src/cli/prng.ts';
import { fakeIo } from './fake-io.ts';

const test = suite('cli/simulate');
const ENGINES = wasmAvailable().ok ? (['reference', 'wasm'] as const) : (['reference'] as const);

async function run(argv: string[]): Promise<{ status: number; out: string; err: string }> {
  const io = fakeIo();
  const status = await main(['simulate', ...argv], io);
  return { status, out: io.out(), err: io.err() };
}

/** The JSON summary without its wall-clock part. */
function result(out: string): Record<string, unknown> {
  const json = JSON.parse(out) as Record<string, unknown>;
  assert.type(json.timing, 'object');
  delete json.timing;
  return json;
}

for (const engine of ENGINES) {
  test(`${engine}: --seed 1 --json gives the same output twice`, async () => {
    const argv = ['--seed', '1', '--tasks', '20k', '--steps', '12', '--json', '--engine', engine];
    const a = await run(argv);
    const b = await run(argv);
    assert.is(a.status, 0);
    assert.is(a.err, '');
    const strip = (s: string) => s.replace(/"timing": \{[^}]*\}/, '');
    assert.is(strip(a.out), strip(b.out));
    const r = result(a.out) as any;
    assert.is(r.engine, engine);
    assert.is(r.tasks.forked, 20_000);
    assert.is(r.tasks.forked - r.tasks.exited, r.tasks.live - 7, 'live = forked - exited + init and 6 daemons');
    assert.ok(r.jobs.created > 0 && r.jobs.removed > 0, 'jobs were created and released groups removed');
    assert.is(r.jobs.released, r.jobs.removed);
    assert.is(r.hierarchies.length, 3);
    assert.equal(
      r.hierarchies.map((h: any) => h.mount),
      ['/sys/fs/cgroup/cpuset', '/sys/fs/cgroup/cpuacct', '/sys/fs/cgroup/sim'],
    );
    const jobs = r.hierarchies[2].tree.children.find((c: any) => c.path === '/jobs');
    assert.is(jobs.children.length, r.jobs.running, 'only running jobs keep a group');
  });
}

test('another seed gives another run', async () => {
  const a = result(
    (await run(['--seed', '1', '--tasks', '5k', '--steps', '5', '--json', '--engine', 'reference'])).out,
  );
  const b = result(
    (await run(['--seed', '2', '--tasks', '5k', '--steps', '5', '--json', '--engine', 'reference'])).out,
  );
  assert.is.not(JSON.stringify(a), JSON.stringify(b));
});

if (ENGINES.length === 2) {
  test('both engines give the same result (all but engine and memory)', async () => {
    const argv = ['--seed', '7', '--tasks', '10k', '--steps', '8', '--json'];
    const w = result((await run([...argv, '--engine', 'wasm'])).out) as any;
    const r = result((await run([...argv, '--engine', 'reference'])).out) as any;
    for (const x of [w, r]) {
      delete x.engine;
      delete x.stats.memoryBytes;
    }
    assert.equal(w, r);
  });
}

test('the text summary: numbers, then one tree per hierarchy', async () => {
  const r = await run(['--tasks', '3000', '--steps', '4', '--engine', 'reference']);
  assert.is(r.status, 0);
  assert.match(r.out, /^cgsim simulate: seed 1, reference engine, 4 steps\n/);
  for (const label of ['tasks', 'migrations', 'cpu', 'jobs', 'operations', 'state', 'memory']) {
    assert.match(r.out, new RegExp(`\\n  ${label} +\\S`), label);
  }
  assert.match(r.out, /\ncpuset on \/sys\/fs\/cgroup\/cpuset\n/);
  assert.match(r.out, /\ncpuacct on \/sys\/fs\/cgroup\/cpuacct\n +tasks +cpu time\n/);
  assert.match(r.out, /\nname=sim on \/sys\/fs\/cgroup\/sim, release_agent=\/usr\/local\/sbin\/cgsim-release\n/);
  assert.match(r.out, /│ {3}└── web +0 +\d+\.\d\d s\n│ {7}├── api/);
});

test('bad flags are usage errors', async () => {
  assert.is((await run(['--steps', '0'])).status, 2);
  assert.is((await run(['--tasks', '-5'])).status, 2);
  assert.is((await run(['extra'])).status, 2);
});

test('the PRNG is deterministic and roughly uniform', () => {
  const a = new Prng(42);
  const b = new Prng(42);
  const xs = Array.from({ length: 1000 }, () => a.int(10));
  assert.equal(
    xs,
    Array.from({ length: 1000 }, () => b.int(10)),
  );
  for (let d = 0; d < 10; d++) {
    const n = xs.filter((x) => x === d).length;
    assert.ok(n > 50 && n < 150, `digit ${d}: ${n}`);
  }
});

test.run();
