/**
 * The WebAssembly engine: {@link Engine} over the AssemblyScript build in `build/release.wasm`
 * (sources in `assembly/`; `CGSIM_WASM=debug` selects `build/debug.wasm`, asserts live).
 *
 * The module is compiled once per process, synchronously; every engine gets its own instance
 * and linear memory. Calls are flat numbers: ids in, ids or `-errno` out. Lists come back
 * through the engine's IO buffer: the export returns the length, `ioPtr()` says where the
 * buffer is now, and the values are copied out with `slice()`. Batch inputs go the other way
 * (`scratch(bytes)` makes room, JS writes, one call does the whole batch). A batch bigger than
 * BATCH_CHUNK entries crosses in chunks, in two passes (check every chunk, then apply), so
 * all-or-nothing holds and linear memory does not grow with the batch.
 *
 * Linear memory may grow on any call that allocates, which detaches every typed-array view:
 * views are re-taken when found detached (length 0), never kept across such a call.
 * Arguments are sanitised before they reach wasm (an i32 parameter would truncate 1.5 to 1 and
 * wrap 2^32 + 1 to 1): anything not an int32 becomes -1, which names nothing.
 *
 * Images (`save()`, `WasmEngine.restore`): the whole state is linear memory plus the module's
 * variables, so an image is a copy of both, and a restored instance is the same machine. The
 * body after the image.ts header:
 *
 *   0      8 B   build fingerprint: the first 8 bytes of the SHA-256 of the .wasm file
 *   8      u32   linear memory size, in 64 KiB pages
 *   12     u32   bytes in use: the allocator's high-water mark (nothing above it is ever written)
 *   16     u32   n, state words (assembly/index.ts stateGet)
 *   20     u32   r, memory runs
 *   24     n x u64   the state words
 *          r x (u32 offset, u32 length, length bytes)   the non-zero memory below the mark
 *
 * Memory is scanned in 4-byte words (64 KiB pages that are all zero are skipped with one
 * compare); a run is a stretch of words with gaps of at most RUN_GAP_WORDS zero words, so
 * reserved but untouched tables (the task table of a 4M pidMax engine is 64 MiB) cost
 * nothing. An image is bound to the build that saved it: addresses inside it are only
 * meaningful to that exact module, so another build (or the debug one) rejects it.
 */

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ERRNO } from '../errors.ts';
import { BodyReader, decodeImage, encodeImage, malformedImage } from './image.ts';
import type { Engine, EngineDump, EngineOptions, EngineStats } from './types.ts';
import { PID_LIMIT } from './types.ts';

const EINVAL = -ERRNO.EINVAL;
const ENOMEM = -ERRNO.ENOMEM;

/** Linear memory ceiling of wasm32. */
const WASM_MAX_BYTES = 2 ** 32;
/** Bytes the task table takes per pid (assembly/defs.ts TASK_BYTES + the pid bitmap). */
const TASK_BYTES = 16;
/** Room kept free beside the task table for csets, cgroups, counters and list buffers. */
const HEADROOM_BYTES = 64 * 2 ** 20;
const HIER_LIMIT = 1024;
/**
 * Entries per batch chunk: batches up to this size cross in one call; bigger ones run in two
 * passes over chunks (check all, then apply), so the IO buffer never grows with the batch.
 */
const BATCH_CHUNK = 16384;
/** Words per taskDump record: pid, tgid, ppid, cset, state (assembly/defs.ts DUMP_*). */
const DUMP_WORDS = 5;
const CPU_LIMIT = 4096;
/** Wasm page size. */
const PAGE_BYTES = 65536;
/** Zero words a memory run may span before it is split in two (a run header costs 2 words). */
const RUN_GAP_WORDS = 8;
/** Bytes of the build fingerprint in an image. */
const FINGERPRINT_BYTES = 8;
/** Bytes of the fixed part of an image body, before the state words. */
const BODY_FIXED_BYTES = 24;

