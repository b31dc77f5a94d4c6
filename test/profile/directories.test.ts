// Profile 'v11': what a cgroup directory holds and how it is made (semantics.md §3): the core
// files tasks, notify_on_release, releasable (+ release_agent at the root), every control file
// 0644, a 0755 root, NAME_MAX, names with newlines, no modern core files.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { boot, ENGINES, throwsCode } from '../helpers/kernel.ts';

const CORE_ROOT = ['notify_on_release', 'release_agent', 'releasable', 'tasks'];
const CORE_CHILD = ['notify_on_release', 'releasable', 'tasks'];

for (const engine of ENGINES) {
  const t = suite(`profile v11: directories [${engine}]`);
  const v11 = () => boot(engine, { profile: 'v11' });

  t('core files at the root and in a child; no cgroup.* files', async () => {
    const k = await v11();
    k.mount('/c', 'debug');
    k.fs.mkdirSync('/c/a');
    const root = k.fs.readdirSync('/c') as string[];
    const child = k.fs.readdirSync('/c/a') as string[];
    assert.equal(
      root.filter((n) => !n.startsWith('debug.')),
      [...CORE_ROOT, 'a'].sort(),
    );
    assert.equal(
      child.filter((n) => !n.startsWith('debug.')),
      CORE_CHILD,
    );
    for (const gone of ['cgroup.procs', 'cgroup.clone_children', 'cgroup.sane_behavior']) {
      assert.not.ok(k.fs.existsSync(`/c/${gone}`), gone);
      assert.not.ok(k.fs.existsSync(`/c/a/${gone}`), gone);
    }
  });

  t('subsystem files are prefixed <subsys>.<file>, bare with noprefix', async () => {
    const k = await v11();
    k.mount('/p', 'cpuset');
    k.mount('/q', 'debug,noprefix');
    const p = k.fs.readdirSync('/p') as string[];
    assert.ok(p.includes('cpuset.cpus') && p.includes('cpuset.mems'));
    assert.ok(p.every((n) => CORE_ROOT.includes(n) || n.startsWith('cpuset.')));
    const q = k.fs.readdirSync('/q') as string[];
    assert.ok(
      q.every((n) => !n.includes('.')),
      q.join(' '),
    );
  });

  t('every control file is 0644 (read-only ones too); the root directory is 0755', async () => {
    const k = await v11();
    k.mount('/c', 'cpuset,cpuacct,debug');
    k.fs.mkdirSync('/c/a', 0o700);
    for (const dir of ['/c', '/c/a']) {
      for (const name of k.fs.readdirSync(dir) as string[]) {
        const st = k.fs.statSync(`${dir}/${name}`)!;
        if (st.isFile()) assert.is(st.mode & 0o7777, 0o644, `${dir}/${name}`);
      }
    }
    assert.is(k.fs.statSync('/c')!.mode & 0o7777, 0o755);
    assert.is(k.fs.statSync('/c/a')!.mode & 0o7777, 0o700);
    // A read-only file accepts no write: EINVAL (root may open it for writing).
    throwsCode(() => k.fs.writeFileSync('/c/a/releasable', '1'), 'EINVAL');
  });

  t('NAME_MAX: a 255-byte name is fine, 256 is ENAMETOOLONG (mkdir, lookup, rename)', async () => {
    const k = await v11();
    k.mount('/c', 'debug');
    k.fs.mkdirSync('/c/' + 'a'.repeat(255));
    throwsCode(() => k.fs.mkdirSync('/c/' + 'b'.repeat(256)), 'ENAMETOOLONG', 'mkdir');
    throwsCode(() => k.fs.statSync('/c/' + 'b'.repeat(256)), 'ENAMETOOLONG', 'stat');
    assert.not.ok(k.fs.existsSync('/c/' + 'b'.repeat(256)));
    k.fs.mkdirSync('/c/x');
    throwsCode(() => k.fs.renameSync('/c/x', '/c/' + 'c'.repeat(256)), 'ENAMETOOLONG', 'rename');
    // Multi-byte characters count in bytes: 128 two-byte characters are 256 bytes.
    throwsCode(() => k.fs.mkdirSync('/c/' + 'é'.repeat(128)), 'ENAMETOOLONG', 'bytes');
    k.fs.mkdirSync('/c/' + 'é'.repeat(127));
  });

  t('names may hold a newline in 2.6.24', async () => {
    const k = await v11();
    k.mount('/c', 'debug');
    k.fs.mkdirSync('/c/a\nb');
    assert.ok((k.fs.readdirSync('/c') as string[]).includes('a\nb'));
    k.fs.renameSync('/c/a\nb', '/c/c\nd');
    assert.ok(k.fs.existsSync('/c/c\nd'));
  });

  t('notify_on_release is not inherited at mkdir (2.6.24 cgroup_create: flags = 0)', async () => {
    const k = await v11();
    k.mount('/c', 'debug');
    k.fs.writeFileSync('/c/notify_on_release', '1');
    k.fs.mkdirSync('/c/a');
    assert.is(k.fs.readFileSync('/c/a/notify_on_release', 'utf8'), '0\n');
    k.fs.writeFileSync('/c/a/notify_on_release', '1');
    k.fs.mkdirSync('/c/a/b');
    assert.is(k.fs.readFileSync('/c/a/b/notify_on_release', 'utf8'), '0\n');
    assert.is(k.fs.readFileSync('/c/a/b/releasable', 'utf8'), '0\n');
  });

  t('generic directory rules are the same as modern ones', async () => {
    const k = await v11();
    k.mount('/c', 'debug');
    k.fs.mkdirSync('/c/a/b', { recursive: true });
    throwsCode(() => k.fs.mkdirSync('/c/a'), 'EEXIST');
    throwsCode(() => k.fs.mkdirSync('/c/tasks'), 'EEXIST');
    throwsCode(() => k.fs.rmdirSync('/c/a'), 'EBUSY');
    throwsCode(() => k.fs.rmdirSync('/c'), 'EBUSY');
    throwsCode(() => k.fs.unlinkSync('/c/a/tasks'), 'EPERM');
    throwsCode(() => k.fs.writeFileSync('/c/a/newfile', 'x'), 'EACCES');
    throwsCode(() => k.fs.renameSync('/c/a/b', '/c/b'), 'EIO');
    throwsCode(() => k.fs.renameSync('/c/a/tasks', '/c/a/t2'), 'ENOTDIR');
  });

  t.run();
}
