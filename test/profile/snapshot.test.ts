// Profile 'v11' survives k.snapshot()/Kernel.restore(): the profile itself, RELEASABLE flags,
// the simulated clock.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Kernel } from '../../src/index.ts';
import { boot, ENGINES, observe } from '../helpers/kernel.ts';

for (const engine of ENGINES) {
  const t = suite(`profile v11: snapshot [${engine}]`);

  t('restored kernel keeps the profile, the flags and the clock', async () => {
    const k = await boot(engine, { profile: 'v11' });
    k.mount('/c', 'debug,release_agent=/agent');
    k.fs.mkdirSync('/c/a');
    k.fs.writeFileSync('/c/a/notify_on_release', '1');
    const x = k.fork(1);
    k.fs.writeFileSync('/c/a/tasks', String(x));
    k.tick(12_345);
    const r = await Kernel.restore(k.snapshot());
    assert.is(r.profile, 'v11');
    assert.is(r.now(), 12_345);
    assert.is(observe(r), observe(k));
    assert.is(r.fs.readFileSync('/c/releasable', 'utf8'), '1\n');
    const seen: string[] = [];
    r.on('release', (ev) => seen.push(ev.path));
    r.exit(x);
    assert.equal(seen, ['/a']);
    assert.ok(r.fs.existsSync('/proc/containers'));
  });

  t('tick validates its argument', async () => {
    const k = await boot(engine, { profile: 'v11' });
    for (const bad of [-1, 1.5, Number.NaN]) {
      try {
        k.tick(bad);
        assert.unreachable('should fail');
      } catch (e) {
        assert.is((e as { code: string }).code, 'EINVAL');
      }
    }
    k.tick(0);
    assert.is(k.now(), 0);
  });

  t.run();
}
