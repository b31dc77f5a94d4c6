/**
 * `npm run record [-- [--check] [name-substring ...]]`
 *
 * Runs every scenario (or those whose name contains one of the given substrings) on the live
 * kernel and writes test/kernel/fixtures/<name>.json. With --check, records into memory and
 * reports the differences from the stored fixtures without writing anything (exit code 1 if
 * any). Where a cgroup v1 hierarchy cannot be mounted (not root, no cgroup v1, a container),
 * prints "skipping: ..." and exits 0.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { assertSafeOptions, LiveRunner, NAME_PREFIX, PYTHON, runTag } from './live.ts';
import { canonical, describe, type Fixture, type RecordedStep, type Scenario } from './scenario.ts';
import { SCENARIOS } from './scenarios/index.ts';

export const FIXTURE_DIR = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** Why this machine cannot record, or null when it can. */
function cannotRecord(tag: string): string | null {
  if (process.platform !== 'linux') return `not Linux (${process.platform})`;
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'not root';
  let filesystems = '';
  try {
    filesystems = fs.readFileSync('/proc/filesystems', 'utf8');
  } catch {
    return 'no /proc/filesystems';
  }
  if (!/\tcgroup\n/.test(filesystems)) return 'the kernel has no cgroup (v1) filesystem';
  if (spawnSync(PYTHON, ['-c', 'import ctypes, socket, threading'], { encoding: 'utf8' }).status !== 0) {
    return `${PYTHON} is not usable`;
  }
  const dir = fs.mkdtempSync('/tmp/cgsim-rec-probe-');
  const point = join(dir, 'm');
  fs.mkdirSync(point);
  const opts = `none,name=${NAME_PREFIX}${tag}_probe`;
  assertSafeOptions(opts);
  const r = spawnSync('mount', ['-t', 'cgroup', '-o', opts, 'cgroup', point], { encoding: 'utf8' });
  let reason: string | null = null;
  if (r.status !== 0) reason = `mount failed: ${(r.stderr || r.error?.message || '').trim()}`;
  else spawnSync('umount', [point]);
  fs.rmSync(dir, { recursive: true, force: true });
  return reason;
}

/** One fixture step per line, so that diffs are readable. */
export function formatFixture(f: Fixture): string {
  const head = JSON.stringify({ name: f.name, title: f.title, covers: f.covers, recordedOn: f.recordedOn }, null, 2);
  const steps = f.steps.map((s) => `    ${JSON.stringify(s)}`).join(',\n');
  return `${head.slice(0, -2)},\n  "steps": [\n${steps}\n  ]\n}\n`;
}

let active: LiveRunner | undefined;

async function recordOne(sc: Scenario, tag: string): Promise<{ steps: RecordedStep[]; warnings: string[] }> {
  for (let attempt = 0; ; attempt++) {
    const runner = await LiveRunner.start(sc, attempt === 0 ? tag : `${tag}r${attempt}`);
    active = runner;
    const steps: RecordedStep[] = [];
    try {
      for (const [i, step] of sc.steps.entries()) {
        try {
          steps.push({ step, expect: await runner.step(step) });
        } catch (e) {
          throw new Error(`${sc.name} ${describe(i, step)}: ${(e as Error).message}`);
        }
      }
    } finally {
      await runner.close();
      active = undefined;
    }
    if (runner.pidsMonotonic() || attempt >= 2) return { steps, warnings: runner.warnings };
    console.log(`  ${sc.name}: pids wrapped around during the run, recording again`);
  }
}

async function main(argv: string[]): Promise<number> {
  const check = argv.includes('--check');
  const filters = argv.filter((a) => !a.startsWith('--'));
  const tag = runTag();
  const reason = cannotRecord(tag);
  if (reason !== null) {
    console.log(`skipping: cannot mount a cgroup v1 hierarchy here (${reason})`);
    return 0;
  }
  const onSignal = (sig: NodeJS.Signals) => {
    console.error(`\n${sig}: cleaning up`);
    void (active?.close() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const chosen = SCENARIOS.filter((sc) => filters.length === 0 || filters.some((f) => sc.name.includes(f)));
  const kernel = os.release();
  let failures = 0;
  let differences = 0;
  let stepCount = 0;
  if (!check) fs.mkdirSync(FIXTURE_DIR, { recursive: true });
  for (const [index, sc] of chosen.entries()) {
    const scTag = `${tag}_${SCENARIOS.indexOf(sc)}`;
    let recorded: { steps: RecordedStep[]; warnings: string[] };
    try {
      recorded = await recordOne(sc, scTag);
    } catch (e) {
      failures++;
      console.log(`FAIL ${sc.name}: ${(e as Error).message}`);
      continue;
    }
    for (const w of recorded.warnings) console.log(`  warning (${sc.name}): ${w}`);
    stepCount += recorded.steps.length;
    const fixture: Fixture = {
      name: sc.name,
      title: sc.title,
      covers: sc.covers,
      recordedOn: kernel,
      steps: recorded.steps,
    };
    const file = join(FIXTURE_DIR, `${sc.name}.json`);
    if (check) {
      let stored: Fixture | undefined;
      try {
        stored = JSON.parse(fs.readFileSync(file, 'utf8')) as Fixture;
      } catch {
        stored = undefined;
      }
      const diffs: string[] = [];
      if (!stored) diffs.push('no stored fixture');
      else {
        const n = Math.max(stored.steps.length, fixture.steps.length);
        for (let i = 0; i < n; i++) {
          const a = stored.steps[i];
          const b = fixture.steps[i];
          if (!a || !b || canonical(a) !== canonical(b)) {
            diffs.push(`${describe(i, (b ?? a)!.step)}: stored ${canonical(a?.expect)} now ${canonical(b?.expect)}`);
          }
        }
      }
      differences += diffs.length;
      console.log(`${diffs.length ? 'DIFF' : 'same'} ${sc.name} (${index + 1}/${chosen.length})`);
      for (const d of diffs) console.log(`    ${d}`);
    } else {
      fs.writeFileSync(file, formatFixture(fixture));
      console.log(`recorded ${sc.name} (${index + 1}/${chosen.length}, ${fixture.steps.length} steps)`);
    }
  }
  if (!check && filters.length === 0 && failures === 0) {
    const names = new Set(SCENARIOS.map((sc) => `${sc.name}.json`));
    for (const f of fs.readdirSync(FIXTURE_DIR)) {
      if (f.endsWith('.json') && !names.has(f)) {
        fs.unlinkSync(join(FIXTURE_DIR, f));
        console.log(`removed stale fixture ${f}`);
      }
    }
  }
  console.log(
    `${check ? 'checked' : 'recorded'} ${chosen.length - failures}/${chosen.length} scenarios, ${stepCount} steps` +
      (check ? `, ${differences} differences` : '') +
      (failures ? `, ${failures} failed` : ''),
  );
  return failures > 0 || differences > 0 ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
