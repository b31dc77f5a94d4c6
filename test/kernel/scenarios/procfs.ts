/**
 * /proc views of threads and zombies: /proc/<pid>/task/<tid>/cgroup per thread, the Tgid,
 * Pid, PPid and Threads lines of /proc/<pid>/status, a leader exiting before its threads,
 * and a process killed but not yet reaped (semantics §12.1, §4.2 "Threads", §7 exit).
 */
import { type Scenario, scenario } from '../scenario.ts';

export const procScenarios: Scenario[] = [
  scenario(
    'proc-task-cgroup-threads',
    '/proc/<pid>/task/<tid>/cgroup shows each thread in its own cgroups, in two hierarchies',
    ['§12.1 per-thread cgroup lines', '§4.2 threads moved one by one, then as a group'],
    (s) => {
      s.spawn('p1');
      s.thread('p1.t1');
      s.thread('p1.t2');
      s.mount('$M1', 'none,name=$H1');
      s.mount('$M2', 'none,name=$H2');
      s.mkdir('$M1/a');
      s.mkdir('$M1/b');
      s.mkdir('$M2/c');
      s.write('$M1/a/tasks', '$p1.t1');
      s.write('$M1/b/tasks', '$p1.t2');
      s.write('$M2/c/tasks', '$p1.t2');
      for (const t of ['$p1', '$p1.t1', '$p1.t2']) s.read(`/proc/$p1/task/${t}/cgroup`);
      s.read('/proc/thread-self/cgroup', { as: 'p1.t2' });
      s.read('/proc/self/cgroup', { as: 'p1.t2' });
      s.read('/proc/$p1.t2/cgroup');
      s.read('/proc/$p1/cgroup');
      s.readdir('/proc/$p1/task');
      s.write('$M1/b/cgroup.procs', '$p1.t1');
      for (const t of ['$p1', '$p1.t1', '$p1.t2']) s.read(`/proc/$p1/task/${t}/cgroup`);
      s.kill('p1.t1');
      s.read('/proc/$p1/task/$p1.t1/cgroup');
      s.read('/proc/$p1.t1/cgroup');
      s.readdir('/proc/$p1/task');
      s.kill('p1');
      s.rmdir('$M1/a');
      s.rmdir('$M1/b');
      s.rmdir('$M2/c');
      s.umount('$M1');
      s.umount('$M2');
    },
  ),

  scenario(
    'proc-status-threads',
    '/proc/<pid>/status of a process, its threads and children forked by a thread: Tgid, Pid, PPid, Threads',
    ['§7 fork from a thread: the parent is the thread group', 'status of a zombie leader'],
    (s) => {
      s.spawn('p1');
      s.thread('p1.t1');
      s.spawn('p2', { parent: 'p1.t1' });
      s.spawn('p3', { parent: 'p1' });
      s.read('/proc/$p1/status');
      s.read('/proc/$p1.t1/status');
      s.read('/proc/$p1/task/$p1.t1/status');
      s.read('/proc/$p1/task/$p1/status');
      s.read('/proc/$p2/status');
      s.read('/proc/$p3/status');
      s.read('/proc/self/status', { as: 'p2' });
      s.read('/proc/thread-self/status', { as: 'p1.t1' });
      s.thread('p1.t2');
      s.read('/proc/$p1/status');
      s.leaderExit('p1');
      s.read('/proc/$p1/status');
      s.read('/proc/$p1.t1/status');
      s.read('/proc/$p2/status');
      s.read('/proc/$p3/status');
      s.kill('p1');
      s.kill('p2');
      s.kill('p3');
    },
  ),

  scenario(
    'zombie-leader-spread',
    'a leader exiting alone while its threads are spread over cgroups: where its pid is listed, and moving it',
    ['§4.2 procs lists the tgid wherever a thread lives', 'a zombie leader moved alone is a no-op'],
    (s) => {
      s.spawn('p1');
      s.thread('p1.t1');
      s.thread('p1.t2');
      s.mount('$M1', 'none,name=$H1');
      for (const d of ['a', 'b', 'c', 'd']) s.mkdir(`$M1/${d}`);
      s.write('$M1/c/tasks', '$p1');
      s.write('$M1/a/tasks', '$p1.t1');
      s.write('$M1/b/tasks', '$p1.t2');
      s.leaderExit('p1');
      for (const d of ['a', 'b', 'c']) s.read(`$M1/${d}/cgroup.procs`);
      s.read('$M1/c/tasks');
      s.read('$M1/cgroup.procs');
      s.read('/proc/$p1/cgroup');
      s.read('/proc/$p1/task/$p1.t1/cgroup');
      s.read('/proc/$p1/task/$p1/cgroup');
      s.readdir('/proc/$p1/task');
      s.write('$M1/d/tasks', '$p1');
      s.read('$M1/d/tasks');
      s.rmdir('$M1/c');
      s.write('$M1/d/cgroup.procs', '$p1');
      for (const d of ['a', 'b', 'd']) s.read(`$M1/${d}/tasks`);
      s.read('$M1/d/cgroup.procs');
      s.write('$M1/a/cgroup.procs', '$p1.t2');
      s.read('$M1/a/tasks');
      s.kill('p1');
      s.read('$M1/a/cgroup.procs');
      for (const d of ['a', 'b', 'd']) s.rmdir(`$M1/${d}`);
      s.umount('$M1');
    },
  ),

  scenario(
    'zombie-unreaped',
    'a process killed but not yet reaped: its cgroup empties (and is released) at exit; its pid still exists',
    ['§7 exit: tasks leave their cgroups at exit, not at reap', '§10.4 last task exits -> agent(/X)'],
    (s) => {
      s.spawn('p1');
      s.spawn('p2', { parent: 'p1' });
      s.mount('$M1', 'none,name=$H1,release_agent=$AGENT');
      s.mkdir('$M1/a');
      s.mkdir('$M1/b');
      s.write('$M1/a/notify_on_release', '1');
      s.write('$M1/a/tasks', '$p2');
      s.zombie('p2');
      s.releases();
      s.read('$M1/a/tasks');
      s.read('$M1/a/cgroup.procs');
      s.read('$M1/cgroup.procs');
      s.read('/proc/$p2/cgroup');
      s.read('/proc/$p2/status');
      s.write('$M1/b/tasks', '$p2');
      s.write('$M1/b/cgroup.procs', '$p2');
      s.read('$M1/b/tasks');
      s.rmdir('$M1/a');
      s.reap('p2');
      s.read('/proc/$p2/cgroup');
      s.write('$M1/b/tasks', '$p2');
      s.kill('p1');
      s.rmdir('$M1/b');
      s.umount('$M1');
    },
  ),
];
