/**
 * `cgsim sh`: a shell over a simulated kernel, for trying cgroup v1 by hand or by script.
 *
 * It runs interactively (node:readline: history, tab completion of commands and paths), or
 * reads a script file, a `-c` string, or stdin when stdin is not a terminal. Commands act on
 * the kernel's filesystem as root (the shell is init, pid 1: `$$` is 1 and `echo 0 > tasks`
 * moves init) and print what bash, coreutils and util-linux print, errors included:
 *
 *   mkdir: cannot create directory '/cg/a': File exists
 *   bash: echo: write error: No such process          (a script: `file: line N: echo: ...`)
 *
 * Exit status: that of the last command; with `set -e`, the first failing command ends the
 * script with its status. A syntax error ends a script with status 2.
 */
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { createInterface } from 'node:readline';
import type { ProfileName } from '../cgroup/profile.ts';
import { TASK_FREE, TASK_LIVE, TASK_ZOMBIE } from '../engine/types.ts';
import { Kernel } from '../kernel.ts';
import { ENGINE_CHOICES, pickEngine } from './engine.ts';
import type { Io, Output } from './io.ts';
import { readAll } from './io.ts';
import type { OptionSpec } from './options.ts';
import { formatOptions, HELP_OPTION, parseOptions, UsageError } from './options.ts';
import type { ListItem, SimpleCommand, Word } from './shell-parse.ts';
import { IncompleteInput, Parser, ShellSyntaxError } from './shell-parse.ts';
import { errCode, strerror } from './strerror.ts';
import { hierarchyTitle, renderCgroupTree } from './tree.ts';

export const SH_OPTIONS: readonly OptionSpec[] = [
  { name: 'command', short: 'c', type: 'string', arg: 'STRING', description: 'run the commands in STRING, then exit' },
  {
    name: 'engine',
    type: 'string',
    arg: 'KIND',
    choices: ENGINE_CHOICES,
    description: 'auto, wasm or reference',
    default: 'auto',
  },
  { name: 'cpus', type: 'number', description: 'simulated CPUs', default: 4 },
  { name: 'mems', type: 'number', description: 'simulated memory nodes', default: 1 },
  { name: 'pid-max', type: 'number', description: 'like /proc/sys/kernel/pid_max', default: 32768 },
  {
    name: 'profile',
    type: 'string',
    arg: 'NAME',
    choices: ['v1', 'v11'],
    description: 'v1 (modern cgroup v1) or v11 (Task Containers V11: mount -t container)',
    default: 'v1',
  },
  HELP_OPTION,
];

/** One line per shell command, for `help` and `cgsim sh --help`. */
const COMMAND_HELP: ReadonlyArray<[string, string]> = [
  ['mount -t cgroup -o OPTS cgroup DIR', 'mount a hierarchy, OPTS e.g. cpuset,cpuacct or none,name=X'],
  ['mount -t cpuset cpuset DIR', 'the legacy cpuset filesystem'],
  ['mount -o remount,OPTS cgroup DIR', 'change the subsystems or release_agent of a hierarchy'],
  ['mount', 'list the mounts'],
  ['umount DIR', 'unmount'],
  ['mkdir [-p] DIR...', 'create cgroups'],
  ['rmdir DIR...', 'remove cgroups'],
  ['ls [-l] [-1] [PATH...]', 'list a directory'],
  ['cat FILE...', 'print files (tasks, /proc/PID/cgroup, /proc/cgroups...)'],
  ['echo [-n] [-e] TEXT > FILE', 'write to a file (>> appends), e.g. echo $! > /cg/a/tasks'],
  ['fork [-t] [-n N] [-c NAME] [PARENT]', 'fork PARENT (default 1), print the pid; -t: a thread'],
  ['exit PID...', 'the tasks exit (`exit` alone leaves the shell)'],
  ['ps', 'the tasks: pid, tgid, ppid, state, command, cgroups'],
  ['tree [DIR]', 'cgroups under DIR (default: every mount), tasks and CPU time'],
  ['charge PID NS [CPU]', 'cpuacct: charge NS nanoseconds of CPU time to a task'],
  ['cd DIR, pwd', 'change or print the working directory'],
  ['set -e | +e | -x | +x', 'exit on the first error; trace commands'],
  ['NAME=VALUE, $NAME, $?, $!, $$', 'shell variables; $! is the last forked pid'],
  ['true, false, help, quit', ''],
];

export const SH_HELP = `Usage: cgsim sh [options] [script]

A shell over a simulated kernel (nothing mounted at boot; the shell is init, pid 1).
Interactive on a terminal; otherwise runs the script file, -c STRING, or stdin.

Commands:
${formatCommands()}

Options:
${formatOptions(SH_OPTIONS)}
`;

