/**
 * Several named hierarchies at once: /proc/<pid>/cgroup line order across mounts, umounts,
 * remounts in another order and the destruction of one of them; release agents of two or
 * three hierarchies fired by one operation (and their order); a task whose cgroup changes in
 * one hierarchy only; threads spread over two hierarchies; second mount points and
 * /proc/mounts; rmdir in one hierarchy while the tasks live in another's children; a name
 * used again after its hierarchy was destroyed; release order within one hierarchy when one
 * operation empties cgroups at several depths.
 */
import { type Scenario, scenario } from '../scenario.ts';

export const multiScenarios: Scenario[] = [
  scenario(
    'multi-proc-cgroup-order',
    '/proc/<pid>/cgroup with three hierarchies: newest first, kept across umount with children, a later mount order and the destruction of the middle one',
    [
      '§12.1 one line per hierarchy, newest first',
      '§2.3 umount with children keeps the hierarchy',
      '§2.4 destroyed on last umount without children',
    ],
    (s) => {
      s.spawn('p1');
      s.spawn('p2');
      s.mount('$M1', 'none,name=$H1');
      s.mount('$M2', 'none,name=$H2');
      s.mount('$M3', 'none,name=$H3');
      for (const m of ['$M1', '$M2', '$M3']) s.mkdir(`${m}/a`);
      s.mkdir('$M2/b');
      s.write('$M1/a/tasks', '$p1');
      s.write('$M3/a/tasks', '$p1');
      s.write('$M2/b/tasks', '$p1');
      s.write('$M2/a/tasks', '$p2');
      s.read('/proc/$p1/cgroup');
      s.read('/proc/$p2/cgroup');
      s.read('/proc/self/cgroup');
      s.read('/proc/mounts');
      // every hierarchy unmounted with children kept: the lines stay
      s.umount('$M1');
      s.umount('$M2');
      s.umount('$M3');
      s.read('/proc/$p1/cgroup');
      s.read('/proc/mounts');
      // mounted again in another order (by name alone): lines keep the creation order
      s.mount('$M3', 'name=$H2');
      s.mount('$M1', 'name=$H3');
      s.mount('$M2', 'name=$H1');
      s.read('/proc/mounts');
      s.read('/proc/$p1/cgroup');
      s.readdir('$M3');
      s.read('$M3/b/tasks');
      s.read('$M1/a/tasks');
      s.read('$M2/a/tasks');
      // the middle hierarchy ($H2, now at $M3) emptied and destroyed
      s.write('$M3/tasks', '$p1');
      s.write('$M3/tasks', '$p2');
      s.rmdir('$M3/a');
      s.rmdir('$M3/b');
      s.settle();
      s.umount('$M3');
      s.settle();
      s.read('/proc/$p1/cgroup');
      s.read('/proc/$p2/cgroup');
      s.read('/proc/mounts');
      s.kill('p1');
      s.kill('p2');
      s.rmdir('$M1/a');
      s.rmdir('$M2/a');
      s.umount('$M1');
      s.umount('$M2');
    },
  ),

  scenario(
    'multi-release-exit-two',
    'one exit empties notify cgroups in two hierarchies: both agents run, in the order they log',
    ['§10.3 agent per hierarchy', '§10.4 last task exits'],
    (s) => {
      s.spawn('p1');
      s.mount('$M1', 'none,name=$H1,release_agent=$AGENT');
      s.mount('$M2', 'none,name=$H2,release_agent=$AGENT2');
      s.mkdir('$M1/x');
      s.mkdir('$M2/y');
      s.write('$M1/x/notify_on_release', '1');
      s.write('$M2/y/notify_on_release', '1');
      s.write('$M1/x/tasks', '$p1');
      s.write('$M2/y/tasks', '$p1');
      s.kill('p1');
      s.releasesOrdered();
      // the same with the cgroups joined in the other order
      s.spawn('p2');
      s.write('$M2/y/tasks', '$p2');
      s.write('$M1/x/tasks', '$p2');
      s.kill('p2');
      s.releasesOrdered();
      s.rmdir('$M1/x');
      s.rmdir('$M2/y');
      s.umount('$M1');
      s.umount('$M2');
    },
  ),

  scenario(
    'multi-release-exit-three',
    'one exit empties notify cgroups in three hierarchies (one nested two deep): three agents',
    ['§10.3 agent per hierarchy', '§10.4 last task exits'],
    (s) => {
      s.spawn('p1');
      s.mount('$M1', 'none,name=$H1,release_agent=$AGENT');
      s.mount('$M2', 'none,name=$H2,release_agent=$AGENT2');
      s.mount('$M3', 'none,name=$H3,release_agent=$AGENT3');
      s.mkdir('$M1/x');
      s.mkdir('$M2/y');
      s.mkdir('$M2/y/z');
      s.mkdir('$M3/w');
      s.write('$M1/x/notify_on_release', '1');
      s.write('$M2/y/notify_on_release', '1');
      s.write('$M2/y/z/notify_on_release', '1');
      s.write('$M3/w/notify_on_release', '1');
      s.write('$M3/w/tasks', '$p1');
      s.write('$M1/x/tasks', '$p1');
      s.write('$M2/y/z/tasks', '$p1');
      s.read('/proc/$p1/cgroup');
      s.kill('p1');
      s.releasesOrdered();
      s.rmdir('$M2/y/z');
      s.releases();
      s.rmdir('$M1/x');
      s.rmdir('$M2/y');
      s.rmdir('$M3/w');
      s.umount('$M1');
      s.umount('$M2');
      s.umount('$M3');
    },
  ),

  scenario(
    'multi-release-two-writes',
    'a task alone in notify cgroups of two hierarchies moved to both roots by two writes: one agent per write, in write order',
    ['§10.4 move out -> agent', '§10.3 agent per hierarchy'],
    (s) => {
      s.spawn('p1');
      s.mount('$M1', 'none,name=$H1,release_agent=$AGENT');
      s.mount('$M2', 'none,name=$H2,release_agent=$AGENT2');
      s.mkdir('$M1/x');
      s.mkdir('$M2/y');
      s.write('$M1/x/notify_on_release', '1');
      s.write('$M2/y/notify_on_release', '1');
      s.write('$M1/x/tasks', '$p1');
      s.write('$M2/y/tasks', '$p1');
      s.write('$M1/tasks', '$p1');
      s.releasesOrdered();
      s.write('$M2/tasks', '$p1');
      s.releasesOrdered();
      // back in both, then out of both without a releases step between the writes
      s.write('$M1/x/tasks', '$p1');
      s.write('$M2/y/tasks', '$p1');
      s.write('$M2/cgroup.procs', '$p1');
      s.write('$M1/cgroup.procs', '$p1');
      s.releasesOrdered();
      s.read('/proc/$p1/cgroup');
      s.kill('p1');
      s.releases();
      s.rmdir('$M1/x');
      s.rmdir('$M2/y');
      s.umount('$M1');
      s.umount('$M2');
    },
  ),

  scenario(
    'multi-release-procs-group',
    'a thread group spread over notify cgroups, moved by one cgroup.procs write in one hierarchy: only that hierarchy releases',
    ['§4.2 cgroup.procs moves the whole group', '§10.4 each emptied cgroup -> agent', '§10.3 agent per hierarchy'],
    (s) => {
      s.spawn('p1');
      s.thread('p1.t1');
      s.mount('$M1', 'none,name=$H1,release_agent=$AGENT');
      s.mount('$M2', 'none,name=$H2,release_agent=$AGENT2');
      s.mkdir('$M1/x1');
      s.mkdir('$M1/x2');
      s.mkdir('$M2/y');
      for (const p of ['$M1/x1', '$M1/x2', '$M2/y']) s.write(`${p}/notify_on_release`, '1');
      s.write('$M1/x1/tasks', '$p1');
      s.write('$M1/x2/tasks', '$p1.t1');
      s.write('$M2/y/cgroup.procs', '$p1');
      s.read('$M1/x1/cgroup.procs');
      s.read('$M1/x2/cgroup.procs');
      s.read('$M2/y/tasks');
      s.write('$M1/cgroup.procs', '$p1');
      s.releases();
      s.read('/proc/$p1/task/$p1.t1/cgroup');
      s.kill('p1');
      s.releases();
      s.rmdir('$M1/x1');
      s.rmdir('$M1/x2');
      s.rmdir('$M2/y');
      s.umount('$M1');
      s.umount('$M2');
    },
  ),

  scenario(
    'multi-fork-one-changes',
    "a task's cgroup changes in one hierarchy while the other stays; a child forked then starts in both",
    ['§7 fork inherits every hierarchy', '§4.1 a move changes one hierarchy only'],
    (s) => {
      s.spawn('p1');
      s.mount('$M1', 'none,name=$H1');
      s.mount('$M2', 'none,name=$H2');
      s.mkdir('$M1/a');
      s.mkdir('$M1/c');
      s.mkdir('$M2/b');
      s.write('$M1/a/tasks', '$p1');
      s.write('$M2/b/tasks', '$p1');
      s.read('/proc/$p1/cgroup');
      s.write('$M1/c/tasks', '$p1');
      s.read('/proc/$p1/cgroup');
      s.spawn('p2', { parent: 'p1' });
      s.read('/proc/$p2/cgroup');
      s.read('$M1/c/tasks');
      s.read('$M2/b/tasks');
      s.read('$M1/a/tasks');
      s.write('$M2/tasks', '$p2');
      s.read('/proc/$p2/cgroup');
      s.read('/proc/$p1/cgroup');
      s.spawn('p3', { parent: 'p2' });
      s.read('/proc/$p3/cgroup');
      s.kill('p3');
      s.kill('p2');
      s.kill('p1');
      s.rmdir('$M1/a');
      s.rmdir('$M1/c');
      s.rmdir('$M2/b');
      s.umount('$M1');
      s.umount('$M2');
    },
  ),

  scenario(
    'multi-threads-spread',
    'threads of one process spread over cgroups of two hierarchies; the group moved in one hierarchy only',
    [
      '§4.2 threads move one by one',
      '§4.2 cgroup.procs moves the group in that hierarchy',
      '§12.1 per-thread cgroup lines',
    ],
    (s) => {
      s.spawn('p1');
      s.thread('p1.t1');
      s.thread('p1.t2');
      s.mount('$M1', 'none,name=$H1');
      s.mount('$M2', 'none,name=$H2');
      s.mkdir('$M1/a');
      s.mkdir('$M1/c');
      s.mkdir('$M1/d');
      s.mkdir('$M2/b');
      s.mkdir('$M2/e');
      s.write('$M1/a/tasks', '$p1.t1');
      s.write('$M2/b/tasks', '$p1.t2');
      s.write('$M1/c/tasks', '$p1');
      s.write('$M2/e/tasks', '$p1.t1');
      for (const p of ['$M1', '$M1/a', '$M1/c', '$M2', '$M2/b', '$M2/e']) {
        s.read(`${p}/cgroup.procs`);
        s.read(`${p}/tasks`);
      }
      for (const t of ['$p1', '$p1.t1', '$p1.t2']) s.read(`/proc/$p1/task/${t}/cgroup`);
      s.write('$M1/d/cgroup.procs', '$p1.t2');
      for (const p of ['$M1/a', '$M1/c', '$M1/d', '$M2', '$M2/b', '$M2/e']) {
        s.read(`${p}/cgroup.procs`);
        s.read(`${p}/tasks`);
      }
      for (const t of ['$p1', '$p1.t1', '$p1.t2']) s.read(`/proc/$p1/task/${t}/cgroup`);
      s.kill('p1');
      for (const p of ['$M1/a', '$M1/c', '$M1/d', '$M2/b', '$M2/e']) s.rmdir(p);
      s.umount('$M1');
      s.umount('$M2');
    },
  ),

  scenario(
    'multi-second-mountpoint',
    'a hierarchy mounted at a second point while another is mounted; /proc/mounts after mixed mounts and umounts',
    ['§2.3 same hierarchy at several mount points', '§12.2 /proc/mounts lines in mount order'],
    (s) => {
      s.mount('$M1', 'none,name=$H1,release_agent=$AGENT');
      s.mount('$M2', 'none,name=$H2');
      s.mount('$M3', 'none,name=$H2');
      s.read('/proc/mounts');
      s.mkdir('$M3/a');
      s.readdir('$M2');
      s.mount('$M4', 'name=$H1');
      s.read('/proc/mounts');
      s.umount('$M2');
      s.read('/proc/mounts');
      s.readdir('$M3');
      s.umount('$M1');
      s.read('/proc/mounts');
      s.read('$M4/release_agent');
      s.mount('$M1', 'name=$H2');
      s.read('/proc/mounts');
      s.readdir('$M1');
      s.rmdir('$M1/a');
      s.readdir('$M3');
      s.umount('$M3');
      s.umount('$M4');
      s.read('/proc/mounts');
      s.umount('$M1');
      s.read('/proc/mounts');
    },
  ),

  scenario(
    'multi-rmdir-tasks-elsewhere',
    "rmdir in one hierarchy while the task lives in another's child: allowed; only that hierarchy releases",
    [
      '§3.3 rmdir needs no tasks in this hierarchy',
      '§10.4 rmdir of the last child -> agent(parent)',
      '§10.3 agent per hierarchy',
    ],
    (s) => {
      s.spawn('p1');
      s.mount('$M1', 'none,name=$H1,release_agent=$AGENT');
      s.mount('$M2', 'none,name=$H2,release_agent=$AGENT2');
      s.mkdir('$M1/p');
      s.mkdir('$M1/p/x');
      s.mkdir('$M2/y');
      s.mkdir('$M2/y/q');
      for (const p of ['$M1/p', '$M1/p/x', '$M2/y', '$M2/y/q']) s.write(`${p}/notify_on_release`, '1');
      s.write('$M2/y/q/tasks', '$p1');
      s.write('$M1/p/x/tasks', '$p1');
      s.write('$M1/tasks', '$p1');
      s.releases();
      s.rmdir('$M1/p/x');
      s.releases();
      s.rmdir('$M1/p');
      s.releases();
      s.read('/proc/$p1/cgroup');
      s.rmdir('$M2/y/q');
      s.rmdir('$M2/y');
      s.releases();
      s.kill('p1');
      s.releases();
      s.rmdir('$M2/y/q');
      s.releases();
      s.rmdir('$M2/y');
      s.umount('$M1');
      s.umount('$M2');
    },
  ),

  scenario(
    'multi-name-reuse',
    'a name used again after its hierarchy was destroyed: a fresh, empty hierarchy, listed first (newest)',
    [
      '§2.4 destroyed on last umount without children',
      '§2.2 a name identifies a live hierarchy only',
      '§12.1 newest hierarchy first',
    ],
    (s) => {
      s.spawn('p1');
      s.mount('$M1', 'none,name=$H1,release_agent=$AGENT');
      s.mount('$M2', 'none,name=$H2');
      s.mount('$M3', 'none,name=$H3');
      s.mkdir('$M1/a');
      s.write('$M1/a/tasks', '$p1');
      s.write('$M2/tasks', '$p1');
      s.read('/proc/$p1/cgroup');
      s.write('$M1/tasks', '$p1');
      s.rmdir('$M1/a');
      s.settle();
      s.umount('$M1');
      s.settle();
      s.read('/proc/$p1/cgroup');
      s.mount('$M1', 'none,name=$H1');
      s.readdir('$M1');
      s.read('$M1/release_agent');
      s.read('$M1/tasks');
      s.read('/proc/$p1/cgroup');
      s.read('/proc/mounts');
      s.mkdir('$M1/a');
      s.write('$M1/a/tasks', '$p1');
      s.read('/proc/$p1/cgroup');
      s.write('$M1/tasks', '$p1');
      s.rmdir('$M1/a');
      s.kill('p1');
      s.umount('$M1');
      s.umount('$M2');
      s.umount('$M3');
    },
  ),

  scenario(
    'release-depths-procs',
    'one cgroup.procs write moves a thread group out of leaf cgroups at depths 1, 2 and 3: one agent per leaf',
    [
      '§4.2 cgroup.procs moves the whole group',
      '§10.4 each emptied cgroup -> agent',
      '§10.4 a parent with children is not released',
    ],
    (s) => {
      s.spawn('p1');
      s.thread('p1.t1');
      s.thread('p1.t2');
      s.mount('$M1', 'none,name=$H1,release_agent=$AGENT');
      for (const p of ['c', 'a', 'a/b', 'd', 'd/e', 'd/e/f']) {
        s.mkdir(`$M1/${p}`);
        s.write(`$M1/${p}/notify_on_release`, '1');
      }
      s.write('$M1/c/tasks', '$p1');
      s.write('$M1/a/b/tasks', '$p1.t1');
      s.write('$M1/d/e/f/tasks', '$p1.t2');
      s.write('$M1/cgroup.procs', '$p1');
      s.releasesOrdered();
      s.read('$M1/tasks');
      // exit of a leader whose threads are spread
      s.write('$M1/c/tasks', '$p1.t2');
      s.write('$M1/a/b/tasks', '$p1');
      s.write('$M1/d/e/f/tasks', '$p1.t1');
      s.releases();
      s.kill('p1');
      s.releases();
      for (const p of ['d/e/f', 'd/e', 'd', 'a/b', 'a', 'c']) s.rmdir(`$M1/${p}`);
      s.umount('$M1');
    },
  ),

  scenario(
    'multi-release-after-destroy',
    'the middle of three hierarchies destroyed while a task sits in its root: the exit still releases in the other two',
    ['§2.4 destroyed on last umount without children', '§10.3 agent per hierarchy', '§10.4 last task exits'],
    (s) => {
      s.spawn('p1');
      s.mount('$M1', 'none,name=$H1,release_agent=$AGENT');
      s.mount('$M2', 'none,name=$H2,release_agent=$AGENT2');
      s.mount('$M3', 'none,name=$H3,release_agent=$AGENT3');
      s.mkdir('$M1/x');
      s.mkdir('$M3/z');
      s.write('$M1/x/notify_on_release', '1');
      s.write('$M3/z/notify_on_release', '1');
      s.write('$M3/z/tasks', '$p1');
      s.write('$M1/x/tasks', '$p1');
      s.read('/proc/$p1/cgroup');
      s.umount('$M2');
      s.settle();
      s.read('/proc/$p1/cgroup');
      s.spawn('p2', { parent: 'p1' });
      s.read('/proc/$p2/cgroup');
      s.read('$M1/x/tasks');
      s.kill('p1');
      s.releases();
      s.kill('p2');
      s.releasesOrdered();
      s.rmdir('$M1/x');
      s.rmdir('$M3/z');
      s.umount('$M1');
      s.umount('$M3');
    },
  ),

  scenario(
    'multi-release-group-exit',
    'a thread group spread over notify cgroups of two hierarchies exits: one agent per emptied cgroup, in each hierarchy',
    ['§7 exit of every thread', '§10.4 each emptied cgroup -> agent', '§10.3 agent per hierarchy'],
    (s) => {
      s.spawn('p1');
      s.thread('p1.t1');
      s.thread('p1.t2');
      s.mount('$M1', 'none,name=$H1,release_agent=$AGENT');
      s.mount('$M2', 'none,name=$H2,release_agent=$AGENT2');
      for (const p of ['$M1/a', '$M1/b', '$M2/c', '$M2/c/d']) {
        s.mkdir(p);
        s.write(`${p}/notify_on_release`, '1');
      }
      s.write('$M1/a/tasks', '$p1');
      s.write('$M1/b/tasks', '$p1.t1');
      s.write('$M2/c/d/tasks', '$p1.t2');
      s.write('$M2/c/tasks', '$p1.t1');
      s.kill('p1.t1');
      s.releases();
      s.read('$M2/c/cgroup.procs');
      s.kill('p1');
      s.releases();
      s.rmdir('$M2/c/d');
      s.releases();
      for (const p of ['$M1/a', '$M1/b', '$M2/c']) s.rmdir(p);
      s.umount('$M1');
      s.umount('$M2');
    },
  ),

  scenario(
    'multi-rename-one',
    'cgroups of the same name in two hierarchies: a rename, a release and an rmdir in one leave the other alone',
    ['§3.4 rename within one hierarchy', '§12.1 per-hierarchy paths', '§10.3 path computed at release'],
    (s) => {
      s.spawn('p1');
      s.spawn('p2');
      s.mount('$M1', 'none,name=$H1,release_agent=$AGENT');
      s.mount('$M2', 'none,name=$H2,release_agent=$AGENT2');
      for (const m of ['$M1', '$M2']) {
        s.mkdir(`${m}/a`);
        s.mkdir(`${m}/a/s`);
        s.write(`${m}/a/s/notify_on_release`, '1');
      }
      s.write('$M1/a/s/tasks', '$p1');
      s.write('$M2/a/s/tasks', '$p1');
      s.write('$M2/a/s/tasks', '$p2');
      s.rename('$M1/a', '$M1/b');
      s.read('/proc/$p1/cgroup');
      s.read('/proc/$p2/cgroup');
      s.rename('$M1/b/s', '$M1/b/t');
      s.kill('p1');
      s.releases();
      s.read('$M2/a/s/tasks');
      s.rmdir('$M1/b/t');
      s.rmdir('$M1/b');
      s.readdir('$M2/a');
      s.rename('$M2/a', '$M2/b');
      s.read('/proc/$p2/cgroup');
      s.write('$M2/tasks', '$p2');
      s.releases();
      s.kill('p2');
      s.rmdir('$M2/b/s');
      s.rmdir('$M2/b');
      s.umount('$M1');
      s.umount('$M2');
    },
  ),

  scenario(
    'multi-umount-kept-remount-agent',
    'two hierarchies unmounted with children: releases still run with the agent set at mount, and after mounting again by name',
    ['§2.3 umount with children keeps the hierarchy', '§10.3 agent per hierarchy'],
    (s) => {
      s.spawn('p1');
      s.spawn('p2');
      s.mount('$M1', 'none,name=$H1,release_agent=$AGENT');
      s.mount('$M2', 'none,name=$H2,release_agent=$AGENT2');
      s.mkdir('$M1/x');
      s.mkdir('$M2/y');
      s.write('$M1/x/notify_on_release', '1');
      s.write('$M2/y/notify_on_release', '1');
      s.write('$M1/x/tasks', '$p1');
      s.write('$M2/y/tasks', '$p1');
      s.write('$M1/x/tasks', '$p2');
      s.umount('$M1');
      s.umount('$M2');
      s.kill('p1');
      s.releases();
      s.read('/proc/$p2/cgroup');
      s.mount('$M2', 'name=$H1');
      s.mount('$M1', 'name=$H2');
      s.read('/proc/mounts');
      s.read('$M2/release_agent');
      s.read('$M1/release_agent');
      s.read('$M2/x/tasks');
      s.kill('p2');
      s.releases();
      s.rmdir('$M2/x');
      s.rmdir('$M1/y');
      s.umount('$M1');
      s.umount('$M2');
    },
  ),
];
