#!/usr/bin/env node
// The cgsim command: a shim over main() in dist/cli/main.js (built by `npm run build:ts`).
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
});
