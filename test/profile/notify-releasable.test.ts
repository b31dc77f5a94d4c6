// Profile 'v11': notify_on_release, releasable and release_agent files (semantics.md §4.3,
// §4.4, §10.1): lax base-10 notify writes that always clear RELEASABLE, the RELEASABLE flag's
// setters (attach on the old cgroup, exit emptying a notify cgroup, rmdir on the parent),
// release_agent's one-newline strip.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { normalizeReleaseAgentV11, parseNotifyWriteV11 } from '../../src/cgroup/core-files.ts';
import { boot, ENGINES, failsUnchanged } from '../helpers/kernel.ts';

const p = suite('profile v11: notify and agent parsers');
const notify: Array<[string, boolean]> = [
  ['1', true],
  ['2', true],
  ['1\n', true],
  ['007', true],
  ['12abc', true],
  ['0', false],
  ['0x1', false], // base 10: stops at 'x'
  ['abc', false],
  [' 1', false], // no whitespace skipping
  ['-1', false],
  ['+1', false],
  ['', false],
  ['18446744073709551616', false], // wraps to 0 in an unsigned long
  ['18446744073709551617', true],
];
for (const [input, want] of notify) {
  p(`notify ${JSON.stringify(input)} -> ${want}`, () => assert.is(parseNotifyWriteV11(input), want));
}
p('release_agent keeps all but one trailing newline', () => {
  assert.is(normalizeReleaseAgentV11('/sbin/agent\n'), '/sbin/agent');
  assert.is(normalizeReleaseAgentV11('/sbin/agent\n\n'), '/sbin/agent\n');
  assert.is(normalizeReleaseAgentV11('  /a b  '), '  /a b  ');
  assert.is(normalizeReleaseAgentV11('\n'), '');
  assert.is(normalizeReleaseAgentV11(''), '');
  assert.is(normalizeReleaseAgentV11('/x\0junk'), '/x');
});
p.run();

for (const engine of ENGINES) {
  const t = suite(`profile v11: notify_on_release, releasable, release_agent [${engine}]`);
  const setup = async () => {
    const k = await boot(engine, { profile: 'v11' });
    k.mount('/c', 'debug');
    k.fs.mkdirSync('/c/a');
    k.fs.mkdirSync('/c/b');
    const read = (f: string) => k.fs.readFileSync(`/c${f}`, 'utf8') as string;
    const write = (f: string, v: string) => k.fs.writeFileSync(`/c${f}`, v);
    return { k, read, write };
  };

  t('notify_on_release: lax base-10, never an error, zero-length write clears', async () => {
    const { read, write } = await setup();
    for (const [v, want] of [
      ['1', '1'],
      ['abc', '0'],
      ['2', '1'],
      ['-1', '0'],
      ['12abc', '1'],
      [' 1 ', '0'],
      ['1', '1'],
      ['', '0'],
    ] as const) {
      write('/a/notify_on_release', v);
      assert.is(read('/a/notify_on_release'), want + '\n', JSON.stringify(v));
    }
  });

  t('releasable: set on the cgroup a task leaves, cleared only by writing notify_on_release', async () => {
    const { k, read, write } = await setup();
    assert.is(read('/a/releasable'), '0\n');
    const t1 = k.fork(1);
    const t2 = k.fork(1);
    write('/a/tasks', String(t1));
    write('/a/tasks', String(t2));
    assert.is(read('/a/releasable'), '0\n', 'arriving does not set it');
    assert.is(read('/releasable'), '1\n', 'the root was left');
    write('/b/tasks', String(t1));
    assert.is(read('/a/releasable'), '1\n', 'set although a task remains (notify is 0)');
    write('/a/tasks', String(t2)); // already there: no change at all
    write('/a/notify_on_release', '0');
    assert.is(read('/a/releasable'), '0\n', 'any notify write clears it');
    write('/a/tasks', String(t2));
    assert.is(read('/a/releasable'), '0\n', 'attaching to the current cgroup is a no-op');
    write('/a/notify_on_release', '1');
    write('/b/tasks', String(t2));
    assert.is(read('/a/releasable'), '1\n');
  });

  t('releasable: an exit sets it only when it empties a notify_on_release cgroup', async () => {
    const { k, read, write } = await setup();
    const x = k.fork(1);
    const y = k.fork(1);
    write('/a/tasks', String(x));
    write('/b/tasks', String(y));
    write('/a/notify_on_release', '0');
    write('/b/notify_on_release', '1');
    k.exit(x);
    assert.is(read('/a/releasable'), '0\n', 'notify off: not marked');
    k.exit(y);
    assert.is(read('/b/releasable'), '1\n', 'notify on: marked');
  });

  t('releasable: rmdir marks the parent, notify or not; mkdir starts at 0', async () => {
    const { k, read } = await setup();
    k.fs.mkdirSync('/c/a/x');
    assert.is(read('/a/x/releasable'), '0\n');
    k.fs.rmdirSync('/c/a/x');
    assert.is(read('/a/releasable'), '1\n');
  });

  t('releasable and notify_on_release are read-only / writable as 2.6.24 had them', async () => {
    const { k } = await setup();
    failsUnchanged(k, () => k.fs.writeFileSync('/c/a/releasable', '0'), 'EINVAL', 'releasable');
    failsUnchanged(
      k,
      () => k.fs.writeFileSync('/c/a/releasable', 'x'.repeat(5000)),
      'EINVAL',
      'no write handler first',
    );
    failsUnchanged(k, () => k.fs.writeFileSync('/c/a/notify_on_release', '1'.repeat(4096)), 'E2BIG', 'notify');
  });

  t(
    'release_agent: root only; one trailing newline stripped; spaces kept; non-root may write if the mode allows',
    async () => {
      const { k, read, write } = await setup();
      assert.not.ok(k.fs.existsSync('/c/a/release_agent'));
      assert.is(read('/release_agent'), '\n');
      write('/release_agent', ' /sbin/my agent \n');
      assert.is(read('/release_agent'), ' /sbin/my agent \n');
      assert.is(k.hierarchies()[0]!.releaseAgent, ' /sbin/my agent ');
      write('/release_agent', '');
      assert.is(read('/release_agent'), '\n', 'a zero-length write clears it');
      write('/release_agent', '/a'.padEnd(4095, 'x'));
      assert.is(k.hierarchies()[0]!.releaseAgent.length, 4095);
      failsUnchanged(k, () => write('/release_agent', 'y'.repeat(4096)), 'E2BIG');
      const u = k.fork(1);
      k.setCredentials(u, { uid: 1000, gid: 1000 });
      k.fs.chownSync('/c/release_agent', 1000, 1000);
      k.as(u).fs.writeFileSync('/c/release_agent', '/home/u/agent');
      assert.is(k.hierarchies()[0]!.releaseAgent, '/home/u/agent', 'no CAP_SYS_ADMIN check in 2.6.24');
    },
  );

  t.run();
}
