// cgsim sh: a session's exact output, bash/coreutils error messages, exit statuses, set -e,
// quoting and variables, scripts from a file and from stdin, tab completion.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { wasmAvailable } from '../../src/cli/engine.ts';
import { main } from '../../src/cli/main.ts';
import { Shell } from '../../src/cli/shell.ts';
import { Parser } from '../../src/cli/shell-parse.ts';
import { Kernel } from '../../src/kernel.ts';
import { fakeIo } from './fake-io.ts';

const test = suite('cli/sh');
const ENGINES = wasmAvailable().ok ? (['reference', 'wasm'] as const) : (['reference'] as const);

async function sh(script: string, engine: string = 'reference', extra: string[] = []) {
  const io = fakeIo();
  const status = await main(['sh', '--engine', engine, ...extra, '-c', script], io);
  return { status, both: io.both(), out: io.out(), err: io.err() };
}

const SESSION = `mount -t cgroup -o cpuset,name=demo cgroup /cg
mkdir /cg/a /cg/b
mkdir /cg/a
echo 0-1 > /cg/a/cpuset.cpus
echo 0 > /cg/a/cpuset.mems
fork
echo $! > /cg/a/tasks
cat /cg/a/tasks /proc/2/cgroup
echo 2 > /cg/b/tasks
echo 99 > /cg/a/tasks
echo 2 > /cg/a/nofile
rmdir /cg/a /cg/b
cat /cg/x
ls /cg/a
mount -t cgroup -o cpuset cgroup /cg
umount /nowhere
exit 2
rmdir /cg/a
tree /cg
`;

const SESSION_OUTPUT = `! mkdir: cannot create directory '/cg/a': File exists
2
2
1:cpuset,name=demo:/a
! bash: line 9: echo: write error: No space left on device
! bash: line 10: echo: write error: No such process
! bash: line 11: /cg/a/nofile: Permission denied
! rmdir: failed to remove '/cg/a': Device or resource busy
! cat: /cg/x: No such file or directory
cgroup.clone_children
cgroup.procs
cpuset.cpu_exclusive
cpuset.cpus
cpuset.effective_cpus
cpuset.effective_mems
cpuset.mem_exclusive
cpuset.mem_hardwall
cpuset.memory_migrate
cpuset.memory_pressure
cpuset.memory_spread_page
cpuset.memory_spread_slab
cpuset.mems
cpuset.sched_load_balance
cpuset.sched_relax_domain_level
notify_on_release
tasks
! mount: /cg: cgroup already mounted or mount point busy.
! umount: /nowhere: no mount point specified.
     tasks
/cg      1
`;

for (const engine of ENGINES) {
  test(`${engine}: a session's exact output, errors included`, async () => {
    const r = await sh(SESSION, engine);
    assert.fixture(r.both, SESSION_OUTPUT);
    assert.is(r.status, 0, 'the status is the last command’s');
  });
}

test('error messages of each command, as bash and coreutils print them', async () => {
  const cases: Array<[string, string, number]> = [
    ['rmdir /cg', "rmdir: failed to remove '/cg': Device or resource busy\n", 1],
    ['rmdir /nope', "rmdir: failed to remove '/nope': No such file or directory\n", 1],
    ['mkdir /cg/tasks/x', "mkdir: cannot create directory '/cg/tasks/x': Not a directory\n", 1],
    ['mkdir', "mkdir: missing operand\nTry 'mkdir --help' for more information.\n", 1],
    ['cat /cg', 'cat: /cg: Is a directory\n', 1],
    ['ls /nope', "ls: cannot access '/nope': No such file or directory\n", 2],
    ['echo x > /nope/tasks', 'bash: line 1: /nope/tasks: No such file or directory\n', 1],
    ['echo abc > /cg/tasks', 'bash: line 1: echo: write error: Invalid argument\n', 1],
    ['echo 1 > /cg/cgroup.procs; echo 7 > /cg/tasks', 'bash: line 1: echo: write error: No such process\n', 1],
    [
      'echo x > /cg/release_agent; echo 1 > /cg/x/notify_on_release',
      'bash: line 1: /cg/x/notify_on_release: No such file or directory\n',
      1,
    ],
    [
      'mount -t cgroup -o nosuch cgroup /x',
      'mount: /x: wrong fs type, bad option, bad superblock on cgroup, missing codepage or helper program, or other error.\n',
      32,
    ],
    ['mount -t ext4 /dev/sda1 /x', "mount: /x: unknown filesystem type 'ext4'.\n", 32],
    ['umount /', 'umount: /: not mounted.\n', 32],
    ['fork 999', 'fork: 999: No such process\n', 1],
    ['exit 999', 'bash: line 1: exit: (999) - No such process\n', 1],
    ['exit 1', 'bash: line 1: exit: (1) - Operation not permitted\n', 1],
    ['frob', 'bash: line 1: frob: command not found\n', 127],
    ['cd /nope', 'bash: line 1: cd: /nope: No such file or directory\n', 1],
    ['cd /cg/tasks', 'bash: line 1: cd: /cg/tasks: Not a directory\n', 1],
    ['echo a | cat', "bash: line 1: syntax error near unexpected token `|'\n", 2],
    [
      'echo "open',
      'bash: line 1: unexpected EOF while looking for matching `"\'\nbash: line 1: syntax error: unexpected end of file\n',
      2,
    ],
  ];
  for (const [cmd, err, status] of cases) {
    const r = await sh(`mount -t cgroup -o cpuacct cgroup /cg\n${cmd.replace(/; /g, '\n')}`);
    const line = cmd.includes('; ') ? 3 : 2;
    assert.is(r.err, err.replace(/line 1:/g, `line ${line}:`), cmd);
    assert.is(r.status, status, cmd);
  }
});

