/**
 * Descriptor-level I/O on control files: several write(2) calls on one descriptor, reads in
 * small chunks, pread(2) at an offset, reads after EOF, descriptors of a renamed cgroup, and
 * the pid list a tasks descriptor reads (semantics §4.1 "every write() is a command", §4.2
 * read snapshot, §3.4 rename).
 */
import { type Scenario, scenario } from '../scenario.ts';

const H = (s: { mount(at: string, o: string): unknown }) => s.mount('$M1', 'none,name=$H1');

export const fdScenarios: Scenario[] = [
  scenario(
    'fd-multi-write-procs',
    'one cgroup.procs descriptor, many writes: each is its own attach, a failing one in the middle changes nothing',
    ['§4.1 every write() is an independent command', '§4.2 procs write moves the thread group'],
    (s) => {
      s.spawn('p1');
      s.spawn('p2');
      s.thread('p2.t1');
      H(s);
      s.mkdir('$M1/a');
      s.open('w', '$M1/a/cgroup.procs', 'w');
      s.fdwrite('w', '$p1');
      s.fdwrite('w', 'abc');
      s.fdwrite('w', '$p2.t1');
      s.fdwrite('w', '999999');
      s.fdwrite('w', '$p1\n');
      s.fdwrite('w', '0');
      s.read('$M1/a/cgroup.procs');
      s.read('$M1/a/tasks');
      s.close('w');
      s.open('t', '$M1/tasks', 'w');
      s.fdwrite('t', '$p2.t1');
      s.fdwrite('t', '$( *4096)0');
      s.fdwrite('t', '$p1');
      s.read('$M1/a/tasks');
      s.close('t');
      s.open('r', '$M1/cgroup.procs', 'w');
      s.fdwrite('r', '$p2');
      s.fdwrite('r', ' 0\n');
      s.close('r');
      s.read('$M1/a/tasks');
      s.rmdir('$M1/a');
      s.umount('$M1');
    },
  ),

  scenario(
    'fd-multi-write-files',
    'one descriptor of notify_on_release, release_agent or cgroup.clone_children, many writes',
    ['§4.1 every write() is an independent command', '§4.3-4.5 each write parsed alone'],
    (s) => {
      H(s);
      s.mkdir('$M1/a');
      s.open('n', '$M1/a/notify_on_release', 'w');
      s.fdwrite('n', '1');
      s.read('$M1/a/notify_on_release');
      s.fdwrite('n', 'x');
      s.read('$M1/a/notify_on_release');
      s.fdwrite('n', '0\n');
      s.read('$M1/a/notify_on_release');
      s.fdwrite('n', '2');
      s.fdwrite('n', '');
      s.read('$M1/a/notify_on_release');
      s.close('n');
      s.open('ra', '$M1/release_agent', 'w');
      s.fdwrite('ra', '/first');
      s.fdwrite('ra', '/second');
      s.read('$M1/release_agent');
      s.fdwrite('ra', '/$(a*4095)');
      s.read('$M1/release_agent');
      s.fdwrite('ra', '\n');
      s.read('$M1/release_agent');
      s.close('ra');
      s.open('cc', '$M1/a/cgroup.clone_children', 'w');
      s.fdwrite('cc', '1');
      s.fdwrite('cc', '-1');
      s.read('$M1/a/cgroup.clone_children');
      s.fdwrite('cc', '0');
      s.read('$M1/a/cgroup.clone_children');
      s.close('cc');
      s.rmdir('$M1/a');
      s.umount('$M1');
    },
  ),

  scenario(
    'fd-read-chunks',
    'reads of one byte: the tasks list taken at the first read is finished later; EOF stays EOF',
    ['§4.2 read snapshot kept across read() calls', 'seq_file: short reads continue'],
    (s) => {
      s.spawn('p1');
      s.spawn('p2');
      s.spawn('p3');
      H(s);
      s.mkdir('$M1/a');
      s.move('$M1/a', 'p1', 'p2');
      s.open('r', '$M1/a/tasks', 'r');
      s.fdread('r', { size: 1 });
      s.move('$M1/a', 'p3');
      s.fdread('r');
      s.fdread('r');
      s.fdread('r', { size: 1 });
      s.close('r');
      s.read('$M1/a/tasks');
      s.open('n', '$M1/a/notify_on_release', 'r');
      s.fdread('n', { size: 1 });
      s.write('$M1/a/notify_on_release', '1');
      s.fdread('n', { size: 1 });
      s.fdread('n', { size: 1 });
      s.fdread('n');
      s.close('n');
      s.open('m', '$M1/release_agent', 'r');
      s.write('$M1/release_agent', '/abc');
      s.fdread('m', { size: 2 });
      s.write('$M1/release_agent', '/xyz');
      s.fdread('m', { size: 2 });
      s.fdread('m', { size: 2 });
      s.fdread('m', { size: 2 });
      s.close('m');
      s.move('$M1', 'p1', 'p2', 'p3');
      s.rmdir('$M1/a');
      s.umount('$M1');
    },
  ),

  scenario(
    'fd-pread',
    'pread at 0 after EOF: a value file shows its current value, the tasks list its first snapshot',
    ['seq_file: a read at another offset starts over (show again)', '§4.2 pid list kept per descriptor'],
    (s) => {
      s.spawn('p1');
      s.spawn('p2');
      H(s);
      s.mkdir('$M1/a');
      s.mkdir('$M1/b');
      s.open('n', '$M1/a/notify_on_release', 'r');
      s.fdread('n');
      s.write('$M1/a/notify_on_release', '1');
      s.fdread('n');
      s.fdread('n', { at: 0 });
      s.fdread('n', { at: 1 });
      s.fdread('n', { at: 2 });
      s.fdread('n');
      s.write('$M1/a/notify_on_release', '0');
      s.fdread('n', { at: 0, size: 1 });
      s.close('n');
      s.open('t', '$M1/a/tasks', 'r');
      s.move('$M1/a', 'p1');
      s.fdread('t');
      s.move('$M1/a', 'p2');
      s.fdread('t', { at: 0 });
      s.fdread('t');
      s.close('t');
      s.open('c', '/proc/$p1/cgroup', 'r');
      s.fdread('c');
      s.move('$M1/b', 'p1');
      s.fdread('c');
      s.fdread('c', { at: 0 });
      s.close('c');
      s.move('$M1', 'p1', 'p2');
      s.rmdir('$M1/a');
      s.rmdir('$M1/b');
      s.umount('$M1');
    },
  ),

  scenario(
    'fd-pread-past-eof',
    'pread beyond the end of a control file or a /proc file returns nothing',
    ['seq_file: a read past the end is EOF'],
    (s) => {
      s.spawn('p1');
      H(s);
      s.mkdir('$M1/a');
      s.move('$M1/a', 'p1');
      s.open('n', '$M1/a/notify_on_release', 'r');
      s.fdread('n', { at: 3 });
      s.fdread('n', { at: 100 });
      s.fdread('n', { at: 100000 });
      s.fdread('n');
      s.close('n');
      s.open('t', '$M1/a/tasks', 'r');
      s.fdread('t', { at: 100000 });
      s.fdread('t');
      s.close('t');
      s.open('c', '/proc/$p1/cgroup', 'r');
      s.fdread('c', { at: 100000 });
      s.fdread('c', { at: 0 });
      s.close('c');
      s.move('$M1', 'p1');
      s.rmdir('$M1/a');
      s.umount('$M1');
    },
  ),

  scenario(
    'fd-shared-pidlist',
    "a tasks descriptor's unfinished list is the cgroup's shared list: another descriptor's first read reloads it",
    ['§4.2 pid lists are cached per cgroup and type, reloaded by each first read'],
    (s) => {
      s.spawn('p1');
      s.spawn('p2');
      s.spawn('p3');
      H(s);
      s.mkdir('$M1/a');
      s.move('$M1/a', 'p1');
      s.open('r1', '$M1/a/tasks', 'r');
      s.fdread('r1', { size: 1 });
      s.move('$M1/a', 'p2');
      s.open('r2', '$M1/a/tasks', 'r');
      s.fdread('r2');
      s.fdread('r1');
      s.open('q1', '$M1/a/cgroup.procs', 'r');
      s.fdread('q1', { size: 1 });
      s.move('$M1/a', 'p3');
      s.open('r3', '$M1/a/tasks', 'r');
      s.fdread('r3');
      s.fdread('q1');
      s.close('r1');
      s.close('r2');
      s.close('r3');
      s.close('q1');
      s.move('$M1', 'p1', 'p2', 'p3');
      s.rmdir('$M1/a');
      s.umount('$M1');
    },
  ),

  scenario(
    'fd-renamed-cgroup',
    'descriptors opened before a rename keep working on the renamed cgroup (not on a new one of the old name)',
    ['§3.4 rename keeps the cgroup', '§3.3 ENODEV only once removed'],
    (s) => {
      s.spawn('p1');
      s.spawn('p2');
      H(s);
      s.mkdir('$M1/a');
      s.open('w', '$M1/a/tasks', 'w');
      s.open('r', '$M1/a/notify_on_release', 'r');
      s.open('n', '$M1/a/notify_on_release', 'w');
      s.rename('$M1/a', '$M1/b');
      s.fdwrite('w', '$p1');
      s.read('$M1/b/tasks');
      s.read('/proc/$p1/cgroup');
      s.mkdir('$M1/a');
      s.fdwrite('w', '$p2');
      s.read('$M1/b/tasks');
      s.read('$M1/a/tasks');
      s.fdwrite('n', '1');
      s.read('$M1/b/notify_on_release');
      s.read('$M1/a/notify_on_release');
      s.fdread('r');
      s.move('$M1', 'p1', 'p2');
      s.rmdir('$M1/b');
      s.fdwrite('w', '$p1');
      s.fdwrite('n', '0');
      s.read('$M1/a/tasks');
      s.close('w');
      s.close('r');
      s.close('n');
      s.rmdir('$M1/a');
      s.umount('$M1');
    },
  ),
];