/**
 * The slice of the WebAssembly JS API used here. The project's tsconfig has no DOM lib and
 * @types/node 20 does not declare `WebAssembly`, so it is typed locally (no global
 * declaration that could clash with a lib that does).
 */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmModule {
  readonly __wasmModule?: never;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (
    module: WasmModule,
    imports: Record<string, Record<string, unknown>>,
  ) => {
    readonly exports: unknown;
  };
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** The raw exports of assembly/index.ts. u32 results come back signed: apply `>>> 0`. */
interface Exports {
  memory: WasmMemory;
  init(pidMax: number, maxHierarchies: number, cpus: number): number;
  scratch(bytes: number): number;
  ioPtr(): number;
  fork(parent: number, thread: number): number;
  exit(pid: number): number;
  forkMany(parent: number, count: number, out: number): number;
  forkManyRead(max: number): number;
  exitMany(n: number): number;
  exitManyMark(n: number): number;
  exitManyUnmark(n: number): void;
  exitManyMarked(n: number): void;
  taskState(pid: number): number;
  taskTgid(pid: number): number;
  taskPpid(pid: number): number;
  taskCset(pid: number): number;
  taskCgroup(pid: number, h: number): number;
  threadGroup(pid: number): number;
  pidsInUse(): number;
  hierCreate(): number;
  hierDestroy(h: number): number;
  hierRoot(h: number): number;
  hierNrCgroups(h: number): number;
  cgroupCreate(parent: number): number;
  cgroupDestroy(cgrp: number): number;
  cgroupParent(cgrp: number): number;
  cgroupHier(cgrp: number): number;
  cgroupChildren(cgrp: number): number;
  cgroupSetNotify(cgrp: number, on: number): number;
  cgroupNotify(cgrp: number): number;
  cgroupPopulated(cgrp: number): number;
  cgroupQueued(cgrp: number): number;
  cgroupTaskCount(cgrp: number): number;
  cgroupTasks(cgrp: number, procs: number): number;
  cgroupCsets(cgrp: number): number;
  cssGet(cgrp: number): number;
  cssPut(cgrp: number): number;
  cgroupCssRefs(cgrp: number): number;
  attach(pid: number, cgrp: number, group: number): number;
  attachMany(n: number, cgrp: number): number;
  attachManyCheck(n: number, cgrp: number): number;
  attachManyApply(n: number, cgrp: number): number;
  csetRefcount(cs: number): number;
  csetNrTasks(cs: number): number;
  csetCgroups(cs: number): number;
  csetTasks(cs: number): number;
  releasePop(): number;
  releaseQueue(): number;
  charge(pid: number, ns: number, cpu: number, mode: number, h: number): number;
  chargeMany(n: number, cpu: number, mode: number, h: number): number;
  chargeManyCheck(n: number, cpu: number, mode: number, h: number): number;
  chargeManyApply(n: number, cpu: number, mode: number, h: number): void;
  cpuacctUsage(cgrp: number, cpu: number, mode: number): bigint;
  cpuacctValid(cgrp: number, cpu: number, mode: number): number;
  cpuacctReset(cgrp: number): number;
  cpuacctMove(from: number, to: number): number;
  statTasks(): number;
  statCsets(): number;
  statCgroups(): number;
  statHierarchies(): number;
  cursor(): number;
  taskDump(): number;
  csetHighId(): number;
  cgroupHighId(): number;
  selfCheck(): number;
  checkWhere(): number;
  statBumpTop(): number;
  stateWords(): number;
  stateGet(i: number): bigint;
  stateSet(i: number, v: bigint): void;
  stateOption(which: number): number;
}

/** selfCheck codes of assembly/defs.ts (CHK_*), as messages. */
const CHECK_MESSAGES: Record<number, string> = {
  1: 'a LIVE task points at a cset that is not live',
  2: 'a cset task list is broken or disagrees with nrTasks',
  3: 'a task relation word (thread/leader/parent) is broken',
  4: 'pidsInUse or the LIVE task count is wrong',
  5: 'a thread-group ring is broken',
  6: 'the pid bitmap marks a block full that has a free pid',
  7: 'a cset refcount differs from its tasks (+1 for init)',
  8: 'a cset vector names a dead cgroup, a cgroup of another slot, or fills a dead slot',
  9: 'a cset hash is stale or the hash table is incomplete',
  10: 'two csets have equal vectors',
  11: 'cgroup <-> cset links are asymmetric or nrCsets is wrong',
  12: 'cgroup parent/children links are broken',
  13: 'populated counts are wrong',
  14: 'the release queue and the queued flags disagree',
  15: 'hierarchy counts are wrong',
  16: 'a free-id stack is broken',
  17: 'a free cset id still holds tasks',
  18: 'a root holds css references',
};

interface Build {
  which: string;
  module: WasmModule;
  /** Identifies the exact binary in images (FINGERPRINT_BYTES of its SHA-256). */
  fingerprint: Uint8Array;
}

const builds = new Map<string, Build>();

/** The compiled module of the selected build (once per process). */
function wasmBuild(): Build {
  const which = process.env.CGSIM_WASM === 'debug' ? 'debug' : 'release';
  let build = builds.get(which);
  if (build === undefined) {
    const file = fileURLToPath(new URL(`../../build/${which}.wasm`, import.meta.url));
    const bytes = readFileSync(file);
    const fingerprint = new Uint8Array(createHash('sha256').update(bytes).digest().subarray(0, FINGERPRINT_BYTES));
    build = { which, module: new WA.Module(bytes), fingerprint };
    builds.set(which, build);
  }
  return build;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** A 64 KiB page of zeros, to skip empty pages with one compare. */
let zeroPage: Buffer | undefined;

/**
 * The non-zero stretches of memory[0, end), as [offset, length] byte pairs (multiples of 4).
 * Zero gaps of up to RUN_GAP_WORDS words stay inside a run.
 */
function memoryRuns(buffer: ArrayBuffer, end: number): number[] {
  zeroPage ??= Buffer.alloc(PAGE_BYTES);
  const bytes = Buffer.from(buffer, 0, end);
  const words = new Int32Array(buffer, 0, end >>> 2);
  const runs: number[] = [];
  let start = -1; // first word of the open run
  let last = -1; // last non-zero word of the open run
  for (let lo = 0; lo < end; lo += PAGE_BYTES) {
    const hi = Math.min(end, lo + PAGE_BYTES);
    if (bytes.compare(zeroPage, 0, hi - lo, lo, hi) === 0) continue;
    for (let w = lo >>> 2, top = hi >>> 2; w < top; w++) {
      if (words[w] === 0) continue;
      if (start < 0) start = w;
      else if (w - last > RUN_GAP_WORDS + 1) {
        runs.push(start * 4, (last + 1 - start) * 4);
        start = w;
      }
      last = w;
    }
  }
  if (start >= 0) runs.push(start * 4, (last + 1 - start) * 4);
  return runs;
}

/** An int32 argument as is; anything else (fractions, NaN, >= 2^31) as -1, which names nothing. */
function int(v: number): number {
  return (v | 0) === v ? v : -1;
}

function outOfMemory(what: string): never {
  throw new RangeError(`cgsim wasm engine: out of linear memory (4 GiB) in ${what}`);
}

function validateOptions(opts: EngineOptions): void {
  const { pidMax, maxHierarchies, cpus } = opts;
  if (!Number.isInteger(pidMax) || pidMax < 2 || pidMax > PID_LIMIT) {
    throw new RangeError(`pidMax must be an integer in [2, ${PID_LIMIT}], got ${pidMax}`);
  }
  if (pidMax * TASK_BYTES + pidMax / 512 + HEADROOM_BYTES > WASM_MAX_BYTES) {
    const most = Math.floor((WASM_MAX_BYTES - HEADROOM_BYTES) / (TASK_BYTES + 1 / 512));
    throw new RangeError(
      `pidMax ${pidMax} does not fit in 4 GiB of wasm memory (${TASK_BYTES} bytes per pid); ` +
        `the wasm engine takes at most ${most}`,
    );
  }
  if (!Number.isInteger(maxHierarchies) || maxHierarchies < 1 || maxHierarchies > HIER_LIMIT) {
    throw new RangeError(`maxHierarchies must be an integer in [1, ${HIER_LIMIT}], got ${maxHierarchies}`);
  }
  if (!Number.isInteger(cpus) || cpus < 1 || cpus > CPU_LIMIT) {
    throw new RangeError(`cpus must be an integer in [1, ${CPU_LIMIT}], got ${cpus}`);
  }
}

export class WasmEngine implements Engine {
  readonly kind = 'wasm' as const;
  readonly pidMax: number;
  readonly maxHierarchies: number;
  readonly cpus: number;

  private readonly ex: Exports;
  private readonly memory: WasmMemory;
  private readonly build: Build;
  private i32v: Int32Array;
  private f64v: Float64Array;

  /**
   * A new engine with `opts`. With `body` (an image body checked by decodeImage, for the same
   * options: see {@link WasmEngine.restore}), the instance is loaded from it instead of booted.
   */
  constructor(opts: EngineOptions, body?: Uint8Array) {
    validateOptions(opts);
    this.pidMax = opts.pidMax;
    this.maxHierarchies = opts.maxHierarchies;
    this.cpus = opts.cpus;
    this.build = wasmBuild();
    let memory: WasmMemory | undefined;
    const instance = new WA.Instance(this.build.module, {
      env: {
        abort(msg: number, file: number, line: number, col: number): never {
          const text = (ptr: number): string => {
            if (memory === undefined || ptr === 0) return '?';
            const bytes = new Uint32Array(memory.buffer, (ptr >>> 0) - 4, 1)[0]!;
            return String.fromCharCode(...new Uint16Array(memory.buffer, ptr >>> 0, bytes >>> 1));
          };
          throw new Error(`wasm abort: ${text(msg)} at ${text(file)}:${line}:${col}`);
        },
      },
    });
    this.ex = instance.exports as unknown as Exports;
    this.memory = memory = this.ex.memory;
    if (body === undefined) {
      const r = this.ex.init(opts.pidMax, opts.maxHierarchies, opts.cpus);
      if (r === ENOMEM) outOfMemory('init');
      if (r < 0) throw new RangeError(`cgsim wasm engine: init rejected the options (${r})`);
    } else {
      this.load(body);
    }
    this.i32v = new Int32Array(this.memory.buffer);
    this.f64v = new Float64Array(this.memory.buffer);
  }

  /** Rebuild an engine from an image saved by {@link WasmEngine.save} with this very build. */
  static restore(bytes: Uint8Array): WasmEngine {
    const { header, body } = decodeImage(bytes, 'wasm');
    return new WasmEngine(header, body);
  }

  /**
   * The whole state as an image (see the file header): a fresh engine restored from it
   * answers every later call exactly as this one does. Reads only; the engine is untouched.
   */
  save(): Uint8Array {
    const ex = this.ex;
    const nWords = ex.stateWords();
    const words = new BigUint64Array(nWords);
    for (let i = 0; i < nWords; i++) words[i] = BigInt.asUintN(64, ex.stateGet(i));
    const used = ex.statBumpTop() >>> 0;
    const buffer = this.memory.buffer;
    const runs = memoryRuns(buffer, used);
    const fixed = new Uint8Array(BODY_FIXED_BYTES);
    const v = new DataView(fixed.buffer);
    fixed.set(this.build.fingerprint, 0);
    v.setUint32(8, buffer.byteLength / PAGE_BYTES, true);
    v.setUint32(12, used, true);
    v.setUint32(16, nWords, true);
    v.setUint32(20, runs.length / 2, true);
    const parts: Uint8Array[] = [fixed, new Uint8Array(words.buffer)];
    for (let i = 0; i < runs.length; i += 2) {
      const [offset, length] = [runs[i]!, runs[i + 1]!];
      parts.push(new Uint8Array(Uint32Array.of(offset, length).buffer), new Uint8Array(buffer, offset, length));
    }
    return encodeImage(this, parts);
  }

  /** Load a fresh (not yet initialised) instance from an image body: memory, then the state words. */
  private load(body: Uint8Array): void {
    const ex = this.ex;
    const r = new BodyReader(body);
    const fingerprint = r.bytes(FINGERPRINT_BYTES);
    if (hex(fingerprint) !== hex(this.build.fingerprint)) {
      throw new RangeError(
        `cgsim engine image: saved by another build of the wasm engine (fingerprint ${hex(fingerprint)}; ` +
          `this ${this.build.which} build is ${hex(this.build.fingerprint)}): an image restores only ` +
          'with the build that saved it',
      );
    }
    const pages = r.u32();
    const used = r.u32();
    const nWords = r.u32();
    const nRuns = r.u32();
    if (nWords !== ex.stateWords()) malformedImage(`${nWords} state words, the engine has ${ex.stateWords()}`);
    const words = r.u64s(nWords);
    const have = this.memory.buffer.byteLength;
    if (used > pages * PAGE_BYTES || pages * PAGE_BYTES < have || pages > WASM_MAX_BYTES / PAGE_BYTES) {
      malformedImage(`memory of ${pages} pages with ${used} bytes in use`);
    }
    // a fresh instance holds only its data segments: clear them (the image has its own copy),
    // and grow to the saved size, which is all zeros until the runs are written
    new Uint8Array(this.memory.buffer).fill(0);
    try {
      if (pages * PAGE_BYTES > have) this.memory.grow(pages - have / PAGE_BYTES);
    } catch {
      outOfMemory('restore');
    }
    const mem = new Uint8Array(this.memory.buffer);
    let end = 0;
    for (let i = 0; i < nRuns; i++) {
      const offset = r.u32();
      const length = r.u32();
      if (offset < end || offset + length > used) malformedImage(`memory run ${i} at ${offset} (+${length})`);
      mem.set(r.bytes(length), offset);
      end = offset + length;
    }
    r.end();
    for (let i = 0; i < nWords; i++) ex.stateSet(i, BigInt.asIntN(64, words[i]!));
    const shape = [ex.stateOption(0) >>> 0, ex.stateOption(1) >>> 0, ex.stateOption(2) >>> 0];
    if (
      shape[0] !== this.pidMax ||
      shape[1] !== this.maxHierarchies ||
      shape[2] !== this.cpus ||
      ex.statBumpTop() >>> 0 !== used
    ) {
      malformedImage(
        `the header says pidMax ${this.pidMax}, maxHierarchies ${this.maxHierarchies}, cpus ` +
          `${this.cpus}; the state says ${shape.join(', ')}`,
      );
    }
  }

  /** An Int32Array over all of linear memory, re-taken if a grow detached the old one. */
  private i32(): Int32Array {
    if (this.i32v.length === 0) this.i32v = new Int32Array(this.memory.buffer);
    return this.i32v;
  }

  private f64(): Float64Array {
    if (this.f64v.length === 0) this.f64v = new Float64Array(this.memory.buffer);
    return this.f64v;
  }

  /** Copy the n ints a list export left in the IO buffer. */
  private list(n: number, what: string): Int32Array {
    if (n === ENOMEM) outOfMemory(what);
    if (n <= 0) return new Int32Array(0);
    const at = (this.ex.ioPtr() >>> 0) >>> 2;
    return this.i32().slice(at, at + n);
  }

  /** Room for `bytes` in the IO buffer; its int32 index. */
  private scratch(bytes: number, what: string): number {
    if (bytes > WASM_MAX_BYTES - 1) outOfMemory(what);
    const ptr = this.ex.scratch(bytes) >>> 0;
    if (ptr === 0) outOfMemory(what);
    return ptr;
  }

  private static ok(r: number, what: string): number {
    if (r === ENOMEM) outOfMemory(what);
    return r;
  }

  // ---- tasks ----

  fork(parent: number, thread: boolean): number {
    return WasmEngine.ok(this.ex.fork(int(parent), thread ? 1 : 0), 'fork');
  }

  exit(pid: number): number {
    return this.ex.exit(int(pid));
  }

  forkMany(parent: number, count: number): Int32Array | number {
    if (!Number.isInteger(count) || count < 0) return EINVAL;
    // any count above pidMax is beyond the free pids: let wasm say ESRCH or EAGAIN
    const c = Math.min(count, this.pidMax);
    const small = c <= BATCH_CHUNK;
    const n = this.ex.forkMany(int(parent), c, small ? 1 : 0);
    if (n < 0) return WasmEngine.ok(n, 'forkMany');
    if (small) return this.list(n, 'forkMany');
    // a big batch: read the pids back newest first, one chunk at a time
    const pids = new Int32Array(n);
    for (let end = n; end > 0; ) {
      const k = WasmEngine.ok(this.ex.forkManyRead(BATCH_CHUNK), 'forkMany');
      const at = (this.ex.ioPtr() >>> 0) >>> 2;
      pids.set(this.i32().subarray(at, at + k), end - k);
      end -= k;
    }
    return pids;
  }

  /** Copy a chunk of pids into the IO buffer. */
  private loadChunk(pids: Int32Array, what: string): void {
    const at = this.scratch(pids.length * 4, what) >>> 2;
    this.i32().set(pids, at);
  }

  exitMany(pids: Int32Array): number {
    const n = pids.length;
    if (n <= BATCH_CHUNK) {
      this.loadChunk(pids, 'exitMany');
      return this.ex.exitMany(n);
    }
    for (let off = 0; off < n; off += BATCH_CHUNK) {
      const chunk = pids.subarray(off, off + BATCH_CHUNK);
      this.loadChunk(chunk, 'exitMany');
      const r = this.ex.exitManyMark(chunk.length);
      if (r < 0) {
        for (let u = 0; u < off; u += BATCH_CHUNK) {
          const done = pids.subarray(u, u + BATCH_CHUNK);
          this.loadChunk(done, 'exitMany');
          this.ex.exitManyUnmark(done.length);
        }
        return r;
      }
    }
    for (let off = 0; off < n; off += BATCH_CHUNK) {
      const chunk = pids.subarray(off, off + BATCH_CHUNK);
      this.loadChunk(chunk, 'exitMany');
      this.ex.exitManyMarked(chunk.length);
    }
    return n;
  }

  taskState(pid: number): number {
    return this.ex.taskState(int(pid));
  }

  taskTgid(pid: number): number {
    return this.ex.taskTgid(int(pid));
  }

  taskPpid(pid: number): number {
    return this.ex.taskPpid(int(pid));
  }

  taskCset(pid: number): number {
    return this.ex.taskCset(int(pid));
  }

  taskCgroup(pid: number, h: number): number {
    return this.ex.taskCgroup(int(pid), int(h));
  }

  threadGroup(pid: number): Int32Array | number {
    const n = this.ex.threadGroup(int(pid));
    if (n < 0 && n !== ENOMEM) return n;
    return this.list(n, 'threadGroup');
  }

  pidsInUse(): number {
    return this.ex.pidsInUse();
  }

  // ---- hierarchies ----

  hierCreate(): number {
    return WasmEngine.ok(this.ex.hierCreate(), 'hierCreate');
  }

  hierDestroy(h: number): number {
    return this.ex.hierDestroy(int(h));
  }

  hierRoot(h: number): number {
    return this.ex.hierRoot(int(h));
  }

  hierNrCgroups(h: number): number {
    return this.ex.hierNrCgroups(int(h));
  }

  // ---- cgroups ----

  cgroupCreate(parent: number): number {
    return WasmEngine.ok(this.ex.cgroupCreate(int(parent)), 'cgroupCreate');
  }

  cgroupDestroy(cgrp: number): number {
    return this.ex.cgroupDestroy(int(cgrp));
  }

  cgroupParent(cgrp: number): number {
    return this.ex.cgroupParent(int(cgrp));
  }

  cgroupHier(cgrp: number): number {
    return this.ex.cgroupHier(int(cgrp));
  }

  cgroupChildren(cgrp: number): Int32Array {
    return this.list(this.ex.cgroupChildren(int(cgrp)), 'cgroupChildren');
  }

  cgroupSetNotify(cgrp: number, on: boolean): number {
    return this.ex.cgroupSetNotify(int(cgrp), on ? 1 : 0);
  }

  cgroupNotify(cgrp: number): boolean {
    return this.ex.cgroupNotify(int(cgrp)) !== 0;
  }

  cgroupPopulated(cgrp: number): boolean {
    return this.ex.cgroupPopulated(int(cgrp)) !== 0;
  }

  cgroupTaskCount(cgrp: number): number {
    return this.ex.cgroupTaskCount(int(cgrp));
  }

  cgroupTasks(cgrp: number, procs: boolean): Int32Array {
    return this.list(this.ex.cgroupTasks(int(cgrp), procs ? 1 : 0), 'cgroupTasks');
  }

  cgroupCsets(cgrp: number): Int32Array {
    return this.list(this.ex.cgroupCsets(int(cgrp)), 'cgroupCsets');
  }

  cssGet(cgrp: number): number {
    return this.ex.cssGet(int(cgrp));
  }

  cssPut(cgrp: number): number {
    return this.ex.cssPut(int(cgrp));
  }

  cgroupCssRefs(cgrp: number): number {
    return this.ex.cgroupCssRefs(int(cgrp));
  }

  // ---- attach ----

  attach(pid: number, cgrp: number, group: boolean): number {
    return WasmEngine.ok(this.ex.attach(int(pid), int(cgrp), group ? 1 : 0), 'attach');
  }

  attachMany(pids: Int32Array, cgrp: number): number {
    const n = pids.length;
    const c = int(cgrp);
    if (n <= BATCH_CHUNK) {
      this.loadChunk(pids, 'attachMany');
      return WasmEngine.ok(this.ex.attachMany(n, c), 'attachMany');
    }
    for (let off = 0; off < n; off += BATCH_CHUNK) {
      const chunk = pids.subarray(off, off + BATCH_CHUNK);
      this.loadChunk(chunk, 'attachMany');
      const r = this.ex.attachManyCheck(chunk.length, c);
      if (r < 0) return r;
    }
    for (let off = 0; off < n; off += BATCH_CHUNK) {
      const chunk = pids.subarray(off, off + BATCH_CHUNK);
      this.loadChunk(chunk, 'attachMany');
      WasmEngine.ok(this.ex.attachManyApply(chunk.length, c), 'attachMany');
    }
    return n;
  }

  // ---- css_sets ----

  csetRefcount(cs: number): number {
    return this.ex.csetRefcount(int(cs));
  }

  csetNrTasks(cs: number): number {
    return this.ex.csetNrTasks(int(cs));
  }

  csetCgroups(cs: number): Int32Array {
    return this.list(this.ex.csetCgroups(int(cs)), 'csetCgroups');
  }

  csetTasks(cs: number): Int32Array {
    return this.list(this.ex.csetTasks(int(cs)), 'csetTasks');
  }

  // ---- release queue ----

  releasePop(): number {
    return this.ex.releasePop();
  }

  // ---- cpuacct ----

  charge(pid: number, ns: number, cpu: number, mode: number, h: number): number {
    return this.ex.charge(int(pid), ns, int(cpu), int(mode), int(h));
  }

  /** Copy a chunk of (ns, pid) pairs into the IO buffer: all ns (f64), then all pids. */
  private loadChargeChunk(pids: Int32Array, ns: Float64Array): void {
    const n = pids.length;
    const ptr = this.scratch(n * 12, 'chargeMany');
    this.f64().set(ns, ptr >>> 3);
    this.i32().set(pids, (ptr + n * 8) >>> 2);
  }

  chargeMany(pids: Int32Array, ns: Float64Array, cpu: number, mode: number, h: number): number {
    if (pids.length !== ns.length) return EINVAL;
    const n = pids.length;
    const [c, m, s] = [int(cpu), int(mode), int(h)];
    if (n <= BATCH_CHUNK) {
      this.loadChargeChunk(pids, ns);
      return this.ex.chargeMany(n, c, m, s);
    }
    for (let off = 0; off < n; off += BATCH_CHUNK) {
      this.loadChargeChunk(pids.subarray(off, off + BATCH_CHUNK), ns.subarray(off, off + BATCH_CHUNK));
      const r = this.ex.chargeManyCheck(Math.min(BATCH_CHUNK, n - off), c, m, s);
      if (r < 0) return r;
    }
    for (let off = 0; off < n; off += BATCH_CHUNK) {
      this.loadChargeChunk(pids.subarray(off, off + BATCH_CHUNK), ns.subarray(off, off + BATCH_CHUNK));
      this.ex.chargeManyApply(Math.min(BATCH_CHUNK, n - off), c, m, s);
    }
    return n;
  }

  cpuacctUsage(cgrp: number, cpu: number, mode: number): bigint {
    const c = int(cgrp);
    const v = this.ex.cpuacctUsage(c, int(cpu), int(mode));
    if (v === -1n && this.ex.cpuacctValid(c, int(cpu), int(mode)) === 0) return -1n;
    return BigInt.asUintN(64, v);
  }

  cpuacctReset(cgrp: number): number {
    return this.ex.cpuacctReset(int(cgrp));
  }

  cpuacctMove(from: number, to: number): number {
    return this.ex.cpuacctMove(int(from), int(to));
  }

  // ---- whole state ----

  stats(): EngineStats {
    return {
      tasks: this.ex.statTasks(),
      cssSets: this.ex.statCsets(),
      cgroups: this.ex.statCgroups(),
      hierarchies: this.ex.statHierarchies(),
      memoryBytes: this.memory.buffer.byteLength,
    };
  }

  dump(): EngineDump {
    const ex = this.ex;
    const n = ex.taskDump();
    if (n === ENOMEM) outOfMemory('dump');
    const at = (ex.ioPtr() >>> 0) >>> 2;
    const raw = this.i32().slice(at, at + DUMP_WORDS * n);
    const tasks: EngineDump['tasks'] = [];
    for (let i = 0; i < n; i++) {
      const r = i * DUMP_WORDS;
      tasks.push({ pid: raw[r]!, tgid: raw[r + 1]!, ppid: raw[r + 2]!, cset: raw[r + 3]!, state: raw[r + 4]! });
    }
    const csets: EngineDump['csets'] = [];
    for (let id = 1, high = ex.csetHighId(); id <= high; id++) {
      const refcount = ex.csetRefcount(id);
      if (refcount < 0) continue;
      csets.push({
        id,
        refcount,
        nrTasks: ex.csetNrTasks(id),
        cgroups: Array.from(this.csetCgroups(id)),
        tasks: Array.from(this.csetTasks(id)),
      });
    }
    const cgroups: EngineDump['cgroups'] = [];
    for (let id = 1, high = ex.cgroupHighId(); id <= high; id++) {
      const parent = ex.cgroupParent(id);
      if (parent < 0) continue;
      cgroups.push({
        id,
        parent,
        hier: ex.cgroupHier(id),
        children: Array.from(this.cgroupChildren(id)),
        csets: Array.from(this.cgroupCsets(id)),
        notify: this.cgroupNotify(id),
        populated: this.cgroupPopulated(id),
        cssRefs: ex.cgroupCssRefs(id),
        queued: ex.cgroupQueued(id) !== 0,
      });
    }
    const hierarchies: EngineDump['hierarchies'] = [];
    for (let slot = 0; slot < this.maxHierarchies; slot++) {
      const root = ex.hierRoot(slot);
      if (root > 0) hierarchies.push({ slot, root, nrCgroups: ex.hierNrCgroups(slot) });
    }
    return {
      cursor: ex.cursor(),
      tasks,
      csets,
      cgroups,
      hierarchies,
      releaseQueue: Array.from(this.list(ex.releaseQueue(), 'dump')),
    };
  }

  selfCheck(): string | null {
    const code = this.ex.selfCheck();
    if (code === 0) return null;
    const where = this.ex.checkWhere() >>> 0;
    return `wasm selfCheck ${code}: ${CHECK_MESSAGES[code] ?? 'unknown failure'} (at id ${where})`;
  }
}

/** Build a wasm engine (the options are complete: see createEngine for defaults). */
export function createWasmEngine(opts: EngineOptions): WasmEngine {
  return new WasmEngine(opts);
}
