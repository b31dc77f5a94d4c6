// pids through the public API: EAGAIN past any ancestor's pids.max, events, threads counted,
// migration may exceed the limit, exit uncharges, all-or-nothing forkMany.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { assertIntegrity, boot, ENGINES, failsUnchanged, throwsCode } from '../helpers/kernel.ts';

for (const engine of ENGINES) {
  const test = suite(`subsys/pids [${engine}]`);

  async function setup() {
    const k = await boot(engine);
    k.mount('/pids', 'pids');
    for (const d of ['/p', '/p/a', '/p/b']) k.fs.mkdirSync(`/pids${d}`);
    const read = (p: string) => k.fs.readFileSync(`/pids${p}`, 'utf8') as string;
    const write = (p: string, d: string) => k.fs.writeFileSync(`/pids${p}`, d);
    const current = (p: string) => Number(read(`${p}/pids.current`));
    return { k, read, write, current };
  }

  test('files: none at the root; max/current/peak/events below', async () => {
    const { k, read } = await setup();
    assert.not.ok((k.fs.readdirSync('/pids') as string[]).some((f) => f.startsWith('pids.')));
    const files = (k.fs.readdirSync('/pids/p') as string[]).filter((f) => f.startsWith('pids.'));
    assert.equal(files, ['pids.current', 'pids.events', 'pids.max', 'pids.peak']);
    assert.is(k.fs.statSync('/pids/p/pids.max')!.mode, 0o100644);
    assert.is(k.fs.statSync('/pids/p/pids.current')!.mode, 0o100444);
    assert.is(read('/p/pids.max'), 'max\n');
    assert.is(read('/p/pids.events'), 'max 0\n');
  });

  test("fork past an ancestor's max fails with EAGAIN and changes nothing", async () => {
    const { k, read, write, current } = await setup();
    write('/p/pids.max', '2');
    const t = k.fork(1);
    write('/p/a/tasks', String(t));
    k.fork(t);
    assert.is(current('/p'), 2);
    assert.is(current('/p/a'), 2);
    const tasks = k.stats().tasks;
    // a refused fork changes only pids.events and pids.peak (charged below the limit, undone)
    throwsCode(() => k.fork(t), 'EAGAIN', 'third task under /p');
    throwsCode(() => k.fork(t, { thread: true }), 'EAGAIN', 'a thread counts too');
    assert.is(k.stats().tasks, tasks);
    assert.is(current('/p'), 2);
    assert.is(current('/p/a'), 2);
    assert.is(read('/p/a/pids.events'), 'max 2\n'); // v1: counted where the fork happened
    assert.is(read('/p/pids.events'), 'max 0\n');
    assert.is(read('/p/a/pids.peak'), '3\n');
    assert.is(read('/p/pids.peak'), '2\n');
    k.fork(1); // the root is not limited
    assertIntegrity(k.engine);
  });

  test('threads are tasks: pids.current counts them', async () => {
    const { k, write, current } = await setup();
    const t = k.fork(1);
    write('/p/b/tasks', String(t));
    k.fork(t, { thread: true });
    k.fork(t, { thread: true });
    assert.is(current('/p/b'), 3);
    write('/p/b/pids.max', '3');
    throwsCode(() => k.fork(t, { thread: true }), 'EAGAIN');
  });

  test('exit uncharges; the freed slot can be used again', async () => {
    const { k, read, write, current } = await setup();
    write('/p/a/pids.max', '1');
    const t = k.fork(1);
    write('/p/a/tasks', String(t));
    const c = (() => {
      throwsCode(() => k.fork(t), 'EAGAIN');
      write('/p/a/pids.max', '2');
      return k.fork(t);
    })();
    assert.is(current('/p/a'), 2);
    k.exit(c);
    assert.is(current('/p/a'), 1);
    assert.is(current('/p'), 1);
    assert.is(read('/p/a/pids.peak'), '2\n');
    k.fork(t);
  });

  test('migration is never refused and may exceed pids.max', async () => {
    const { k, read, write, current } = await setup();
    write('/p/b/pids.max', '1');
    const [t1, t2, t3] = k.forkMany(1, 3);
    for (const t of [t1, t2, t3]) write('/p/b/tasks', String(t));
    assert.is(current('/p/b'), 3);
    assert.is(read('/p/b/pids.max'), '1\n');
    throwsCode(() => k.fork(t1!), 'EAGAIN');
    write('/tasks', String(t1));
    write('/p/a/tasks', String(t2));
    assert.is(current('/p/b'), 1);
    assert.is(current('/p/a'), 1);
    assert.is(current('/p'), 2);
  });

  test('forkMany past a limit is all or nothing', async () => {
    const { k, write, current } = await setup();
    const t = k.fork(1);
    write('/p/a/tasks', String(t));
    write('/p/a/pids.max', '5');
    const before = k.stats().tasks;
    throwsCode(() => k.forkMany(t, 5), 'EAGAIN');
    assert.is(k.stats().tasks, before);
    assert.is(current('/p/a'), 1);
    assert.is(k.forkMany(t, 4).length, 4);
    assert.is(current('/p/a'), 5);
  });

  test('pids.max writes: max, numbers, EINVAL for negative or too large', async () => {
    const { k, read, write } = await setup();
    write('/p/pids.max', '100\n');
    assert.is(read('/p/pids.max'), '100\n');
    failsUnchanged(k, () => write('/p/pids.max', '-1'), 'EINVAL', 'negative');
    failsUnchanged(k, () => write('/p/pids.max', '4194305'), 'EINVAL', 'past PID_MAX_LIMIT');
    failsUnchanged(k, () => write('/p/pids.max', 'unlimited'), 'EINVAL', 'word');
    failsUnchanged(k, () => write('/p/pids.current', '1'), 'EINVAL', 'read-only');
    write('/p/pids.max', ' max ');
    assert.is(read('/p/pids.max'), 'max\n');
  });

  test('pids not mounted: forks are never limited', async () => {
    const k = await boot(engine);
    const t = k.fork(1);
    assert.is(k.forkMany(t, 10).length, 10);
  });

  test.run();
}