test('a script keeps going after an error; set -e stops at the first one', async () => {
  let r = await sh('false\necho after\nmkdir /x/y');
  assert.is(r.out, 'after\n');
  assert.is(r.status, 1);
  r = await sh('mkdir /a\ntrue');
  assert.is(r.status, 0, 'the last command’s status');
  r = await sh('set -e\necho one\nrmdir /nope\necho two');
  assert.is(r.out, 'one\n');
  assert.is(r.err, "rmdir: failed to remove '/nope': No such file or directory\n");
  assert.is(r.status, 1);
  r = await sh('set -e\nfalse || echo rescued\nfalse && echo no\necho end');
  assert.is(r.out, 'rescued\nend\n', 'commands tested by && and || do not stop the script');
  assert.is(r.status, 0);
  r = await sh('set -e\nfrob\necho no');
  assert.is(r.status, 127);
});

test('quoting, escapes, variables and redirections', async () => {
  const r = await sh(
    [
      'A=world B="two words"',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell ${VAR}, not a template
      'echo "hello $A" \'$A\' \\$A ${A}s',
      'echo $B',
      'echo -n no-newline; echo',
      'echo -e "a\\tb"',
      'echo $?; false; echo $?',
      'echo $$',
      'echo a; echo b # a comment',
      'mount -t cgroup -o none,name=x cgroup /cg',
      'echo /agent >> /cg/release_agent',
      'cat /cg/release_agent',
      'echo "" > /cg/release_agent; cat /cg/release_agent',
      'cat /nope 2>/dev/null || echo silenced',
      'ls /cg > /dev/null',
    ].join('\n'),
  );
  assert.is(r.err, '');
  assert.is(r.out, 'hello world $A $A worlds\ntwo words\nno-newline\na\tb\n0\n1\n1\na\nb\n/agent\n\nsilenced\n');
});

test('fork, threads, ps and exit', async () => {
  const r = await sh(
    [
      'mount -t cgroup -o cpuacct cgroup /cg',
      'mkdir /cg/web',
      'fork -c nginx',
      'echo $! > /cg/web/cgroup.procs',
      'fork -t 2',
      'fork -n 3 2',
      'ps',
      'cat /cg/web/cgroup.procs',
      'exit 2',
      'ps',
      'cat /cg/web/tasks',
    ].join('\n'),
  );
  assert.is(r.err, '');
  assert.fixture(
    r.out,
    [
      '2',
      '3',
      '4-6',
      'PID TGID PPID STAT COMMAND CGROUPS',
      '  1    1    0 S    init    1:cpuacct:/',
      '  2    2    1 S    nginx   1:cpuacct:/web',
      '  3    2    1 S    nginx   1:cpuacct:/web',
      '  4    4    2 S    nginx   1:cpuacct:/web',
      '  5    5    2 S    nginx   1:cpuacct:/web',
      '  6    6    2 S    nginx   1:cpuacct:/web',
      '2',
      '4',
      '5',
      '6',
      'PID TGID PPID STAT COMMAND CGROUPS',
      '  1    1    0 S    init    1:cpuacct:/',
      '  2    2    1 Z    nginx',
      '  3    2    1 S    nginx   1:cpuacct:/web',
      '  4    4    2 S    nginx   1:cpuacct:/web',
      '  5    5    2 S    nginx   1:cpuacct:/web',
      '  6    6    2 S    nginx   1:cpuacct:/web',
      '3',
      '4',
      '5',
      '6',
      '',
    ].join('\n'),
  );
});