function formatCommands(): string {
  const width = Math.max(...COMMAND_HELP.map(([c]) => c.length)) + 2;
  return COMMAND_HELP.map(([c, d]) => `  ${c.padEnd(width)}${d}`.trimEnd()).join('\n');
}

/** Where errors are reported from: bash's prefixes. */
type Source = { kind: 'interactive' } | { kind: 'file'; name: string } | { kind: 'string' };

/** The exit status requested by `quit`/`exit`, raised through the command loop. */
class ShellExit {
  constructor(readonly status: number) {}
}

const BUILTIN_NAMES = [
  'cat',
  'cd',
  'charge',
  'echo',
  'exit',
  'false',
  'fork',
  'help',
  'kill',
  'logout',
  'ls',
  'mkdir',
  'mount',
  'ps',
  'pwd',
  'quit',
  'rmdir',
  'set',
  'tree',
  'true',
  'umount',
];

/** mount(8) options that become mount flags rather than filesystem data. */
const MOUNT_FLAGS = new Set([
  'rw',
  'ro',
  'defaults',
  'relatime',
  'noatime',
  'nosuid',
  'nodev',
  'noexec',
  'auto',
  'noauto',
]);

/** Commands that are bash builtins (their errors carry bash's prefix). */
const BASH_BUILTINS = new Set(['cd', 'echo', 'exit', 'pwd', 'set', 'help', 'logout', 'kill']);

/** A write target collecting a command's output. */
class Sink {
  text = '';
  write(s: string): void {
    this.text += s;
  }
}

export class Shell {
  cwd = '/';
  status = 0;
  errexit = false;
  xtrace = false;
  lastPid = 0;
  private readonly vars = new Map<string, string>();
  private source: Source = { kind: 'interactive' };
  private line = 0;

  constructor(
    readonly k: Kernel,
    private readonly out: Output,
    private readonly err: Output,
    private readonly tty = false,
  ) {
    k.on('release', (ev) => {
      this.err.write(`release: ${ev.agent} ${ev.path}\n`);
    });
  }

  // ---------------------------------------------------------------- running text

  /**
   * Run a whole script (file or string). Returns the exit status: the last command's, the
   * failing one's under `set -e`, 2 for a syntax error.
   */
  runScript(text: string, source: Source): number {
    this.source = source;
    const parser = new Parser(text, true);
    try {
      for (;;) {
        let items: ListItem[] | null;
        try {
          items = parser.nextLine();
        } catch (e) {
          this.syntaxError(e);
          return 2;
        }
        if (items === null) return this.status;
        this.runList(items);
      }
    } catch (e) {
      if (e instanceof ShellExit) return e.status;
      throw e;
    }
  }

  /** Run one complete interactive input. Throws IncompleteInput when more lines are needed. */
  runInteractive(text: string): void {
    this.source = { kind: 'interactive' };
    const parser = new Parser(text, false);
    const lines: ListItem[][] = [];
    try {
      for (let items = parser.nextLine(); items !== null; items = parser.nextLine()) lines.push(items);
    } catch (e) {
      if (e instanceof IncompleteInput) throw e;
      this.syntaxError(e);
      this.status = 2;
      return;
    }
    for (const items of lines) this.runList(items);
  }

  private syntaxError(e: unknown): void {
    if (e instanceof ShellSyntaxError) {
      this.line = e.line;
      for (const l of e.lines) this.err.write(`${this.prefix()}${l}\n`);
    } else {
      this.err.write(`${this.prefix()}${e instanceof Error ? e.message : String(e)}\n`);
    }
  }

  /** bash's error prefix: 'bash: ' interactively, 'FILE: line N: ' or 'bash: line N: ' otherwise. */
  private prefix(): string {
    switch (this.source.kind) {
      case 'interactive':
        return 'bash: ';
      case 'file':
        return `${this.source.name}: line ${this.line}: `;
      case 'string':
        return `bash: line ${this.line}: `;
    }
  }

