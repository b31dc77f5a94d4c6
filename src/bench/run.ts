/**
 * `cgsim bench` / `npm run bench`: run the suite on the wasm engine and the reference model
 * side by side in one process, print one table with the ratio of each pair, check the
 * project goals, and with --json write bench/results/latest.json.
 *
 * The ratio column is wasm ops/s ÷ reference ops/s (how many times faster the wasm engine
 * is); for memory rows it is reference bytes/task ÷ wasm bytes/task (how many times smaller).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { arch, cpus, platform } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { wasmAvailable } from '../cli/engine.ts';
import type { Io } from '../cli/io.ts';
import { compact } from '../cli/io.ts';
import type { OptionSpec } from '../cli/options.ts';
import { formatOptions, HELP_OPTION, PROGRESS_OPTION, parseOptions, UsageError } from '../cli/options.ts';
import { Progress } from '../cli/progress.ts';
import type { EngineKind } from '../engine/types.ts';
import type { Measurement, Outcome } from './harness.ts';
import { collect, isSkipped, loadBenchmarkJs } from './harness.ts';
import type { BenchCase, BenchSizes, RowKind } from './suites.ts';
import { buildSuite, capSizes, FULL_SIZES, QUICK_SIZES } from './suites.ts';

export const BENCH_OPTIONS: readonly OptionSpec[] = [
  { name: 'json', type: 'boolean', description: 'also write the results to bench/results/latest.json' },
  { name: 'out', type: 'string', arg: 'FILE', description: 'write the JSON results to FILE instead (implies --json)' },
  { name: 'quick', short: 'q', type: 'boolean', description: 'smaller sizes and shorter sampling (about 15 s)' },
  {
    name: 'max',
    type: 'number',
    arg: 'N',
    description: 'cap every size at N tasks/cgroups/operations (e.g. --max 100k)',
  },
  { name: 'only', type: 'string', arg: 'REGEX', description: 'run only the benchmarks whose section or name matches' },
  {
    name: 'engine',
    type: 'string',
    arg: 'KIND',
    choices: ['both', 'wasm', 'reference'],
    description: 'engines to run',
    default: 'both',
  },
  PROGRESS_OPTION,
  HELP_OPTION,
];

export const BENCH_HELP = `Usage: cgsim bench [options]

Run the benchmark suite on the wasm engine and the reference model side by side, and
print each pair with its ratio (wasm ops/s / reference ops/s; for memory rows, reference
bytes/task / wasm bytes/task). The full run takes 1-2 minutes on 2 cores; see bench/README.md.

Options:
${formatOptions(BENCH_OPTIONS)}
`;

/** One entry of latest.json. */
export interface ResultEntry {
  section: string;
  name: string;
  engine: EngineKind;
  unit: string;
  opsPerSec: number | null;
  nsPerOp: number | null;
  bytesPerTask?: number;
  rssBytesPerTask?: number;
  tasks?: number;
  memoryBytes?: number;
  rme?: number;
  skipped?: string;
}

export interface Row {
  section: string;
  name: string;
  kind: RowKind;
  unit: string;
  results: Partial<Record<EngineKind, Outcome>>;
}

export interface RunOptions {
  sizes: BenchSizes;
  engines: EngineKind[];
  only?: RegExp;
  onProgress?: (fraction: number, note: string) => void;
}

/** gc() for heap measurements and between benchmarks, even without --expose-gc. */
function ensureGc(): void {
  const g = globalThis as { gc?: () => void };
  if (typeof g.gc === 'function') return;
  try {
    setFlagsFromString('--expose-gc');
    g.gc = runInNewContext('gc') as () => void;
  } catch {
    // Without it, heap deltas are noisier; nothing else changes.
  }
}

/** Run the suite: every case on every engine, in order. */
export async function runSuite(opts: RunOptions): Promise<Row[]> {
  ensureGc();
  await loadBenchmarkJs();
  const cases = buildSuite(opts.sizes).filter(
    (c) => opts.only === undefined || opts.only.test(`${c.section}: ${c.name}`),
  );
  const rows: Row[] = [];
  const total = cases.length * opts.engines.length;
  let done = 0;
  for (const c of cases) {
    const row: Row = { section: c.section, name: c.name, kind: c.kind, unit: c.unit, results: {} };
    for (const engine of opts.engines) {
      opts.onProgress?.(done / total, `${engine}: ${c.name}`);
      row.results[engine] = await runCase(c, engine);
      done++;
      collect();
    }
    rows.push(row);
  }
  opts.onProgress?.(1, 'done');
  return rows;
}

