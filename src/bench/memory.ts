/**
 * Memory per task: boot a kernel with pidMax just above the target, fork the target number
 * of tasks in one batch, and divide what the engine grew by the number of tasks.
 *
 *   wasm       stats().memoryBytes (the linear memory) / tasks, and the RSS growth / tasks
 *              (the pid array forkMany returns is not counted: it is the caller's);
 *   reference  the JS heap growth / tasks, measured with gc() before and after.
 *
 * Each measurement runs in a fresh child process (this file is its entry point), so that one
 * measurement's garbage, heap growth or RSS high-water mark cannot leak into the next; the
 * child prints one JSON line. `measureMemory` can also run in-process (the tests do).
 */
import { spawn } from 'node:child_process';
import { freemem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { getHeapStatistics } from 'node:v8';
import type { EngineKind } from '../engine/types.ts';
import { Kernel } from '../kernel.ts';
import type { Measurement, Outcome } from './harness.ts';
import { collect } from './harness.ts';

/** V8's limit on the entries of one Set (the reference keeps each css_set's tasks in a Set). */
const V8_SET_LIMIT = 2 ** 24;

export interface MemoryResult extends Measurement {
  tasks: number;
  memoryBytes: number;
  bytesPerTask: number;
}

/** Measure in this process. */
export async function measureMemory(engine: EngineKind, tasks: number): Promise<MemoryResult> {
  collect();
  collect();
  const heap0 = process.memoryUsage().heapUsed;
  const rss0 = process.memoryUsage().rss;
  const k = await Kernel.create({ engine, subsystems: [], pidMax: Math.max(1024, tasks + 1024) });
  const t0 = process.hrtime.bigint();
  const pids = k.forkMany(1, tasks);
  const ns = Number(process.hrtime.bigint() - t0);
  collect();
  collect();
  const mu = process.memoryUsage();
  const stats = k.stats();
  const n = Math.max(1, pids.length);
  const rssPerTask = Math.max(0, mu.rss - rss0 - pids.byteLength) / n;
  const bytesPerTask = engine === 'wasm' ? stats.memoryBytes / n : Math.max(0, mu.heapUsed - heap0) / n;
  return {
    tasks,
    memoryBytes: stats.memoryBytes,
    bytesPerTask,
    rssBytesPerTask: rssPerTask,
    opsPerSec: tasks / (ns / 1e9),
    nsPerOp: ns / n,
  };
}

/**
 * Why `engine` cannot hold `tasks` here, or null. `knownBytesPerTask` is a measurement at a
 * smaller size (to estimate the need).
 */
export function memoryLimit(engine: EngineKind, tasks: number, knownBytesPerTask?: number): string | null {
  const gb = (b: number): string => `${(b / 2 ** 30).toFixed(1)} GB`;
  if (engine === 'reference') {
    const per = knownBytesPerTask ?? 110;
    const need = per * tasks;
    const limit = getHeapStatistics().heap_size_limit;
    const reasons: string[] = [];
    if (need > limit * 0.8)
      reasons.push(`would need ~${gb(need)} of JS heap (${per.toFixed(0)} B/task), the heap limit is ${gb(limit)}`);
    if (tasks >= V8_SET_LIMIT) reasons.push(`and one css_set's task Set would exceed V8's 2^24-entry limit`);
    if (reasons.length === 0 && need > freemem() * 0.8) reasons.push(`would need ~${gb(need)}, ${gb(freemem())} free`);
    return reasons.length === 0 ? null : reasons.join(' ').replace(/^and /, '');
  }
  const per = knownBytesPerTask ?? 16;
  const need = per * tasks + 4 * tasks; // the engine plus the returned pid array
  if (per * tasks >= 2 ** 32) return `would need ~${gb(per * tasks)} of linear memory; wasm32 stops at 4 GB`;
  if (need > freemem() * 0.8) return `would need ~${gb(need)} of memory, ${gb(freemem())} free`;
  return null;
}

/** Measure in a fresh child process (same node flags, plus --expose-gc). */
export function measureMemoryIsolated(engine: EngineKind, tasks: number): Promise<Outcome> {
  const self = fileURLToPath(import.meta.url);
  const execArgv = process.execArgv.filter((a) => !a.startsWith('--max-old-space-size'));
  if (!execArgv.includes('--expose-gc')) execArgv.push('--expose-gc');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...execArgv, self, engine, String(tasks)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code, signal) => {
      const line = out.trim().split('\n').pop() ?? '';
      try {
        if (code !== 0) throw new Error();
        resolve(JSON.parse(line) as MemoryResult);
      } catch {
        const why =
          signal !== null
            ? `killed by ${signal}`
            : (err
                .trim()
                .split('\n')
                .find((l) => /Error|heap/i.test(l)) ?? `exit ${code}`);
        resolve({ skipped: `failed: ${why.slice(0, 160)}` });
      }
    });
  });
}

// The child process: `node memory.js <engine> <tasks>` prints one JSON line.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [engine, tasks] = process.argv.slice(2);
  measureMemory(engine as EngineKind, Number(tasks)).then(
    (r) => process.stdout.write(JSON.stringify(r) + '\n'),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
