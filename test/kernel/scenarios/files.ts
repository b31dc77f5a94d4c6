/**
 * Core control files other than tasks: notify_on_release and cgroup.clone_children parsing and
 * inheritance, cgroup.sane_behavior, release_agent (semantics §4.3–4.5, §3.2, §19 "Other core
 * files" and "Inheritance").
 */
import { type Scenario, scenario } from '../scenario.ts';

const H = (s: { mount(at: string, o: string): unknown }) => s.mount('$M1', 'none,name=$H1');

/** Write each value then read the file back. */
function writeRead(
  s: { write(p: string, d: string): unknown; read(p: string): unknown },
  path: string,
  values: string[],
): void {
  for (const v of values) {
    s.write(path, v);
    s.read(path);
  }
}

export const fileScenarios: Scenario[] = [
  scenario(
    'notify-parse-valid',
    'notify_on_release accepts unsigned integers in any base; non-zero means 1',
    ['§4.3 modern: 1, 2, 0x1, "1\\n" set; 0 clears; empty is a no-op'],
    (s) => {
      H(s);
      s.mkdir('$M1/a');
      writeRead(s, '$M1/a/notify_on_release', [
        '1',
        '0',
        '2',
        '0',
        '0x1',
        '0',
        '1\n',
        '0\n',
        '01',
        '0x0',
        '',
        '+1',
        '010',
        '18446744073709551615',
        '00',
      ]);
      writeRead(s, '$M1/notify_on_release', ['1', '0']);
      s.rmdir('$M1/a');
      s.umount('$M1');
    },
  ),

  scenario(
    'notify-parse-invalid',
    'notify_on_release rejects signs, spaces, garbage (EINVAL) and overflow (ERANGE)',
    ['§4.3 modern: -1 abc " 1 " -> EINVAL, 99999999999999999999 -> ERANGE'],
    (s) => {
      H(s);
      s.mkdir('$M1/a');
      s.write('$M1/a/notify_on_release', '1');
      for (const v of [
        '-1',
        'abc',
        ' 1 ',
        ' 1',
        '1 ',
        '1\n\n',
        '\n',
        '1abc',
        '0x',
        '99999999999999999999',
        '18446744073709551616',
        '-0',
      ]) {
        s.write('$M1/a/notify_on_release', v);
      }
      s.read('$M1/a/notify_on_release');
      s.rmdir('$M1/a');
      s.umount('$M1');
    },
  ),

  scenario(
    'notify-write-size',
    'notify_on_release: a 4096-byte write is parsed, 4097 bytes is E2BIG',
    ['§4.1 size limit of core writes'],
    (s) => {
      H(s);
      s.mkdir('$M1/a');
      s.write('$M1/a/notify_on_release', '$(0*4095)1');
      s.read('$M1/a/notify_on_release');
      s.write('$M1/a/notify_on_release', '$(0*4096)0');
      s.read('$M1/a/notify_on_release');
      s.write('$M1/a/notify_on_release', '$(0*5003)0');
      s.read('$M1/a/notify_on_release');
      s.rmdir('$M1/a');
      s.umount('$M1');
    },
  ),

  scenario(
    'notify-inherit',
    "mkdir copies the parent's notify_on_release at creation time only",
    ['§3.2 modern kernels inherit notify_on_release', '§19 c=1, d=0'],
    (s) => {
      H(s);
      s.mkdir('$M1/c0');
      s.write('$M1/notify_on_release', '1');
      s.mkdir('$M1/c1');
      s.mkdir('$M1/c1/x');
      s.write('$M1/notify_on_release', '0');
      s.mkdir('$M1/c2');
      s.write('$M1/c1/notify_on_release', '0');
      s.mkdir('$M1/c1/y');
      for (const p of ['c0', 'c1', 'c1/x', 'c1/y', 'c2']) s.read(`$M1/${p}/notify_on_release`);
      for (const p of ['c1/x', 'c1/y', 'c1', 'c0', 'c2']) s.rmdir(`$M1/${p}`);
      s.umount('$M1');
    },
  ),

  scenario(
    'clone-children',
    'cgroup.clone_children: u64 parsing, non-zero reads 1, inherited at mkdir',
    ['§4.5 clone_children', '§19 5 -> 1, abc -> EINVAL'],
    (s) => {
      H(s);
      s.mkdir('$M1/a');
      writeRead(s, '$M1/a/cgroup.clone_children', ['5', '0', '0x10', '1\n', '', '0']);
      for (const v of ['abc', '-1', ' 1', '99999999999999999999']) s.write('$M1/a/cgroup.clone_children', v);
      s.read('$M1/a/cgroup.clone_children');
      s.write('$M1/cgroup.clone_children', '1');
      s.mkdir('$M1/b');
      s.mkdir('$M1/b/c');
      s.write('$M1/cgroup.clone_children', '0');
      s.mkdir('$M1/d');
      for (const p of ['a', 'b', 'b/c', 'd']) s.read(`$M1/${p}/cgroup.clone_children`);
      s.read('$M1/cgroup.clone_children');
      for (const p of ['a', 'b/c', 'b', 'd']) s.rmdir(`$M1/${p}`);
      s.umount('$M1');
    },
  ),

  scenario(
    'sane-behavior',
    'cgroup.sane_behavior is a read-only 0 at the root only',
    ['§4.5 sane_behavior: read 0, write EINVAL'],
    (s) => {
      H(s);
      s.read('$M1/cgroup.sane_behavior');
      s.write('$M1/cgroup.sane_behavior', '0');
      s.write('$M1/cgroup.sane_behavior', '1');
      s.write('$M1/cgroup.sane_behavior', '');
      s.read('$M1/cgroup.sane_behavior');
      s.mkdir('$M1/a');
      s.read('$M1/a/cgroup.sane_behavior');
      s.write('$M1/a/cgroup.sane_behavior', '0');
      s.rmdir('$M1/a');
      s.umount('$M1');
    },
  ),

  scenario(
    'release-agent-file',
    'release_agent: path + newline, whitespace stripped, "\\n" clears, shown in /proc/mounts',
    ['§4.4 modern release_agent', '§2.6 release_agent= in mount options'],
    (s) => {
      H(s);
      s.read('$M1/release_agent');
      writeRead(s, '$M1/release_agent', ['$AGENT']);
      s.read('/proc/mounts');
      writeRead(s, '$M1/release_agent', ['\n', '  /x/y  ', '', '/a b']);
      s.read('/proc/mounts');
      writeRead(s, '$M1/release_agent', ['relative/path', '/with/newline\n']);
      s.read('/proc/mounts');
      writeRead(s, '$M1/release_agent', ['\t\n']);
      s.read('/proc/mounts');
      s.umount('$M1');
    },
  ),

  scenario(
    'release-agent-size',
    'release_agent: 4095 bytes fit, 4096 and more are E2BIG',
    ['§4.4 4095 OK, 4096 E2BIG', '§19 4095/4096/5001'],
    (s) => {
      H(s);
      s.write('$M1/release_agent', '/$(a*4094)');
      s.read('$M1/release_agent');
      s.write('$M1/release_agent', '/$(b*4095)');
      s.write('$M1/release_agent', '/$(c*5000)');
      s.read('$M1/release_agent');
      s.write('$M1/release_agent', '$( *4090)/x');
      s.read('$M1/release_agent');
      s.write('$M1/release_agent', '/$(d*4093)\n');
      s.read('$M1/release_agent');
      s.write('$M1/release_agent', '/$(e*4094)\n');
      s.read('$M1/release_agent');
      s.umount('$M1');
    },
  ),

  scenario(
    'release-agent-mount-option',
    'release_agent= given at mount is read back; root only',
    ['§2.1 release_agent= option', '§3.1 release_agent only at the root'],
    (s) => {
      s.mount('$M1', 'none,name=$H1,release_agent=$AGENT');
      s.read('$M1/release_agent');
      s.mkdir('$M1/a');
      s.readdir('$M1/a');
      s.read('$M1/a/release_agent');
      s.write('$M1/a/release_agent', '/x');
      s.rmdir('$M1/a');
      s.umount('$M1');
    },
  ),
  scenario(
    'files-nul-byte',
    'a NUL byte ends what notify_on_release, cgroup.clone_children and release_agent parse',
    ['§4.1 kernfs NUL-terminates the buffer; kstrtoull and strstrip stop at the first NUL'],
    (s) => {
      H(s);
      s.mkdir('$M1/a');
      writeRead(s, '$M1/a/notify_on_release', ['1\0', '0\0garbage', '1\0\n']);
      s.write('$M1/a/notify_on_release', '\0');
      s.write('$M1/a/notify_on_release', '\x001');
      s.read('$M1/a/notify_on_release');
      writeRead(s, '$M1/a/cgroup.clone_children', ['1\0x', '0\0 1']);
      s.write('$M1/a/cgroup.clone_children', '\0');
      writeRead(s, '$M1/release_agent', ['/a\0b', '/c \0/d', '\0/x']);
      s.read('/proc/mounts');
      s.rmdir('$M1/a');
      s.umount('$M1');
    },
  ),
];
