/**
 * Two ways to time an operation, and the shape of a result.
 *
 *   timeCalls   sub-microsecond single calls (k.fork + k.exit, k.charge): benchmark.js,
 *               which calibrates the loop, runs samples until `maxTime` and reports the mean
 *               with its margin of error. When benchmark.js is not installed (it is a
 *               devDependency; `cgsim bench` from a bare install has none) a calibrated
 *               loop of the same shape stands in.
 *   timeBatch   operations over a million tasks (forkMany, reading a 1M-line tasks file):
 *               process.hrtime.bigint around each repetition, after warm-up repetitions,
 *               and the median of the repetitions' ns per operation.
 *
 * Neither asserts anything: numbers are reported, never checked by tests.
 */

/** One engine's figures for one benchmark. */
export interface Measurement {
  opsPerSec: number;
  nsPerOp: number;
  /** Memory benchmarks: bytes per task as the engine accounts it (wasm: linear memory; reference: heap delta). */
  bytesPerTask?: number;
  /** Memory benchmarks: the process's RSS growth per task. */
  rssBytesPerTask?: number;
  /** Memory benchmarks: the task count and the engine's stats().memoryBytes. */
  tasks?: number;
  memoryBytes?: number;
  /** Relative margin of error (benchmark.js), in percent. */
  rme?: number;
}

/** A benchmark that was not run for an engine, and why. */
export interface Skipped {
  skipped: string;
}

export type Outcome = Measurement | Skipped;

export function isSkipped(o: Outcome | undefined): o is Skipped {
  return o !== undefined && 'skipped' in o;
}

export interface TimeCallsOptions {
  /** Seconds benchmark.js may spend sampling (benchmark.js's maxTime). */
  maxTime: number;
  minSamples?: number;
}

type BenchmarkCtor = typeof import('benchmark');
let benchmarkJs: BenchmarkCtor | null | undefined;

/** benchmark.js, or null when it is not installed. */
export async function loadBenchmarkJs(): Promise<BenchmarkCtor | null> {
  if (benchmarkJs === undefined) {
    try {
      const mod = (await import('benchmark')) as unknown as { default?: BenchmarkCtor } & BenchmarkCtor;
      benchmarkJs = mod.default ?? mod;
      // Call the function as given: decompiling it into the timing loop would lose its closure.
      benchmarkJs.support.decompilation = false;
    } catch {
      benchmarkJs = null;
    }
  }
  return benchmarkJs;
}

/** Time single calls of `fn` (call loadBenchmarkJs() once before). */
export function timeCalls(fn: () => void, opts: TimeCallsOptions): Measurement {
  const Benchmark = benchmarkJs;
  if (Benchmark) {
    // A sample lasts at least minTime (benchmark.js's default is 50 ms); short runs shorten it.
    const minTime = Math.min(0.05, opts.maxTime / 5);
    const bench = new Benchmark({ fn, maxTime: opts.maxTime, minTime, minSamples: opts.minSamples ?? 5, initCount: 1 });
    bench.run({ async: false });
    const error = (bench as unknown as { error?: unknown }).error;
    if (error) throw error;
    return { opsPerSec: bench.hz, nsPerOp: 1e9 / bench.hz, rme: bench.stats.rme };
  }
  return timeCallsFallback(fn, opts);
}

/** A calibrated loop: grow the count until a sample takes 20 ms, sample until maxTime, take the median. */
function timeCallsFallback(fn: () => void, opts: TimeCallsOptions): Measurement {
  let count = 1;
  for (;;) {
    const t = sampleLoop(fn, count);
    if (t >= 20e6 || count >= 1 << 30) break;
    count *= t < 1e6 ? 16 : 2;
  }
  const samples: number[] = [];
  const end = process.hrtime.bigint() + BigInt(Math.round(opts.maxTime * 1e9));
  while (samples.length < (opts.minSamples ?? 5) || process.hrtime.bigint() < end) {
    samples.push(sampleLoop(fn, count) / count);
    if (samples.length >= 1000) break;
  }
  const ns = median(samples);
  return { opsPerSec: 1e9 / ns, nsPerOp: ns };
}

function sampleLoop(fn: () => void, count: number): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < count; i++) fn();
  return Number(process.hrtime.bigint() - t0);
}

export interface TimeBatchOptions {
  /** Timed repetitions (the median is reported); more are run while under `minTimeMs`. */
  reps: number;
  /** Untimed repetitions first; more are run while under `minTimeMs`. */
  warmup: number;
  /** Keep repeating fast operations until the warm-up, and the timed part, each took this long. Default 100. */
  minTimeMs?: number;
  /** Untimed preparation before each repetition (warm-ups included). */
  before?: () => void;
  /** Untimed cleanup after each repetition. */
  after?: () => void;
}

/** Time `run` (which returns how many operations it did): median ns per operation. */
export function timeBatch(run: () => number, opts: TimeBatchOptions): Measurement {
  const minNs = (opts.minTimeMs ?? 100) * 1e6;
  const MAX_REPS = 50;
  const once = (): [number, number] => {
    opts.before?.();
    const t0 = process.hrtime.bigint();
    const ops = run();
    const ns = Number(process.hrtime.bigint() - t0);
    opts.after?.();
    return [ns, ops];
  };
  let warm = 0;
  for (let i = 0; i < opts.warmup || (warm < minNs && i < MAX_REPS); i++) warm += once()[0];
  const perOp: number[] = [];
  let spent = 0;
  while (perOp.length < opts.reps || (spent < minNs && perOp.length < MAX_REPS)) {
    const [ns, ops] = once();
    spent += ns;
    perOp.push(ns / Math.max(1, ops));
  }
  const ns = median(perOp);
  return { opsPerSec: 1e9 / ns, nsPerOp: ns };
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** gc() when the process has it (--expose-gc), else nothing. */
export function collect(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
