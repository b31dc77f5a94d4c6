/**
 * Directories and other VFS operations: mkdir, rmdir, rename, unlink, create, long and odd
 * names, modes, and I/O on descriptors of a removed cgroup (semantics §3, §19 "Directory
 * operations").
 */
import { type Scenario, scenario } from '../scenario.ts';

const H = (s: { mount(at: string, o: string): unknown }) => s.mount('$M1', 'none,name=$H1');

export const dirScenarios: Scenario[] = [
  scenario(
    'dir-child-files',
    'a child cgroup: listing, modes and initial contents',
    ['§3.1 child files: cgroup.clone_children cgroup.procs notify_on_release tasks', '§3.1 child dir 0755'],
    (s) => {
      H(s);
      s.mkdir('$M1/a');
      s.readdir('$M1');
      s.readdir('$M1/a');
      s.stat('$M1/a');
      for (const f of ['cgroup.clone_children', 'cgroup.procs', 'notify_on_release', 'tasks']) s.stat(`$M1/a/${f}`);
      s.read('$M1/a/tasks');
      s.read('$M1/a/cgroup.procs');
      s.read('$M1/a/notify_on_release');
      s.read('$M1/a/cgroup.clone_children');
      s.read('$M1/a/release_agent');
      s.read('$M1/a/cgroup.sane_behavior');
      s.rmdir('$M1/a');
      s.readdir('$M1');
      s.umount('$M1');
    },
  ),

  scenario(
    'dir-mkdir-mode',
    'mkdir honours its mode argument minus the umask (022)',
    ['§3.1 a directory mode comes from mkdir'],
    (s) => {
      H(s);
      s.mkdir('$M1/a', { mode: '0700' });
      s.mkdir('$M1/b', { mode: '0777' });
      s.mkdir('$M1/c', { mode: '0555' });
      s.mkdir('$M1/d', { mode: '1777' });
      s.mkdir('$M1/e', { mode: '0000' });
      s.stat('$M1/e');
      s.readdir('$M1/e');
      s.write('$M1/e/tasks', '0');
      s.write('$M1/tasks', '0');
      s.rmdir('$M1/e');
      s.stat('$M1/a');
      s.stat('$M1/b');
      s.stat('$M1/c');
      s.stat('$M1/d');
      s.stat('$M1/a/tasks');
      s.mkdir('$M1/c/x');
      s.stat('$M1/c/x');
      s.rmdir('$M1/c/x');
      for (const d of ['a', 'b', 'c', 'd']) s.rmdir(`$M1/${d}`);
      s.umount('$M1');
    },
  ),

  scenario(
    'dir-nested',
    'nested cgroups three levels deep',
    ['§3.2 mkdir', '§12.1 nested path in /proc/<pid>/cgroup'],
    (s) => {
      s.spawn('p1');
      H(s);
      s.mkdir('$M1/n1');
      s.mkdir('$M1/n1/n2');
      s.mkdir('$M1/n1/n2/n3');
      s.readdir('$M1/n1');
      s.readdir('$M1/n1/n2');
      s.write('$M1/n1/n2/n3/tasks', '$p1');
      s.read('/proc/$p1/cgroup');
      s.read('$M1/n1/n2/n3/tasks');
      s.read('$M1/n1/tasks');
      s.rmdir('$M1/n1');
      s.rmdir('$M1/n1/n2/n3');
      s.kill('p1');
      s.rmdir('$M1/n1/n2/n3');
      s.rmdir('$M1/n1/n2');
      s.rmdir('$M1/n1');
      s.umount('$M1');
    },
  ),

  scenario(
    'dir-mkdir-errors',
    'mkdir of existing names (dirs and control files), under a file, under a missing parent',
    ['§3.2 EEXIST incl. control-file names', 'ENOENT parent', 'ENOTDIR'],
    (s) => {
      H(s);
      s.mkdir('$M1/a');
      s.mkdir('$M1/a');
      s.mkdir('$M1/tasks');
      s.mkdir('$M1/cgroup.procs');
      s.mkdir('$M1/notify_on_release');
      s.mkdir('$M1/release_agent');
      s.mkdir('$M1/cgroup.sane_behavior');
      s.mkdir('$M1/a/cgroup.clone_children');
      s.mkdir('$M1/a/tasks/x');
      s.mkdir('$M1/nope/x');
      s.mkdir('$M1/.');
      s.mkdir('$M1/..');
      s.readdir('$M1');
      s.rmdir('$M1/a');
      s.umount('$M1');
    },
  ),

  scenario(
    'dir-long-names',
    'component names of 255, 256, 300 and 1000 characters are accepted; 4096 is too long',
    ['§3.2 modern cgroupfs accepts > 255; 4096 -> ENAMETOOLONG'],
    (s) => {
      H(s);
      s.mkdir('$M1/$(a*255)');
      s.mkdir('$M1/$(b*256)');
      s.mkdir('$M1/$(c*300)');
      s.mkdir('$M1/$(d*1000)');
      s.mkdir('$M1/$(e*4096)');
      s.readdir('$M1');
      s.readdir('$M1/$(c*300)');
      s.rmdir('$M1/$(a*255)');
      s.rmdir('$M1/$(b*256)');
      s.rmdir('$M1/$(c*300)');
      s.rmdir('$M1/$(d*1000)');
      s.rmdir('$M1/$(e*4096)');
      s.readdir('$M1');
      s.umount('$M1');
    },
  ),

  scenario(
    'dir-odd-names',
    'names with spaces, dots and a cgroup. prefix are ordinary directories',
    ['§3.2 any characters the VFS allows'],
    (s) => {
      s.spawn('p1');
      H(s);
      s.mkdir('$M1/a b');
      s.mkdir('$M1/.hidden');
      s.mkdir('$M1/cgroup.foo');
      s.mkdir('$M1/tasks2');
      s.readdir('$M1');
      s.readdir('$M1/cgroup.foo');
      s.write('$M1/a b/tasks', '$p1');
      s.read('/proc/$p1/cgroup');
      s.write('$M1/tasks', '$p1');
      for (const d of ['a b', '.hidden', 'cgroup.foo', 'tasks2']) s.rmdir(`$M1/${d}`);
      s.umount('$M1');
    },
  ),

  scenario(
    'dir-rmdir-errors',
    'rmdir with tasks, with children, of the root, of a file, of a missing dir',
    ['§3.3 EBUSY tasks/children/root', 'ENOTDIR', 'ENOENT'],
    (s) => {
      s.spawn('p1');
      H(s);
      s.mkdir('$M1/a');
      s.mkdir('$M1/b');
      s.mkdir('$M1/b/c');
      s.write('$M1/a/tasks', '$p1');
      s.rmdir('$M1/a');
      s.rmdir('$M1/b');
      s.rmdir('$M1');
      s.rmdir('$M1/a/tasks');
      s.rmdir('$M1/zz');
      s.write('$M1/tasks', '$p1');
      s.rmdir('$M1/a');
      s.rmdir('$M1/b/c');
      s.rmdir('$M1/b');
      s.readdir('$M1');
      s.umount('$M1');
    },
  ),

  scenario(
    'dir-rmdir-after-exit',
    'a cgroup whose last task exited can be removed',
    ['§3.3 count drops at exit', '§7 exit'],
    (s) => {
      s.spawn('p1');
      H(s);
      s.mkdir('$M1/a');
      s.write('$M1/a/tasks', '$p1');
      s.rmdir('$M1/a');
      s.kill('p1');
      s.read('$M1/a/tasks');
      s.rmdir('$M1/a');
      s.readdir('$M1');
      s.umount('$M1');
    },
  ),

  scenario(
    'dir-rename',
    'rename: same parent OK (paths follow), onto existing EEXIST, across parents EIO, files ENOTDIR',
    ['§3.4 rename rules', '§12.1 path after rename'],
    (s) => {
      s.spawn('p1');
      H(s);
      s.mkdir('$M1/a');
      s.mkdir('$M1/b');
      s.mkdir('$M1/a/x');
      s.write('$M1/a/x/tasks', '$p1');
      s.rename('$M1/a', '$M1/c');
      s.readdir('$M1');
      s.read('/proc/$p1/cgroup');
      s.rename('$M1/c', '$M1/b');
      s.rename('$M1/c/x', '$M1/x');
      s.rename('$M1/c/x', '$M1/b/x');
      s.rename('$M1/c/tasks', '$M1/c/t2');
      s.rename('$M1/c/x', '$M1/c/y');
      s.read('/proc/$p1/cgroup');
      s.readdir('$M1/c');
      s.rename('$M1/zz', '$M1/zz2');
      s.write('$M1/tasks', '$p1');
      s.rmdir('$M1/c/y');
      s.rmdir('$M1/c');
      s.rmdir('$M1/b');
      s.umount('$M1');
    },
  ),

  scenario(
    'dir-rename-odd',
    'rename onto itself, a directory onto a control file, a file onto a directory',
    ['§3.4 rename corner cases (VFS checks first)'],
    (s) => {
      H(s);
      s.mkdir('$M1/a');
      s.rename('$M1/a', '$M1/a');
      s.rename('$M1/a', '$M1/tasks');
      s.rename('$M1/notify_on_release', '$M1/a');
      s.rename('$M1/a/tasks', '$M1/a/tasks');
      s.readdir('$M1');
      s.rmdir('$M1/a');
      s.umount('$M1');
    },
  ),

  scenario(
    'dir-unlink',
    'control files cannot be unlinked; directories are not files',
    ['§3.4 unlink -> EPERM'],
    (s) => {
      H(s);
      s.mkdir('$M1/a');
      s.unlink('$M1/a/tasks');
      s.unlink('$M1/notify_on_release');
      s.unlink('$M1/release_agent');
      s.unlink('$M1/a');
      s.unlink('$M1/missing');
      s.readdir('$M1/a');
      s.rmdir('$M1/a');
      s.umount('$M1');
    },
  ),

  scenario(
    'dir-create',
    'creating a regular file is EACCES; opening an existing control file with O_CREAT works',
    ['§3.4 create -> EACCES', 'design: writeFileSync on a missing file'],
    (s) => {
      H(s);
      s.mkdir('$M1/a');
      s.create('$M1/newfile');
      s.create('$M1/a/newfile');
      s.create('$M1/nope/newfile');
      s.create('$M1/a/release_agent');
      s.create('$M1/tasks');
      s.write('$M1/a/nofile', '1');
      s.readdir('$M1/a');
      s.rmdir('$M1/a');
      s.umount('$M1');
    },
  ),

  scenario(
    'dir-io-errors',
    'reading or writing a directory, listing a file, stat of a missing name',
    ['VFS: EISDIR, ENOTDIR, ENOENT on cgroupfs'],
    (s) => {
      H(s);
      s.mkdir('$M1/a');
      s.write('$M1/a', '1');
      s.read('$M1/a');
      s.read('$M1');
      s.readdir('$M1/a/tasks');
      s.stat('$M1/a/missing');
      s.stat('$M1/missing/tasks');
      s.read('$M1/a/tasks/x');
      s.chown('$M1/a', 65534, 65534);
      s.stat('$M1/a');
      s.stat('$M1/a/tasks');
      s.rmdir('$M1/a');
      s.umount('$M1');
      s.readdir('$M1');
    },
  ),

  scenario(
    'dir-removed-fd',
    'reads and writes through descriptors opened before rmdir fail with ENODEV',
    ['§3.3 I/O on an fd of a removed cgroup -> ENODEV'],
    (s) => {
      H(s);
      s.mkdir('$M1/a');
      s.open('r1', '$M1/a/notify_on_release', 'r');
      s.open('w1', '$M1/a/notify_on_release', 'w');
      s.open('r2', '$M1/a/tasks', 'r');
      s.open('w2', '$M1/a/tasks', 'w');
      s.rmdir('$M1/a');
      s.fdread('r1');
      s.fdwrite('w1', '1');
      s.fdread('r2');
      s.fdwrite('w2', '0');
      s.close('r1');
      s.close('w1');
      s.close('r2');
      s.close('w2');
      s.readdir('$M1');
      s.umount('$M1');
    },
  ),
  scenario(
    'dir-names-unicode-dash',
    'names with a leading dash, UTF-8, only dots, edge spaces and a tab are ordinary cgroups',
    ['§3.2 any characters the VFS allows', '§12.1 the path in /proc/<pid>/cgroup is printed as is'],
    (s) => {
      s.spawn('p1');
      H(s);
      for (const d of ['-lead', 'ünïcødé', '日本', 'a.b.c', '...', ' pad ', 'tab\there', '\u00a0']) s.mkdir(`$M1/${d}`);
      s.readdir('$M1');
      s.readdir('$M1/日本');
      s.write('$M1/日本/tasks', '$p1');
      s.read('/proc/$p1/cgroup');
      s.mkdir('$M1/日本/子');
      s.write('$M1/日本/子/tasks', '$p1');
      s.read('/proc/$p1/cgroup');
      s.write('$M1/ pad /tasks', '$p1');
      s.read('/proc/$p1/cgroup');
      s.write('$M1/tab\there/tasks', '$p1');
      s.read('/proc/$p1/cgroup');
      s.write('$M1/-lead/tasks', '$p1');
      s.read('/proc/$p1/cgroup');
      s.write('$M1/tasks', '$p1');
      s.rmdir('$M1/日本/子');
      for (const d of ['-lead', 'ünïcødé', '日本', 'a.b.c', '...', ' pad ', 'tab\there', '\u00a0']) s.rmdir(`$M1/${d}`);
      s.readdir('$M1');
      s.umount('$M1');
    },
  ),

  scenario(
    'dir-names-newline',
    'a newline in a new name (mkdir or rename) is EINVAL: it would make /proc/<pid>/cgroup unparsable',
    ['§3.2 mkdir: names with \\n -> EINVAL', '§3.4 rename onto a name with \\n -> EINVAL'],
    (s) => {
      H(s);
      s.mkdir('$M1/a');
      s.mkdir('$M1/x\ny');
      s.mkdir('$M1/\n');
      s.mkdir('$M1/a/z\n');
      s.rename('$M1/a', '$M1/a\nb');
      s.rename('$M1/a', '$M1/\n');
      s.rename('$M1/missing', '$M1/m\n');
      s.readdir('$M1');
      s.readdir('$M1/a');
      s.rmdir('$M1/x\ny');
      s.rmdir('$M1/a');
      s.umount('$M1');
    },
  ),

  scenario(
    'dir-names-root-files',
    "in a child, the names of root-only files are free; the child's own file names are EEXIST",
    ['§3.2 EEXIST only for files the directory has', '§3.1 release_agent, cgroup.sane_behavior at the root only'],
    (s) => {
      s.spawn('p1');
      H(s);
      s.mkdir('$M1/a');
      s.mkdir('$M1/a/release_agent');
      s.mkdir('$M1/a/cgroup.sane_behavior');
      s.mkdir('$M1/a/tasks');
      s.mkdir('$M1/a/cgroup.procs');
      s.mkdir('$M1/a/notify_on_release');
      s.readdir('$M1/a');
      s.stat('$M1/a/release_agent');
      s.read('$M1/a/release_agent');
      s.write('$M1/a/release_agent', '/x');
      s.readdir('$M1/a/release_agent');
      s.write('$M1/a/release_agent/tasks', '$p1');
      s.read('/proc/$p1/cgroup');
      s.read('$M1/release_agent');
      s.mkdir('$M1/a/release_agent/release_agent');
      s.rename('$M1/a/cgroup.sane_behavior', '$M1/a/cgroup.procs');
      s.rename('$M1/a/cgroup.sane_behavior', '$M1/a/sb');
      s.readdir('$M1/a');
      s.write('$M1/tasks', '$p1');
      s.rmdir('$M1/a/release_agent/release_agent');
      s.rmdir('$M1/a/release_agent');
      s.rmdir('$M1/a/sb');
      s.rmdir('$M1/a');
      s.umount('$M1');
    },
  ),

  scenario(
    'dir-rename-names',
    'renaming a populated cgroup onto names with spaces, a dash, UTF-8 and back: /proc/<pid>/cgroup follows',
    ['§3.4 rename within the parent', '§12.1 path after rename'],
    (s) => {
      s.spawn('p1');
      H(s);
      s.mkdir('$M1/a');
      s.mkdir('$M1/a b');
      s.mkdir('$M1/a/c');
      s.write('$M1/a/c/tasks', '$p1');
      s.rename('$M1/a', '$M1/a b');
      s.rename('$M1/a', '$M1/x y z');
      s.read('/proc/$p1/cgroup');
      s.rename('$M1/x y z', '$M1/ lead');
      s.read('/proc/$p1/cgroup');
      s.rename('$M1/ lead/c', '$M1/ lead/-c');
      s.read('/proc/$p1/cgroup');
      s.rename('$M1/ lead', '$M1/ü ß');
      s.read('/proc/$p1/cgroup');
      s.read('$M1/ü ß/-c/tasks');
      s.rename('$M1/ü ß', '$M1/a');
      s.rename('$M1/a/-c', '$M1/a/c');
      s.read('/proc/$p1/cgroup');
      s.readdir('$M1');
      s.write('$M1/tasks', '$p1');
      s.rmdir('$M1/a/c');
      s.rmdir('$M1/a');
      s.rmdir('$M1/a b');
      s.umount('$M1');
    },
  ),
];
