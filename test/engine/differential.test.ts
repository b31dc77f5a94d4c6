// Engine: differential test: wasm and reference run the same seeded random operations and must
// agree on every result (numbers, Int32Array contents, errnos, bigints) and on the final dump.
//
//   CGSIM_DIFF_OPS=1000000   total operations over all configurations (default 100,000)
//   CGSIM_DIFF_SEED=1234     base seed (configuration i uses base + i); default fixed seeds
//
// A failure names the configuration, seed and operation index; rerun with that seed to
// reproduce (the sequence depends only on the seed, the options and the op count reached).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Engine, EngineOptions } from '../../src/engine/types.ts';
import { assertIntegrity, engineKinds, makeEngine } from '../helpers/integrity.ts';
import { applyOp, describeOp, normalizeResult, RandomOps, type RandomOpsOptions } from '../helpers/random-ops.ts';

const test = suite('engine/differential');

interface Config {
  name: string;
  seed: number;
  share: number; // of the total op budget
  opts: EngineOptions;
  gen: RandomOpsOptions;
}

const baseSeed = process.env.CGSIM_DIFF_SEED === undefined ? undefined : Number(process.env.CGSIM_DIFF_SEED);
const TOTAL = Number(process.env.CGSIM_DIFF_OPS ?? 100_000);
const CHECK_EVERY = 1000;

const CONFIGS: Config[] = [
  {
    name: 'small pid space, 4 hierarchies, 2 cpus',
    seed: 0x5eed0001,
    share: 0.4,
    opts: { pidMax: 600, maxHierarchies: 4, cpus: 2 },
    gen: {},
  },
  {
    name: 'Linux defaults',
    seed: 0x5eed0002,
    share: 0.3,
    opts: { pidMax: 4194304, maxHierarchies: 16, cpus: 1 },
    gen: { maxTasks: 400, maxCgroups: 100 },
  },
  {
    name: 'crowded: pidMax 350, 2 hierarchies, 3 cpus',
    seed: 0x5eed0003,
    share: 0.3,
    opts: { pidMax: 350, maxHierarchies: 2, cpus: 3 },
    gen: { maxTasks: 60, maxCgroups: 25, teardownRate: 0.005 },
  },
].map((c, i) => ({ ...c, seed: baseSeed === undefined ? c.seed : (baseSeed + i) >>> 0 }));

/** Every cpuacct counter of every live cgroup (and the unbound root), for the final compare. */
function counters(e: Engine): string {
  const out: string[] = [];
  for (const id of [0, ...e.dump().cgroups.map((g) => g.id)]) {
    for (let cpu = 0; cpu < e.cpus; cpu++) {
      out.push(`${id}/${cpu}=${e.cpuacctUsage(id, cpu, 0)},${e.cpuacctUsage(id, cpu, 1)}`);
    }
  }
  return out.join(' ');
}

const haveWasm = engineKinds().includes('wasm');

for (const cfg of CONFIGS) {
  const ops = Math.max(1, Math.round(TOTAL * cfg.share));
  const where = (i: number) => `[${cfg.name}] seed=${cfg.seed} (0x${cfg.seed.toString(16)}) op #${i}`;

  if (!haveWasm) {
    test(`reference alone (no wasm yet): ${cfg.name}, ${ops} ops, seed ${cfg.seed}`, () => {
      const ref = makeEngine('reference', cfg.opts);
      const gen = new RandomOps(cfg.seed, ref, cfg.gen);
      for (let i = 0; i < ops; i++) {
        const op = gen.next();
        gen.observe(op, applyOp(ref, op));
        if ((i + 1) % CHECK_EVERY === 0) assertIntegrity(ref);
      }
      assertIntegrity(ref);
    });
    continue;
  }

  test(`wasm == reference: ${cfg.name}, ${ops} ops, seed ${cfg.seed}`, () => {
    const ref = makeEngine('reference', cfg.opts);
    const wasm = makeEngine('wasm', cfg.opts);
    const gen = new RandomOps(cfg.seed, ref, cfg.gen);
    let i = 0;
    try {
      for (; i < ops; i++) {
        const op = gen.next();
        const r = applyOp(ref, op);
        const rs = JSON.stringify(normalizeResult(r));
        let ws: string;
        try {
          ws = JSON.stringify(normalizeResult(applyOp(wasm, op)));
        } catch (e) {
          throw new Error(`${where(i)} ${describeOp(op)}: wasm threw ${(e as Error).stack}`);
        }
        if (rs !== ws) {
          throw new Error(`${where(i)} ${describeOp(op)}: reference=${rs} wasm=${ws}`);
        }
        gen.observe(op, r);
        if ((i + 1) % CHECK_EVERY === 0) {
          assertIntegrity(ref);
          assertIntegrity(wasm);
          assert.equal(wasm.dump(), ref.dump(), `${where(i)}: dumps differ`);
        }
      }
      assertIntegrity(ref);
      assertIntegrity(wasm);
      assert.equal(wasm.dump(), ref.dump(), `${where(i)}: final dumps differ`);
      assert.is(counters(wasm), counters(ref), `${where(i)}: cpuacct counters differ`);
    } catch (e) {
      const err = e as Error;
      if (!err.message.includes('seed=')) err.message = `${where(i)}: ${err.message}`;
      console.error(
        `differential failure: ${where(i)}; reproduce with CGSIM_DIFF_SEED=` +
          `${(cfg.seed - CONFIGS.indexOf(cfg)) >>> 0}`,
      );
      throw err;
    }
  });
}

test.run();
