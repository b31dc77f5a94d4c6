/**
 * Permissions and delegation as user nobody (65534): VFS mode bits on control files and
 * directories, the attach uid check, ownership of cgroups created by a delegate (semantics
 * §5, §19 "Permissions, as user nobody").
 */
import { type Scenario, scenario } from '../scenario.ts';

const NOBODY = 65534;
/** A second unprivileged user, with a group of its own. */
const OTHER = 4242;
const H = (s: { mount(at: string, o: string): unknown }) => s.mount('$M1', 'none,name=$H1');

export const permScenarios: Scenario[] = [
  scenario(
    'perm-own-pid',
    "nobody may move its own tasks into a tasks file chowned to it, not root's",
    ['§4.2 attach uid check -> EACCES', "§19 own pid OK, root's sleep EACCES"],
    (s) => {
      s.spawn('p1');
      s.spawn('u1', { uid: NOBODY, gid: NOBODY });
      s.spawn('u2', { uid: NOBODY, gid: NOBODY });
      H(s);
      s.mkdir('$M1/a');
      s.chown('$M1/a/tasks', NOBODY, NOBODY);
      s.stat('$M1/a/tasks');
      s.write('$M1/a/tasks', '$u1', { as: 'u1' });
      s.read('$M1/a/tasks', { as: 'u1' });
      s.write('$M1/a/tasks', '$p1', { as: 'u1' });
      s.write('$M1/a/tasks', '$self', { as: 'u1' });
      s.write('$M1/a/tasks', '$u2', { as: 'u1' });
      s.write('$M1/a/tasks', '0', { as: 'u2' });
      s.read('$M1/a/tasks');
      s.write('$M1/tasks', '$u1', { as: 'u1' });
      s.write('$M1/tasks', '$u1');
      s.write('$M1/tasks', '$u2');
      s.read('$M1/a/tasks');
      s.rmdir('$M1/a');
      s.umount('$M1');
    },
  ),

  scenario(
    'perm-root-owned',
    'nobody against root-owned files and directories: EACCES; chmod/chown of them: EPERM',
    ['§5 VFS mode bits', '§19 open root-owned 0644 tasks, mkdir in root-owned dir -> EACCES'],
    (s) => {
      s.spawn('u1', { uid: NOBODY, gid: NOBODY });
      H(s);
      s.mkdir('$M1/a');
      s.write('$M1/tasks', '$u1', { as: 'u1' });
      s.write('$M1/a/tasks', '$u1', { as: 'u1' });
      s.write('$M1/a/notify_on_release', '1', { as: 'u1' });
      s.mkdir('$M1/b', { as: 'u1' });
      s.mkdir('$M1/a/b', { as: 'u1' });
      s.rmdir('$M1/a', { as: 'u1' });
      s.rename('$M1/a', '$M1/c', { as: 'u1' });
      s.read('$M1/a/tasks', { as: 'u1' });
      s.read('$M1/a/notify_on_release', { as: 'u1' });
      s.readdir('$M1/a', { as: 'u1' });
      s.chmod('$M1/a/tasks', '0666', { as: 'u1' });
      s.chown('$M1/a/tasks', NOBODY, NOBODY, { as: 'u1' });
      s.stat('$M1/a/tasks', { as: 'u1' });
      s.rmdir('$M1/a');
      s.umount('$M1');
    },
  ),

  scenario(
    'perm-delegated-dir',
    'a directory chowned to nobody: nobody creates a cgroup it owns and uses it',
    ['§5 delegation by chown', 'files of a new cgroup belong to its creator'],
    (s) => {
      s.spawn('u1', { uid: NOBODY, gid: NOBODY });
      H(s);
      s.mkdir('$M1/a');
      s.chown('$M1/a', NOBODY, NOBODY);
      s.mkdir('$M1/a/x', { as: 'u1' });
      s.stat('$M1/a/x');
      s.stat('$M1/a/x/tasks');
      s.stat('$M1/a/x/notify_on_release');
      s.write('$M1/a/x/tasks', '$u1', { as: 'u1' });
      s.write('$M1/a/x/notify_on_release', '1', { as: 'u1' });
      s.read('$M1/a/x/notify_on_release', { as: 'u1' });
      s.read('$M1/a/x/tasks');
      s.rmdir('$M1/a/x', { as: 'u1' });
      s.write('$M1/tasks', '$u1');
      s.rename('$M1/a/x', '$M1/a/y', { as: 'u1' });
      s.readdir('$M1/a');
      s.rmdir('$M1/a/y', { as: 'u1' });
      s.mkdir('$M1/a/byroot');
      s.stat('$M1/a/byroot');
      s.write('$M1/a/byroot/tasks', '$u1', { as: 'u1' });
      s.rmdir('$M1/a/byroot', { as: 'u1' });
      s.readdir('$M1/a');
      s.rmdir('$M1/a');
      s.umount('$M1');
    },
  ),

  scenario(
    'perm-chmod',
    'chmod by root opens files and directories to nobody',
    ['§3.4 chmod allowed', '§5 mode bits'],
    (s) => {
      s.spawn('u1', { uid: NOBODY, gid: NOBODY });
      H(s);
      s.mkdir('$M1/a');
      s.chmod('$M1/a/tasks', '0666');
      s.stat('$M1/a/tasks');
      s.write('$M1/a/tasks', '$u1', { as: 'u1' });
      s.read('$M1/a/tasks');
      s.chmod('$M1/a', '0777');
      s.stat('$M1/a');
      s.mkdir('$M1/a/y', { as: 'u1' });
      s.stat('$M1/a/y');
      s.chmod('$M1/a/tasks', '0600');
      s.read('$M1/a/tasks', { as: 'u1' });
      s.chmod('$M1', '0777');
      s.stat('$M1');
      s.write('$M1/tasks', '$u1');
      s.rmdir('$M1/a/y');
      s.rmdir('$M1/a');
      s.umount('$M1');
    },
  ),

  scenario(
    'perm-procs-and-agent',
    'a delegated cgroup.procs works for nobody; release_agent needs CAP_SYS_ADMIN even when chowned',
    ['§4.4 release_agent requires CAP_SYS_ADMIN (5.17+)', '§4.2 procs permission'],
    (s) => {
      s.spawn('u1', { uid: NOBODY, gid: NOBODY });
      s.spawn('p1');
      H(s);
      s.mkdir('$M1/a');
      s.chown('$M1/a/cgroup.procs', NOBODY, NOBODY);
      s.write('$M1/a/cgroup.procs', '$u1', { as: 'u1' });
      s.write('$M1/a/cgroup.procs', '$p1', { as: 'u1' });
      s.read('$M1/a/cgroup.procs');
      s.chown('$M1/release_agent', NOBODY, NOBODY);
      s.chown('$M1/notify_on_release', NOBODY, NOBODY);
      s.write('$M1/release_agent', '/x', { as: 'u1' });
      s.read('$M1/release_agent', { as: 'u1' });
      s.write('$M1/notify_on_release', '1', { as: 'u1' });
      s.read('$M1/notify_on_release');
      s.write('$M1/cgroup.procs', '$u1');
      s.rmdir('$M1/a');
      s.umount('$M1');
    },
  ),

  scenario(
    'perm-root-moves-anyone',
    "root may move a task of any user; a nobody task inherits nothing of root's rights",
    ['§4.2 euid 0 may attach any task'],
    (s) => {
      s.spawn('u1', { uid: NOBODY, gid: NOBODY });
      H(s);
      s.mkdir('$M1/a');
      s.write('$M1/a/tasks', '$u1');
      s.read('$M1/a/tasks');
      s.read('/proc/$u1/cgroup', { as: 'u1' });
      s.write('$M1/tasks', '0', { as: 'u1' });
      s.write('$M1/tasks', '$u1');
      s.rmdir('$M1/a');
      s.umount('$M1');
    },
  ),
  scenario(
    'perm-chmod-tasks-others',
    "tasks and cgroup.procs made 0666: nobody moves any task of its uid, nobody else's (root's, another user's) EACCES",
    ['§4.2 attach uid check: euid must match the target uid (or root)', '§5 mode bits only open the file'],
    (s) => {
      s.spawn('p1');
      s.spawn('u1', { uid: NOBODY, gid: NOBODY });
      s.spawn('u2', { uid: NOBODY, gid: NOBODY });
      s.spawn('o1', { uid: OTHER, gid: OTHER });
      H(s);
      s.mkdir('$M1/a');
      s.chmod('$M1/a/tasks', '0666');
      s.chmod('$M1/a/cgroup.procs', '0666');
      s.write('$M1/a/tasks', '$u2', { as: 'u1' });
      s.write('$M1/a/tasks', '$p1', { as: 'u1' });
      s.write('$M1/a/tasks', '$o1', { as: 'u1' });
      s.write('$M1/a/tasks', '$self', { as: 'u1' });
      s.write('$M1/a/tasks', '0', { as: 'u1' });
      s.write('$M1/a/tasks', '$u1', { as: 'o1' });
      s.write('$M1/a/cgroup.procs', '0', { as: 'o1' });
      s.write('$M1/a/cgroup.procs', '$p1', { as: 'u1' });
      s.write('$M1/a/cgroup.procs', '$o1', { as: 'u2' });
      s.write('$M1/a/tasks', '999999', { as: 'u1' });
      s.read('$M1/a/tasks', { as: 'o1' });
      s.write('$M1/tasks', '$u1', { as: 'u1' });
      s.write('$M1/tasks', '$u1', { as: 'p1' });
      s.move('$M1', 'u1', 'u2', 'o1');
      s.rmdir('$M1/a');
      s.umount('$M1');
    },
  ),

  scenario(
    'perm-thread-ids',
    'nobody writing a thread id of its own process: to cgroup.procs it moves the group, to tasks the thread',
    ['§4.2 procs write with a tid moves its thread group', 'attach uid check per thread group'],
    (s) => {
      s.spawn('u1', { uid: NOBODY, gid: NOBODY });
      s.thread('u1.t1');
      s.spawn('p1');
      s.thread('p1.t1');
      H(s);
      s.mkdir('$M1/a');
      s.mkdir('$M1/b');
      for (const f of ['a/cgroup.procs', 'a/tasks', 'b/tasks']) s.chown(`$M1/${f}`, NOBODY, NOBODY);
      s.write('$M1/a/cgroup.procs', '$u1.t1', { as: 'u1' });
      s.read('$M1/a/tasks');
      s.write('$M1/b/tasks', '0', { as: 'u1.t1' });
      s.read('$M1/b/tasks');
      s.read('$M1/a/tasks');
      s.read('/proc/$u1/task/$u1.t1/cgroup', { as: 'u1' });
      s.write('$M1/b/tasks', '$u1', { as: 'u1.t1' });
      s.read('$M1/b/tasks');
      s.write('$M1/a/cgroup.procs', '0', { as: 'u1.t1' });
      s.read('$M1/a/tasks');
      s.write('$M1/a/cgroup.procs', '$p1.t1', { as: 'u1' });
      s.write('$M1/b/tasks', '$p1.t1', { as: 'u1.t1' });
      s.read('$M1/b/tasks');
      s.write('$M1/cgroup.procs', '$u1');
      s.rmdir('$M1/a');
      s.rmdir('$M1/b');
      s.umount('$M1');
    },
  ),

  scenario(
    'perm-owner-in-root-dir',
    'nobody owning a cgroup directory in a root-owned parent: inside it may do anything, the directory itself it cannot remove or rename',
    ['§5 rmdir/rename need write on the parent', 'owner may chmod, not chown'],
    (s) => {
      s.spawn('u1', { uid: NOBODY, gid: NOBODY });
      H(s);
      s.mkdir('$M1/a');
      s.chown('$M1/a', NOBODY, NOBODY);
      s.rmdir('$M1/a', { as: 'u1' });
      s.rename('$M1/a', '$M1/b', { as: 'u1' });
      s.mkdir('$M1/a/x', { as: 'u1' });
      s.rename('$M1/a/x', '$M1/a/y', { as: 'u1' });
      s.chmod('$M1/a', '0700', { as: 'u1' });
      s.stat('$M1/a');
      s.readdir('$M1/a', { as: 'u1' });
      s.chown('$M1/a', 0, 0, { as: 'u1' });
      s.chmod('$M1/a/tasks', '0666', { as: 'u1' });
      s.chmod('$M1/a/y/tasks', '0600', { as: 'u1' });
      s.stat('$M1/a/y/tasks');
      s.rmdir('$M1/a/y', { as: 'u1' });
      s.readdir('$M1/a');
      s.rmdir('$M1/a');
      s.umount('$M1');
    },
  ),

  scenario(
    'perm-sticky-dir',
    'a sticky (1777) cgroup directory: others may create, but only the owner removes or renames a child',
    ['VFS sticky bit on cgroupfs directories', '§5 delegation'],
    (s) => {
      s.spawn('u1', { uid: NOBODY, gid: NOBODY });
      s.spawn('o1', { uid: OTHER, gid: OTHER });
      H(s);
      s.mkdir('$M1/s');
      s.chmod('$M1/s', '1777');
      s.stat('$M1/s');
      s.mkdir('$M1/s/x', { as: 'u1' });
      s.mkdir('$M1/s/y', { as: 'o1' });
      s.stat('$M1/s/y');
      s.rmdir('$M1/s/x', { as: 'o1' });
      s.rename('$M1/s/x', '$M1/s/w', { as: 'o1' });
      s.rmdir('$M1/s/y', { as: 'u1' });
      s.rename('$M1/s/x', '$M1/s/w', { as: 'u1' });
      s.rmdir('$M1/s/w', { as: 'u1' });
      s.chmod('$M1/s', '0777');
      s.mkdir('$M1/s/z', { as: 'u1' });
      s.rmdir('$M1/s/z', { as: 'o1' });
      s.readdir('$M1/s');
      s.rmdir('$M1/s/y');
      s.rmdir('$M1/s');
      s.umount('$M1');
    },
  ),

  scenario(
    'perm-group-bits',
    'group permission bits: a tasks file of group nobody (0660); in a setgid directory new cgroups take its group and the setgid bit',
    ['§5 VFS group bits', 'a new cgroup belongs to its creator, its group follows a setgid parent (VFS rule)'],
    (s) => {
      s.spawn('u1', { uid: NOBODY, gid: NOBODY });
      s.spawn('o1', { uid: OTHER, gid: OTHER });
      H(s);
      s.mkdir('$M1/a');
      s.chown('$M1/a/tasks', 0, NOBODY);
      s.chmod('$M1/a/tasks', '0660');
      s.stat('$M1/a/tasks');
      s.write('$M1/a/tasks', '$u1', { as: 'u1' });
      s.read('$M1/a/tasks', { as: 'u1' });
      s.write('$M1/a/tasks', '$o1', { as: 'o1' });
      s.read('$M1/a/tasks', { as: 'o1' });
      s.chown('$M1/a', 0, OTHER);
      s.chmod('$M1/a', '2775');
      s.stat('$M1/a');
      s.mkdir('$M1/a/g', { as: 'o1' });
      s.mkdir('$M1/a/h', { as: 'u1' });
      s.stat('$M1/a/g');
      s.stat('$M1/a/g/tasks');
      s.chmod('$M1/a', '3777');
      s.mkdir('$M1/a/h', { as: 'u1' });
      s.stat('$M1/a/h');
      s.stat('$M1/a/h/cgroup.procs');
      s.write('$M1/tasks', '$u1');
      s.rmdir('$M1/a/g');
      s.rmdir('$M1/a/h');
      s.rmdir('$M1/a');
      s.umount('$M1');
    },
  ),
];
