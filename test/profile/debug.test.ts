// Profile 'v11': the debug subsystem under its V11 names (semantics.md §15): container_refcount,
// taskcount, current_css_group, current_css_group_refcount, read-only, on every cgroup.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { boot, ENGINES, failsUnchanged } from '../helpers/kernel.ts';

for (const engine of ENGINES) {
  const t = suite(`profile v11: debug [${engine}]`);

  t('the V11 file names, on the root and on children, 0644 and read-only', async () => {
    const k = await boot(engine, { profile: 'v11' });
    k.mount('/d', 'debug');
    k.fs.mkdirSync('/d/a');
    const names = ['container_refcount', 'current_css_group', 'current_css_group_refcount', 'taskcount'];
    for (const dir of ['/d', '/d/a']) {
      assert.equal(
        (k.fs.readdirSync(dir) as string[]).filter((n) => n.startsWith('debug.')),
        names.map((n) => `debug.${n}`),
        dir,
      );
    }
    failsUnchanged(k, () => k.fs.writeFileSync('/d/a/debug.taskcount', '1'), 'EINVAL');
  });

  t('values: css_set references times subsystems, refcount sums, the reader css_group', async () => {
    const k = await boot(engine, { profile: 'v11' });
    k.mount('/d', 'cpuacct,debug');
    k.fs.mkdirSync('/d/a');
    const read = (f: string, as = 1) => k.as(as).fs.readFileSync(`/d${f}`, 'utf8') as string;
    assert.is(read('/a/debug.container_refcount'), '0\n');
    assert.is(read('/a/debug.taskcount'), '0\n');
    // The root: init's css_set with init and its extra permanent reference.
    assert.is(read('/debug.taskcount'), '2\n');
    const x = k.fork(1);
    const y = k.fork(x);
    k.fs.writeFileSync('/d/a/tasks', String(x));
    k.fs.writeFileSync('/d/a/tasks', String(y));
    assert.is(read('/a/debug.taskcount'), '2\n');
    assert.is(read('/a/debug.container_refcount'), '2\n', 'one css_set x two subsystems');
    const cg = read('/debug.current_css_group', x);
    assert.is(read('/a/debug.current_css_group', y), cg, 'x and y share a css_group');
    assert.is(read('/debug.current_css_group_refcount', x), '2\n');
    assert.is.not(read('/debug.current_css_group', 1), cg);
    assert.is(read('/debug.current_css_group_refcount', 1), '2\n', 'init plus the permanent reference');
    k.exit(y);
    assert.is(read('/a/debug.taskcount'), '1\n');
  });

  t.run();
}
