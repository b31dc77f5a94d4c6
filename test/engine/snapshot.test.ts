// Engine images: save() and restoreEngine(). A restored engine must be the same machine: it
// answers every later call exactly as the original does (pids from the allocator cursor and
// pending orphans, ids from the free-id stacks, the release queue, thread rings, counters,
// stats() including memoryBytes), and saving it again gives the very same bytes.
//
//   CGSIM_SNAPSHOT_OPS=30000   random operations per configuration and engine (default 6,000)
//   CGSIM_SNAPSHOT_SEED=1234   base seed (configuration i uses base + i); default fixed seeds
//
// A failure names the engine, configuration, seed and operation index.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeImage, encodeImage, IMAGE_HEADER_BYTES } from '../../src/engine/image.ts';
import { ReferenceEngine, restoreEngine, WasmEngine } from '../../src/engine/index.ts';
import type { Engine, EngineKind, EngineOptions } from '../../src/engine/types.ts';
import { assertIntegrity, engineKinds, makeEngine } from '../helpers/integrity.ts';
import { applyOp, describeOp, normalizeResult, RandomOps, type RandomOpsOptions } from '../helpers/random-ops.ts';

const test = suite('engine/snapshot');
const OPS = Number(process.env.CGSIM_SNAPSHOT_OPS ?? 6000);
const BASE_SEED = process.env.CGSIM_SNAPSHOT_SEED === undefined ? undefined : Number(process.env.CGSIM_SNAPSHOT_SEED);

interface Config {
  name: string;
  seed: number;
  opts: EngineOptions;
  gen: RandomOpsOptions;
}

const CONFIGS: Config[] = [
  {
    name: 'small pid space, 4 hierarchies, 2 cpus',
    seed: 0x1a6e0001,
    opts: { pidMax: 600, maxHierarchies: 4, cpus: 2 },
    gen: {},
  },
  {
    name: 'Linux defaults',
    seed: 0x1a6e0002,
    opts: { pidMax: 4194304, maxHierarchies: 16, cpus: 1 },
    gen: { maxTasks: 400, maxCgroups: 100 },
  },
  {
    name: 'crowded: pidMax 350, 2 hierarchies, 3 cpus',
    seed: 0x1a6e0003,
    opts: { pidMax: 350, maxHierarchies: 2, cpus: 3 },
    gen: { maxTasks: 60, maxCgroups: 25, teardownRate: 0.005 },
  },
].map((c, i) => ({ ...c, seed: BASE_SEED === undefined ? c.seed : (BASE_SEED + i) >>> 0 }));

/** Every cpuacct counter of every live cgroup and the unbound root. */
function counters(e: Engine): string {
  const out: string[] = [];
  for (const id of [0, ...e.dump().cgroups.map((g) => g.id)]) {
    for (let cpu = 0; cpu < e.cpus; cpu++) {
      out.push(`${id}/${cpu}=${e.cpuacctUsage(id, cpu, 0)},${e.cpuacctUsage(id, cpu, 1)}`);
    }
  }
  return out.join(' ');
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return (
    Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.length), Buffer.from(b.buffer, b.byteOffset, b.length)) === 0
  );
}

/**
 * assertIntegrity on each engine. Queries use scratch buffers in the wasm engine's memory, so
 * engines compared byte for byte must be asked the same things: check all of them, never one.
 */
function integrity(...engines: Engine[]): void {
  for (const e of engines) assertIntegrity(e);
}

/** `copy` is indistinguishable from `orig` now: dump, stats (memoryBytes too), counters, image bytes. */
function assertSame(orig: Engine, copy: Engine, where: string): void {
  assert.equal(copy.dump(), orig.dump(), `${where}: dumps differ`);
  assert.equal(copy.stats(), orig.stats(), `${where}: stats differ`);
  assert.is(counters(copy), counters(orig), `${where}: counters differ`);
  assert.ok(sameBytes(copy.save(), orig.save()), `${where}: images differ`);
}

