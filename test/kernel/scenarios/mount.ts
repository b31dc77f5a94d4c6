/**
 * Mount, remount and umount of named hierarchies (semantics §2, §2.6, §3.1, §19 "Mount and
 * remount"). Every option string here names no controller; the recorder refuses any that
 * could bind one (live.ts assertSafeOptions).
 */
import { type Scenario, scenario } from '../scenario.ts';

export const mountScenarios: Scenario[] = [
  scenario(
    'mount-root-files',
    'a fresh named hierarchy: root listing, modes and initial contents',
    ['§3.1 modern core files, root only release_agent and cgroup.sane_behavior', '§19 ls -la'],
    (s) => {
      s.mount('$M1', 'none,name=$H1');
      s.readdir('$M1');
      s.stat('$M1');
      for (const f of [
        'cgroup.clone_children',
        'cgroup.procs',
        'cgroup.sane_behavior',
        'notify_on_release',
        'release_agent',
        'tasks',
      ]) {
        s.stat(`$M1/${f}`);
      }
      s.read('$M1/cgroup.sane_behavior');
      s.read('$M1/notify_on_release');
      s.read('$M1/cgroup.clone_children');
      s.read('$M1/release_agent');
      s.read('$M1/tasks');
      s.read('$M1/cgroup.procs');
      s.umount('$M1');
    },
  ),

  scenario(
    'mount-proc-lines',
    '/proc/mounts and /proc/self/cgroup lines of one and two named hierarchies',
    ['§2.6 show_options', '§12.1 ID:name=X:/path, newest (highest id) first'],
    (s) => {
      s.mount('$M1', 'none,name=$H1');
      s.read('/proc/mounts');
      s.read('/proc/self/cgroup');
      s.mount('$M2', 'none,name=$H2,release_agent=$AGENT');
      s.read('/proc/mounts');
      s.read('/proc/self/cgroup');
      s.read('/proc/$init/cgroup');
      s.umount('$M2');
      s.umount('$M1');
    },
  ),

  scenario(
    'mount-errors-parse',
    'option strings rejected while parsing, none of which creates a hierarchy',
    ['§2.2 modern mount errors: unknown subsys, none alone, name=, release_agent twice'],
    (s) => {
      s.mount('$M1', 'foo');
      s.mount('$M1', 'none,name=$H1,foo');
      s.mount('$M1', 'none');
      s.mount('$M1', 'none,noprefix');
      s.mount('$M1', 'none,release_agent=$AGENT');
      s.mount('$M1', 'none,name=$H1,release_agent=/a,release_agent=/b');
      s.mount('$M1', 'none,name=$H1,release_agent=');
      s.mount('$M1', 'none=1,name=$H1');
      s.mount('$M1', 'none,name=$H1,noprefix=1');
      s.read('/proc/self/cgroup');
      s.read('/proc/mounts');
      s.mount('$M1', 'none,name=$H1');
      s.read('/proc/self/cgroup');
      s.umount('$M1');
    },
  ),

  scenario(
    'mount-errors-name',
    'invalid hierarchy names, a repeated name=, and name= alone for an unknown name',
    ['§2.2 name= empty, bad characters, 64/65 chars, respecified; no subsys list or none'],
    (s) => {
      s.mount('$M1', 'name=');
      s.mount('$M1', 'none,name=');
      s.mount('$M1', 'none,name=bad/name');
      s.mount('$M1', 'none,name=bad name');
      s.mount('$M1', 'none,name=bad:name');
      s.mount('$M1', 'none,name=$(a*64)');
      s.mount('$M1', 'none,name=$(a*65)');
      s.mount('$M1', 'none,name=$H1,name=$H1');
      s.mount('$M1', 'name=$H1');
      s.read('/proc/self/cgroup');
      s.read('/proc/mounts');
    },
  ),

  scenario('mount-name-63-chars', 'a 63-character name is the longest accepted', ['§2.2 name length limit 63'], (s) => {
    s.mount('$M1', 'none,name=$L1');
    s.read('/proc/mounts');
    s.read('/proc/self/cgroup');
    s.umount('$M1');
  }),

  scenario(
    'mount-empty-tokens',
    'empty tokens (",,", leading and trailing commas) are skipped, and none may repeat',
    ['§2.2 none,,name=X accepted (2.6.24: EINVAL)'],
    (s) => {
      s.mount('$M1', 'none,,name=$H1');
      s.read('/proc/mounts');
      s.mount('$M2', ',none,name=$H2,');
      s.mount('$M3', 'none,none,name=$H3');
      s.read('/proc/mounts');
      s.umount('$M1');
      s.umount('$M2');
      s.umount('$M3');
    },
  ),

  scenario(
    'mount-flag-options',
    'noprefix, xattr and clone_children on a new named hierarchy',
    ['§2.6 show_options flags', '§4.5 clone_children mount option sets the root flag'],
    (s) => {
      s.mount('$M1', 'none,name=$H1,noprefix,xattr,clone_children');
      s.read('/proc/mounts');
      s.readdir('$M1');
      s.read('$M1/cgroup.clone_children');
      s.mkdir('$M1/a');
      s.read('$M1/a/cgroup.clone_children');
      s.rmdir('$M1/a');
      s.umount('$M1');
      s.mount('$M2', 'none,name=$H2,clone_children,release_agent=$AGENT,xattr,noprefix');
      s.read('/proc/mounts');
      s.umount('$M2');
    },
  ),

  scenario(
    'mount-second-point',
    'the same name at a second mount point is the same hierarchy',
    ['§2.2 reuse by name', '§19 name=X at a 2nd mountpoint -> same tree'],
    (s) => {
      s.spawn('p1');
      s.mount('$M1', 'none,name=$H1');
      s.mount('$M2', 'none,name=$H1');
      s.mkdir('$M1/a');
      s.readdir('$M2');
      s.mkdir('$M2/b');
      s.readdir('$M1');
      s.write('$M2/a/tasks', '$p1');
      s.read('$M1/a/tasks');
      s.read('/proc/$p1/cgroup');
      s.read('/proc/mounts');
      s.write('$M1/tasks', '$p1');
      s.rmdir('$M1/a');
      s.rmdir('$M2/b');
      s.readdir('$M1');
      s.umount('$M2');
      s.umount('$M1');
    },
  ),

  scenario(
    'mount-name-alone-reuses',
    'name=X without none attaches to the existing hierarchy X',
    ['§2.2 reuse by name; no subsystem list needed for an existing name'],
    (s) => {
      s.mount('$M1', 'none,name=$H1');
      s.mkdir('$M1/a');
      s.mount('$M2', 'name=$H1');
      s.readdir('$M2');
      s.read('/proc/mounts');
      s.rmdir('$M2/a');
      s.readdir('$M1');
      s.umount('$M2');
      s.umount('$M1');
    },
  ),

  scenario(
    'mount-same-point-twice',
    'mounting the same hierarchy twice on one mount point is EBUSY; umount of a non-mount is EINVAL',
    ['§2.2 same mount point -> EBUSY (VFS)'],
    (s) => {
      s.mount('$M1', 'none,name=$H1');
      s.mount('$M1', 'none,name=$H1');
      s.read('/proc/mounts');
      s.umount('$M1');
      s.umount('$M1');
      s.umount('$M2');
    },
  ),

  scenario(
    'mount-reuse-ignores-options',
    'a mount that matches by name reuses the hierarchy and ignores other options',
    ['§2.2 flags mismatch only warns; release_agent= of a reusing mount ignored'],
    (s) => {
      s.mount('$M1', 'none,name=$H1,release_agent=$AGENT');
      s.mount('$M2', 'none,name=$H1,noprefix');
      s.mount('$M3', 'none,name=$H1,release_agent=$AGENT2');
      s.read('$M3/release_agent');
      s.readdir('$M2');
      s.read('/proc/mounts');
      s.umount('$M3');
      s.umount('$M2');
      s.umount('$M1');
    },
  ),

  scenario(
    'remount-busy',
    'any remount of a hierarchy with children is EBUSY and changes nothing',
    ['§2.3 modern remount with children -> EBUSY, agent unchanged'],
    (s) => {
      s.mount('$M1', 'none,name=$H1');
      s.mkdir('$M1/a');
      s.remount('$M1', 'none,name=$H1,release_agent=$AGENT');
      s.read('$M1/release_agent');
      s.remount('$M1', 'none,name=$H1');
      s.remount('$M1', 'name=$H1');
      s.read('/proc/mounts');
      s.rmdir('$M1/a');
      s.settle();
      s.remount('$M1', 'none,name=$H1,release_agent=$AGENT');
      s.read('$M1/release_agent');
      s.read('/proc/mounts');
      s.umount('$M1');
    },
  ),

  scenario(
    'remount-changes',
    'remount of a childless hierarchy: name/flag mismatch EINVAL, release_agent change OK',
    ['§2.3 option or name mismatch -> EINVAL; release_agent via remount'],
    (s) => {
      s.mount('$M1', 'none,name=$H1');
      s.remount('$M1', 'none,name=$H2');
      s.remount('$M1', 'none,name=$H1,noprefix');
      s.remount('$M1', 'none,name=$H1,xattr');
      s.remount('$M1', 'foo');
      s.remount('$M1', 'none');
      s.read('/proc/mounts');
      s.remount('$M1', 'name=$H1,release_agent=$AGENT');
      s.read('$M1/release_agent');
      s.remount('$M1', 'none,name=$H1,release_agent=$AGENT2');
      s.read('$M1/release_agent');
      s.remount('$M1', 'none,name=$H1');
      s.read('$M1/release_agent');
      s.read('/proc/mounts');
      s.umount('$M1');
    },
  ),

  scenario(
    'umount-keeps-children',
    'umount of a hierarchy with a child keeps it alive; mounting again shows the child',
    ['§2.4 persistence after umount', '§19 semprobe3 keep'],
    (s) => {
      s.spawn('p1');
      s.mount('$M1', 'none,name=$H1');
      s.mkdir('$M1/keep');
      s.write('$M1/keep/tasks', '$p1');
      s.umount('$M1');
      s.readdir('$M1');
      s.read('/proc/mounts');
      s.read('/proc/$p1/cgroup');
      s.read('/proc/self/cgroup');
      s.mount('$M2', 'none,name=$H1,release_agent=$AGENT');
      s.readdir('$M2');
      s.read('$M2/keep/tasks');
      s.read('$M2/release_agent');
      s.kill('p1');
      s.rmdir('$M2/keep');
      s.umount('$M2');
    },
  ),
  scenario(
    'mount-agent-escape',
    'in /proc/mounts a release agent with , = space tab newline or backslash is escaped in octal',
    ['§2.6 show_options: seq_show_option escapes ",= \\t\\n\\\\"'],
    (s) => {
      s.mount('$M1', 'none,name=$H1,release_agent=/a=b');
      s.read('/proc/mounts');
      s.read('$M1/release_agent');
      for (const agent of ['/x,y', '/t\tab', '/b\\s', '/n\nl', '/e=q=', '/all ,=\t\\']) {
        s.write('$M1/release_agent', agent);
        s.read('$M1/release_agent');
        s.read('/proc/mounts');
      }
      s.umount('$M1');
      s.mount('$M2', 'none,name=$H2,release_agent=/p q\t');
      s.read('/proc/mounts');
      s.read('$M2/release_agent');
      s.umount('$M2');
    },
  ),

  scenario(
    'mount-clone-children-root-flag',
    "the root's cgroup.clone_children is the clone_children of /proc/mounts; children copy their parent's at mkdir",
    ['§4.5 clone_children inherited at mkdir', '§2.6 show_options reads the root flag'],
    (s) => {
      s.mount('$M1', 'none,name=$H1');
      s.write('$M1/cgroup.clone_children', '1');
      s.read('/proc/mounts');
      s.mkdir('$M1/a');
      s.read('$M1/a/cgroup.clone_children');
      s.write('$M1/a/cgroup.clone_children', '0');
      s.mkdir('$M1/a/b');
      s.write('$M1/a/cgroup.clone_children', '1');
      s.mkdir('$M1/a/c');
      s.mkdir('$M1/a/c/d');
      for (const p of ['a', 'a/b', 'a/c', 'a/c/d']) s.read(`$M1/${p}/cgroup.clone_children`);
      s.write('$M1/cgroup.clone_children', '0');
      s.read('/proc/mounts');
      s.read('$M1/a/cgroup.clone_children');
      for (const p of ['a/c/d', 'a/c', 'a/b', 'a']) s.rmdir(`$M1/${p}`);
      s.umount('$M1');
      s.mount('$M2', 'none,name=$H2,clone_children');
      s.write('$M2/cgroup.clone_children', '0');
      s.read('/proc/mounts');
      s.mkdir('$M2/x');
      s.read('$M2/x/cgroup.clone_children');
      s.rmdir('$M2/x');
      s.umount('$M2');
    },
  ),

  scenario(
    'remount-flags',
    'remount of a childless hierarchy: xattr must match, clone_children is ignored, name may be left out',
    ['§2.3 root flags and name must match', 'clone_children is a cgroup flag, not a root flag'],
    (s) => {
      s.mount('$M1', 'none,name=$H1,xattr');
      s.remount('$M1', 'none,name=$H1,xattr');
      s.remount('$M1', 'none,name=$H1');
      s.remount('$M1', 'none,name=$H1,xattr,clone_children');
      s.read('/proc/mounts');
      s.read('$M1/cgroup.clone_children');
      s.write('$M1/cgroup.clone_children', '1');
      s.remount('$M1', 'none,name=$H1,xattr');
      s.read('$M1/cgroup.clone_children');
      s.remount('$M1', 'xattr,name=$H1');
      s.remount('$M1', 'none,xattr');
      s.remount('$M1', 'none,xattr,release_agent=$AGENT');
      s.read('/proc/mounts');
      s.remount('$M1', 'none,noprefix,xattr');
      s.read('/proc/mounts');
      s.umount('$M1');
    },
  ),
];
