// The tasks and cgroup.procs files: Linux's parsing of writes (table-driven), sorted reads,
// '0' for the writer, threads vs processes, zero-length and oversize writes.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { assertIntegrity, boot, ENGINES, failsUnchanged } from '../helpers/kernel.ts';

for (const engine of ENGINES) {
  const t = suite(`tasks file [${engine}]`);
  const setup = async () => {
    const k = await boot(engine);
    k.mount('/cg', 'none,name=t');
    k.fs.mkdirSync('/cg/a');
    return k;
  };

  t('write parsing (observed on Linux 6.18)', async () => {
    const k = await setup();
    const p = k.fork(1);
    const hex = '0x' + p.toString(16);
    const oct = '0' + p.toString(8);
    const ok = [` ${p}`, `${p} `, `\t${p}\t`, `${p}\n\n`, `+${p}`, hex, oct, `${p}\n`];
    for (const data of ok) {
      k.fs.writeFileSync('/cg/tasks', String(p));
      k.fs.writeFileSync('/cg/a/tasks', data);
      assert.is(k.fs.readFileSync('/cg/a/tasks', 'utf8'), `${p}\n`, JSON.stringify(data));
    }
    const bad = ['abc', '\n', ' ', `${p}abc`, `${p} ${p}`, '-1', '99999999999', '0x', '08', '--1', '+-1'];
    for (const data of bad)
      failsUnchanged(k, () => k.fs.writeFileSync('/cg/tasks', data), 'EINVAL', JSON.stringify(data));
    failsUnchanged(k, () => k.fs.writeFileSync('/cg/tasks', '999999'), 'ESRCH', 'unknown pid');
    failsUnchanged(k, () => k.fs.writeFileSync('/cg/tasks', ' '.repeat(4096) + '1'), 'E2BIG', '4097 bytes');
    k.fs.writeFileSync('/cg/tasks', ' '.repeat(4096 - String(p).length) + p);
    assert.is(k.fs.readFileSync('/cg/a/tasks', 'utf8'), '');
    k.fs.writeFileSync('/cg/a/tasks', '');
    assertIntegrity(k.engine);
  });

  t('sorted reads; 0 moves the writer; /proc/self', async () => {
    const k = await setup();
    const pids = [k.fork(1), k.fork(1), k.fork(1)];
    for (const p of [pids[2]!, pids[0]!, pids[1]!]) k.fs.writeFileSync('/cg/a/tasks', String(p));
    assert.is(k.fs.readFileSync('/cg/a/tasks', 'utf8'), pids.join('\n') + '\n');
    const me = k.fork(1);
    k.as(me).fs.writeFileSync('/cg/a/tasks', '0');
    assert.ok((k.fs.readFileSync('/cg/a/tasks', 'utf8') as string).includes(`${me}\n`));
    assert.is(k.as(me).fs.readFileSync('/proc/self/cgroup', 'utf8'), '1:name=t:/a\n');
    k.as(me).fs.writeFileSync('/cg/tasks', '-0');
    assert.is(k.as(me).fs.readFileSync('/proc/self/cgroup', 'utf8'), '1:name=t:/\n');
  });

  t('threads: tasks moves one thread, cgroup.procs the whole group; procs is de-duplicated', async () => {
    const k = await setup();
    k.fs.mkdirSync('/cg/th1');
    k.fs.mkdirSync('/cg/th2');
    const T = k.fork(1);
    const T2 = k.fork(T, { thread: true });
    const T3 = k.fork(T, { thread: true });
    k.fs.writeFileSync('/cg/th1/tasks', String(T2));
    assert.is(k.fs.readFileSync('/cg/th1/tasks', 'utf8'), `${T2}\n`);
    assert.is(k.fs.readFileSync('/cg/th1/cgroup.procs', 'utf8'), `${T}\n`);
    assert.ok((k.fs.readFileSync('/cg/cgroup.procs', 'utf8') as string).split('\n').includes(String(T)));
    assert.is(k.fs.readFileSync(`/proc/${T2}/cgroup`, 'utf8'), '1:name=t:/th1\n');
    assert.is(k.fs.readFileSync(`/proc/${T}/task/${T2}/cgroup`, 'utf8'), '1:name=t:/th1\n');
    k.fs.writeFileSync('/cg/th2/cgroup.procs', String(T3));
    assert.is(k.fs.readFileSync('/cg/th2/tasks', 'utf8'), `${T}\n${T2}\n${T3}\n`);
    assert.is(k.fs.readFileSync('/cg/th2/cgroup.procs', 'utf8'), `${T}\n`);
    assert.is(k.fs.readFileSync('/cg/th1/tasks', 'utf8'), '');
    // The leader exits: a zombie while threads live; its tgid stays in cgroup.procs.
    k.exit(T);
    assert.is(k.fs.readFileSync('/cg/th2/tasks', 'utf8'), `${T2}\n${T3}\n`);
    assert.is(k.fs.readFileSync('/cg/th2/cgroup.procs', 'utf8'), `${T}\n`);
    assert.match(k.fs.readFileSync(`/proc/${T}/status`, 'utf8') as string, 'State:\tZ (zombie)');
    assert.is(k.fs.readFileSync(`/proc/${T}/cgroup`, 'utf8'), '1:name=t:/\n');
    k.fs.writeFileSync('/cg/cgroup.procs', String(T));
    assert.is(k.fs.readFileSync('/cg/th2/tasks', 'utf8'), '');
    k.exit(T2);
    k.exit(T3);
    assert.not.ok(k.fs.existsSync(`/proc/${T}`));
    assertIntegrity(k.engine);
  });

  t('writes to read-only files and flags', async () => {
    const k = await setup();
    failsUnchanged(k, () => k.fs.writeFileSync('/cg/cgroup.sane_behavior', '1'), 'EINVAL', 'sane_behavior');
    assert.is(k.fs.readFileSync('/cg/cgroup.sane_behavior', 'utf8'), '0\n');
    const flags: Array<[string, string]> = [
      ['1', '1'],
      ['2', '1'],
      ['0x1', '1'],
      ['1\n', '1'],
      ['0', '0'],
      ['+1', '1'],
    ];
    for (const [w, r] of flags) {
      k.fs.writeFileSync('/cg/a/notify_on_release', w);
      assert.is(k.fs.readFileSync('/cg/a/notify_on_release', 'utf8'), r + '\n', JSON.stringify(w));
    }
    for (const w of ['-1', 'abc', ' 1 ', '1\n\n', '\n'])
      failsUnchanged(k, () => k.fs.writeFileSync('/cg/a/notify_on_release', w), 'EINVAL', JSON.stringify(w));
    failsUnchanged(
      k,
      () => k.fs.writeFileSync('/cg/a/notify_on_release', '99999999999999999999'),
      'ERANGE',
      'overflow',
    );
    k.fs.writeFileSync('/cg/a/cgroup.clone_children', '5');
    assert.is(k.fs.readFileSync('/cg/a/cgroup.clone_children', 'utf8'), '1\n');
    failsUnchanged(k, () => k.fs.writeFileSync('/cg/a/cgroup.clone_children', 'abc'), 'EINVAL', 'clone_children abc');
  });

  t('release_agent: size limit, whitespace stripped, "\\n" clears', async () => {
    const k = await setup();
    k.fs.writeFileSync('/cg/release_agent', '/' + 'a'.repeat(4094));
    assert.is((k.fs.readFileSync('/cg/release_agent', 'utf8') as string).length, 4096);
    failsUnchanged(k, () => k.fs.writeFileSync('/cg/release_agent', '/' + 'a'.repeat(4095)), 'E2BIG', '4096 bytes');
    k.fs.writeFileSync('/cg/release_agent', '  /sbin/agent x \n');
    assert.is(k.fs.readFileSync('/cg/release_agent', 'utf8'), '/sbin/agent x\n');
    assert.match(k.fs.readFileSync('/proc/mounts', 'utf8') as string, 'release_agent=/sbin/agent\\040x,name=t');
    k.fs.writeFileSync('/cg/release_agent', '\n');
    assert.is(k.fs.readFileSync('/cg/release_agent', 'utf8'), '\n');
    assert.not.ok(k.fs.existsSync('/cg/a/release_agent'));
  });

  t.run();
}
