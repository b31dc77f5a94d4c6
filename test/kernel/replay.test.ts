/**
 * Replays every kernel-recorded fixture (test/kernel/fixtures/*.json, made by
 * `npm run record`) through the simulator's public API, for each engine, and asserts that
 * every step's normalized outcome equals the one the live kernel produced. The engine's
 * integrity is checked after every step. Skips (with a message) while src/index.ts does not
 * export Kernel.
 */
import fs from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { canonical, describe, type Fixture, type Outcome, sameOutcome } from './scenario.ts';
import { type SimKernel, SimRunner } from './sim.ts';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

interface KernelClass {
  create(opts: { engine: string; releaseAgent: 'event' }): Promise<SimKernel>;
}

async function loadKernel(): Promise<KernelClass | null> {
  try {
    const mod = (await import('../../src/index.ts')) as { Kernel?: KernelClass };
    return mod.Kernel ?? null;
  } catch (e) {
    console.log(`kernel replay: cannot import src/index.ts (${(e as Error).message})`);
    return null;
  }
}

type Integrity = (engine: never) => unknown;
async function loadHelpers(): Promise<{ check: Integrity | null; engines: string[] }> {
  try {
    const mod = (await import('../helpers/integrity.ts')) as {
      assertIntegrity?: Integrity;
      engineKinds?: () => string[];
    };
    return { check: mod.assertIntegrity ?? null, engines: mod.engineKinds?.() ?? ['reference', 'wasm'] };
  } catch {
    return { check: null, engines: ['reference', 'wasm'] };
  }
}

function fixtures(): Fixture[] {
  if (!fs.existsSync(FIXTURES)) return [];
  return fs
    .readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(fs.readFileSync(join(FIXTURES, f), 'utf8')) as Fixture);
}

/** Replay one fixture; returns one line per step whose outcome differs. */
export async function replay(
  Kernel: KernelClass,
  engine: string,
  fx: Fixture,
  check: Integrity | null,
): Promise<string[]> {
  const k = await Kernel.create({ engine, releaseAgent: 'event' });
  const runner = new SimRunner(k, {
    name: fx.name,
    title: fx.title,
    covers: fx.covers,
    steps: fx.steps.map((s) => s.step),
  });
  const failures: string[] = [];
  try {
    for (const [i, { step, expect }] of fx.steps.entries()) {
      let got: Outcome;
      try {
        got = runner.step(step);
      } catch (e) {
        failures.push(`${describe(i, step)}: expected ${canonical(expect)}, threw ${(e as Error).stack ?? String(e)}`);
        break; // the simulator's state is unknown from here on
      }
      if (!sameOutcome(got, expect))
        failures.push(`${describe(i, step)}: expected ${canonical(expect)}, got ${canonical(got)}`);
      if (check && k.engine !== undefined) {
        try {
          check(k.engine as never);
        } catch (e) {
          failures.push(`${describe(i, step)}: engine integrity: ${(e as Error).message}`);
          break;
        }
      }
    }
  } finally {
    runner.dispose();
  }
  return failures;
}

/**
 * Recorded behaviour the simulator knowingly does not reproduce (README "Divergences from
 * Linux"). These are listed as skipped, with the reason, never silently dropped.
 */
const KNOWN_DIVERGENCES: Record<string, string> = {
  'zombie-unreaped':
    'cgsim reaps a process when it exits: there are no unreaped zombies (only a leader that exits before its threads stays a zombie)',
};

const Kernel = await loadKernel();
const all = fixtures();
if (Kernel === null) {
  console.log('kernel replay: skipped, src/index.ts does not export Kernel yet');
  test.skip('kernel-recorded fixtures (no Kernel yet)', () => {});
} else if (all.length === 0) {
  console.log('kernel replay: skipped, no fixtures (run `npm run record` as root on a cgroup v1 machine)');
  test.skip('kernel-recorded fixtures (none recorded)', () => {});
} else {
  const { check, engines } = await loadHelpers();
  for (const engine of engines) {
    for (const fx of all) {
      const why = KNOWN_DIVERGENCES[fx.name];
      if (why !== undefined) {
        if (engine === engines[0]) console.log(`kernel replay: ${fx.name} skipped, a known divergence: ${why}`);
        test.skip(`kernel fixture ${fx.name} [${engine}] (known divergence)`, () => {});
        continue;
      }
      test(`kernel fixture ${fx.name} [${engine}]`, async () => {
        const failures = await replay(Kernel, engine, fx, check);
        assert.ok(failures.length === 0, `${fx.name} [${engine}] differs from the kernel:\n  ${failures.join('\n  ')}`);
      });
    }
  }
}

test.run();
