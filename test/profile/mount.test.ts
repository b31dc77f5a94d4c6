// Profile 'v11': mounting (semantics.md §2, 2.6.24 parse_cgroupfs_options / cgroup_get_sb /
// cgroup_remount): fstype `container`, ENOENT for unknown tokens, EINVAL for empty tokens,
// no name=/none, reuse only on identical subsystems and flags, the remount quirk.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseMountOptionsV11 } from '../../src/cgroup/options.ts';
import { boot, ENGINES, failsUnchanged, throwsCode } from '../helpers/kernel.ts';

const SS = ['cpuset', 'cpuacct', 'debug'];
const parse = (data: string | null) => parseMountOptionsV11(data, SS);

const p = suite('profile v11: option parser');

const errors: Array<[string, string, string]> = [
  ['foo', 'ENOENT', 'unknown subsystem'],
  ['none', 'ENOENT', 'none does not exist yet'],
  ['name=x', 'ENOENT', 'name= does not exist yet'],
  ['none,name=x', 'ENOENT', 'none,name='],
  ['cpuset,xattr', 'ENOENT', 'modern-only flag'],
  ['cpuset,clone_children', 'ENOENT', 'modern-only flag'],
  ['', 'EINVAL', 'present but empty'],
  ['cpuset,,debug', 'EINVAL', 'empty token'],
  ['cpuset,', 'EINVAL', 'trailing comma'],
  [',cpuset', 'EINVAL', 'leading comma'],
  ['noprefix', 'EINVAL', 'no subsystem'],
  ['release_agent=/x', 'EINVAL', 'agent only'],
  ['cpuset,release_agent=/a,release_agent=/b', 'EINVAL', 'two release_agent='],
  ['cpuset,release_agent=,release_agent=/b', 'EINVAL', 'an empty agent counts'],
  [',foo', 'EINVAL', 'the first bad token decides'],
  ['foo,,', 'ENOENT', 'the first bad token decides'],
];
for (const [opts, code, why] of errors) {
  p(`${code}: ${JSON.stringify(opts)} (${why})`, () => {
    throwsCode(() => parse(opts), code, opts);
  });
}

p('no data means all; generic mount(8) flags are taken out first', () => {
  assert.is(parse(null).subsysMask, 0b111);
  assert.is(parse('rw').subsysMask, 0b111);
  assert.is(parse('rw,relatime,cpuset').subsysMask, 0b001);
});

p('all, noprefix with any subsystem, release_agent kept verbatim', () => {
  assert.is(parse('all').subsysMask, 0b111);
  assert.is(parse('cpuacct,all').subsysMask, 0b111);
  const o = parse('debug,cpuacct,noprefix,release_agent=/sbin/my agent');
  assert.is(o.subsysMask, 0b110);
  assert.ok(o.noprefix);
  assert.is(o.releaseAgent, '/sbin/my agent');
  assert.is(parse('cpuset,release_agent=').releaseAgent, '');
  assert.is(o.name, null);
});
p.run();