  private runList(items: ListItem[]): void {
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      const prev = i > 0 ? items[i - 1]!.next : ';';
      // a && b runs b only after a success, a || b only after a failure; a skipped command
      // leaves $? as it was, so `false && x || y` runs y.
      if ((prev === '&&' && this.status !== 0) || (prev === '||' && this.status === 0)) continue;
      this.runCommand(item.command);
      // set -e spares a command whose status is tested by && or ||.
      if (this.errexit && this.status !== 0 && item.next === ';') throw new ShellExit(this.status);
    }
  }

  // ---------------------------------------------------------------- one command

  private expand(w: Word): string {
    let s = '';
    for (const p of w.parts) {
      if ('lit' in p) s += p.lit;
      else if (p.var === '?') s += String(this.status);
      else if (p.var === '$') s += '1';
      else if (p.var === '!') s += this.lastPid === 0 ? '' : String(this.lastPid);
      else if (p.var === '#') s += '0';
      else if (p.var === '0') s += 'bash';
      else if (/^[0-9]$/.test(p.var)) s += '';
      else s += this.vars.get(p.var) ?? '';
    }
    return s;
  }

  private runCommand(cmd: SimpleCommand): void {
    this.line = cmd.line;
    let argv: string[];
    try {
      argv = cmd.words.map((w) => this.expand(w));
    } catch (e) {
      this.err.write(`${this.prefix()}${e instanceof Error ? e.message : String(e)}\n`);
      this.status = 1;
      return;
    }
    // NAME=VALUE words alone are assignments.
    if (argv.length > 0 && cmd.redirects.length === 0 && argv.every((a) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(a))) {
      for (const a of argv) {
        const eq = a.indexOf('=');
        this.vars.set(a.slice(0, eq), a.slice(eq + 1));
      }
      this.status = 0;
      return;
    }
    if (this.xtrace) this.err.write(`+ ${argv.join(' ')}\n`);
    // Redirections: open first (an open failure skips the command), write the output after.
    let outTarget: { fd: number; path: string } | 'null' | null = null;
    let errNull = false;
    for (const r of cmd.redirects) {
      const target = this.expand(r.target);
      if (target === '/dev/null') {
        if (r.fd === 2) errNull = true;
        else outTarget = 'null';
        continue;
      }
      if (r.fd === 2) {
        this.err.write(`${this.prefix()}${target}: cannot redirect standard error (only 2>/dev/null)\n`);
        this.status = 1;
        return;
      }
      try {
        if (outTarget !== null && outTarget !== 'null') this.k.fs.closeSync(outTarget.fd);
        outTarget = { fd: this.k.fs.openSync(this.abs(target), r.append ? 'a' : 'w'), path: target };
      } catch (e) {
        this.err.write(`${this.prefix()}${target}: ${strerror(e)}\n`);
        this.status = 1;
        return;
      }
    }
    if (argv.length === 0) {
      if (outTarget !== null && outTarget !== 'null') this.k.fs.closeSync(outTarget.fd);
      this.status = 0;
      return;
    }
    const name = argv[0]!;
    const out = outTarget === null ? this.out : new Sink();
    const err = errNull ? new Sink() : this.err;
    try {
      this.status = this.dispatch(name, argv.slice(1), out, err);
    } catch (e) {
      if (e instanceof ShellExit) {
        if (outTarget !== null && outTarget !== 'null') this.k.fs.closeSync(outTarget.fd);
        throw e;
      }
      err.write(
        `${BASH_BUILTINS.has(name) ? this.prefix() : ''}${name}: ${e instanceof Error ? e.message : String(e)}\n`,
      );
      this.status = 1;
    }
    if (outTarget !== null && outTarget !== 'null') {
      const text = (out as Sink).text;
      try {
        if (text.length > 0) this.k.fs.writeSync(outTarget.fd, text);
      } catch (e) {
        // bash: echo's own report of the failed write(2); other tools report it themselves.
        const who = BASH_BUILTINS.has(name) ? `${this.prefix()}${name}` : name;
        this.err.write(`${who}: write error: ${strerror(e)}\n`);
        this.status = 1;
      } finally {
        this.k.fs.closeSync(outTarget.fd);
      }
    }
  }

  private abs(p: string): string {
    return posix.resolve(this.cwd, p);
  }

  private dispatch(name: string, args: string[], out: Output, err: Output): number {
    switch (name) {
      case 'true':
      case ':':
        return 0;
      case 'false':
        return 1;
      case 'echo':
        return this.echo(args, out);
      case 'cat':
        return this.cat(args, out, err);
      case 'ls':
        return this.ls(args, out, err);
      case 'mkdir':
        return this.mkdir(args, err);
      case 'rmdir':
        return this.rmdir(args, err);
      case 'mount':
        return this.mount(args, out, err);
      case 'umount':
        return this.umount(args, err);
      case 'fork':
        return this.fork(args, out, err);
      case 'exit':
      case 'kill':
        if (args.length === 0 && name === 'exit') throw new ShellExit(this.status);
        return this.exitTasks(name, args, err);
      case 'quit':
      case 'logout':
        throw new ShellExit(this.status);
      case 'ps':
        return this.ps(out);
      case 'tree':
        return this.tree(args, out, err);
      case 'charge':
        return this.charge(args, err);
      case 'cd':
        return this.cd(args, err);
      case 'pwd':
        out.write(this.cwd + '\n');
        return 0;
      case 'set':
        return this.set(args, err);
      case 'help':
        return this.help(args, out, err);
      default:
        err.write(`${this.prefix()}${name}: command not found\n`);
        return 127;
    }
  }

  // ---------------------------------------------------------------- builtins

  private echo(args: string[], out: Output): number {
    let newline = true;
    let escapes = false;
    let i = 0;
    for (; i < args.length && /^-[neE]+$/.test(args[i]!); i++) {
      for (const f of args[i]!.slice(1)) {
        if (f === 'n') newline = false;
        else if (f === 'e') escapes = true;
        else escapes = false;
      }
    }
    let text = args.slice(i).join(' ');
    if (escapes) {
      const cut = text.indexOf('\\c');
      if (cut >= 0) {
        text = text.slice(0, cut);
        newline = false;
      }
      text = text.replace(
        /\\([\\abefnrtv0])/g,
        (_, c: string) =>
          ({ '\\': '\\', a: '\x07', b: '\b', e: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '0': '\0' })[c] ??
          c,
      );
    }
    out.write(newline ? text + '\n' : text);
    return 0;
  }

  private cd(args: string[], err: Output): number {
    const target = args[0] ?? '/';
    const abs = this.abs(target);
    try {
      const st = this.k.fs.statSync(abs)!;
      if (!st.isDirectory()) throw Object.assign(new Error('ENOTDIR'), { code: 'ENOTDIR' });
      this.k.fs.readdirSync(abs);
    } catch (e) {
      err.write(`${this.prefix()}cd: ${target}: ${strerror(e)}\n`);
      return 1;
    }
    this.cwd = abs;
    return 0;
  }

  private set(args: string[], err: Output): number {
    for (const a of args) {
      const on = a.startsWith('-');
      if (!/^[-+][ex]+$/.test(a)) {
        err.write(`${this.prefix()}set: ${a}: invalid option\nset: usage: set [-ex] [+ex]\n`);
        return 2;
      }
      for (const f of a.slice(1)) {
        if (f === 'e') this.errexit = on;
        else this.xtrace = on;
      }
    }
    return 0;
  }

  private help(args: string[], out: Output, err: Output): number {
    if (args.length === 0) {
      out.write(`cgsim sh: a shell over a simulated cgroup v1 kernel.\n\n${formatCommands()}\n`);
      return 0;
    }
    const rows = COMMAND_HELP.filter(([c]) =>
      args.some((a) => c === a || c.startsWith(a + ' ') || c.startsWith(a + ',')),
    );
    if (rows.length === 0) {
      err.write(`${this.prefix()}help: no help topics match \`${args[0]}'.\n`);
      return 1;
    }
    for (const [c, d] of rows) out.write(`${c}\n    ${d}\n`);
    return 0;
  }

  // ---------------------------------------------------------------- coreutils

  private cat(args: string[], out: Output, err: Output): number {
    let status = 0;
    for (const f of args) {
      try {
        out.write(this.k.fs.readFileSync(this.abs(f), 'utf8') as string);
      } catch (e) {
        err.write(`cat: ${f}: ${strerror(e)}\n`);
        status = 1;
      }
    }
    return status;
  }

  private mkdir(args: string[], err: Output): number {
    const { flags, operands, bad } = shortFlags(args, 'p', 'm');
    if (bad !== undefined) return usageError('mkdir', bad, err);
    if (operands.length === 0) return missingOperand('mkdir', err);
    let mode: number | undefined;
    if (flags.m !== undefined) {
      if (!/^[0-7]{1,4}$/.test(flags.m)) {
        err.write(`mkdir: invalid mode '${flags.m}'\n`);
        return 1;
      }
      mode = parseInt(flags.m, 8);
    }
    let status = 0;
    for (const d of operands) {
      try {
        this.k.fs.mkdirSync(this.abs(d), { recursive: flags.p !== undefined, ...(mode !== undefined ? { mode } : {}) });
      } catch (e) {
        err.write(`mkdir: cannot create directory '${d}': ${strerror(e)}\n`);
        status = 1;
      }
    }
    return status;
  }

  private rmdir(args: string[], err: Output): number {
    const { operands, bad } = shortFlags(args, '', '');
    if (bad !== undefined) return usageError('rmdir', bad, err);
    if (operands.length === 0) return missingOperand('rmdir', err);
    let status = 0;
    for (const d of operands) {
      try {
        this.k.fs.rmdirSync(this.abs(d));
      } catch (e) {
        err.write(`rmdir: failed to remove '${d}': ${strerror(e)}\n`);
        status = 1;
      }
    }
    return status;
  }

  private ls(args: string[], out: Output, err: Output): number {
    const { flags, operands, bad } = shortFlags(args, 'l1ad', '');
    if (bad !== undefined) return usageError('ls', bad, err);
    const long = flags.l !== undefined;
    const columns = !long && flags['1'] === undefined && this.tty && out === this.out;
    const fs = this.k.fs;
    let status = 0;
    const files: string[] = [];
    const dirs: string[] = [];
    for (const p of operands.length === 0 ? ['.'] : operands) {
      try {
        const st = fs.statSync(this.abs(p))!;
        if (st.isDirectory() && flags.d === undefined) dirs.push(p);
        else files.push(p);
      } catch (e) {
        err.write(`ls: cannot access '${p}': ${strerror(e)}\n`);
        status = 2;
      }
    }
    const render = (dir: string | null, names: string[]): string => {
      if (!long) return columns ? formatColumns(names, this.out.columns || 80) : names.map((n) => n + '\n').join('');
      const lines = names.map((n) => this.longLine(dir === null ? n : posix.join(dir, n), n));
      return (dir === null ? '' : 'total 0\n') + lines.join('');
    };
    let text = '';
    if (files.length > 0) text += render(null, files.sort());
    dirs.sort().forEach((d, i) => {
      let names: string[];
      try {
        names = (fs.readdirSync(this.abs(d)) as string[]).slice().sort();
      } catch (e) {
        err.write(`ls: cannot open directory '${d}': ${strerror(e)}\n`);
        status = 2;
        return;
      }
      if (flags.a !== undefined) names = ['.', '..', ...names];
      const heading = operands.length > 1 ? `${i > 0 || files.length > 0 ? '\n' : ''}${d}:\n` : '';
      text += heading + render(d, names);
    });
    out.write(text);
    return status;
  }

  private longLine(path: string, shown: string): string {
    const st = this.k.fs.statSync(this.abs(path))!;
    const type = st.isDirectory() ? 'd' : '-';
    let perm = '';
    for (let shift = 6; shift >= 0; shift -= 3) {
      const b = (st.mode >> shift) & 7;
      perm += (b & 4 ? 'r' : '-') + (b & 2 ? 'w' : '-') + (b & 1 ? 'x' : '-');
    }
    const user = st.uid === 0 ? 'root' : String(st.uid);
    const group = st.gid === 0 ? 'root' : String(st.gid);
    return `${type}${perm} ${st.nlink} ${user} ${group} ${st.size} ${lsDate(st.mtimeMs)} ${shown}\n`;
  }

  // ---------------------------------------------------------------- util-linux

  private mount(args: string[], out: Output, err: Output): number {
    let type: string | undefined;
    const opts: string[] = [];
    const operands: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === '-t' || a === '-o') {
        const v = args[++i];
        if (v === undefined) return mountUsage('mount', err);
        if (a === '-t') type = v;
        else opts.push(v);
      } else if (a.startsWith('-t') && a.length > 2) type = a.slice(2);
      else if (a.startsWith('-o') && a.length > 2) opts.push(a.slice(2));
      else if (a.startsWith('-') && a !== '-') return mountUsage('mount', err);
      else operands.push(a);
    }
    if (operands.length === 0 && type === undefined && opts.length === 0) {
      const table = this.k.fs.readFileSync('/proc/mounts', 'utf8') as string;
      for (const line of table.split('\n')) {
        const [src, dir, fstype, o] = line.split(' ');
        if (src !== undefined && dir !== undefined && fstype !== undefined && o !== undefined) {
          out.write(`${src} on ${dir} type ${fstype} (${o})\n`);
        }
      }
      return 0;
    }
    if (operands.length === 0 || operands.length > 2) return mountUsage('mount', err);
    const target = operands[operands.length - 1]!;
    const source = operands.length === 2 ? operands[0]! : (type ?? 'cgroup');
    const list = opts
      .join(',')
      .split(',')
      .filter((o) => o !== '');
    const remount = list.includes('remount');
    // Generic mount flags are mount(8)'s business (MS_* bits), not cgroup options.
    const data = list.filter((o) => o !== 'remount' && !MOUNT_FLAGS.has(o)).join(',');
    if (type !== undefined && type !== 'cgroup' && type !== 'cpuset' && type !== 'container') {
      err.write(`mount: ${target}: unknown filesystem type '${type}'.\n`);
      return 32;
    }
    if (type === undefined && !remount) {
      err.write(`mount: ${target}: can't find in /etc/fstab.\n`);
      return 1;
    }
    try {
      this.k.mount(this.abs(target), data, { remount, ...(type !== undefined ? { type } : {}) });
      return 0;
    } catch (e) {
      err.write(`mount: ${target}: ${mountMessage(errCode(e), source, remount, e)}\n`);
      return 32;
    }
  }

  private umount(args: string[], err: Output): number {
    if (args.length === 0 || args.some((a) => a.startsWith('-'))) return mountUsage('umount', err);
    let status = 0;
    for (const target of args) {
      try {
        this.k.umount(this.abs(target));
      } catch (e) {
        const code = errCode(e);
        const msg =
          code === 'EINVAL'
            ? 'not mounted.'
            : code === 'ENOENT'
              ? 'no mount point specified.'
              : code === 'EBUSY'
                ? 'target is busy.'
                : strerror(e) + '.';
        err.write(`umount: ${target}: ${msg}\n`);
        status = 32;
      }
    }
    return status;
  }

  // ---------------------------------------------------------------- tasks

  private fork(args: string[], out: Output, err: Output): number {
    const { flags, operands, bad } = shortFlags(args, 't', 'nc');
    if (bad !== undefined || operands.length > 1) {
      err.write('fork: usage: fork [-t] [-n COUNT] [-c NAME] [PARENT]\n');
      return 2;
    }
    const parentText = operands[0] ?? '1';
    const parent = Number(parentText);
    const count = flags.n === undefined ? 1 : Number(flags.n);
    if (!/^[0-9]+$/.test(parentText) || !Number.isInteger(count) || count < 1) {
      err.write(`fork: ${!/^[0-9]+$/.test(parentText) ? parentText : flags.n}: invalid number\n`);
      return 1;
    }
    const thread = flags.t !== undefined;
    try {
      let pids: number[];
      if (count === 1 || thread) {
        pids = [];
        for (let i = 0; i < count; i++)
          pids.push(this.k.fork(parent, { thread, ...(flags.c !== undefined ? { name: flags.c } : {}) }));
      } else {
        if (flags.c !== undefined) {
          pids = [];
          for (let i = 0; i < count; i++) pids.push(this.k.fork(parent, { name: flags.c }));
        } else {
          pids = Array.from(this.k.forkMany(parent, count));
        }
      }
      this.lastPid = pids[pids.length - 1]!;
      out.write(ranges(pids) + '\n');
      return 0;
    } catch (e) {
      err.write(errCode(e) === 'ESRCH' ? `fork: ${parent}: ${strerror(e)}\n` : `fork: ${strerror(e)}\n`);
      return 1;
    }
  }

  private exitTasks(name: string, args: string[], err: Output): number {
    let status = 0;
    for (const a of args) {
      if (!/^[0-9]+$/.test(a)) {
        err.write(`${this.prefix()}${name}: ${a}: arguments must be process or job IDs\n`);
        status = 1;
        continue;
      }
      try {
        this.k.exit(Number(a));
      } catch (e) {
        err.write(`${this.prefix()}${name}: (${a}) - ${strerror(e)}\n`);
        status = 1;
      }
    }
    return status;
  }

  private charge(args: string[], err: Output): number {
    const [pid, ns, cpu] = args;
    if (
      pid === undefined ||
      ns === undefined ||
      args.length > 3 ||
      ![pid, ns, cpu ?? '0'].every((a) => /^[0-9]+$/.test(a))
    ) {
      err.write('charge: usage: charge PID NS [CPU]\n');
      return 2;
    }
    try {
      this.k.charge(Number(pid), Number(ns), { cpu: Number(cpu ?? 0) });
      return 0;
    } catch (e) {
      err.write(`charge: ${pid}: ${strerror(e)}\n`);
      return 1;
    }
  }

  /** Every allocated pid, ascending (LIVE and ZOMBIE). */
  private pids(): number[] {
    const e = this.k.engine;
    const want = e.pidsInUse();
    const pids: number[] = [];
    for (let pid = 1; pid < e.pidMax && pids.length < want; pid++) {
      if (e.taskState(pid) !== TASK_FREE) pids.push(pid);
    }
    return pids;
  }

  private ps(out: Output): number {
    const e = this.k.engine;
    const fs = this.k.fs;
    const rows: string[][] = [['PID', 'TGID', 'PPID', 'STAT', 'COMMAND', 'CGROUPS']];
    for (const pid of this.pids()) {
      const state = e.taskState(pid);
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8') as string;
      const comm = /^Name:\t(.*)$/m.exec(status)?.[1] ?? '?';
      const cgroups =
        state === TASK_LIVE
          ? (fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8') as string)
              .trim()
              .split('\n')
              .filter((l) => l !== '')
              .join(' ')
          : '';
      rows.push([
        String(pid),
        String(e.taskTgid(pid)),
        String(e.taskPpid(pid)),
        state === TASK_ZOMBIE ? 'Z' : 'S',
        comm,
        cgroups,
      ]);
    }
    const widths = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c]!.length)));
    const commWidth = Math.max(...rows.map((r) => r[4]!.length));
    for (const r of rows) {
      const num = widths.map((w, c) => r[c]!.padStart(w)).join(' ');
      out.write(`${num} ${r[3]!.padEnd(4)} ${r[4]!.padEnd(commWidth)} ${r[5]}`.trimEnd() + '\n');
    }
    return 0;
  }

  private tree(args: string[], out: Output, err: Output): number {
    if (args.length > 1) {
      err.write('tree: usage: tree [DIR]\n');
      return 2;
    }
    const shown = args[0] ?? (this.inMount(this.cwd) ? '.' : this.cwd);
    const abs = this.abs(shown);
    const fs = this.k.fs;
    if (!fs.existsSync(abs)) {
      err.write(`tree: ${shown}: ${strerror('ENOENT')}\n`);
      return 2;
    }
    if (this.inMount(abs)) {
      if (!fs.statSync(abs)!.isDirectory()) {
        err.write(`tree: ${shown}: ${strerror('ENOTDIR')}\n`);
        return 2;
      }
      out.write(renderCgroupTree(this.k, abs, '', shown));
      return 0;
    }
    const mounts = [...this.k.mounts.keys()].filter((m) => abs === '/' || m === abs || m.startsWith(abs + '/')).sort();
    if (mounts.length === 0) out.write(`${shown}: no cgroup hierarchy mounted here\n`);
    out.write(mounts.map((m) => renderCgroupTree(this.k, m, hierarchyTitle(this.k, m))).join('\n'));
    return 0;
  }

  private inMount(abs: string): boolean {
    for (const m of this.k.mounts.keys()) if (abs === m || abs.startsWith(m === '/' ? '/' : m + '/')) return true;
    return false;
  }

  // ---------------------------------------------------------------- interactive

  /** Completions for readline: command names first, then paths. */
  complete(line: string): [string[], string] {
    const m = /(?:^|[\s;&|>])([^\s;&|>]*)$/.exec(line);
    const word = m?.[1] ?? '';
    const before = line.slice(0, line.length - word.length);
    if (/^\s*$/.test(before) || /(;|&&|\|\|)\s*$/.test(before)) {
      const hits = BUILTIN_NAMES.filter((n) => n.startsWith(word));
      if (hits.length > 0 || !word.includes('/')) return [hits.map((h) => h + ' '), word];
    }
    const slash = word.lastIndexOf('/');
    const dirPart = slash < 0 ? '' : word.slice(0, slash + 1);
    const base = slash < 0 ? word : word.slice(slash + 1);
    const dir = this.abs(dirPart === '' ? '.' : dirPart);
    try {
      const entries = this.k.fs.readdirSync(dir, { withFileTypes: true }) as Array<{
        name: string;
        isDirectory(): boolean;
      }>;
      const hits = entries
        .filter((d) => d.name.startsWith(base))
        .map((d) => dirPart + d.name + (d.isDirectory() ? '/' : ''))
        .sort();
      return [hits, word];
    } catch {
      return [[], word];
    }
  }

  prompt(): string {
    return `cgsim:${this.cwd}# `;
  }
}

