#!/usr/bin/env node
// Runs the uvu suite through tsx and prints one closing line `N passed, N failed, N skipped`.
// uvu prints no such line and exits 0 when it finds no tests, so this wrapper counts,
// and fails when nothing ran. It rebuilds the wasm first when assembly/ is newer than it.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const newest = (dir) => readdirSync(dir).reduce((m, f) => Math.max(m, statSync(join(dir, f)).mtimeMs), 0);
const wasm = join(root, 'build', 'release.wasm');
const debugWasm = join(root, 'build', 'debug.wasm');
const asmTime = Math.max(newest(join(root, 'assembly')), statSync(join(root, 'asconfig.json')).mtimeMs);
if (
  !existsSync(wasm) ||
  !existsSync(debugWasm) ||
  Math.min(statSync(wasm).mtimeMs, statSync(debugWasm).mtimeMs) < asmTime
) {
  const b = spawnSync('npm', ['run', '--silent', 'build:wasm'], { cwd: root, stdio: 'inherit' });
  if (b.status !== 0) {
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
}

// Only *.test.ts files are tests; an argument narrows them by a regex over their paths.
const pattern = process.argv[2] ? `^(?=.*(?:${process.argv[2]})).*\\.test\\.ts$` : '\\.test\\.ts$';
const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', join(root, 'node_modules', 'uvu', 'bin.js'), 'test', pattern, '--no-color'],
  { cwd: root, encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, FORCE_COLOR: '0' } },
);
process.stdout.write(r.stdout ?? '');
process.stderr.write(r.stderr ?? '');
const num = (label) => Number((r.stdout ?? '').match(new RegExp(`${label}:\\s+(\\d+)`))?.[1] ?? 0);
const total = num('Total');
const passed = num('Passed');
const skipped = num('Skipped');
// uvu's Total/Skipped can hide failures; count the FAIL blocks it prints as well.
const failBlocks = ((r.stdout ?? '').match(/^\s+FAIL\s/gm) ?? []).length;
let failed = Math.max(0, total - passed - skipped, failBlocks);
if (r.status !== 0 && failed === 0) failed = 1; // a crash while loading a test file
if (total === 0 && failed === 0) failed = 1; // no tests ran: that is a failure
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed === 0 && r.status === 0 ? 0 : 1);
