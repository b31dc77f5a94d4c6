/**
 * The release agent trigger matrix (semantics §10, §10.4, §19 "Release agent"). On the
 * kernel the agents are scripts that log their argv; `releases` waits 250 ms and collects
 * what ran since the previous `releases` step.
 */
import { type Scenario, type ScenarioBuilder, scenario } from '../scenario.ts';

/** Mount $H1 at $M1 with $AGENT, make the given dirs with notify_on_release=1. */
function setup(s: ScenarioBuilder, dirs: string[], notify = '1'): void {
  s.mount('$M1', 'none,name=$H1,release_agent=$AGENT');
  for (const d of dirs) {
    s.mkdir(`$M1/${d}`);
    s.write(`$M1/${d}/notify_on_release`, notify);
  }
}

export const releaseScenarios: Scenario[] = [
  scenario(
    'release-last-moves-out',
    'the last task moving out of X (notify=1) runs the agent with /X',
    ['§10.4 last task moved out -> agent(/X)'],
    (s) => {
      s.spawn('p1');
      setup(s, ['x']);
      s.write('$M1/x/tasks', '$p1');
      s.releases();
      s.write('$M1/tasks', '$p1');
      s.releases();
      s.rmdir('$M1/x');
      s.releases();
      s.umount('$M1');
    },
  ),

  scenario(
    'release-last-exits',
    'the last task of X exiting runs the agent with /X',
    ['§10.4 last task exits -> agent(/X)'],
    (s) => {
      s.spawn('p1');
      setup(s, ['x']);
      s.write('$M1/x/tasks', '$p1');
      s.kill('p1');
      s.releases();
      s.rmdir('$M1/x');
      s.umount('$M1');
    },
  ),

  scenario(
    'release-one-of-two',
    'nothing while one of two tasks remains; the agent when the second leaves',
    ['§10.4 one of two leaves -> nothing'],
    (s) => {
      s.spawn('p1');
      s.spawn('p2');
      setup(s, ['x']);
      s.write('$M1/x/tasks', '$p1');
      s.write('$M1/x/tasks', '$p2');
      s.write('$M1/tasks', '$p1');
      s.releases();
      s.kill('p2');
      s.releases();
      s.rmdir('$M1/x');
      s.umount('$M1');
    },
  ),

  scenario(
    'release-child-present',
    'a cgroup with a child is not released when its tasks leave',
    ['§10.4 X has a child -> nothing', '§10.2 no children'],
    (s) => {
      s.spawn('p1');
      setup(s, ['x']);
      s.mkdir('$M1/x/y');
      s.write('$M1/x/tasks', '$p1');
      s.write('$M1/tasks', '$p1');
      s.releases();
      s.rmdir('$M1/x/y');
      s.releases();
      s.rmdir('$M1/x');
      s.umount('$M1');
    },
  ),

  scenario(
    'release-rmdir-last-child',
    'rmdir of the last child of P (notify=1, never had tasks) runs the agent with /P',
    ['§10.4 rmdir of the last child -> agent(/P)', '§3.3 parent checked after rmdir'],
    (s) => {
      setup(s, ['p']);
      s.mkdir('$M1/p/c1');
      s.mkdir('$M1/p/c2');
      s.rmdir('$M1/p/c1');
      s.releases();
      s.rmdir('$M1/p/c2');
      s.releases();
      s.rmdir('$M1/p');
      s.releases();
      s.umount('$M1');
    },
  ),

  scenario(
    'release-nested',
    'task leaves /r/sub -> agent(/r/sub); then rmdir sub -> agent(/r)',
    ['§10.4 nested', 'notify inherited by sub'],
    (s) => {
      s.spawn('p1');
      setup(s, ['r']);
      s.mkdir('$M1/r/sub');
      s.read('$M1/r/sub/notify_on_release');
      s.write('$M1/r/sub/tasks', '$p1');
      s.write('$M1/tasks', '$p1');
      s.releases();
      s.rmdir('$M1/r/sub');
      s.releases();
      s.rmdir('$M1/r');
      s.umount('$M1');
    },
  ),

  scenario(
    'release-nested-exit',
    'the last task of /q1/q2 exits: only /q1/q2 is released (q1 still has its child)',
    ['§10.4 nested exit', '§19 q1/q2'],
    (s) => {
      s.spawn('p1');
      setup(s, ['q1']);
      s.mkdir('$M1/q1/q2');
      s.write('$M1/q1/q2/tasks', '$p1');
      s.kill('p1');
      s.releases();
      s.rmdir('$M1/q1/q2');
      s.releases();
      s.rmdir('$M1/q1');
      s.umount('$M1');
    },
  ),

  scenario(
    'release-notify-zero',
    'a cgroup with notify_on_release=0 is never released',
    ['§10.4 X notify=0 -> nothing'],
    (s) => {
      s.spawn('p1');
      setup(s, ['x'], '0');
      s.mkdir('$M1/x/y');
      s.write('$M1/x/tasks', '$p1');
      s.write('$M1/tasks', '$p1');
      s.rmdir('$M1/x/y');
      s.write('$M1/x/tasks', '$p1');
      s.kill('p1');
      s.releases();
      s.rmdir('$M1/x');
      s.umount('$M1');
    },
  ),

  scenario(
    'release-x-to-y',
    'a task moved X -> Y (both notify=1) releases only X; exiting in Y releases Y',
    ['§10.4 X->Y move -> agent(/X) only'],
    (s) => {
      s.spawn('p1');
      setup(s, ['x', 'y']);
      s.write('$M1/x/tasks', '$p1');
      s.write('$M1/y/tasks', '$p1');
      s.releases();
      s.kill('p1');
      s.releases();
      s.rmdir('$M1/x');
      s.rmdir('$M1/y');
      s.umount('$M1');
    },
  ),

  scenario(
    'release-notify-write-empty',
    'writing notify_on_release=1 on an already empty cgroup runs nothing',
    ['§10.2 not on writing notify_on_release=1', '§10.4 last row'],
    (s) => {
      s.spawn('p1');
      setup(s, ['x'], '0');
      s.write('$M1/x/tasks', '$p1');
      s.write('$M1/tasks', '$p1');
      s.write('$M1/x/notify_on_release', '1');
      s.releases();
      s.mkdir('$M1/e');
      s.write('$M1/e/notify_on_release', '1');
      s.write('$M1/e/notify_on_release', '1');
      s.releases();
      s.rmdir('$M1/x');
      s.rmdir('$M1/e');
      s.umount('$M1');
    },
  ),

  scenario(
    'release-root-never',
    'the root is never released: rmdir of its last child with root notify=1',
    ['§10.2 root excluded (always populated)'],
    (s) => {
      s.spawn('p1');
      s.mount('$M1', 'none,name=$H1,release_agent=$AGENT');
      s.write('$M1/notify_on_release', '1');
      s.mkdir('$M1/a');
      s.read('$M1/a/notify_on_release');
      s.rmdir('$M1/a');
      s.releases();
      s.mkdir('$M1/b');
      s.write('$M1/b/tasks', '$p1');
      s.write('$M1/tasks', '$p1');
      s.releases();
      s.rmdir('$M1/b');
      s.releases();
      s.umount('$M1');
    },
  ),

  scenario(
    'release-parent-with-tasks',
    'rmdir of the last child of a populated parent releases nothing',
    ['§10.2 count == 0 required'],
    (s) => {
      s.spawn('p1');
      setup(s, ['p']);
      s.write('$M1/p/tasks', '$p1');
      s.mkdir('$M1/p/c');
      s.rmdir('$M1/p/c');
      s.releases();
      s.kill('p1');
      s.releases();
      s.rmdir('$M1/p');
      s.umount('$M1');
    },
  ),

  scenario(
    'release-move-down',
    'a task moving from X into its child X/d releases nothing; leaving X/d releases /X/d',
    ['§10.2 children block release', 'populated counts descendants'],
    (s) => {
      s.spawn('p1');
      setup(s, ['x']);
      s.mkdir('$M1/x/d');
      s.write('$M1/x/tasks', '$p1');
      s.write('$M1/x/d/tasks', '$p1');
      s.releases();
      s.write('$M1/x/tasks', '$p1');
      s.releases();
      s.write('$M1/tasks', '$p1');
      s.releases();
      s.rmdir('$M1/x/d');
      s.releases();
      s.rmdir('$M1/x');
      s.umount('$M1');
    },
  ),

  scenario(
    'release-again',
    'a cgroup is released again each time it becomes empty',
    ['§10.1 RELEASABLE set again by each leave'],
    (s) => {
      s.spawn('p1');
      setup(s, ['x']);
      s.write('$M1/x/tasks', '$p1');
      s.write('$M1/tasks', '$p1');
      s.releases();
      s.write('$M1/x/tasks', '$p1');
      s.write('$M1/tasks', '$p1');
      s.releases();
      s.rmdir('$M1/x');
      s.umount('$M1');
    },
  ),

  scenario(
    'release-agent-changed',
    'the agent in force when the cgroup empties is the one run',
    ['§10.3 path read at run time', '§4.4 release_agent write'],
    (s) => {
      s.spawn('p1');
      setup(s, ['x']);
      s.write('$M1/x/tasks', '$p1');
      s.write('$M1/release_agent', '$AGENT2');
      s.write('$M1/tasks', '$p1');
      s.releases();
      s.rmdir('$M1/x');
      s.umount('$M1');
    },
  ),

  scenario(
    'release-no-agent',
    'without an agent nothing runs; setting one later takes effect for the next release',
    ['§10.3 modern kernels skip an empty agent'],
    (s) => {
      s.spawn('p1');
      s.mount('$M1', 'none,name=$H1');
      s.mkdir('$M1/x');
      s.write('$M1/x/notify_on_release', '1');
      s.write('$M1/x/tasks', '$p1');
      s.write('$M1/tasks', '$p1');
      s.releases();
      s.write('$M1/release_agent', '$AGENT');
      s.write('$M1/x/tasks', '$p1');
      s.write('$M1/tasks', '$p1');
      s.releases();
      s.rmdir('$M1/x');
      s.umount('$M1');
    },
  ),

  scenario(
    'release-threads',
    'a cgroup is released only when its last thread leaves',
    ['§10.2 count counts threads', '§4.2 threads'],
    (s) => {
      s.spawn('p1');
      s.thread('p1.t1');
      setup(s, ['x']);
      s.write('$M1/x/cgroup.procs', '$p1');
      s.write('$M1/tasks', '$p1.t1');
      s.releases();
      s.write('$M1/tasks', '$p1');
      s.releases();
      s.write('$M1/x/cgroup.procs', '$p1');
      s.kill('p1');
      s.releases();
      s.rmdir('$M1/x');
      s.umount('$M1');
    },
  ),

  scenario(
    'release-leader-exit',
    'a leader exiting alone empties its cgroup (its threads live elsewhere): released',
    ['§10.2 exit path', '§7 exit of a leader with live threads'],
    (s) => {
      s.spawn('p1');
      s.thread('p1.t1');
      setup(s, ['x']);
      s.write('$M1/x/tasks', '$p1');
      s.read('$M1/x/tasks');
      s.leaderExit('p1');
      s.releases();
      s.read('$M1/x/tasks');
      s.read('$M1/x/cgroup.procs');
      s.read('$M1/cgroup.procs');
      s.rmdir('$M1/x');
      s.kill('p1');
      s.releases();
      s.umount('$M1');
    },
  ),

  scenario(
    'release-two-hierarchies',
    'one exit empties cgroups in two hierarchies: each hierarchy runs its own agent',
    ['§10.3 agent per hierarchy', '§1.2 release_agent_path per root'],
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
      s.releases();
      s.rmdir('$M1/x');
      s.rmdir('$M2/y');
      s.umount('$M1');
      s.umount('$M2');
    },
  ),

  scenario(
    'release-after-rename',
    'the agent gets the path the cgroup has when it is released',
    ['§10.3 path computed at release'],
    (s) => {
      s.spawn('p1');
      setup(s, ['x']);
      s.write('$M1/x/tasks', '$p1');
      s.rename('$M1/x', '$M1/z');
      s.write('$M1/tasks', '$p1');
      s.releases();
      s.rmdir('$M1/z');
      s.umount('$M1');
    },
  ),
  scenario(
    'release-out-and-back',
    'a task moved out and straight back in: the agent runs anyway (the check is made when the cgroup empties)',
    ['§10.4 last task moved out -> agent(/X)', 'the queued agent does not look at the cgroup again'],
    (s) => {
      s.spawn('p1');
      setup(s, ['x']);
      s.write('$M1/x/tasks', '$p1');
      s.releases();
      s.write('$M1/tasks', '$p1');
      s.write('$M1/x/tasks', '$p1');
      s.releases();
      s.read('$M1/x/tasks');
      s.rmdir('$M1/x');
      s.write('$M1/tasks', '$p1');
      s.releases();
      s.rmdir('$M1/x');
      s.umount('$M1');
    },
  ),

  scenario(
    'release-two-by-one-write',
    'one cgroup.procs write moving a thread group spread over two notify=1 cgroups releases both',
    ['§10.4 each emptied cgroup is released', '§4.2 procs write moves every thread'],
    (s) => {
      s.spawn('p1');
      s.thread('p1.t1');
      s.thread('p1.t2');
      setup(s, ['x', 'y', 'z']);
      s.write('$M1/x/tasks', '$p1');
      s.write('$M1/y/tasks', '$p1.t1');
      s.write('$M1/y/tasks', '$p1.t2');
      s.releases();
      s.write('$M1/z/cgroup.procs', '$p1.t1');
      s.releases();
      s.read('$M1/z/tasks');
      s.write('$M1/x/tasks', '$p1.t2');
      s.write('$M1/y/tasks', '$p1');
      s.releases();
      s.kill('p1');
      s.releases();
      s.rmdir('$M1/x');
      s.rmdir('$M1/y');
      s.rmdir('$M1/z');
      s.umount('$M1');
    },
  ),

  scenario(
    'release-many-exit',
    'several tasks of a notify=1 cgroup killed one after the other: one release, at the last exit',
    ['§10.4 last task exits -> agent(/X)', 'one of two leaves -> nothing'],
    (s) => {
      s.spawn('p1');
      s.spawn('p2');
      s.spawn('p3');
      s.spawn('p4', { parent: 'p3' });
      setup(s, ['x', 'y']);
      s.move('$M1/x', 'p1', 'p2', 'p3');
      s.move('$M1/y', 'p4');
      s.kill('p1');
      s.kill('p2');
      s.releases();
      s.kill('p3');
      s.releases();
      s.read('$M1/x/tasks');
      s.read('$M1/y/tasks');
      s.kill('p4');
      s.releases();
      s.rmdir('$M1/x');
      s.rmdir('$M1/y');
      s.umount('$M1');
    },
  ),

  scenario(
    'release-agent-rmdir-chain',
    'an agent that removes the released cgroup: each rmdir releases the parent in turn, up a whole chain',
    ['§10.4 rmdir of the last child -> agent(/P)', '§10.3 agent runs as root, outside the rmdir'],
    (s) => {
      s.spawn('p1');
      s.spawn('p2');
      s.mount('$M1', 'none,name=$H1,release_agent=$RMAGENT');
      s.write('$M1/notify_on_release', '1');
      s.mkdir('$M1/a');
      s.mkdir('$M1/a/b');
      s.mkdir('$M1/a/b/c');
      s.write('$M1/a/b/c/tasks', '$p1');
      s.write('$M1/tasks', '$p1');
      s.releases();
      s.readdir('$M1');
      s.mkdir('$M1/p');
      s.mkdir('$M1/p/x');
      s.mkdir('$M1/p/y');
      s.write('$M1/p/x/tasks', '$p1');
      s.write('$M1/p/y/tasks', '$p2');
      s.write('$M1/tasks', '$p1');
      s.releases();
      s.readdir('$M1/p');
      s.kill('p2');
      s.releases();
      s.readdir('$M1');
      s.settle();
      s.umount('$M1');
    },
  ),

  scenario(
    'release-agent-rmdir-notify0',
    'the removing agent stops where notify_on_release is 0, and a parent with tasks is not released',
    ['§10.4 X notify=0 -> nothing', '§10.2 count == 0 required'],
    (s) => {
      s.spawn('p1');
      s.spawn('p2');
      s.mount('$M1', 'none,name=$H1,release_agent=$RMAGENT');
      s.mkdir('$M1/q');
      s.write('$M1/notify_on_release', '1');
      s.mkdir('$M1/q/r');
      s.read('$M1/q/r/notify_on_release');
      s.write('$M1/q/r/notify_on_release', '1');
      s.mkdir('$M1/q/r/s');
      s.mkdir('$M1/t');
      s.mkdir('$M1/t/u');
      s.write('$M1/q/r/s/tasks', '$p1');
      s.write('$M1/t/tasks', '$p2');
      s.write('$M1/t/u/tasks', '$p1');
      s.releases();
      s.readdir('$M1/q');
      s.write('$M1/tasks', '$p1');
      s.releases();
      s.readdir('$M1/t');
      s.read('$M1/q/notify_on_release');
      s.write('$M1/tasks', '$p2');
      s.releases();
      s.readdir('$M1');
      s.rmdir('$M1/q');
      s.settle();
      s.umount('$M1');
    },
  ),
];