// ---------------------------------------------------------------- helpers

/** Parse -abc style flags: `boolFlags` take no value, `valueFlags` take the next argument. */
function shortFlags(
  args: string[],
  boolFlags: string,
  valueFlags: string,
): {
  flags: Record<string, string>;
  operands: string[];
  bad?: string;
} {
  const flags: Record<string, string> = {};
  const operands: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (a.length < 2 || !a.startsWith('-')) {
      operands.push(a);
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const f = a[j]!;
      if (boolFlags.includes(f)) flags[f] = '';
      else if (valueFlags.includes(f)) {
        const v = j + 1 < a.length ? a.slice(j + 1) : args[++i];
        if (v === undefined) return { flags, operands, bad: f };
        flags[f] = v;
        break;
      } else {
        return { flags, operands, bad: f };
      }
    }
  }
  return { flags, operands };
}

function usageError(cmd: string, flag: string, err: Output): number {
  err.write(`${cmd}: invalid option -- '${flag}'\nTry '${cmd} --help' for more information.\n`);
  return cmd === 'ls' ? 2 : 1;
}

function missingOperand(cmd: string, err: Output): number {
  err.write(`${cmd}: missing operand\nTry '${cmd} --help' for more information.\n`);
  return 1;
}

function mountUsage(cmd: string, err: Output): number {
  err.write(`${cmd}: bad usage\nTry '${cmd} --help' for more information.\n`);
  return 1;
}

