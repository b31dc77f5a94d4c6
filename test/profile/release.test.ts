// Profile 'v11': the release trigger matrix under 2.6.24's rules (semantics.md §10): a cgroup
// is released when RELEASABLE and notify_on_release are both set and it has no tasks, no
// children; RELEASABLE comes from a task leaving, an exit emptying it with notify set, or
// rmdir of a child; notify_on_release is not inherited at mkdir.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ReleaseEvent } from '../../src/index.ts';
import { assertIntegrity, boot, ENGINES } from '../helpers/kernel.ts';

for (const engine of ENGINES) {
  const t = suite(`profile v11: release [${engine}]`);
  const setup = async () => {
    const k = await boot(engine, { profile: 'v11' });
    k.mount('/cg', 'debug,release_agent=/sbin/agent');
    const seen: string[] = [];
    const events: ReleaseEvent[] = [];
    k.on('release', (ev) => {
      seen.push(ev.path);
      events.push(ev);
    });
    const mk = (path: string, notify = true) => {
      k.fs.mkdirSync('/cg' + path);
      if (notify) k.fs.writeFileSync(`/cg${path}/notify_on_release`, '1');
    };
    const put = (pid: number, path: string) => k.fs.writeFileSync(`/cg${path}/tasks`, String(pid));
    return { k, seen, events, mk, put };
  };

  t('moved out, exit, one of two, notify=0, X->Y', async () => {
    const { k, seen, events, mk, put } = await setup();
    for (const c of ['/r1', '/r2', '/r5', '/X', '/Y']) mk(c);
    mk('/r6', false);
    const [a, b, c, d, e, f] = [k.fork(1), k.fork(1), k.fork(1), k.fork(1), k.fork(1), k.fork(1)];
    put(a, '/r1');
    put(b, '/r2');
    put(c, '/r5');
    put(d, '/r5');
    put(e, '/r6');
    put(f, '/X');
    assert.equal(seen, []);
    put(a, '');
    assert.equal(seen, ['/r1']);
    k.exit(b);
    assert.equal(seen, ['/r1', '/r2']);
    put(c, '');
    assert.equal(seen, ['/r1', '/r2'], 'one of two');
    put(d, '');
    assert.equal(seen, ['/r1', '/r2', '/r5']);
    put(e, '');
    assert.equal(seen.length, 3, 'notify=0');
    put(f, '/Y');
    assert.equal(seen, ['/r1', '/r2', '/r5', '/X'], 'X only');
    const ev = events[0]!;
    assert.equal(ev.argv, ['/sbin/agent', '/r1']);
    assert.equal(ev.env, { HOME: '/', PATH: '/sbin:/bin:/usr/sbin:/usr/bin' });
    assert.is(ev.name, '');
    assertIntegrity(k.engine);
  });

  t('children block release; rmdir of the last child releases the parent (never had tasks)', async () => {
    const { k, seen, mk, put } = await setup();
    mk('/p');
    mk('/p/child', false);
    const x = k.fork(1);
    put(x, '/p');
    put(x, '');
    assert.equal(seen, [], 'a child is present');
    k.fs.rmdirSync('/cg/p/child');
    assert.equal(seen, ['/p']);
    mk('/q');
    mk('/q/c1', false);
    k.fs.rmdirSync('/cg/q/c1');
    assert.equal(seen, ['/p', '/q'], 'no task ever');
  });

  t('nested: the child does not inherit notify, so only the parent is released', async () => {
    const { k, seen, mk, put } = await setup();
    mk('/r4');
    k.fs.mkdirSync('/cg/r4/sub');
    assert.is(k.fs.readFileSync('/cg/r4/sub/notify_on_release', 'utf8'), '0\n');
    const x = k.fork(1);
    put(x, '/r4/sub');
    put(x, '');
    assert.equal(seen, [], 'sub has notify=0 (not inherited in 2.6.24)');
    k.fs.rmdirSync('/cg/r4/sub');
    assert.equal(seen, ['/r4']);
    // With notify set on sub by hand, both are released, child first.
    k.fs.mkdirSync('/cg/r4/sub');
    k.fs.writeFileSync('/cg/r4/sub/notify_on_release', '1');
    put(x, '/r4/sub');
    k.exit(x);
    k.fs.rmdirSync('/cg/r4/sub');
    assert.equal(seen, ['/r4', '/r4/sub', '/r4']);
  });

  t('writing notify_on_release=1 on an empty cgroup releases nothing (and clears RELEASABLE)', async () => {
    const { k, seen, mk, put } = await setup();
    mk('/e', false);
    const x = k.fork(1);
    put(x, '/e');
    put(x, '');
    assert.is(k.fs.readFileSync('/cg/e/releasable', 'utf8'), '1\n');
    k.fs.writeFileSync('/cg/e/notify_on_release', '1');
    assert.is(k.fs.readFileSync('/cg/e/releasable', 'utf8'), '0\n');
    assert.equal(seen, []);
    // It is released the next time it empties.
    put(x, '/e');
    put(x, '');
    assert.equal(seen, ['/e']);
  });

  t('an exit in a notify=0 cgroup marks nothing; turning notify on later does not release', async () => {
    const { k, seen, mk, put } = await setup();
    mk('/z', false);
    const x = k.fork(1);
    put(x, '/z');
    k.exit(x);
    assert.is(k.fs.readFileSync('/cg/z/releasable', 'utf8'), '0\n');
    k.fs.writeFileSync('/cg/z/notify_on_release', '1');
    assert.equal(seen, []);
  });

  t('batches: exitMany and attachMany release each emptied cgroup', async () => {
    const { k, seen, mk } = await setup();
    mk('/m1');
    mk('/m2');
    const a = k.forkMany(1, 3);
    k.attachMany(a.subarray(0, 2), '/cg/m1');
    k.attachMany(a.subarray(2), '/cg/m2');
    k.exitMany(a.subarray(0, 2));
    assert.equal(seen, ['/m1']);
    k.attachMany(a.subarray(2), '/cg');
    assert.equal(seen, ['/m1', '/m2']);
    assert.is(k.fs.readFileSync('/cg/m2/releasable', 'utf8'), '1\n');
  });

  t('no agent configured: nothing is delivered', async () => {
    const k = await boot(engine, { profile: 'v11' });
    k.mount('/n', 'debug');
    const seen: string[] = [];
    k.on('release', (ev) => seen.push(ev.path));
    k.fs.mkdirSync('/n/a');
    k.fs.writeFileSync('/n/a/notify_on_release', '1');
    const x = k.fork(1);
    k.fs.writeFileSync('/n/a/tasks', String(x));
    k.exit(x);
    assert.equal(seen, []);
    assert.is(k.fs.readFileSync('/n/a/releasable', 'utf8'), '1\n');
  });

  t('one exit releasing cgroups of two hierarchies: newest queued first (2.6.24 release list)', async () => {
    const { k, seen, mk, put } = await setup();
    k.mount('/acct', 'cpuacct,release_agent=/sbin/agent2');
    mk('/x');
    k.fs.mkdirSync('/acct/y');
    k.fs.writeFileSync('/acct/y/notify_on_release', '1');
    const p = k.fork(1);
    put(p, '/x');
    k.fs.writeFileSync('/acct/y/tasks', String(p));
    k.exit(p);
    // Queued /x (older hierarchy) then /y; 2.6.24's worker takes the newest first.
    assert.equal(seen, ['/y', '/x']);
    assertIntegrity(k.engine);
  });

  t.run();
}