/**
 * Apply `n` ops from `gen` to its probe and to every engine; all results must agree. The
 * generator queries its probe between ops, so the probe is an engine of its own: the engines
 * compared byte for byte get exactly the same calls.
 */
function run(gen: RandomOps, probe: Engine, engines: Engine[], n: number, where: (i: number) => string): void {
  for (let i = 0; i < n; i++) {
    const op = gen.next();
    const r = applyOp(probe, op);
    const want = JSON.stringify(normalizeResult(r));
    for (let k = 0; k < engines.length; k++) {
      const got = JSON.stringify(normalizeResult(applyOp(engines[k]!, op)));
      if (got !== want) {
        const who = k === 0 ? 'original' : `copy #${k}`;
        throw new Error(`${where(gen.generated)} ${describeOp(op)}: probe=${want} ${who}=${got}`);
      }
    }
    gen.observe(op, r);
  }
}

for (const kind of engineKinds()) {
  for (const cfg of CONFIGS) {
    test(`${kind}: restored mid-run, the same continuation gives the same results (${cfg.name})`, () => {
      const where = (i: number) => `[${kind} / ${cfg.name}] seed=0x${cfg.seed.toString(16)} op #${i}`;
      const orig = makeEngine(kind, cfg.opts);
      const probe = makeEngine('reference', cfg.opts);
      const gen = new RandomOps(cfg.seed, probe, cfg.gen);
      run(gen, probe, [orig], Math.floor(OPS / 3), where);

      const image = orig.save();
      assert.ok(sameBytes(orig.save(), image), 'saving twice gives the same bytes (save changes nothing)');
      const copy = restoreEngine(image);
      assert.is(copy.kind, kind);
      assert.equal([copy.pidMax, copy.maxHierarchies, copy.cpus], [orig.pidMax, orig.maxHierarchies, orig.cpus]);
      assert.ok(sameBytes(copy.save(), image), 'the restored engine saves the same image');
      integrity(copy, orig);
      assertSame(orig, copy, where(gen.generated));

      run(gen, probe, [orig, copy], Math.floor(OPS / 3), where);
      assertSame(orig, copy, where(gen.generated));

      // an image of the restored engine restores as well
      const copy2 = restoreEngine(copy.save());
      integrity(copy2, copy, orig);
      run(gen, probe, [orig, copy, copy2], OPS - 2 * Math.floor(OPS / 3), where);
      integrity(orig, copy, copy2);
      assertSame(orig, copy, where(gen.generated));
      assertSame(orig, copy2, where(gen.generated));
    });
  }

  test(`${kind}: hidden state survives: pending orphans, free-id stacks, release queue, rings, u64 counters`, () => {
    const e = makeEngine(kind, { pidMax: 400, maxHierarchies: 3, cpus: 2 });
    // a process with children exits: its pid is free but its children still name it (the wasm
    // engine rewrites them lazily, when the pid is reused)
    assert.is(e.exitMany(e.forkMany(1, 298) as Int32Array), 298); // the cursor reaches 300
    const p = e.fork(1, false);
    const kids = [e.fork(p, false), e.fork(p, false)];
    assert.is(e.exit(p), 0);
    // a zombie leader with a ring of threads
    const leader = e.fork(1, false);
    const threads = [e.fork(leader, true), e.fork(leader, true), e.fork(leader, true)];
    assert.is(e.exit(leader), 0);
    // cgroups and csets freed in a chosen order: the free-id stacks are not sorted
    const h0 = e.hierCreate();
    const h1 = e.hierCreate();
    const r0 = e.hierRoot(h0);
    const cg = [1, 2, 3, 4, 5].map(() => e.cgroupCreate(r0));
    const x = e.cgroupCreate(e.hierRoot(h1));
    const movers = e.forkMany(1, 6) as Int32Array;
    for (let i = 0; i < 5; i++) assert.is(e.attach(movers[i]!, cg[i]!, false), 0);
    assert.is(e.attach(movers[5]!, x, false), 0);
    for (const i of [3, 0, 4]) assert.is(e.exit(movers[i]!), 0);
    for (const i of [4, 0]) assert.is(e.cgroupDestroy(cg[i]!), 0);
    // the release queue in a non-id order, and css references
    for (const i of [2, 3]) assert.is(e.cgroupSetNotify(cg[i]!, true), 0);
    assert.is(e.cgroupSetNotify(x, true), 0);
    assert.is(e.cssGet(cg[3]!), 0);
    assert.is(e.exit(movers[5]!), 0); // queues x
    assert.is(e.exit(movers[2]!), 0); // queues cg[2]
    assert.is(e.cssPut(cg[3]!), 0); // queues cg[3]
    // large u64 counters, and the unbound root's
    for (let i = 0; i < 3; i++) assert.is(e.charge(movers[1]!, 2 ** 53 - 1, 1, 1, h0), 0);
    assert.is(e.charge(movers[1]!, 12345, 0, 0, -1), 0);

    const image = e.save();
    const before = e.dump();
    const r = restoreEngine(image);
    integrity(r, e);
    assertSame(e, r, 'right after restore');
    // the image is a copy: changing the original afterwards does not reach it
    const next = e.fork(1, false);
    assert.equal(restoreEngine(image).dump(), before);
    assert.is(r.fork(1, false), next);

    const script = (k: Engine): unknown[] => {
      const out: unknown[] = [];
      out.push(kids.map((c) => k.taskPpid(c)));
      const forked: number[] = [];
      for (let i = 0; i < 95; i++) forked.push(k.fork(1, false)); // wraps to 300, reuses p, runs dry
      out.push(
        forked,
        kids.map((c) => k.taskPpid(c)),
      );
      out.push(k.exitMany(Int32Array.from(forked.filter((pid) => pid > 0))));
      out.push(Array.from(k.threadGroup(threads[1]!) as Int32Array));
      out.push(
        threads.map((t) => k.exit(t)),
        k.taskState(leader),
      );
      out.push([k.releasePop(), k.releasePop(), k.releasePop(), k.releasePop()]);
      out.push([k.cgroupCreate(r0), k.cgroupCreate(r0), k.cgroupCreate(r0), k.cgroupCreate(r0)]);
      const m = k.forkMany(1, 3) as Int32Array;
      out.push([k.attach(m[0]!, cg[2]!, false), k.attach(m[1]!, x, false), k.attach(m[2]!, cg[3]!, false)]);
      out.push(Array.from(k.dump().csets, (c) => c.id));
      out.push(k.cpuacctUsage(cg[1]!, 1, 1), k.cpuacctUsage(r0, 1, 1), k.cpuacctUsage(0, 0, 0));
      return out;
    };
    const want = script(e);
    assert.equal(script(r), want);
    assertSame(e, r, 'after the script');
  });

  test(`${kind}: an image of a fresh engine is small, even with pidMax 4194304`, () => {
    const e = makeEngine(kind);
    const image = e.save();
    assert.ok(image.length < 64 * 1024, `${image.length} bytes`);
    if (kind === 'wasm') assert.ok(e.stats().memoryBytes > 64 * 2 ** 20, 'the wasm engine reserves its task table');
    const r = restoreEngine(image);
    integrity(r, e);
    assertSame(e, r, 'fresh');
    assert.is(r.fork(1, false), 2);
  });

  test(`${kind}: a million tasks round-trip`, () => {
    const N = 1_000_000;
    const e = makeEngine(kind);
    const h = e.hierCreate();
    const a = e.cgroupCreate(e.hierRoot(h));
    const b = e.cgroupCreate(a);
    const pids = e.forkMany(1, N) as Int32Array;
    assert.is(pids.length, N);
    assert.is(e.attachMany(pids.subarray(0, 400_000), b), 400_000);
    const threads = [e.fork(pids[5]!, true), e.fork(pids[5]!, true)];
    assert.is(e.exit(pids[5]!), 0); // a zombie leader
    assert.is(e.exitMany(pids.subarray(500_000, 600_000)), 100_000);
    assert.is(e.chargeMany(pids.subarray(0, 1000), new Float64Array(1000).fill(7), 0, 1, h), 1000);

    const image = e.save();
    const r = restoreEngine(image);
    assert.ok(sameBytes(r.save(), image), 'the restored engine saves the same image');
    assert.is(r.selfCheck(), null);
    assert.is(e.selfCheck(), null);
    assert.equal(r.stats(), e.stats());
    assert.equal(r.cgroupTasks(b, false), e.cgroupTasks(b, false));
    assert.equal(r.threadGroup(pids[5]!), e.threadGroup(pids[5]!));

    const script = (k: Engine): unknown[] => [
      Array.from(k.forkMany(1, 1000) as Int32Array),
      k.exitMany(Int32Array.from([...pids.subarray(0, 5), ...pids.subarray(6, 500_000), ...threads])),
      k.exitMany(pids.subarray(600_000)),
      k.fork(1, false),
      k.cpuacctUsage(a, 0, 1),
      k.stats(),
    ];
    assert.equal(script(r), script(e));
    integrity(r, e);
    assertSame(e, r, 'after the continuation');
  });

  test(`${kind}: an image at any byte offset restores (unaligned buffers are copied)`, () => {
    const e = makeEngine(kind, { pidMax: 5000, maxHierarchies: 2, cpus: 2 });
    e.forkMany(1, 100);
    e.hierCreate();
    const image = e.save();
    const shifted = Buffer.concat([Buffer.from([0xff, 0xee, 0xdd]), image]).subarray(3);
    assert.is(shifted.byteOffset % 8 !== 0, true);
    assertSame(e, restoreEngine(shifted), 'unaligned');
  });

  test(`${kind}: corrupted and mismatched images are rejected with a RangeError`, () => {
    const e = makeEngine(kind, { pidMax: 1000, maxHierarchies: 2, cpus: 2 });
    e.forkMany(1, 50);
    e.cgroupCreate(e.hierRoot(e.hierCreate()));
    const image = e.save();
    const rejects = (bytes: Uint8Array, pattern: RegExp, what: string): void => {
      assert.throws(
        () => restoreEngine(bytes),
        (err: unknown) => err instanceof RangeError && pattern.test(err.message),
        what,
      );
    };
    const edited = (edit: (b: Uint8Array) => void): Uint8Array => {
      const b = image.slice();
      edit(b);
      return b;
    };
    rejects(new Uint8Array(0), /too short/, 'empty');
    rejects(new Uint8Array([1, 2, 3]), /too short/, 'garbage');
    rejects(
      edited((b) => {
        b[0] = 0x58;
      }),
      /bad magic/,
      'magic',
    );
    rejects(
      edited((b) => {
        b[8] = 2;
      }),
      /format version 2/,
      'format',
    );
    rejects(
      edited((b) => {
        b[10] = 9;
      }),
      /unknown engine kind/,
      'kind code',
    );
    rejects(image.subarray(0, image.length - 1), /truncated/, 'truncated');
    rejects(Buffer.concat([image, new Uint8Array(8)]), /truncated or padded/, 'padded');
    for (const at of [IMAGE_HEADER_BYTES, IMAGE_HEADER_BYTES + 30, image.length - 1]) {
      rejects(
        edited((b) => {
          b[at]! ^= 0x10;
        }),
        /checksum/,
        `flipped byte ${at}`,
      );
    }
    rejects(
      edited((b) => {
        b[12]! ^= 1;
      }),
      /checksum/,
      'header pidMax edited',
    );
    // a well-formed image whose header disagrees with its body
    const { header, body } = decodeImage(image);
    for (const opts of [{ pidMax: 1001 }, { maxHierarchies: 3 }, { cpus: 1 }]) {
      rejects(encodeImage({ ...header, ...opts }, [body]), /header says/, JSON.stringify(opts));
    }
    rejects(encodeImage(header, [body.subarray(0, body.length - 8)]), /malformed|ends early/, 'short body');
    // a kind's own restore takes only its own images
    const other: EngineKind = kind === 'wasm' ? 'reference' : 'wasm';
    const foreign = makeEngine(other, { pidMax: 1000, maxHierarchies: 2, cpus: 2 }).save();
    const ownRestore = kind === 'wasm' ? WasmEngine.restore : ReferenceEngine.restore;
    assert.throws(
      () => ownRestore(foreign),
      (err: unknown) =>
        err instanceof RangeError &&
        err.message.includes(`saved by the ${other} engine, cannot be restored as a ${kind} engine`),
    );
    assert.is(restoreEngine(foreign).kind, other);
    assert.throws(
      () => restoreEngine('CGSIMIMG' as unknown as Uint8Array),
      (err: unknown) => err instanceof RangeError,
    );
  });
}

