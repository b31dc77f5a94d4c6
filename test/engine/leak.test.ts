// Engine: no leaks: a million tasks forked, moved around, charged and exited, every cgroup
// removed and every hierarchy destroyed, brings stats() back to the boot counts, and repeating
// the round does not grow memoryBytes. For the wasm engine the second round must not grow at
// all. An engine whose pid table grows with the highest pid used (the reference) may grow
// in round 2, whose pids wrap through the top of the 1.1M pid space; from then on a round
// covers no new pids, so round 3 must not grow.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Engine, EngineStats } from '../../src/engine/types.ts';
import { assertIntegrity, engineKinds, makeEngine } from '../helpers/integrity.ts';

const test = suite('engine/leak');
const N = 1_000_000;

/** One round; returns stats() at the end. */
function round(e: Engine): EngineStats {
  const h0 = e.hierCreate();
  const h1 = e.hierCreate();
  const r0 = e.hierRoot(h0);
  const r1 = e.hierRoot(h1);
  const a = e.cgroupCreate(r0);
  const ab = e.cgroupCreate(a);
  const c = e.cgroupCreate(r0);
  const x = e.cgroupCreate(r1);
  for (const g of [a, ab, c, x]) e.cgroupSetNotify(g, true);

  const pids = e.forkMany(1, N);
  assert.instance(pids, Int32Array);
  const all = pids as Int32Array;
  assert.is(all.length, N);
  assert.is(e.attachMany(all.subarray(0, 300_000), ab), 300_000);
  assert.is(e.attachMany(all.subarray(200_000, 400_000), x), 200_000); // crosses: new csets
  assert.is(e.attachMany(all.subarray(350_000, 500_000), c), 150_000);
  const threads = [e.fork(all[0]!, true), e.fork(all[1]!, true), e.fork(all[1]!, true)];
  assert.is(e.exit(all[1]!), 0); // a zombie leader until its threads go
  const ns = new Float64Array(10_000).fill(1000);
  assert.is(e.chargeMany(all.subarray(0, 10_000), ns, 0, 0, h0), 10_000);
  assert.is(e.cssGet(c), 0);

  const rest = Int32Array.from([...all.subarray(0, 1), ...all.subarray(2), ...threads]);
  assert.is(e.exitMany(rest), rest.length);
  assert.is(e.cssPut(c), 0);
  while (e.releasePop() !== 0) {
    /* deliver */
  }
  for (const g of [ab, a, c, x]) assert.is(e.cgroupDestroy(g), 0);
  while (e.releasePop() !== 0) {
    /* deliver */
  }
  assert.is(e.hierDestroy(h1), 0);
  assert.is(e.hierDestroy(h0), 0);
  return e.stats();
}

for (const kind of engineKinds()) {
  test(`${kind}: a million tasks leave nothing behind`, () => {
    const e = makeEngine(kind, { pidMax: 1_100_000 });
    const boot = e.stats();
    assert.equal([boot.tasks, boot.cssSets, boot.cgroups, boot.hierarchies], [1, 1, 0, 0]);
    const mem: number[] = [];
    for (let r = 1; r <= 3; r++) {
      const s = round(e);
      assert.equal([s.tasks, s.cssSets, s.cgroups, s.hierarchies], [1, 1, 0, 0], `round ${r}`);
      assert.is(e.pidsInUse(), 1);
      assertIntegrity(e);
      mem.push(s.memoryBytes);
    }
    if (kind === 'wasm') {
      assert.ok(mem[1]! <= mem[0]!, `memoryBytes grew in round 2: ${mem[0]} -> ${mem[1]}`);
    }
    assert.ok(mem[2]! <= mem[1]!, `memoryBytes grew in round 3: ${mem[1]} -> ${mem[2]}`);
  });
}

test.run();
