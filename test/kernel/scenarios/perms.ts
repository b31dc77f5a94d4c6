/**
 * Permissions and delegation as user nobody (65534): VFS mode bits on control files and
 * directories, the attach uid check, ownership of cgroups created by a delegate (semantics
 * §5, §19 "Permissions, as user nobody").
 */
import { type Scenario, scenario } from '../scenario.ts';

const NOBODY = 65534;
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
];
