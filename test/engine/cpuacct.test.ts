// Engine: cpuacct counters: hierarchical charging, per cpu and mode, reset, unbound root, move.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CPU_SYS, CPU_USER } from '../../src/engine/types.ts';
import { ERRNO } from '../../src/errors.ts';
import { bootChecked, engineKinds } from '../helpers/integrity.ts';

const test = suite('engine/cpuacct');

for (const kind of engineKinds()) {
  test(`${kind}: charges add to the cgroup and every ancestor`, () => {
    const e = bootChecked(kind);
    const h = e.hierCreate();
    const root = e.hierRoot(h);
    const p = e.cgroupCreate(root);
    const a = e.cgroupCreate(p);
    const b = e.cgroupCreate(p);
    const ta = e.fork(1, false);
    const tb = e.fork(1, false);
    e.attach(ta, a, false);
    e.attach(tb, b, false);
    assert.is(e.charge(ta, 1000, 0, CPU_USER, h), 0);
    assert.is(e.charge(tb, 250, 0, CPU_USER, h), 0);
    assert.is(e.charge(1, 7, 0, CPU_USER, h), 0);
    assert.is(e.cpuacctUsage(a, 0, CPU_USER), 1000n);
    assert.is(e.cpuacctUsage(b, 0, CPU_USER), 250n);
    assert.is(e.cpuacctUsage(p, 0, CPU_USER), 1250n); // == a + b
    assert.is(e.cpuacctUsage(root, 0, CPU_USER), 1257n);
    assert.is(e.cpuacctUsage(a, 0, CPU_SYS), 0n);
    assert.is(e.cpuacctUsage(0, 0, CPU_USER), 0n); // the unbound root is separate
  });

  test(`${kind}: no double counting after a move`, () => {
    const e = bootChecked(kind);
    const h = e.hierCreate();
    const p = e.cgroupCreate(e.hierRoot(h));
    const a = e.cgroupCreate(p);
    const b = e.cgroupCreate(p);
    const t = e.fork(1, false);
    e.attach(t, a, false);
    e.charge(t, 100, 0, CPU_SYS, h);
    e.attach(t, b, false);
    e.charge(t, 40, 0, CPU_SYS, h);
    assert.is(e.cpuacctUsage(a, 0, CPU_SYS), 100n);
    assert.is(e.cpuacctUsage(b, 0, CPU_SYS), 40n);
    assert.is(e.cpuacctUsage(p, 0, CPU_SYS), 140n);
  });

  test(`${kind}: counters are per cpu and per mode`, () => {
    const e = bootChecked(kind, { cpus: 3 });
    const h = e.hierCreate();
    const root = e.hierRoot(h);
    e.charge(1, 1, 0, CPU_USER, h);
    e.charge(1, 20, 1, CPU_SYS, h);
    e.charge(1, 300, 2, CPU_USER, h);
    assert.equal(
      [0, 1, 2].map((cpu) => [e.cpuacctUsage(root, cpu, 0), e.cpuacctUsage(root, cpu, 1)]),
      [
        [1n, 0n],
        [0n, 20n],
        [300n, 0n],
      ],
    );
    assert.is(e.cpuacctUsage(root, 3, 0), -1n);
    assert.is(e.cpuacctUsage(root, 0, 2), -1n);
  });

  test(`${kind}: h = -1 charges the unbound root (id 0)`, () => {
    const e = bootChecked(kind);
    const h = e.hierCreate();
    const t = e.fork(1, false);
    assert.is(e.charge(t, 99, 0, CPU_USER, -1), 0);
    assert.is(e.cpuacctUsage(0, 0, CPU_USER), 99n);
    assert.is(e.cpuacctUsage(e.hierRoot(h), 0, CPU_USER), 0n);
  });

  test(`${kind}: reset zeroes one cgroup only`, () => {
    const e = bootChecked(kind, { cpus: 2 });
    const h = e.hierCreate();
    const root = e.hierRoot(h);
    const a = e.cgroupCreate(root);
    const t = e.fork(1, false);
    e.attach(t, a, false);
    e.charge(t, 10, 0, CPU_USER, h);
    e.charge(t, 20, 1, CPU_SYS, h);
    e.charge(t, 30, 0, CPU_USER, -1);
    assert.is(e.cpuacctReset(a), 0);
    assert.is(e.cpuacctUsage(a, 0, CPU_USER), 0n);
    assert.is(e.cpuacctUsage(a, 1, CPU_SYS), 0n);
    assert.is(e.cpuacctUsage(root, 0, CPU_USER), 10n);
    assert.is(e.cpuacctUsage(root, 1, CPU_SYS), 20n);
    assert.is(e.cpuacctReset(0), 0);
    assert.is(e.cpuacctUsage(0, 0, CPU_USER), 0n);
    assert.is(e.cpuacctReset(99), -ERRNO.ENOENT);
    assert.is(e.cpuacctReset(-1), -ERRNO.ENOENT);
  });

  test(`${kind}: cpuacctMove carries the counters over and zeroes the source`, () => {
    const e = bootChecked(kind, { cpus: 2 });
    e.charge(1, 500, 1, CPU_USER, -1);
    const h = e.hierCreate();
    const root = e.hierRoot(h);
    assert.is(e.cpuacctMove(0, root), 0); // bind: the unbound counters follow the root state
    assert.is(e.cpuacctUsage(root, 1, CPU_USER), 500n);
    assert.is(e.cpuacctUsage(0, 1, CPU_USER), 0n);
    e.charge(1, 5, 1, CPU_USER, h);
    assert.is(e.cpuacctMove(root, 0), 0); // unbind
    assert.is(e.cpuacctUsage(0, 1, CPU_USER), 505n);
    assert.is(e.cpuacctUsage(root, 1, CPU_USER), 0n);
    assert.is(e.cpuacctMove(0, 0), 0);
    assert.is(e.cpuacctUsage(0, 1, CPU_USER), 505n); // moving onto itself keeps them
    assert.is(e.cpuacctMove(0, 99), -ERRNO.ENOENT);
    assert.is(e.cpuacctMove(99, 0), -ERRNO.ENOENT);
    assert.is(e.cpuacctUsage(0, 1, CPU_USER), 505n);
  });

  test(`${kind}: charge errors: EINVAL for arguments, ESRCH for a free pid`, () => {
    const e = bootChecked(kind, { cpus: 2, maxHierarchies: 2 });
    const h = e.hierCreate();
    const before = e.dump();
    assert.is(e.charge(1, 1, 2, 0, h), -ERRNO.EINVAL); // cpu
    assert.is(e.charge(1, 1, -1, 0, h), -ERRNO.EINVAL);
    assert.is(e.charge(1, 1, 0, 2, h), -ERRNO.EINVAL); // mode
    assert.is(e.charge(1, 1, 0, 0, 1), -ERRNO.EINVAL); // slot not live
    assert.is(e.charge(1, 1, 0, 0, 2), -ERRNO.EINVAL);
    assert.is(e.charge(1, 1, 0, 0, -2), -ERRNO.EINVAL);
    for (const ns of [-1, 1.5, 2 ** 53, Number.NaN, Infinity]) {
      assert.is(e.charge(1, ns, 0, 0, h), -ERRNO.EINVAL, `ns ${ns}`);
    }
    assert.is(e.charge(77, 1, 0, 0, h), -ERRNO.ESRCH);
    assert.is(e.charge(0, 1, 0, 0, -1), -ERRNO.ESRCH);
    assert.equal(e.dump(), before);
    assert.is(e.cpuacctUsage(e.hierRoot(h), 0, 0), 0n);
    assert.is(e.cpuacctUsage(0, 0, 0), 0n);
    assert.is(e.charge(1, 0, 0, 0, h), 0);
    assert.is(e.charge(1, 2 ** 53 - 1, 0, 0, h), 0);
    assert.is(e.cpuacctUsage(e.hierRoot(h), 0, 0), 2n ** 53n - 1n);
  });

  test(`${kind}: a zombie is charged to the root`, () => {
    const e = bootChecked(kind);
    const h = e.hierCreate();
    const root = e.hierRoot(h);
    const a = e.cgroupCreate(root);
    const p = e.fork(1, false);
    e.fork(p, true);
    e.attach(p, a, true);
    e.exit(p);
    assert.is(e.charge(p, 9, 0, 0, h), 0);
    assert.is(e.cpuacctUsage(root, 0, 0), 9n);
    assert.is(e.cpuacctUsage(a, 0, 0), 0n);
  });

  test(`${kind}: counters are u64 and wrap`, () => {
    const e = bootChecked(kind);
    const h = e.hierCreate();
    const root = e.hierRoot(h);
    const n = 2100;
    const max = 2 ** 53 - 1;
    const pids = new Int32Array(n).fill(1);
    const ns = new Float64Array(n).fill(max);
    assert.is(e.chargeMany(pids, ns, 0, 0, h), n);
    assert.is(e.cpuacctUsage(root, 0, 0), BigInt.asUintN(64, BigInt(n) * BigInt(max)));
  });

  test(`${kind}: unknown cgroups read -1n`, () => {
    const e = bootChecked(kind);
    assert.is(e.cpuacctUsage(5, 0, 0), -1n);
    assert.is(e.cpuacctUsage(-1, 0, 0), -1n);
    const h = e.hierCreate();
    const a = e.cgroupCreate(e.hierRoot(h));
    e.cgroupDestroy(a);
    assert.is(e.cpuacctUsage(a, 0, 0), -1n);
  });

  test(`${kind}: a destroyed child's usage stays in its parent`, () => {
    const e = bootChecked(kind);
    const h = e.hierCreate();
    const root = e.hierRoot(h);
    const a = e.cgroupCreate(root);
    const t = e.fork(1, false);
    e.attach(t, a, false);
    e.charge(t, 64, 0, 0, h);
    e.attach(t, root, false);
    e.cgroupDestroy(a);
    assert.is(e.cpuacctUsage(root, 0, 0), 64n);
  });
}

test.run();
