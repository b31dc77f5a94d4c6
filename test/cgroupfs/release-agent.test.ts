// The release agent trigger matrix (semantics.md §10.4, observed on 6.18), event contents,
// the exec mode's argv/env, function agents, failed exec reported as an event.

import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { KernelOptions, ReleaseEvent } from '../../src/index.ts';
import { assertIntegrity, boot, ENGINES } from '../helpers/kernel.ts';

for (const engine of ENGINES) {
  const t = suite(`release agent [${engine}]`);
  const setup = async (agentMode?: KernelOptions['releaseAgent']) => {
    const k = await boot(engine, agentMode ? { releaseAgent: agentMode } : {});
    k.mount('/cg', 'none,name=rel,release_agent=/sbin/agent');
    const seen: string[] = [];
    k.on('release', (ev) => seen.push(ev.path));
    const mk = (path: string, notify = true) => {
      k.fs.mkdirSync('/cg' + path);
      if (notify) k.fs.writeFileSync(`/cg${path}/notify_on_release`, '1');
    };
    const put = (pid: number, path: string) => k.fs.writeFileSync(`/cg${path}/tasks`, String(pid));
    return { k, seen, mk, put };
  };

  t('last task moved out / exits; one of two; notify=0; X->Y', async () => {
    const { k, seen, mk, put } = await setup();
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
    assert.equal(seen, ['/r1', '/r2']);
    put(d, '');
    assert.equal(seen, ['/r1', '/r2', '/r5']);
    put(e, '');
    assert.equal(seen.length, 3);
    put(f, '/Y');
    assert.equal(seen, ['/r1', '/r2', '/r5', '/X']);
    assertIntegrity(k.engine);
  });

  t('children block release; rmdir of the last child releases the parent; nested', async () => {
    const { k, seen, mk, put } = await setup();
    mk('/r3');
    mk('/r3/child', false);
    k.fs.rmdirSync('/cg/r3/child');
    assert.equal(seen, ['/r3']);
    mk('/r4');
    mk('/r4/sub');
    const p = k.fork(1);
    put(p, '/r4/sub');
    put(p, '');
    assert.equal(seen, ['/r3', '/r4/sub']);
    k.fs.rmdirSync('/cg/r4/sub');
    assert.equal(seen, ['/r3', '/r4/sub', '/r4']);
  });

  t('writing notify_on_release=1 on an empty cgroup releases nothing; roots never', async () => {
    const { k, seen, mk } = await setup();
    mk('/e');
    k.fs.writeFileSync('/cg/notify_on_release', '1');
    const p = k.fork(1);
    k.exit(p);
    assert.equal(seen, []);
  });

  t('an agent that removes its cgroup: parents follow in order', async () => {
    const { k, seen, mk, put } = await setup();
    k.on('release', (ev) => k.fs.rmdirSync('/cg' + ev.path));
    mk('/q1');
    mk('/q1/q2');
    const p = k.fork(1);
    put(p, '/q1/q2');
    k.exit(p);
    assert.equal(seen, ['/q1/q2', '/q1']);
    assert.not.ok(k.fs.existsSync('/cg/q1'));
    assertIntegrity(k.engine);
  });

  t('event contents; no agent means no release', async () => {
    const { k, mk, put } = await setup();
    const evs: ReleaseEvent[] = [];
    k.on('release', (ev) => evs.push(ev));
    mk('/a');
    const p = k.fork(1);
    put(p, '/a');
    put(p, '');
    assert.equal(evs, [
      {
        hierarchy: 1,
        name: 'rel',
        path: '/a',
        agent: '/sbin/agent',
        argv: ['/sbin/agent', '/a'],
        env: { HOME: '/', PATH: '/sbin:/bin:/usr/sbin:/usr/bin' },
      },
    ]);
    k.fs.writeFileSync('/cg/release_agent', '\n');
    put(p, '/a');
    put(p, '');
    assert.is(evs.length, 1);
  });

  t('batch operations deliver in order and reprieve repopulated cgroups', async () => {
    const { k, seen, mk } = await setup();
    mk('/b1');
    mk('/b2');
    const kids = k.forkMany(1, 4);
    k.attachMany(kids.subarray(0, 2), '/cg/b1');
    k.attachMany(kids.subarray(2), '/cg/b2');
    k.exitMany(kids);
    assert.equal(seen, ['/b1', '/b2']);
  });

  t('function agent and its errors', async () => {
    const got: string[] = [];
    const { k, mk, put } = await setup((ev: ReleaseEvent) => {
      got.push(ev.argv.join(' '));
      if (ev.path === '/boom') throw new Error('agent failed');
    });
    const errors: string[] = [];
    k.on('agent-error', ({ event, error }) => errors.push(`${event.path}: ${error.message}`));
    mk('/f');
    mk('/boom');
    const p = k.fork(1);
    put(p, '/f');
    put(p, '/boom');
    put(p, '');
    assert.equal(got, ['/sbin/agent /f', '/sbin/agent /boom']);
    assert.equal(errors, ['/boom: agent failed']);
  });

  t('exec mode runs the program with argv [agent, path] and the kernel environment', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cgsim-agent-'));
    const log = join(dir, 'log');
    const script = join(dir, 'agent.sh');
    writeFileSync(script, `#!/bin/sh\necho "$# $1 HOME=$HOME PATH=$PATH $(pwd)" >> ${log}\n`);
    chmodSync(script, 0o755);
    const k = await boot(engine, { releaseAgent: 'exec' });
    k.mount('/cg', `none,name=ex,release_agent=${script}`);
    const failures: string[] = [];
    k.on('agent-error', ({ error }) => failures.push((error as NodeJS.ErrnoException).code ?? ''));
    k.fs.mkdirSync('/cg/x');
    k.fs.writeFileSync('/cg/x/notify_on_release', '1');
    const p = k.fork(1);
    k.fs.writeFileSync('/cg/x/tasks', String(p));
    k.exit(p);
    for (let i = 0; i < 100 && !existsSync(log); i++) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 50));
    assert.is(readFileSync(log, 'utf8'), '1 /x HOME=/ PATH=/sbin:/bin:/usr/sbin:/usr/bin /\n');
    k.fs.writeFileSync('/cg/release_agent', join(dir, 'missing-agent'));
    const q = k.fork(1);
    k.fs.writeFileSync('/cg/x/tasks', String(q));
    k.exit(q);
    for (let i = 0; i < 100 && failures.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(failures, ['ENOENT']);
    rmSync(dir, { recursive: true, force: true });
  });

  t.run();
}
