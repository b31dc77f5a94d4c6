/**
 * `cgsim tree [script]`: the cgroup trees of a kernel, with task counts and CPU time.
 *
 * Without a script: the demo node of `cgsim simulate`, after a short run (20,000 tasks,
 * 20 steps, seed 1). With a script: a fresh kernel, the script run through `cgsim sh` (its
 * output is discarded, its errors go to stderr), then the tree of every mount it left; the
 * exit status is the script's.
 */
import { readFileSync } from 'node:fs';
import { Kernel } from '../kernel.ts';
import { ENGINE_CHOICES, pickEngine } from './engine.ts';
import type { Io } from './io.ts';
import type { OptionSpec } from './options.ts';
import { formatOptions, HELP_OPTION, parseOptions, UsageError } from './options.ts';
import { Shell } from './shell.ts';
import { simulate, trees } from './simulate.ts';
import { strerror } from './strerror.ts';
import { hierarchyTitle, renderCgroupTree } from './tree.ts';

export const TREE_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'engine',
    short: 'e',
    type: 'string',
    arg: 'KIND',
    choices: ENGINE_CHOICES,
    description: 'auto, wasm or reference',
    default: 'auto',
  },
  { name: 'seed', type: 'number', description: 'seed of the demo run', default: 1 },
  HELP_OPTION,
];

export const TREE_HELP = `Usage: cgsim tree [options] [script]

Print the cgroup hierarchies with task counts (and CPU time where cpuacct is bound).
Without a script: the demo node of 'cgsim simulate' after a short run (20,000 tasks).
With a script: the trees the script leaves behind (run as by 'cgsim sh script', its
output discarded); the exit status is the script's.

Options:
${formatOptions(TREE_OPTIONS)}
`;

export async function treeCommand(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseOptions(argv, TREE_OPTIONS);
  if (values.help) {
    io.stdout.write(TREE_HELP);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError(`unexpected argument '${positionals[1]}'`);
  const engine = pickEngine(values.engine as string, (m) => io.stderr.write(m + '\n'));
  if (positionals.length === 0) {
    const run = await simulate({ engine, tasks: 20_000, steps: 20, seed: Number(values.seed) });
    io.stdout.write(trees(run.result));
    return 0;
  }
  const file = positionals[0]!;
  let script: string;
  try {
    script = readFileSync(file, 'utf8');
  } catch (e) {
    io.stderr.write(`cgsim tree: ${file}: ${strerror(e)}\n`);
    return 1;
  }
  const k = await Kernel.create({ engine, cpus: 4, mems: 1, pidMax: 32768 });
  const shell = new Shell(k, { write: () => true }, io.stderr);
  const status = shell.runScript(script, { kind: 'file', name: file });
  const mounts = [...k.mounts.keys()].sort();
  if (mounts.length === 0) io.stdout.write('(no cgroup hierarchy mounted)\n');
  io.stdout.write(mounts.map((m) => renderCgroupTree(k, m, hierarchyTitle(k, m))).join('\n'));
  return status;
}
