// Mount option parsing and validation, table-driven (modern cgroup1_parse_param and
// check_cgroupfs_options), at the parser level.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseMountOptions, validateMountOptions } from '../../src/cgroup/options.ts';

const SS = ['cpuset', 'cpuacct', 'pids', 'debug', 'ns'];
const parse = (s: string) => {
  const o = parseMountOptions(s, SS);
  validateMountOptions(o, SS.length, 0);
  return o;
};
const t = suite('mount options');

const errors: Array<[string, string]> = [
  ['foo', 'unknown subsystem'],
  ['none', 'none without a name'],
  ['name=', 'empty name'],
  ['name', 'name without value'],
  ['name=bad/name', 'invalid character'],
  ['name=' + 'x'.repeat(64), '64-char name'],
  ['name=a,name=b', 'name respecified'],
  ['none,name=a,release_agent=/x,release_agent=/y', 'release_agent respecified'],
  ['cpuset,none,name=x', 'none with a subsystem'],
  ['all,cpuset', 'all with a subsystem'],
  ['cpuacct,noprefix', 'noprefix with a non-cpuset subsystem'],
  ['all,none', 'all with none'],
  ['none=1,name=x', 'none with a value'],
];
for (const [opts, why] of errors) {
  t(`EINVAL: ${opts} (${why})`, () => {
    try {
      parse(opts);
      assert.unreachable('should fail');
    } catch (e) {
      assert.is((e as { code: string }).code, 'EINVAL');
    }
  });
}

t('empty tokens are skipped; generic flags ignored', () => {
  const o = parse('none,,name=x,rw,relatime,');
  assert.is(o.name, 'x');
  assert.is(o.subsysMask, 0);
});
t('no options at all means all', () => {
  assert.is(parse('').subsysMask, 0b11111);
  assert.is(parse('rw').subsysMask, 0b11111);
});
t('name alone selects no subsystem (matched later against existing hierarchies)', () => {
  const o = parse('name=x');
  assert.is(o.subsysMask, 0);
  assert.is(o.none, false);
});
t('63-char name, allowed characters', () => {
  assert.is(parse('none,name=' + 'a'.repeat(63)).name, 'a'.repeat(63));
  assert.is(parse('none,name=A-b_c.9').name, 'A-b_c.9');
});
t('subsystems and flags', () => {
  const o = parse('cpuset,cpuacct,release_agent=/sbin/x y,clone_children,xattr');
  assert.is(o.subsysMask, 0b11);
  assert.is(o.releaseAgent, '/sbin/x y');
  assert.ok(o.cloneChildren && o.xattr);
  assert.ok(parse('cpuset,noprefix').noprefix);
  assert.ok(parse('none,name=q,noprefix').noprefix);
});
t.run();
