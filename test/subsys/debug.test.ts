// debug through the public API: taskcount equals the tasks file (case 40), css_set sharing at
// fork (case 18), reuse on return (case 19), exit (case 22), file formats, releasable.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { assertIntegrity, boot, ENGINES } from '../helpers/kernel.ts';

for (const engine of ENGINES) {
  const test = suite(`subsys/debug [${engine}]`);

  async function setup() {
    const k = await boot(engine);
    k.mount('/d', 'debug');
    const read = (p: string) => k.fs.readFileSync(`/d${p}`, 'utf8') as string;
    /** The reader's css_set id and refcount, from current_css_set, as task `pid`. */
    const current = (pid: number) => {
      const first = (k.as(pid).fs.readFileSync('/d/debug.current_css_set', 'utf8') as string).split('\n')[0]!;
      const m = /^css_set (\d+) (\d+)( \+\d+)?$/.exec(first);
      assert.ok(m, first);
      return { id: Number(m![1]), refcount: Number(m![2]) };
    };
    return { k, read, current };
  }

  const lines = (s: string) => s.split('\n').filter((l) => l !== '').length;

  test('files: current_* only at the root; all read-only', async () => {
    const { k } = await setup();
    const root = (k.fs.readdirSync('/d') as string[]).filter((f) => f.startsWith('debug.'));
    assert.equal(root, [
      'debug.cgroup_css_links',
      'debug.cgroup_masks',
      'debug.cgroup_subsys_states',
      'debug.current_css_set',
      'debug.current_css_set_cg_links',
      'debug.current_css_set_refcount',
      'debug.releasable',
      'debug.taskcount',
    ]);
    for (const f of root) assert.is(k.fs.statSync(`/d/${f}`)!.mode, 0o100444, f);
    k.fs.mkdirSync('/d/a');
    const child = (k.fs.readdirSync('/d/a') as string[]).filter((f) => f.startsWith('debug.'));
    assert.equal(child, [
      'debug.cgroup_css_links',
      'debug.cgroup_masks',
      'debug.cgroup_subsys_states',
      'debug.releasable',
      'debug.taskcount',
    ]);
  });

  test('case 40: taskcount equals the number of lines of tasks', async () => {
    const { k, read } = await setup();
    k.fs.mkdirSync('/d/a');
    const pids = k.forkMany(1, 5);
    for (const p of pids.subarray(0, 3)) k.fs.writeFileSync('/d/a/tasks', String(p));
    k.fork(pids[0]!, { thread: true });
    for (const dir of ['', '/a']) {
      assert.is(Number(read(`${dir}/debug.taskcount`)), lines(read(`${dir}/tasks`)), dir || '/');
    }
    assert.is(read('/a/debug.taskcount'), '4\n');
    assert.is(read('/debug.taskcount'), '3\n'); // init and two children
  });

  test("case 18: a child shares its parent's css_set; the refcount goes up by one", async () => {
    const { k, current } = await setup();
    k.fs.mkdirSync('/d/a');
    const t = k.fork(1);
    k.fs.writeFileSync('/d/a/tasks', String(t));
    const before = current(t);
    assert.is(before.refcount, 1);
    const c = k.fork(t);
    const after = current(c);
    assert.is(after.id, before.id);
    assert.is(after.refcount, 2);
    assert.is(k.as(t).fs.readFileSync('/d/debug.current_css_set_refcount', 'utf8'), '2\n');
    assert.is(k.stats().cssSets, 2);
  });

  test('case 19: moving back finds the original css_set; the temporary one is freed', async () => {
    const { k, current } = await setup();
    k.fs.mkdirSync('/d/a');
    k.fs.mkdirSync('/d/b');
    const [t1, t2] = k.forkMany(1, 2);
    k.fs.writeFileSync('/d/a/tasks', String(t1));
    k.fs.writeFileSync('/d/a/tasks', String(t2));
    const orig = current(t1!).id;
    k.fs.writeFileSync('/d/b/tasks', String(t1));
    const temp = current(t1!).id;
    assert.is.not(temp, orig);
    k.fs.writeFileSync('/d/a/tasks', String(t1));
    assert.is(current(t1!).id, orig);
    assert.is(current(t1!).refcount, 2);
    assert.is(k.fs.readFileSync('/d/b/debug.cgroup_css_links', 'utf8'), ''); // freed, unlinked
  });

  test('case 22: an exit drops taskcount and the refcount', async () => {
    const { k, read, current } = await setup();
    k.fs.mkdirSync('/d/a');
    const [t1, t2] = k.forkMany(1, 2);
    k.fs.writeFileSync('/d/a/tasks', String(t1));
    k.fs.writeFileSync('/d/a/tasks', String(t2));
    assert.is(read('/a/debug.taskcount'), '2\n');
    k.exit(t1!);
    assert.is(read('/a/debug.taskcount'), '1\n');
    assert.is(read('/a/tasks'), `${t2}\n`);
    assert.is(current(t2!).refcount, 1);
  });

  test("current_css_set: init's css_set has one extra reference; one line per subsystem", async () => {
    const { read } = await setup();
    const out = read('/debug.current_css_set').split('\n');
    assert.is(out[0], 'css_set 1 2 +1');
    // subsystem lines: "<id>: <name padded to 4>\t- <css>[<id>]" in id order; debug is bound here
    assert.is(out.length, 1 + 5 + 1);
    assert.match(out[1]!, /^ 0: cpuset\t- 0\[0\]$/);
    assert.match(out[2]!, /^ 1: cpuacct\t- 0\[0\]$/);
    assert.match(out[3]!, /^ 2: pids\t- 0\[0\]$/);
    assert.match(out[4]!, /^ 3: debug\t- [0-9a-f]+\[\d+\]$/);
    assert.match(out[5]!, /^ 4: ns {2}\t- 0\[0\]$/);
  });

  test("current_css_set_cg_links: the reader's cgroup in each hierarchy, newest first", async () => {
    const { k, read } = await setup();
    k.mount('/n', 'none,name=n');
    k.fs.mkdirSync('/n/x');
    const t = k.fork(1);
    k.fs.writeFileSync('/n/x/tasks', String(t));
    assert.is(read('/debug.current_css_set_cg_links'), 'Root 2 group /\nRoot 1 group /\n');
    assert.is(k.as(t).fs.readFileSync('/d/debug.current_css_set_cg_links', 'utf8'), 'Root 2 group x\nRoot 1 group /\n');
  });

  test('cgroup_css_links: css_sets with refcounts and at most 26 tasks each', async () => {
    const { k, read } = await setup();
    k.fs.mkdirSync('/d/a');
    const pids = k.forkMany(1, 30);
    for (const p of pids) k.fs.writeFileSync('/d/a/tasks', String(p));
    const out = read('/a/debug.cgroup_css_links').split('\n');
    const cs = k.engine.taskCset(pids[0]!);
    assert.is(out[0], `css_set ${cs} 30`);
    assert.equal(
      out.slice(1, 27),
      Array.from(pids.subarray(0, 26), (p) => `  task ${p}`),
    );
    assert.is(out[27], '  ... (5)');
    assert.is(out[28], '');
    assert.is(out.length, 29);
    // the root: init's css_set shows its permanent extra reference, not counted as leaked
    assert.is(read('/debug.cgroup_css_links'), 'css_set 1 2 +1\n  task 1\n');
  });

  test('cgroup_subsys_states and cgroup_masks', async () => {
    const { k, read } = await setup();
    k.fs.mkdirSync('/d/a');
    k.fs.mkdirSync('/d/a/b');
    const root = read('/debug.cgroup_subsys_states');
    assert.match(root, /^ 3: debug\t- [0-9a-f]+\[\d+\] 2\n$/);
    assert.match(read('/a/debug.cgroup_subsys_states'), /^ 3: debug\t- [0-9a-f]+\[\d+\] 2 P=\d+\n$/);
    assert.match(read('/a/b/debug.cgroup_subsys_states'), /^ 3: debug\t- [0-9a-f]+\[\d+\] 1 P=\d+\n$/);
    assert.is(read('/a/debug.cgroup_masks'), 'subtree_control  : \nsubtree_ss_mask  : \n');
  });

  test('releasable: no tasks below and no children (notify_on_release not required)', async () => {
    const { k, read } = await setup();
    k.fs.mkdirSync('/d/a');
    assert.is(read('/a/debug.releasable'), '1\n');
    assert.is(read('/a/notify_on_release'), '0\n');
    k.fs.mkdirSync('/d/a/b');
    assert.is(read('/a/debug.releasable'), '0\n');
    const t = k.fork(1);
    k.fs.writeFileSync('/d/a/b/tasks', String(t));
    assert.is(read('/a/b/debug.releasable'), '0\n');
    k.exit(t);
    assert.is(read('/a/b/debug.releasable'), '1\n');
    assert.is(read('/debug.releasable'), '0\n');
    assertIntegrity(k.engine);
  });

  test.run();
}
