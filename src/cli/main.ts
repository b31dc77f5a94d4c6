/**
 * The `cgsim` command: `main(argv, io)` runs one command and resolves to its exit status.
 * bin/cgsim.js is a shim that calls it with process.argv and the process streams and sets
 * process.exitCode; tests call it with fake streams.
 *
 *   cgsim simulate [options]     the default simulation (npm start)
 *   cgsim sh [script]            a shell over a simulated kernel
 *   cgsim tree [script]          hierarchy trees of the demo node or of a script's result
 *   cgsim bench [options]        the benchmark suite (npm run bench)
 *
 * Exit status: 0 success, 1 failure, 2 usage error (unknown command or option).
 */
import { readFileSync } from 'node:fs';
import type { Io } from './io.ts';
import type { OptionSpec } from './options.ts';
import { formatOptions, parseOptions, UsageError } from './options.ts';

export type { Input, Io, Output } from './io.ts';

const GLOBAL_OPTIONS: readonly OptionSpec[] = [
  { name: 'help', short: 'h', type: 'boolean', description: 'show help (also: cgsim help <command>)' },
  { name: 'version', short: 'V', type: 'boolean', description: 'print the version' },
];

interface Command {
  summary: string;
  run(argv: readonly string[], io: Io): Promise<number>;
  help(): Promise<string>;
}

/** The commands, loaded on demand (bench pulls in benchmark.js, sh pulls in readline). */
const COMMANDS: Record<string, Command> = {
  simulate: {
    summary: 'run the default simulation: services, a churn of 1M tasks, the release agent',
    run: async (argv, io) => (await import('./simulate.ts')).simulateCommand(argv, io),
    help: async () => (await import('./simulate.ts')).SIMULATE_HELP,
  },
  sh: {
    summary: 'a shell over a simulated kernel: mount, mkdir, echo PID > tasks, cat, ps',
    run: async (argv, io) => (await import('./shell.ts')).shCommand(argv, io),
    help: async () => (await import('./shell.ts')).SH_HELP,
  },
  tree: {
    summary: 'print the cgroup trees of the demo node, or of what a script leaves',
    run: async (argv, io) => (await import('./tree-command.ts')).treeCommand(argv, io),
    help: async () => (await import('./tree-command.ts')).TREE_HELP,
  },
  bench: {
    summary: 'run the benchmarks: the wasm engine against the reference model',
    run: async (argv, io) => (await import('../bench/run.ts')).benchCommand(argv, io),
    help: async () => (await import('../bench/run.ts')).BENCH_HELP,
  },
};

/** The package version, read from package.json (two levels up from src/cli and dist/cli). */
export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export function usage(): string {
  const names = Object.keys(COMMANDS);
  const width = Math.max(...names.map((n) => n.length)) + 2;
  return `Usage: cgsim <command> [options]

cgsim simulates Linux cgroup v1 (Task Containers): hierarchies, css_sets, cpuset,
cpuacct, pids, the release agent, over millions of tasks.

Commands:
${names.map((n) => `  ${n.padEnd(width)}${COMMANDS[n]!.summary}`).join('\n')}
  ${'help'.padEnd(width)}show the help of a command

Options:
${formatOptions(GLOBAL_OPTIONS)}

Run 'cgsim <command> --help' for the options of a command.
`;
}

/** Run the cgsim command line `argv` (without node and the script). Resolves to the exit status. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  try {
    const first = argv[0];
    if (first === undefined || first.startsWith('-')) {
      const { values, positionals } = parseOptions(argv, GLOBAL_OPTIONS);
      if (values.version) {
        io.stdout.write(`cgsim ${version()}\n`);
        return 0;
      }
      if (values.help) {
        io.stdout.write(usage());
        return 0;
      }
      if (positionals.length > 0) return await main(positionals, io);
      io.stderr.write(usage());
      return 2;
    }
    if (first === 'help') {
      const topic = argv[1];
      if (topic === undefined) {
        io.stdout.write(usage());
        return 0;
      }
      const cmd = COMMANDS[topic];
      if (cmd === undefined) throw new UsageError(`unknown command '${topic}'`);
      io.stdout.write(await cmd.help());
      return 0;
    }
    if (first === 'version') {
      io.stdout.write(`cgsim ${version()}\n`);
      return 0;
    }
    const cmd = Object.hasOwn(COMMANDS, first) ? COMMANDS[first] : undefined;
    if (cmd === undefined) throw new UsageError(`unknown command '${first}'`);
    return await cmd.run(argv.slice(1), io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`cgsim: ${e.message}\n\n${usage()}`);
      return 2;
    }
    io.stderr.write(`cgsim: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}
