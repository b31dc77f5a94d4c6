/**
 * The tasks and cgroup.procs files: attach, parsing of written pids, sorted reads, `0` for
 * the writer, threads, fork inheritance and exit (semantics §4.2, §6, §7, §19 "Attach
 * errors" and "Threads").
 */
import { type Scenario, scenario } from '../scenario.ts';

const H = (s: { mount(at: string, o: string): unknown }) => s.mount('$M1', 'none,name=$H1');

export const taskScenarios: Scenario[] = [
  scenario(
    'tasks-attach',
    'writing a pid moves it; the same write again is a silent success; back to the root',
    ['§4.2 attach', '§6 already there -> success', 'GV MigrateToSubcontainer'],
    (s) => {
      s.spawn('p1');
      H(s);
      s.mkdir('$M1/a');
      s.read('$M1/tasks');
      s.write('$M1/a/tasks', '$p1');
      s.read('$M1/a/tasks');
      s.read('$M1/tasks');
      s.read('$M1/a/cgroup.procs');
      s.read('/proc/$p1/cgroup');
      s.write('$M1/a/tasks', '$p1');
      s.read('$M1/a/tasks');
      s.write('$M1/tasks', '$p1');
      s.read('$M1/a/tasks');
      s.read('/proc/$p1/cgroup');
      s.rmdir('$M1/a');
      s.umount('$M1');
    },
  ),

  scenario(
    'tasks-sorted',
    'tasks and cgroup.procs read back sorted whatever the order of attach',
    ['§4.2 sorted read', '§19 8212,8210,8211 -> sorted'],
    (s) => {
      s.spawn('p1');
      s.spawn('p2');
      s.spawn('p3');
      H(s);
      s.mkdir('$M1/a');
      s.write('$M1/a/tasks', '$p3');
      s.write('$M1/a/tasks', '$p1');
      s.write('$M1/a/tasks', '$p2');
      s.read('$M1/a/tasks');
      s.read('$M1/a/cgroup.procs');
      s.read('$M1/tasks');
      s.kill('p2');
      s.read('$M1/a/tasks');
      s.kill('p1');
      s.kill('p3');
      s.read('$M1/a/tasks');
      s.rmdir('$M1/a');
      s.umount('$M1');
    },
  ),

  scenario(
    'tasks-parse-whitespace',
    'surrounding whitespace, one or more trailing newlines and + are accepted',
    ['§4.2 modern write: whitespace-stripped', '§19 " 8210" "8210 " "+8212"'],
    (s) => {
      s.spawn('p1');
      H(s);
      s.mkdir('$M1/a');
      s.mkdir('$M1/b');
      const flip = (data: string, dir: string) => {
        s.write(`$M1/${dir}/tasks`, data);
        s.read(`$M1/${dir}/tasks`);
      };
      flip(' $p1', 'a');
      flip('$p1 ', 'b');
      flip('\t$p1\t', 'a');
      flip('$p1\n', 'b');
      flip('$p1\n\n', 'a');
      flip('+$p1', 'b');
      flip('\n $p1 \n', 'a');
      s.write('$M1/tasks', '$p1');
      s.rmdir('$M1/a');
      s.rmdir('$M1/b');
      s.umount('$M1');
    },
  ),

  scenario(
    'tasks-parse-invalid',
    'unparsable pids are EINVAL and move nothing; an empty write is a no-op',
    ['§4.2 modern write: EINVAL cases', '§19 abc, 8210abc, "8210 8211", -1, \\n, empty'],
    (s) => {
      s.spawn('p1');
      s.spawn('p2');
      H(s);
      s.mkdir('$M1/a');
      for (const data of [
        'abc',
        '$p1abc',
        '$p1 $p2',
        '$p1,$p2',
        '-1',
        '-$p1',
        '\n',
        ' ',
        '1e3',
        '$p1.0',
        '0x',
        '+',
        '--1',
        '$p1\n$p2',
      ]) {
        s.write('$M1/a/tasks', data);
      }
      s.write('$M1/a/tasks', '');
      s.read('$M1/a/tasks');
      s.write('$M1/a/cgroup.procs', 'abc');
      s.write('$M1/a/cgroup.procs', '');
      s.read('$M1/a/cgroup.procs');
      s.rmdir('$M1/a');
      s.umount('$M1');
    },
  ),

  scenario(
    'tasks-parse-radix',
    'pids in hex (0x...) and octal (0...) are accepted',
    ['§4.2 base-0 parse', '§19 0x2012, 020023'],
    (s) => {
      s.spawn('p1');
      s.spawn('p2');
      H(s);
      s.mkdir('$M1/a');
      s.write('$M1/a/tasks', '$p1:x');
      s.write('$M1/a/tasks', '$p2:o');
      s.read('$M1/a/tasks');
      s.write('$M1/tasks', '$p1:o');
      s.write('$M1/tasks', ' $p2:x\n');
      s.read('$M1/a/tasks');
      s.rmdir('$M1/a');
      s.umount('$M1');
    },
  ),

  scenario(
    'tasks-parse-range',
    'pid out of int range is EINVAL; a free pid in range is ESRCH, also a dead one',
    ['§4.2 ESRCH, overflow EINVAL', '§19 999999 -> ESRCH, 99999999999 -> EINVAL'],
    (s) => {
      s.spawn('p1');
      s.spawn('p9');
      s.kill('p9');
      H(s);
      s.mkdir('$M1/a');
      s.write('$M1/a/tasks', '999999');
      s.write('$M1/a/tasks', '2147483647');
      s.write('$M1/a/tasks', '2147483648');
      s.write('$M1/a/tasks', '99999999999');
      s.write('$M1/a/tasks', '$p9');
      s.write('$M1/a/cgroup.procs', '$p9');
      s.write('$M1/a/cgroup.procs', '2147483647');
      s.read('$M1/a/tasks');
      s.rmdir('$M1/a');
      s.umount('$M1');
    },
  ),

  scenario(
    'tasks-zero-writer',
    '0 (in any spelling) moves the writing task itself',
    ['§4.2 "0" -> the writer', 'GV TIDZeroMovesSelf'],
    (s) => {
      s.spawn('p1');
      H(s);
      s.mkdir('$M1/a');
      s.mkdir('$M1/b');
      s.write('$M1/a/tasks', '0');
      s.read('$M1/a/tasks');
      s.read('/proc/self/cgroup');
      s.read('/proc/$self/cgroup');
      s.write('$M1/b/tasks', '0', { as: 'p1' });
      s.read('$M1/b/tasks');
      s.read('/proc/self/cgroup', { as: 'p1' });
      for (const [data, dir] of [
        ['00', 'b'],
        ['-0', 'a'],
        ['0x0', 'b'],
        ['+0', 'a'],
        [' 0\n', 'b'],
      ] as const) {
        s.write(`$M1/${dir}/tasks`, data);
        s.read(`$M1/${dir}/tasks`);
      }
      s.write('$M1/a/cgroup.procs', '0');
      s.read('$M1/a/cgroup.procs');
      s.write('$M1/tasks', '0');
      s.write('$M1/tasks', '0', { as: 'p1' });
      s.read('$M1/tasks');
      s.rmdir('$M1/a');
      s.rmdir('$M1/b');
      s.umount('$M1');
    },
  ),

  scenario(
    'tasks-write-size',
    'writes up to 4096 bytes are parsed; larger ones are E2BIG',
    ['§4.1 common write path size limit', '§19 5004-byte buffer -> E2BIG'],
    (s) => {
      H(s);
      s.mkdir('$M1/a');
      s.mkdir('$M1/b');
      s.write('$M1/a/tasks', '$( *4094)0');
      s.read('$M1/a/tasks');
      s.write('$M1/b/tasks', '$( *4095)0');
      s.read('$M1/b/tasks');
      s.write('$M1/a/tasks', '$( *4096)0');
      s.write('$M1/a/tasks', '$( *5003)0');
      s.write('$M1/a/cgroup.procs', '$( *5003)0');
      s.read('$M1/a/tasks');
      s.write('$M1/tasks', '0');
      s.rmdir('$M1/a');
      s.rmdir('$M1/b');
      s.umount('$M1');
    },
  ),

  scenario(
    'threads-tasks-vs-procs',
    'a thread moved alone via tasks; cgroup.procs lists the tgid; procs write moves the group',
    ['§4.2 Threads', '§19 th1/th2'],
    (s) => {
      s.spawn('p1');
      s.thread('p1.t1');
      s.thread('p1.t2');
      H(s);
      s.mkdir('$M1/th1');
      s.mkdir('$M1/th2');
      s.write('$M1/th1/tasks', '$p1.t1');
      s.read('$M1/th1/tasks');
      s.read('$M1/th1/cgroup.procs');
      s.read('$M1/tasks');
      s.read('$M1/cgroup.procs');
      s.read('/proc/$p1/cgroup');
      s.read('/proc/$p1.t1/cgroup');
      s.write('$M1/th2/cgroup.procs', '$p1.t2');
      s.read('$M1/th2/tasks');
      s.read('$M1/th2/cgroup.procs');
      s.read('$M1/th1/tasks');
      s.read('$M1/th1/cgroup.procs');
      s.read('$M1/cgroup.procs');
      s.write('$M1/cgroup.procs', '$p1');
      s.read('$M1/th2/tasks');
      s.rmdir('$M1/th1');
      s.rmdir('$M1/th2');
      s.umount('$M1');
    },
  ),

  scenario(
    'procs-dedup',
    'cgroup.procs lists each thread group once, sorted, in every cgroup holding one of its threads',
    ['§4.2 procs deduplicated and sorted'],
    (s) => {
      s.spawn('p1');
      s.thread('p1.t1');
      s.thread('p1.t2');
      s.spawn('p2');
      H(s);
      s.mkdir('$M1/a');
      s.write('$M1/a/tasks', '$p2');
      s.write('$M1/a/tasks', '$p1.t2');
      s.write('$M1/a/tasks', '$p1.t1');
      s.read('$M1/a/tasks');
      s.read('$M1/a/cgroup.procs');
      s.read('$M1/tasks');
      s.read('$M1/cgroup.procs');
      s.write('$M1/cgroup.procs', '$p1');
      s.write('$M1/cgroup.procs', '$p2');
      s.rmdir('$M1/a');
      s.umount('$M1');
    },
  ),

  scenario(
    'threads-write-zero',
    'a thread writing 0: to tasks moves only itself, to cgroup.procs its whole group',
    ['§4.2 "0" = the writing task', 'procs write moves the thread group'],
    (s) => {
      s.spawn('p1');
      s.thread('p1.t1');
      s.thread('p1.t2');
      H(s);
      s.mkdir('$M1/a');
      s.mkdir('$M1/b');
      s.write('$M1/a/tasks', '0', { as: 'p1.t1' });
      s.read('$M1/a/tasks');
      s.read('$M1/a/cgroup.procs');
      s.write('$M1/b/cgroup.procs', '0', { as: 'p1.t2' });
      s.read('$M1/b/tasks');
      s.read('$M1/a/tasks');
      s.read('/proc/self/cgroup', { as: 'p1.t1' });
      s.write('$M1/cgroup.procs', '$p1');
      s.rmdir('$M1/a');
      s.rmdir('$M1/b');
      s.umount('$M1');
    },
  ),

  scenario(
    'threads-proc-self',
    '/proc/self/cgroup of a thread shows its process (leader); /proc/<tid>, /proc/thread-self and task/<tid> show the thread',
    [
      '§4.2 /proc/<tid>/cgroup shows the thread, /proc/<pid>/cgroup the leader',
      '/proc/self = the process, /proc/thread-self = the thread',
    ],
    (s) => {
      s.spawn('p1');
      s.thread('p1.t1');
      H(s);
      s.mkdir('$M1/a');
      s.write('$M1/a/tasks', '$p1.t1');
      s.read('/proc/self/cgroup', { as: 'p1.t1' });
      s.read('/proc/thread-self/cgroup', { as: 'p1.t1' });
      s.read('/proc/$p1.t1/cgroup');
      s.read('/proc/$p1/task/$p1.t1/cgroup');
      s.read('/proc/$p1/task/$p1/cgroup');
      s.read('/proc/$p1/cgroup');
      s.read('/proc/self/cgroup', { as: 'p1' });
      s.read('/proc/thread-self/cgroup', { as: 'p1' });
      s.write('$M1/tasks', '$p1.t1');
      s.rmdir('$M1/a');
      s.umount('$M1');
    },
  ),

  scenario(
    'threads-exit-and-inherit',
    "a new thread starts in its creator's cgroup; an exiting thread leaves its cgroup",
    ["§7 fork: child in the parent's cgroups", '§7 exit'],
    (s) => {
      s.spawn('p1');
      H(s);
      s.mkdir('$M1/a');
      s.mkdir('$M1/b');
      s.write('$M1/a/cgroup.procs', '$p1');
      s.thread('p1.t1');
      s.read('$M1/a/tasks');
      s.write('$M1/b/tasks', '$p1.t1');
      s.thread('p1.t2');
      s.read('$M1/a/tasks');
      s.read('$M1/b/tasks');
      s.kill('p1.t1');
      s.read('$M1/b/tasks');
      s.read('$M1/b/cgroup.procs');
      s.kill('p1');
      s.read('$M1/a/tasks');
      s.read('$M1/a/cgroup.procs');
      s.rmdir('$M1/a');
      s.rmdir('$M1/b');
      s.umount('$M1');
    },
  ),

  scenario(
    'threads-leader-exit',
    'a leader exiting alone: its threads stay listed, its pid still names the group',
    ['§4.2 threads', 'engine: a leader with live threads becomes a zombie; attaching it alone is a no-op'],
    (s) => {
      s.spawn('p1');
      s.thread('p1.t1');
      s.thread('p1.t2');
      H(s);
      s.mkdir('$M1/a');
      s.mkdir('$M1/b');
      s.write('$M1/a/cgroup.procs', '$p1');
      s.leaderExit('p1');
      s.read('$M1/a/tasks');
      s.read('$M1/a/cgroup.procs');
      s.read('/proc/$p1/cgroup');
      s.read('/proc/$p1.t1/cgroup');
      s.write('$M1/b/tasks', '$p1');
      s.read('$M1/b/tasks');
      s.read('$M1/b/cgroup.procs');
      s.write('$M1/b/cgroup.procs', '$p1');
      s.read('$M1/b/tasks');
      s.read('$M1/b/cgroup.procs');
      s.read('$M1/a/tasks');
      s.read('$M1/a/cgroup.procs');
      s.read('/proc/$p1/cgroup');
      s.read('/proc/$p1.t2/cgroup');
      s.rmdir('$M1/a');
      s.write('$M1/tasks', '$p1.t1');
      s.read('$M1/b/cgroup.procs');
      s.read('$M1/cgroup.procs');
      s.kill('p1');
      s.read('$M1/b/tasks');
      s.read('$M1/cgroup.procs');
      s.rmdir('$M1/b');
      s.umount('$M1');
    },
  ),

  scenario(
    'fork-inherits',
    "a forked child starts in its parent's cgroups, in every hierarchy",
    ['§7 a child is always in the same cgroups as its parent', '§18 css_set sharing'],
    (s) => {
      s.spawn('p1');
      s.mount('$M1', 'none,name=$H1');
      s.mount('$M2', 'none,name=$H2');
      s.mkdir('$M1/a');
      s.mkdir('$M2/b');
      s.write('$M1/a/tasks', '$p1');
      s.write('$M2/b/tasks', '$p1');
      s.spawn('p2', { parent: 'p1' });
      s.read('/proc/$p2/cgroup');
      s.read('$M1/a/tasks');
      s.read('$M2/b/tasks');
      s.spawn('p3');
      s.read('/proc/$p3/cgroup');
      s.kill('p1');
      s.read('$M1/a/tasks');
      s.read('/proc/$p2/cgroup');
      s.kill('p2');
      s.rmdir('$M1/a');
      s.rmdir('$M2/b');
      s.umount('$M1');
      s.umount('$M2');
    },
  ),

  scenario(
    'fork-from-thread',
    "a process forked by a thread starts in that thread's cgroup, not its leader's",
    ["§7 the child takes the forking task's css_set"],
    (s) => {
      s.spawn('p1');
      s.thread('p1.t1');
      H(s);
      s.mkdir('$M1/a');
      s.mkdir('$M1/b');
      s.write('$M1/a/tasks', '$p1');
      s.write('$M1/b/tasks', '$p1.t1');
      s.spawn('p2', { parent: 'p1.t1' });
      s.spawn('p3', { parent: 'p1' });
      s.read('$M1/a/tasks');
      s.read('$M1/b/tasks');
      s.read('/proc/$p2/cgroup');
      s.read('/proc/$p3/cgroup');
      s.kill('p2');
      s.kill('p3');
      s.kill('p1');
      s.rmdir('$M1/a');
      s.rmdir('$M1/b');
      s.umount('$M1');
    },
  ),

  scenario(
    'tasks-fd-io',
    'through one descriptor: the tasks list is taken at the first read; each write is one attach',
    ['§4.1 every write() is an independent command', '§4.2 read snapshot (modern: at the first read)'],
    (s) => {
      s.spawn('p1');
      s.spawn('p2');
      H(s);
      s.mkdir('$M1/a');
      s.open('r', '$M1/a/tasks', 'r');
      s.open('w', '$M1/a/tasks', 'w');
      s.fdwrite('w', '$p1');
      s.fdread('r');
      s.fdwrite('w', '$p2');
      s.fdread('r');
      s.fdwrite('w', 'abc');
      s.fdwrite('w', '');
      s.close('r');
      s.close('w');
      s.read('$M1/a/tasks');
      s.open('r2', '$M1/a/cgroup.procs', 'r');
      s.kill('p1');
      s.fdread('r2');
      s.close('r2');
      s.kill('p2');
      s.rmdir('$M1/a');
      s.umount('$M1');
    },
  ),

  scenario(
    'exit-removes-task',
    'an exited task disappears from tasks, cgroup.procs and /proc',
    ['§7 exit', 'test-cases 22'],
    (s) => {
      s.spawn('p1');
      s.spawn('p2');
      H(s);
      s.mkdir('$M1/a');
      s.write('$M1/a/tasks', '$p1');
      s.write('$M1/a/tasks', '$p2');
      s.kill('p1');
      s.read('$M1/a/tasks');
      s.read('$M1/a/cgroup.procs');
      s.read('$M1/tasks');
      s.read('/proc/$p1/cgroup');
      s.write('$M1/a/tasks', '$p1');
      s.kill('p2');
      s.read('$M1/a/tasks');
      s.rmdir('$M1/a');
      s.umount('$M1');
    },
  ),

  scenario(
    'proc-cgroup-paths',
    '/proc/<pid>/cgroup follows moves, renames and two hierarchies',
    ['§12.1 ID:name=X:/path, newest first', '§3.4 rename changes paths immediately'],
    (s) => {
      s.spawn('p1');
      s.mount('$M1', 'none,name=$H1');
      s.mount('$M2', 'none,name=$H2');
      s.mkdir('$M1/x');
      s.mkdir('$M1/x/y');
      s.mkdir('$M2/z');
      s.write('$M1/x/y/tasks', '$p1');
      s.read('/proc/$p1/cgroup');
      s.write('$M2/z/tasks', '$p1');
      s.read('/proc/$p1/cgroup');
      s.rename('$M1/x/y', '$M1/x/w');
      s.read('/proc/$p1/cgroup');
      s.rename('$M1/x', '$M1/v');
      s.read('/proc/$p1/cgroup');
      s.write('$M1/v/tasks', '$p1');
      s.read('/proc/$p1/cgroup');
      s.read('/proc/self/cgroup');
      s.kill('p1');
      s.rmdir('$M1/v/w');
      s.rmdir('$M1/v');
      s.rmdir('$M2/z');
      s.umount('$M1');
      s.umount('$M2');
    },
  ),
  scenario(
    'tasks-parse-radix-corners',
    'upper-case 0X hex, 0X alone, 8 and 9 after a leading 0, runs of leading zeros',
    ['§4.2 kstrtoint base 0: 0X like 0x, a leading 0 means octal (8/9 invalid), zeros are 0'],
    (s) => {
      s.spawn('p1');
      s.spawn('p2');
      H(s);
      s.mkdir('$M1/a');
      s.mkdir('$M1/b');
      s.write('$M1/a/tasks', '$p1:X');
      s.read('$M1/a/tasks');
      s.write('$M1/b/tasks', '+$p1:X');
      s.read('$M1/b/tasks');
      s.write('$M1/a/tasks', ' $p1:X\n');
      s.read('$M1/a/tasks');
      s.write('$M1/b/tasks', '0000$p2:o');
      s.read('$M1/b/tasks');
      for (const data of ['0X', '0X\n', '0XG', '08', '09', '0009', '0x8g', '0o7', '0b1', '00x1']) {
        s.write('$M1/a/tasks', data);
      }
      s.read('$M1/a/tasks');
      s.write('$M1/a/tasks', '00000000');
      s.read('$M1/a/tasks');
      s.write('$M1/b/tasks', '000000000');
      s.read('$M1/b/tasks');
      s.write('$M1/a/tasks', '0X0');
      s.read('$M1/a/tasks');
      s.write('$M1/b/cgroup.procs', '-0X0');
      s.read('$M1/b/cgroup.procs');
      s.write('$M1/tasks', '0');
      s.write('$M1/tasks', '$p1');
      s.write('$M1/tasks', '$p2');
      s.rmdir('$M1/a');
      s.rmdir('$M1/b');
      s.umount('$M1');
    },
  ),

  scenario(
    'tasks-parse-whitespace-kinds',
    'tab, vertical tab, form feed and CR around a pid are stripped; whitespace alone is EINVAL',
    ['§4.2 strstrip (isspace) then kstrtoint', 'empty after stripping -> EINVAL'],
    (s) => {
      s.spawn('p1');
      H(s);
      s.mkdir('$M1/a');
      s.mkdir('$M1/b');
      const flip = (data: string, dir: string, file = 'tasks') => {
        s.write(`$M1/${dir}/${file}`, data);
        s.read(`$M1/${dir}/tasks`);
      };
      flip('\v$p1\f', 'a');
      flip('\r$p1\r\n', 'b');
      flip('$p1\r\n', 'a');
      flip('\f\t $p1\v', 'b');
      flip('$p1\n\r\n\t', 'a');
      flip('\v$p1\r\n', 'b', 'cgroup.procs');
      for (const data of ['\t', '\v', '\f', '\r', '\r\n', ' \t\n\v\f\r', '\n\n', '\t\t\t\t']) {
        s.write('$M1/a/tasks', data);
      }
      s.write('$M1/a/cgroup.procs', '\r\n');
      s.write('$M1/a/cgroup.procs', '\v');
      s.write('$M1/a/tasks', '$p1\r\n$p1');
      s.write('$M1/a/tasks', '$p1\v0');
      s.read('$M1/a/tasks');
      s.read('$M1/b/tasks');
      s.write('$M1/tasks', '$p1');
      s.rmdir('$M1/a');
      s.rmdir('$M1/b');
      s.umount('$M1');
    },
  ),

  scenario(
    'tasks-parse-nul',
    'a NUL byte ends the written text: "<pid>\\0junk" moves <pid>, "\\0<pid>" is EINVAL',
    ['§4.1 kernfs NUL-terminates the copied buffer; the parse stops at the first NUL'],
    (s) => {
      s.spawn('p1');
      s.spawn('p2');
      H(s);
      s.mkdir('$M1/a');
      s.mkdir('$M1/b');
      s.write('$M1/a/tasks', '$p1\0');
      s.read('$M1/a/tasks');
      s.write('$M1/b/tasks', '$p1\0abc');
      s.read('$M1/b/tasks');
      s.write('$M1/a/tasks', '\0$p2');
      s.write('$M1/a/tasks', '\0');
      s.write('$M1/a/tasks', ' \0 $p2');
      s.read('$M1/a/tasks');
      s.write('$M1/a/cgroup.procs', '$p2\0\n');
      s.read('$M1/a/cgroup.procs');
      s.write('$M1/b/cgroup.procs', '$p2 \0 x');
      s.read('$M1/b/cgroup.procs');
      s.write('$M1/a/tasks', '0\0$p1');
      s.read('$M1/a/tasks');
      s.write('$M1/tasks', '0');
      s.write('$M1/tasks', '$p1');
      s.write('$M1/tasks', '$p2');
      s.rmdir('$M1/a');
      s.rmdir('$M1/b');
      s.umount('$M1');
    },
  ),

  scenario(
    'procs-write-size',
    'cgroup.procs: a 4096-byte write (padding of spaces or tabs) is parsed, 4097 bytes is E2BIG',
    ['§4.1 common write path size limit, for cgroup.procs'],
    (s) => {
      H(s);
      s.mkdir('$M1/a');
      s.mkdir('$M1/b');
      s.write('$M1/a/cgroup.procs', '$( *4095)0');
      s.read('$M1/a/cgroup.procs');
      s.write('$M1/b/cgroup.procs', '$( *4096)0');
      s.write('$M1/b/cgroup.procs', '0$( *4096)');
      s.read('$M1/b/cgroup.procs');
      s.write('$M1/b/cgroup.procs', '0$(\t*4095)');
      s.read('$M1/b/cgroup.procs');
      s.write('$M1/a/cgroup.procs', '$(\t*4095)');
      s.write('$M1/a/cgroup.procs', '$(0*4096)');
      s.read('$M1/a/cgroup.procs');
      s.write('$M1/cgroup.procs', '0');
      s.rmdir('$M1/a');
      s.rmdir('$M1/b');
      s.umount('$M1');
    },
  ),
];