if (engineKinds().includes('wasm')) {
  test('wasm: an image restores only with the build that saved it', () => {
    const e = makeEngine('wasm', { pidMax: 1000, maxHierarchies: 2, cpus: 1 });
    e.forkMany(1, 10);
    const image = e.save();
    const { header, body } = decodeImage(image);
    const other = body.slice();
    other[0]! ^= 0xff; // the build fingerprint
    assert.throws(
      () => restoreEngine(encodeImage(header, [other])),
      (err: unknown) => err instanceof RangeError && /another build of the wasm engine/.test(err.message),
    );
    // the debug build is another build
    const saved = process.env.CGSIM_WASM;
    process.env.CGSIM_WASM = 'debug';
    try {
      assert.throws(() => restoreEngine(image), /another build/);
      const d = makeEngine('wasm', { pidMax: 1000, maxHierarchies: 2, cpus: 1 });
      d.forkMany(1, 10);
      const dr = restoreEngine(d.save());
      integrity(dr, d);
      assertSame(d, dr, 'debug build');
    } finally {
      if (saved === undefined) delete process.env.CGSIM_WASM;
      else process.env.CGSIM_WASM = saved;
    }
  });

  test('wasm: every module-level variable of assembly/ is a state word', () => {
    // each module's top-level `let`s must be named in its *StateGet and *StateSet and counted
    // in its *_STATE_WORDS; a variable left out would not survive a restore
    const modules: Record<string, string> = {
      mem: 'MEM',
      task: 'TASK',
      cset: 'CSET',
      cgroup: 'CGROUP',
      sort: 'SORT',
      check: 'CHECK',
    };
    const dir = new URL('../../assembly/', import.meta.url);
    let total = 0;
    for (const file of ['mem', 'task', 'cset', 'cgroup', 'sort', 'check', 'index', 'defs']) {
      const src = readFileSync(fileURLToPath(new URL(`${file}.ts`, dir)), 'utf8');
      const names = [...src.matchAll(/^(?:export )?let (\w+)/gm)].map((m) => m[1]!);
      const prefix = modules[file];
      if (prefix === undefined) {
        assert.equal(names, [], `${file}.ts has no state of its own`);
        continue;
      }
      const words = Number(src.match(new RegExp(`${prefix}_STATE_WORDS: u32 = (\\d+)`))?.[1]);
      assert.is(words, names.length, `${file}.ts: ${prefix}_STATE_WORDS vs its variables ${names.join(', ')}`);
      const get = src.slice(src.indexOf('StateGet(i: u32)'), src.indexOf('StateSet(i: u32'));
      const set = src.slice(src.indexOf('StateSet(i: u32'));
      for (const n of names) {
        assert.ok(new RegExp(`\\b${n}\\b`).test(get), `${file}.ts: ${n} missing from StateGet`);
        assert.ok(new RegExp(`\\b${n} = `).test(set), `${file}.ts: ${n} missing from StateSet`);
      }
      total += names.length;
    }
    // the compiled module has no other mutable global (the release text format lists them)
    const wat = fileURLToPath(new URL('../../build/release.wat', import.meta.url));
    let text = '';
    try {
      text = readFileSync(wat, 'utf8');
    } catch {
      return; // no text output in this build
    }
    assert.is((text.match(/^\s*\(global \S+ \(mut /gm) ?? []).length, total, 'mutable globals in build/release.wat');
  });
}

test.run();