/** util-linux's mount(8) messages for the errno of a failed mount(2). */
function mountMessage(code: string | undefined, source: string, remount: boolean, e: unknown): string {
  switch (code) {
    case 'EBUSY':
      return remount ? 'mount point busy.' : `${source} already mounted or mount point busy.`;
    case 'EINVAL':
      return `wrong fs type, bad option, bad superblock on ${source}, missing codepage or helper program, or other error.`;
    case 'ENOENT':
      return 'mount point does not exist.';
    case 'ENOTDIR':
      return 'mount point is not a directory.';
    case 'ENODEV':
      return 'unknown filesystem type.';
    case 'EPERM':
    case 'EACCES':
      return 'must be superuser to use mount.';
    default:
      return `${strerror(e)}.`;
  }
}

/** Sorted pids as ranges, the way cpuset lists are written: 2-5,9. */
export function ranges(pids: readonly number[]): string {
  const sorted = [...pids].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** ls -l's date: 'Nov 28 22:24'. */
function lsDate(ms: number): string {
  const d = new Date(ms);
  const hh = String(d.getHours()).padStart(2, '0');
  const mm = String(d.getMinutes()).padStart(2, '0');
  return `${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2)} ${hh}:${mm}`;
}

/** ls -C: names down columns, as many columns as fit in `width`. */
function formatColumns(names: string[], width: number): string {
  if (names.length === 0) return '';
  for (let cols = Math.min(names.length, Math.max(1, Math.floor(width / 3))); cols >= 1; cols--) {
    const rows = Math.ceil(names.length / cols);
    const colWidths: number[] = [];
    for (let c = 0; c < cols; c++) {
      const col = names.slice(c * rows, (c + 1) * rows);
      colWidths.push(col.length === 0 ? 0 : Math.max(...col.map((n) => n.length)) + 2);
    }
    const total = colWidths.reduce((a, b) => a + b, 0) - 2;
    if (total > width && cols > 1) continue;
    let out = '';
    for (let r = 0; r < rows; r++) {
      let line = '';
      for (let c = 0; c < cols; c++) {
        const n = names[c * rows + r];
        if (n !== undefined) line += n.padEnd(colWidths[c]!);
      }
      out += line.trimEnd() + '\n';
    }
    return out;
  }
  return names.join('\n') + '\n';
}

// ---------------------------------------------------------------- the command

export async function shCommand(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseOptions(argv, SH_OPTIONS);
  if (values.help) {
    io.stdout.write(SH_HELP);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError(`unexpected argument '${positionals[1]}'`);
  const engine = pickEngine(values.engine as string, (m) => io.stderr.write(m + '\n'));
  const k = await Kernel.create({
    engine,
    cpus: Number(values.cpus),
    mems: Number(values.mems),
    pidMax: Number(values['pid-max']),
    profile: values.profile as ProfileName,
  });
  const interactive = values.command === undefined && positionals.length === 0 && io.stdin?.isTTY === true;
  const shell = new Shell(k, io.stdout, io.stderr, interactive && io.stdout.isTTY === true);
  if (values.command !== undefined) return shell.runScript(String(values.command), { kind: 'string' });
  if (positionals.length === 1) {
    const file = positionals[0]!;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      io.stderr.write(`bash: ${file}: ${strerror(e)}\n`);
      return 127;
    }
    return shell.runScript(text, { kind: 'file', name: file });
  }
  if (io.stdin === undefined) return 0;
  if (!interactive) return shell.runScript(await readAll(io.stdin), { kind: 'string' });
  return interactiveLoop(shell, io);
}

/** The read-eval-print loop on a terminal. */
function interactiveLoop(shell: Shell, io: Io): Promise<number> {
  io.stdout.write(`cgsim ${shell.k.engine.kind} engine: a simulated kernel with nothing mounted yet. Type 'help'.\n`);
  const rl = createInterface({
    input: io.stdin as unknown as NodeJS.ReadableStream,
    output: io.stdout as unknown as NodeJS.WritableStream,
    terminal: true,
    historySize: 1000,
    completer: (line: string) => shell.complete(line),
  });
  let pending = '';
  rl.setPrompt(shell.prompt());
  rl.prompt();
  return new Promise((resolve) => {
    let done = false;
    const finish = (status: number): void => {
      if (done) return;
      done = true;
      rl.close();
      resolve(status);
    };
    rl.on('line', (line) => {
      pending += line + '\n';
      try {
        shell.runInteractive(pending);
        pending = '';
        rl.setPrompt(shell.prompt());
      } catch (e) {
        if (e instanceof IncompleteInput) {
          rl.setPrompt('> ');
        } else if (e instanceof ShellExit) {
          finish(e.status);
          return;
        } else {
          pending = '';
          io.stderr.write(`bash: ${e instanceof Error ? e.message : String(e)}\n`);
        }
      }
      rl.prompt();
    });
    rl.on('SIGINT', () => {
      pending = '';
      io.stdout.write('^C\n');
      rl.setPrompt(shell.prompt());
      rl.prompt();
    });
    rl.on('close', () => {
      if (!done) io.stdout.write('exit\n');
      finish(shell.status);
    });
  });
}
