/**
 * `npm run bench` (node --expose-gc --import tsx bench/index.ts [options]): the benchmark
 * suite, the same code as `cgsim bench`, run from the TypeScript sources.
 * See bench/README.md; `npm run bench -- --help` lists the options.
 */
import { benchCommand } from '../src/bench/run.ts';
import { UsageError } from '../src/cli/options.ts';

try {
  process.exitCode = await benchCommand(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
} catch (e) {
  if (!(e instanceof UsageError)) throw e;
  process.stderr.write(`bench: ${e.message}\nTry 'npm run bench -- --help' for more information.\n`);
  process.exitCode = 2;
}