test('release notifications are reported on stderr; tree shows counts and CPU time', async () => {
  const r = await sh(
    [
      'mount -t cgroup -o cpuacct,release_agent=/sbin/agent cgroup /cg',
      'mkdir -p /cg/jobs/j1',
      'echo 1 > /cg/jobs/j1/notify_on_release',
      'fork',
      'echo 2 > /cg/jobs/j1/tasks',
      'charge 2 1500000000',
      'exit 2',
      'tree',
      'cd /cg/jobs',
      'tree',
      'pwd',
    ].join('\n'),
  );
  assert.fixture(
    r.both,
    [
      '2',
      '! release: /sbin/agent /jobs/j1',
      'cpuacct on /cg, release_agent=/sbin/agent',
      '            tasks  cpu time',
      '/cg             1    1.50 s',
      '└── jobs        0    1.50 s',
      '    └── j1      0    1.50 s',
      '        tasks  cpu time',
      '.           0    1.50 s',
      '└── j1      0    1.50 s',
      '/cg/jobs',
      '',
    ].join('\n'),
  );
});

test('a script file: errors carry its name and line; stdin works when not a terminal', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cgsim-sh-'));
  try {
    const file = join(dir, 'setup.sh');
    writeFileSync(file, 'mkdir /x\n\nrmdir /x/y\n');
    let io = fakeIo();
    assert.is(await main(['sh', '--engine', 'reference', file], io), 1);
    assert.is(io.err(), "rmdir: failed to remove '/x/y': No such file or directory\n");
    writeFileSync(file, 'echo ok\nfrob\n');
    io = fakeIo();
    assert.is(await main(['sh', '--engine', 'reference', file], io), 127);
    assert.is(io.err(), `${file}: line 2: frob: command not found\n`);
    io = fakeIo();
    assert.is(await main(['sh', '--engine', 'reference', join(dir, 'missing.sh')], io), 127);
    assert.is(io.err(), `bash: ${join(dir, 'missing.sh')}: No such file or directory\n`);
    io = fakeIo('mount -t cgroup -o pids cgroup /cg\nmkdir /cg/a\nls /cg/a | x\n');
    assert.is(await main(['sh', '--engine', 'reference'], io), 2);
    assert.is(io.err(), "bash: line 3: syntax error near unexpected token `|'\n");
    io = fakeIo('fork\nfork\n');
    assert.is(await main(['sh', '--engine', 'reference'], io), 0);
    assert.is(io.out(), '2\n3\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the parser: lines, connectors, redirections, continuation', () => {
  const p = new Parser('a b; c && d || e\n# comment\nf > x 2>/dev/null\ng \\\n h', true);
  const l1 = p.nextLine()!;
  assert.equal(
    l1.map((i) => i.next),
    [';', '&&', '||', ';'],
  );
  assert.equal(p.nextLine(), []);
  const l3 = p.nextLine()!;
  assert.is(l3[0]!.command.redirects.length, 2);
  const l4 = p.nextLine()!;
  assert.is(l4[0]!.command.words.length, 2);
  assert.is(l4[0]!.command.line, 4);
  assert.is(p.nextLine(), null);
});

test('tab completion: commands, then paths (directories get a slash)', async () => {
  const k = await Kernel.create({ engine: 'reference' });
  k.mount('/cg', 'cpuacct');
  k.fs.mkdirSync('/cg/web');
  const shell = new Shell(k, { write: () => true }, { write: () => true });
  assert.equal(shell.complete('mk'), [['mkdir '], 'mk']);
  assert.equal(shell.complete('cat /cg/cpuacct.usage_p'), [
    ['/cg/cpuacct.usage_percpu', '/cg/cpuacct.usage_percpu_sys', '/cg/cpuacct.usage_percpu_user'],
    '/cg/cpuacct.usage_p',
  ]);
  assert.equal(shell.complete('cd /cg/w'), [['/cg/web/'], '/cg/w']);
  assert.equal(shell.complete('echo 1 > /cg/web/not'), [['/cg/web/notify_on_release'], '/cg/web/not']);
  shell.cwd = '/cg';
  assert.equal(shell.complete('ls w'), [['web/'], 'w']);
});

test.run();