async function runCase(c: BenchCase, engine: EngineKind): Promise<Outcome> {
  try {
    return await c.run(engine);
  } catch (e) {
    return { skipped: `failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** The rows as latest.json entries (one per engine per benchmark). */
export function toEntries(rows: readonly Row[]): ResultEntry[] {
  const out: ResultEntry[] = [];
  for (const r of rows) {
    for (const engine of ['wasm', 'reference'] as const) {
      const o = r.results[engine];
      if (o === undefined) continue;
      const base = { section: r.section, name: r.name, engine, unit: r.unit };
      if (isSkipped(o)) {
        out.push({ ...base, opsPerSec: null, nsPerOp: null, skipped: o.skipped });
        continue;
      }
      const e: ResultEntry = { ...base, opsPerSec: round(o.opsPerSec), nsPerOp: round(o.nsPerOp) };
      if (o.bytesPerTask !== undefined) e.bytesPerTask = round(o.bytesPerTask);
      if (o.rssBytesPerTask !== undefined) e.rssBytesPerTask = round(o.rssBytesPerTask);
      if (o.tasks !== undefined) e.tasks = o.tasks;
      if (o.memoryBytes !== undefined) e.memoryBytes = o.memoryBytes;
      if (o.rme !== undefined) e.rme = round(o.rme);
      out.push(e);
    }
  }
  return out;
}

function round(x: number): number {
  return Number(x.toPrecision(4));
}

/** wasm ÷ reference (speed), reference ÷ wasm (memory); null when either is missing. */
export function ratio(row: Row): number | null {
  const w = row.results.wasm;
  const r = row.results.reference;
  if (w === undefined || r === undefined || isSkipped(w) || isSkipped(r)) return null;
  if (row.kind === 'memory') return w.bytesPerTask && r.bytesPerTask ? r.bytesPerTask / w.bytesPerTask : null;
  return w.opsPerSec / r.opsPerSec;
}

// ---------------------------------------------------------------- the table

const ENGINES: readonly EngineKind[] = ['wasm', 'reference'];

function cells(row: Row, o: Outcome | undefined, notes: string[], engine: EngineKind): [string, string] {
  if (o === undefined) return ['-', '-'];
  if (isSkipped(o)) {
    notes.push(`${engine}, ${row.section}: ${row.name}: ${o.skipped}`);
    return [`skipped [${notes.length}]`, ''];
  }
  if (row.kind === 'memory')
    return [(o.bytesPerTask ?? 0).toFixed(2), o.rssBytesPerTask === undefined ? '' : o.rssBytesPerTask.toFixed(2)];
  const m = o as Measurement;
  return [compact(m.opsPerSec), m.nsPerOp >= 100 ? m.nsPerOp.toFixed(0) : m.nsPerOp.toFixed(1)];
}

/** The results table, sections in order, with footnotes for skipped entries. */
export function formatTable(rows: readonly Row[]): string {
  const notes: string[] = [];
  type Line = { kind: 'section'; text: string; memory: boolean } | { kind: 'row'; cols: string[] };
  const lines: Line[] = [];
  let section = '';
  for (const r of rows) {
    if (r.section !== section) {
      section = r.section;
      lines.push({ kind: 'section', text: r.section, memory: r.kind === 'memory' });
    }
    const ratioValue = ratio(r);
    const cols = ['  ' + r.name];
    for (const engine of ENGINES) cols.push(...cells(r, r.results[engine], notes, engine));
    cols.push(ratioValue === null ? '' : `${ratioValue >= 10 ? ratioValue.toFixed(0) : ratioValue.toFixed(1)}x`);
    lines.push({ kind: 'row', cols });
  }
  const rowLines = lines.filter((l): l is { kind: 'row'; cols: string[] } => l.kind === 'row');
  const nameWidth = Math.max(40, ...rowLines.map((l) => l.cols[0]!.length)) + 2;
  const w = [10, 8, 12, 8, 7];
  for (const l of rowLines)
    l.cols.slice(1).forEach((c, i) => {
      w[i] = Math.max(w[i]!, c.length);
    });
  const fmtRow = (cols: string[]): string =>
    (
      cols[0]!.padEnd(nameWidth) +
      cols
        .slice(1)
        .map((c, i) => c.padStart(w[i]!))
        .join('  ')
    ).trimEnd();
  const span = (a: number, b: number): number => w.slice(a, b + 1).reduce((x, y) => x + y, 0) + 2 * (b - a);
  const out: string[] = [];
  const center = (text: string, width: number): string =>
    text.padStart(Math.floor((width + text.length) / 2)).padEnd(width);
  out.push(
    ''.padEnd(nameWidth) +
      center('wasm', span(0, 1)) +
      '  ' +
      center('reference', span(2, 3)) +
      '  ' +
      'ratio'.padStart(w[4]!),
  );
  for (const l of lines) {
    if (l.kind === 'row') {
      out.push(fmtRow(l.cols));
      continue;
    }
    const heads = l.memory ? ['B/task', 'RSS B', 'B/task', 'RSS B', ''] : ['ops/s', 'ns/op', 'ops/s', 'ns/op', ''];
    out.push('');
    out.push(fmtRow([l.text, ...heads]));
  }
  if (notes.length > 0) {
    out.push('');
    notes.forEach((n, i) => {
      out.push(`[${i + 1}] ${n}`);
    });
  }
  return out.join('\n') + '\n';
}

/** The project goals, each met, missed, or not measured. */
export function formatGoals(rows: readonly Row[]): string {
  const find = (re: RegExp): Row | undefined => rows.find((r) => re.test(`${r.section}: ${r.name}`));
  const wasm = (r: Row | undefined): Measurement | undefined => {
    const o = r?.results.wasm;
    return o === undefined || isSkipped(o) ? undefined : o;
  };
  const batch = find(/^fork\+exit churn: batch/);
  const attach = rows.filter((r) => /^attach: .*: engine\.attach/.test(`${r.section}: ${r.name}`)).pop();
  const memRows = rows.filter((r) => r.kind === 'memory');
  const memLargest = memRows.filter((r) => wasm(r) !== undefined).pop();
  const hundredM = find(/^memory per task: 100M tasks/);
  // The cost of one more task: the slope between the two largest wasm measurements.
  const mem = memRows.map(wasm).filter((m): m is Measurement => m?.tasks !== undefined && m.memoryBytes !== undefined);
  const [m1, m2] = mem.slice(-2);
  const marginal =
    m1 && m2 && m2.tasks! > m1.tasks! ? (m2.memoryBytes! - m1.memoryBytes!) / (m2.tasks! - m1.tasks!) : undefined;
  const goals: Array<[string, number | undefined, (v: number) => boolean, (v: number) => string]> = [
    ['batch fork+exit, wasm/reference >= 20x', ratioOf(batch), (v) => v >= 20, (v) => `${v.toFixed(1)}x`],
    [
      `attach among ${attach?.name.replace(/.*N = /, '') ?? '10,000'} css_sets, wasm/reference >= 10x`,
      ratioOf(attach),
      (v) => v >= 10,
      (v) => `${v.toFixed(1)}x`,
    ],
    ['batch fork+exit >= 50M pairs/s (wasm)', wasm(batch)?.opsPerSec, (v) => v >= 50e6, (v) => `${compact(v)}/s`],
    ['attach >= 10M/s (wasm)', wasm(attach)?.opsPerSec, (v) => v >= 10e6, (v) => `${compact(v)}/s`],
    [
      `<= 16 bytes/task (wasm, ${memLargest?.name ?? 'n/a'})`,
      wasm(memLargest)?.bytesPerTask,
      (v) => v <= 16,
      (v) => `${v.toFixed(3)} B${marginal === undefined ? '' : ` (marginal ${marginal.toFixed(3)} B/task)`}`,
    ],
    ['100M tasks in one process (wasm)', wasm(hundredM) === undefined ? undefined : 1e8, () => true, () => 'yes'],
  ];
  const lines = ['goals:'];
  for (const [what, v, pass, show] of goals) {
    const mark = v === undefined ? 'not measured' : `${pass(v) ? 'met   ' : 'MISSED'} ${show(v)}`;
    lines.push(`  ${what.padEnd(52)} ${mark}`);
  }
  return lines.join('\n') + '\n';
}

function ratioOf(r: Row | undefined): number | undefined {
  return r === undefined ? undefined : (ratio(r) ?? undefined);
}

/** Where --json writes: bench/results/latest.json at the package root. */
export function defaultResultsPath(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '../../bench/results/latest.json');
}

// ---------------------------------------------------------------- the command

export async function benchCommand(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseOptions(argv, BENCH_OPTIONS);
  if (values.help) {
    io.stdout.write(BENCH_HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  let sizes = values.quick ? QUICK_SIZES : FULL_SIZES;
  if (values.max !== undefined) sizes = capSizes(sizes, Number(values.max));
  let only: RegExp | undefined;
  if (values.only !== undefined) {
    try {
      only = new RegExp(String(values.only), 'i');
    } catch {
      throw new UsageError(`--only: bad regular expression '${values.only}'`);
    }
  }
  const engines: EngineKind[] = values.engine === 'both' ? ['wasm', 'reference'] : [values.engine as EngineKind];
  const probe = wasmAvailable();
  if (engines.includes('wasm') && !probe.ok) {
    io.stderr.write(`note: the wasm engine is not available (${probe.reason}); running the reference model only\n`);
    engines.splice(engines.indexOf('wasm'), 1);
    if (engines.length === 0) return 1;
  }

  const started = performance.now();
  io.stdout.write(
    `cgsim benchmarks: ${engines.join(' vs ')}, node ${process.version}, ${platform()} ${arch()}, ${cpus().length} CPUs${values.quick ? ', --quick' : ''}${values.max !== undefined ? `, --max ${values.max}` : ''}\n\n`,
  );
  const progress = new Progress(io.stderr, 'bench ');
  const rows = await runSuite({
    sizes,
    engines,
    ...(only !== undefined ? { only } : {}),
    ...(values.progress ? { onProgress: (f: number, note: string) => progress.update(f, note) } : {}),
  });
  progress.done();
  io.stdout.write(formatTable(rows));
  io.stdout.write('\n' + formatGoals(rows));
  const seconds = (performance.now() - started) / 1000;
  io.stdout.write(`\n${rows.length} benchmark${rows.length === 1 ? '' : 's'} in ${seconds.toFixed(0)} s\n`);
  if (values.json || values.out !== undefined) {
    const path = values.out !== undefined ? resolve(String(values.out)) : defaultResultsPath();
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, JSON.stringify(toEntries(rows), null, 2) + '\n');
    io.stdout.write(`results written to ${path}\n`);
  }
  return 0;
}