for (const engine of ENGINES) {
  const t = suite(`profile v11: mount [${engine}]`);
  const v11 = () => boot(engine, { profile: 'v11' });

  t('fstype container (the default); cgroup did not exist yet (ENODEV); legacy cpuset works', async () => {
    const k = await v11();
    throwsCode(() => k.mount('/a', 'cpuset', 'cgroup'), 'ENODEV', 'cgroup type');
    k.mount('/a', 'cpuacct', 'container');
    k.mount('/b', 'debug');
    assert.equal(
      k.hierarchies().map((h) => h.subsystems),
      [['cpuacct'], ['debug']],
    );
    k.mount('/dev/cpuset', 'ignored', 'cpuset');
    const h = k.hierarchies().find((x) => x.mounts.includes('/dev/cpuset'))!;
    assert.equal(h.subsystems, ['cpuset']);
    assert.is(h.releaseAgent, '/sbin/cpuset_release_agent');
    assert.ok(k.fs.existsSync('/dev/cpuset/cpus'));
    assert.ok(k.fs.existsSync('/dev/cpuset/releasable'));
  });

  t('errnos reach k.mount unchanged and change nothing', async () => {
    const k = await v11();
    k.mount('/a', 'cpuset');
    failsUnchanged(k, () => k.mount('/b', 'foo'), 'ENOENT', 'unknown');
    failsUnchanged(k, () => k.mount('/b', 'none,name=x'), 'ENOENT', 'name=');
    failsUnchanged(k, () => k.mount('/b', ''), 'EINVAL', 'empty string');
    failsUnchanged(k, () => k.mount('/b', 'cpuacct,,debug'), 'EINVAL', 'empty token');
    failsUnchanged(k, () => k.mount('/b', 'release_agent=/x'), 'EINVAL', 'no subsystems');
    failsUnchanged(k, () => k.mount('/b', 'debug,release_agent=/x,release_agent=/y'), 'EINVAL', 'two agents');
    failsUnchanged(k, () => k.mount('/a', 'cpuset'), 'EBUSY', 'same mountpoint');
  });

  t('overlapping sets are EBUSY; an identical set and flags reuse the hierarchy', async () => {
    const k = await v11();
    k.mount('/a', 'cpuset,cpuacct,release_agent=/first');
    failsUnchanged(k, () => k.mount('/b', 'cpuset'), 'EBUSY', 'subset');
    failsUnchanged(k, () => k.mount('/b', 'cpuset,cpuacct,debug'), 'EBUSY', 'superset');
    failsUnchanged(k, () => k.mount('/b', 'all'), 'EBUSY', 'all');
    failsUnchanged(k, () => k.mount('/b', 'cpuset,cpuacct,noprefix'), 'EBUSY', 'same set, other flags');
    k.mount('/b', 'cpuacct,cpuset,release_agent=/second');
    assert.is(k.hierarchies().length, 1);
    assert.equal(k.hierarchies()[0]!.mounts, ['/a', '/b']);
    assert.is(k.hierarchies()[0]!.releaseAgent, '/first', 'the second agent is ignored');
    k.fs.mkdirSync('/a/x');
    assert.ok(k.fs.existsSync('/b/x'));
  });

  t('without options: all subsystems; then nothing else can be mounted', async () => {
    const k = await v11();
    k.mount('/all');
    assert.equal(k.hierarchies()[0]!.subsystems, ['cpuset', 'cpuacct', 'debug']);
    throwsCode(() => k.mount('/b', 'debug'), 'EBUSY');
    k.mount('/c'); // the same set (all) and flags: reused
    assert.is(k.hierarchies().length, 1);
  });

  t('noprefix is allowed with any subsystem set', async () => {
    const k = await v11();
    k.mount('/a', 'cpuacct,debug,noprefix');
    assert.ok(k.fs.existsSync('/a/usage'));
    assert.ok(k.fs.existsSync('/a/taskcount'));
  });

  t('a hierarchy with children outlives umount and is found again by the same set and flags', async () => {
    const k = await v11();
    k.mount('/a', 'debug');
    k.fs.mkdirSync('/a/keep');
    k.umount('/a');
    throwsCode(() => k.mount('/b', 'debug,noprefix'), 'EBUSY', 'other flags');
    k.mount('/b', 'debug');
    assert.ok(k.fs.existsSync('/b/keep'));
  });

  t('remount: flags may not change (EINVAL); children make it EBUSY, yet release_agent is copied', async () => {
    const k = await v11();
    k.mount('/a', 'cpuset,release_agent=/old');
    throwsCode(() => k.mount('/a', 'cpuset,noprefix,release_agent=/x', { remount: true }), 'EINVAL');
    assert.is(k.hierarchies()[0]!.releaseAgent, '/old', 'EINVAL copies nothing');
    throwsCode(() => k.mount('/a', 'foo', { remount: true }), 'ENOENT');
    k.fs.mkdirSync('/a/child');
    throwsCode(() => k.mount('/a', 'remount,cpuset,release_agent=/new'), 'EBUSY', 'children');
    assert.is(k.hierarchies()[0]!.releaseAgent, '/new', 'the 2.6.24 quirk');
    assert.is(k.fs.readFileSync('/a/release_agent', 'utf8'), '/new\n');
    k.fs.rmdirSync('/a/child');
    k.mount('/a', 'cpuset,debug', { remount: true });
    assert.equal(k.hierarchies()[0]!.subsystems, ['cpuset', 'debug']);
    assert.ok(k.fs.existsSync('/a/debug.taskcount'));
  });

  t('remount adding a subsystem bound elsewhere: EBUSY, agent still copied', async () => {
    const k = await v11();
    k.mount('/a', 'cpuset');
    k.mount('/b', 'debug');
    throwsCode(() => k.mount('/a', 'cpuset,debug,release_agent=/z', { remount: true }), 'EBUSY');
    assert.is(k.hierarchies()[0]!.releaseAgent, '/z');
    assert.equal(k.hierarchies()[0]!.subsystems, ['cpuset']);
  });

  t('unknown profile is EINVAL at create', async () => {
    try {
      await boot(engine, { profile: 'v2' as 'v1' });
      assert.unreachable('should fail');
    } catch (e) {
      assert.is((e as { code: string }).code, 'EINVAL');
    }
  });

  t.run();
}
