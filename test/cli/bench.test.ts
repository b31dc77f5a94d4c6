// The benchmark harness at tiny sizes: every case runs on every engine and produces a
// measurement, the table and the JSON entries have the right shape. No timing assertions.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { isSkipped, loadBenchmarkJs, median, timeBatch, timeCalls } from '../../src/bench/harness.ts';
import { memoryLimit } from '../../src/bench/memory.ts';
import { formatGoals, formatTable, ratio, runSuite, toEntries } from '../../src/bench/run.ts';
import { capSizes, FULL_SIZES } from '../../src/bench/suites.ts';
import { wasmAvailable } from '../../src/cli/engine.ts';
import { main } from '../../src/cli/main.ts';
import { fakeIo } from './fake-io.ts';

const test = suite('cli/bench');
const ENGINES = wasmAvailable().ok ? (['wasm', 'reference'] as const) : (['reference'] as const);

const TINY = { ...capSizes(FULL_SIZES, 300), maxTime: 0.005, reps: 1, warmup: 0, minTimeMs: 0, isolateMemory: false };

test('the harness: timeBatch and timeCalls return positive rates', async () => {
  await loadBenchmarkJs();
  let calls = 0;
  const b = timeBatch(
    () => {
      calls++;
      return 10;
    },
    { reps: 3, warmup: 1, minTimeMs: 0 },
  );
  assert.is(calls, 4);
  assert.ok(b.opsPerSec > 0 && b.nsPerOp > 0);
  const c = timeCalls(() => void calls++, { maxTime: 0.005, minSamples: 2 });
  assert.ok(c.opsPerSec > 0 && Math.abs(c.nsPerOp * c.opsPerSec - 1e9) < 1);
  assert.is(median([3, 1, 2]), 2);
  assert.is(median([4, 1, 2, 3]), 2.5);
});

test('capSizes shrinks every size', () => {
  const s = capSizes(FULL_SIZES, 1000);
  assert.ok(s.batch <= 1000 && s.tasksRead <= 1000 && s.chargeBatch <= 1000);
  assert.equal(s.attachNs, [1, 10, 100, 1000]);
  assert.equal(s.memory, [1000]);
  assert.equal(s.trees, [
    { fanout: 2, depth: 8 },
    { fanout: 1, depth: 199 },
    { fanout: 10, depth: 2 },
  ]);
});

test('every case runs on every engine at tiny sizes', async () => {
  const rows = await runSuite({ sizes: TINY, engines: [...ENGINES] });
  assert.ok(rows.length >= 20, `${rows.length} rows`);
  for (const row of rows) {
    for (const engine of ENGINES) {
      const o = row.results[engine];
      assert.ok(
        o !== undefined && !isSkipped(o),
        `${engine}: ${row.name}: ${o && isSkipped(o) ? o.skipped : 'missing'}`,
      );
      if (row.kind === 'memory') assert.ok(o.bytesPerTask !== undefined && o.bytesPerTask > 0, row.name);
      else assert.ok(o.opsPerSec > 0 && Number.isFinite(o.opsPerSec), row.name);
    }
    if (ENGINES.length === 2) assert.ok(ratio(row)! > 0, `ratio of ${row.name}`);
  }
  const table = formatTable(rows);
  for (const section of new Set(rows.map((r) => r.section))) assert.ok(table.includes(`\n${section}`), section);
  assert.match(formatGoals(rows), /^goals:\n/);
  const entries = toEntries(rows);
  assert.is(entries.length, rows.length * ENGINES.length);
  for (const e of entries) {
    assert.type(e.name, 'string');
    assert.ok(ENGINES.includes(e.engine as never));
    assert.type(e.opsPerSec, 'number');
    assert.type(e.nsPerOp, 'number');
  }
  assert.ok(entries.some((e) => e.bytesPerTask !== undefined));
});

test('skips are explained: the reference model at 100M tasks', () => {
  const why = memoryLimit('reference', 100_000_000, 110);
  assert.ok(why !== null && /GB of JS heap/.test(why) && /2\^24/.test(why), String(why));
  assert.is(memoryLimit('reference', 1000, 110), null);
  assert.match(String(memoryLimit('wasm', 2 ** 29, 16)), /4 GB/);
});

test('cgsim bench --max --only --out writes the JSON and a table', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cgsim-bench-'));
  try {
    const out = join(dir, 'r.json');
    const io = fakeIo();
    const status = await main(
      ['bench', '--max', '200', '--only', '^fork.exit churn', '--out', out, '--no-progress'],
      io,
    );
    assert.is(status, 0, io.err());
    assert.match(io.out(), /\nfork\+exit churn +ops\/s +ns\/op/);
    assert.match(io.out(), /\ngoals:\n/);
    const json = JSON.parse(readFileSync(out, 'utf8')) as Array<{ name: string; engine: string }>;
    assert.is(json.length, 2 * ENGINES.length);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
