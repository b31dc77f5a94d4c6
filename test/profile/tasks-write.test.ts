// Profile 'v11': writes to `tasks` (semantics.md §4.1–4.2, 2.6.24 attach_task_by_pid):
// sscanf("%d") with leading whitespace and trailing garbage, "0x10" is pid 0 (the writer),
// nothing parsed is EIO, negative pids ESRCH, exiting tasks ESRCH, 4096 bytes E2BIG.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseTasksWriteV11 } from '../../src/cgroup/core-files.ts';
import { sscanfInt } from '../../src/cgroup/parse.ts';
import { boot, ENGINES, failsUnchanged, throwsCode } from '../helpers/kernel.ts';

const p = suite('profile v11: sscanf("%d")');
const table: Array<[string, number | null]> = [
  ['12', 12],
  [' 12', 12],
  ['\t\n 12', 12],
  ['12abc', 12],
  ['12 13', 12],
  ['12\n', 12],
  ['0x10', 0],
  ['010', 10],
  ['-1', -1],
  ['-0', 0],
  ['4294967297', 1], // the int cast keeps 32 bits
  ['2147483648', -2147483648],
  ['', null],
  ['\n', null],
  ['abc', null],
  ['+5', null], // 2.6.24's vsscanf takes '-' only
  ['-', null],
  ['-x', null],
  ['\x005', null],
];
for (const [input, want] of table) {
  p(`${JSON.stringify(input)} -> ${want}`, () => {
    assert.is(sscanfInt(input), want);
  });
}
p('no number is EIO', () => {
  throwsCode(() => parseTasksWriteV11('abc'), 'EIO');
  assert.is(parseTasksWriteV11(' 7x'), 7);
});
p.run();

for (const engine of ENGINES) {
  const t = suite(`profile v11: tasks write [${engine}]`);
  const setup = async () => {
    const k = await boot(engine, { profile: 'v11' });
    k.mount('/c', 'debug');
    k.fs.mkdirSync('/c/a');
    return k;
  };
  const tasks = (k: Awaited<ReturnType<typeof setup>>, path: string) =>
    (k.fs.readFileSync(path, 'utf8') as string).split('\n').filter(Boolean).map(Number);

  t('leading whitespace and trailing garbage are accepted', async () => {
    const k = await setup();
    const a = k.fork(1);
    const b = k.fork(1);
    k.fs.writeFileSync('/c/a/tasks', ` ${a}abc`);
    k.fs.writeFileSync('/c/a/tasks', `\t${b} 999999`);
    assert.equal(tasks(k, '/c/a/tasks'), [a, b]);
  });

  t('"0x10" parses as 0: the writer moves itself', async () => {
    const k = await setup();
    const w = k.fork(1);
    const other = k.fork(1);
    assert.ok(other !== 16);
    k.as(w).fs.writeFileSync('/c/a/tasks', '0x10');
    assert.equal(tasks(k, '/c/a/tasks'), [w]);
    k.as(other).fs.writeFileSync('/c/a/tasks', '0');
    assert.equal(tasks(k, '/c/a/tasks'), [w, other]);
  });

  t('"", "\\n", "abc", "+5" are EIO; nothing changes', async () => {
    const k = await setup();
    for (const bad of ['', '\n', 'abc', '+5', ' - 3']) {
      failsUnchanged(k, () => k.fs.writeFileSync('/c/a/tasks', bad), 'EIO', JSON.stringify(bad));
    }
    // The zero-length write reaches the handler through a descriptor too.
    const fd = k.fs.openSync('/c/a/tasks', 'w');
    throwsCode(() => k.fs.writeSync(fd, ''), 'EIO', 'writeSync');
    k.fs.closeSync(fd);
  });

  t('negative and unknown pids are ESRCH', async () => {
    const k = await setup();
    failsUnchanged(k, () => k.fs.writeFileSync('/c/a/tasks', '-1'), 'ESRCH', '-1');
    failsUnchanged(k, () => k.fs.writeFileSync('/c/a/tasks', '-2147483648'), 'ESRCH', 'INT_MIN');
    failsUnchanged(k, () => k.fs.writeFileSync('/c/a/tasks', '999999'), 'ESRCH', 'unknown');
  });

  t('an exiting task (a zombie leader) is ESRCH, also through k.attach', async () => {
    const k = await setup();
    const leader = k.fork(1);
    const thread = k.fork(leader, { thread: true });
    k.exit(leader); // a zombie while its thread lives
    failsUnchanged(k, () => k.fs.writeFileSync('/c/a/tasks', String(leader)), 'ESRCH', 'write');
    throwsCode(() => k.attach(leader, '/c/a'), 'ESRCH', 'attach');
    throwsCode(() => k.attachMany([thread, leader], '/c/a'), 'ESRCH', 'attachMany');
    assert.equal(tasks(k, '/c/a/tasks'), []);
    k.fs.writeFileSync('/c/a/tasks', String(thread));
    assert.equal(tasks(k, '/c/a/tasks'), [thread]);
  });

  t('4095 bytes are one write; 4096 are E2BIG', async () => {
    const k = await setup();
    const q = k.fork(1);
    k.fs.writeFileSync('/c/a/tasks', String(q).padEnd(4095, ' '));
    assert.equal(tasks(k, '/c/a/tasks'), [q]);
    failsUnchanged(k, () => k.fs.writeFileSync('/c/a/tasks', String(q).padEnd(4096, ' ')), 'E2BIG');
  });

  t('permission: a non-root writer may move only tasks of its own uid (EACCES)', async () => {
    const k = await setup();
    const mine = k.fork(1);
    const root = k.fork(1);
    k.setCredentials(mine, { uid: 1000, gid: 1000 });
    k.fs.chownSync('/c/a/tasks', 1000, 1000);
    failsUnchanged(k, () => k.as(mine).fs.writeFileSync('/c/a/tasks', String(root)), 'EACCES');
    k.as(mine).fs.writeFileSync('/c/a/tasks', String(mine));
    assert.equal(tasks(k, '/c/a/tasks'), [mine]);
  });

  t('reading tasks: sorted thread ids, one per line', async () => {
    const k = await setup();
    const x = k.fork(1);
    const y = k.fork(x, { thread: true });
    k.fs.writeFileSync('/c/a/tasks', String(y));
    k.fs.writeFileSync('/c/a/tasks', String(x));
    assert.is(k.fs.readFileSync('/c/a/tasks', 'utf8'), `${x}\n${y}\n`);
  });

  t.run();
}
