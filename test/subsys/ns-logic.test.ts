// ns without a Kernel: the 2.6.24 mkdir and attach rules (EPERM).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Css } from '../../src/cgroup/defs.ts';
import { nsSubsystem } from '../../src/subsys/ns.ts';
import { codeOf, type FakeTree, fakeTree } from './fake.ts';

const test = suite('subsys/ns logic');

/** A tree /a/b plus /c; actor pid 10's ns cgroup and uid are set per test. */
function setup() {
  const where = new Map<number, Css<null>>();
  const uids = new Map<number, number>();
  const t: FakeTree<null> = fakeTree(nsSubsystem(), {
    actor: 10,
    ctx: {
      cssOf: <S>(pid: number) => (where.get(pid) ?? t.root) as unknown as Css<S>,
      credentials: (pid: number) => ({ uid: uids.get(pid) ?? 0, gid: 0 }),
    },
  });
  const a = t.mkdir(t.root, 'a');
  const b = t.mkdir(a, 'b');
  const c = t.mkdir(t.root, 'c');
  const ss = t.root.ss;
  return { t, ss, a, b, c, where, uids };
}

test('no files', () => {
  assert.is(nsSubsystem().files, undefined);
});

test('mkdir: privileged actor inside its own ns cgroup', () => {
  const { t, ss, a, b, c, where, uids } = setup();
  assert.is(
    codeOf(() => ss.canCreate!(t.root, t.ctx)),
    'ok',
  );
  where.set(10, a);
  assert.is(
    codeOf(() => ss.canCreate!(a, t.ctx)),
    'ok',
  ); // child of its own
  assert.is(
    codeOf(() => ss.canCreate!(b, t.ctx)),
    'ok',
  ); // deeper
  assert.is(
    codeOf(() => ss.canCreate!(c, t.ctx)),
    'EPERM',
  ); // outside
  assert.is(
    codeOf(() => ss.canCreate!(t.root, t.ctx)),
    'EPERM',
  ); // above
  uids.set(10, 1000);
  assert.is(
    codeOf(() => ss.canCreate!(a, t.ctx)),
    'EPERM',
  ); // not privileged
});

test('attach of itself: only into an empty direct child of its current cgroup', () => {
  const { t, ss, a, b, c } = setup();
  const self = 10;
  assert.is(
    codeOf(() => ss.canAttach!(a, self, t.root, t.ctx)),
    'ok',
  );
  assert.is(
    codeOf(() => ss.canAttach!(b, self, t.root, t.ctx)),
    'EPERM',
  ); // two levels down
  assert.is(
    codeOf(() => ss.canAttach!(t.root, self, a, t.ctx)),
    'EPERM',
  ); // up
  assert.is(
    codeOf(() => ss.canAttach!(c, self, a, t.ctx)),
    'EPERM',
  ); // sideways
  t.cgroup(a).nrTasks = 1;
  assert.is(
    codeOf(() => ss.canAttach!(a, self, t.root, t.ctx)),
    'EPERM',
  ); // not empty
});

test("attach of another task: privileged, target inside the actor's ns cgroup", () => {
  const { t, ss, a, b, c, where, uids } = setup();
  const other = 20;
  where.set(10, a);
  assert.is(
    codeOf(() => ss.canAttach!(b, other, a, t.ctx)),
    'ok',
  );
  assert.is(
    codeOf(() => ss.canAttach!(c, other, t.root, t.ctx)),
    'EPERM',
  ); // outside the actor's
  uids.set(10, 1000);
  assert.is(
    codeOf(() => ss.canAttach!(b, other, a, t.ctx)),
    'EPERM',
  ); // unprivileged
  uids.set(10, 0);
  where.delete(10);
  assert.is(
    codeOf(() => ss.canAttach!(c, other, t.root, t.ctx)),
    'ok',
  );
});

test.run();
