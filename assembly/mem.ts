// Region allocator over memory.grow.
//
// The stub runtime never frees, and a single heap.alloc is capped below 1 GiB, so the engine
// manages its own regions and never touches the managed heap:
//
//   - permanent regions (the task table, the pid bitmap) are cut from the bump pointer once,
//     at init, with their exact size;
//   - growable tables (csets, cgroups, counters, hash tables, scratch buffers) take regions of
//     a power-of-two size class; a freed region goes on its class's free list (LIFO) and the
//     next request of that class reuses it, so a doubled table reuses what an older one left.
//
//   heap base                                                                memory end
//   +----------------+---------------------+--------+--------+-----  ...  ---+
//   | class heads    | permanent regions   | region | region |  bump -->     |
//   | 32 x u32       |                     |        |        |               |
//   +----------------+---------------------+--------+--------+-----  ...  ---+
//
// A free region keeps the next free region of its class in its first word.
// Every allocation returns 0 when linear memory cannot grow (the 4 GiB wasm32 ceiling).

const PAGE_SHIFT: u32 = 16;
const ALIGN: usize = 16;
const CLASS_MIN_SHIFT: u32 = 4; // 16 bytes
const CLASS_COUNT: u32 = 32;
const CLASS_HEAD: u32 = 4;
const CLASS_TABLE: usize = <usize>(CLASS_COUNT * CLASS_HEAD);

let classTable: usize = 0;
let bump: usize = 0;

// @ts-ignore: decorator
@inline function alignUp(x: u64, a: u64): u64 {
  return (x + a - 1) & ~(a - 1);
}

/** Set up the allocator at the heap base. Called once by engine init. */
export function memInit(): void {
  classTable = <usize>alignUp(<u64>__heap_base, <u64>ALIGN);
  bump = classTable + CLASS_TABLE;
  memEnsure(bump);
  memory.fill(classTable, 0, CLASS_TABLE);
}

/** Grow linear memory so that addresses below `end` are valid. false when it cannot. */
export function memEnsure(end: u64): bool {
  let have = <u64>memory.size() << PAGE_SHIFT;
  if (end <= have) return true;
  if (end > (<u64>1 << 32)) return false;
  let need = <i32>((end - have + ((1 << PAGE_SHIFT) - 1)) >> PAGE_SHIFT);
  return memory.grow(need) >= 0;
}

/** Cut `size` bytes from the bump pointer, 16-byte aligned. 0 when memory is exhausted. */
function memBump(size: u64): usize {
  let start = alignUp(<u64>bump, <u64>ALIGN);
  let end = start + size;
  // addresses are u32: the last byte of the 4 GiB space stays unused so `bump` never wraps
  if (end >= (<u64>1 << 32) || !memEnsure(end)) return 0;
  bump = <usize>end;
  return <usize>start;
}

/** A permanent region of exactly `size` bytes (zeroed: fresh pages). 0 when out of memory. */
export function memAllocFixed(size: u64): usize {
  return memBump(size);
}

// @ts-ignore: decorator
@inline function classOf(size: u64): u32 {
  if (size <= (<u64>1 << CLASS_MIN_SHIFT)) return 0;
  return <u32>(64 - clz<u64>(size - 1)) - CLASS_MIN_SHIFT;
}

// @ts-ignore: decorator
@inline function classHeadAddr(cls: u32): usize {
  return classTable + <usize>(cls * CLASS_HEAD);
}

/** The size a request of `size` bytes really gets (its class size). */
export function memRegionSize(size: u64): u64 {
  return <u64>1 << (classOf(size) + CLASS_MIN_SHIFT);
}

/** A region of at least `size` bytes (not zeroed). 0 when out of memory. */
export function memAlloc(size: u64): usize {
  let cls = classOf(size);
  if (cls >= CLASS_COUNT) return 0;
  let head = load<u32>(classHeadAddr(cls));
  if (head) {
    store<u32>(classHeadAddr(cls), load<u32>(<usize>head));
    return <usize>head;
  }
  return memBump(<u64>1 << (cls + CLASS_MIN_SHIFT));
}

/** A region of at least `size` bytes, zeroed. 0 when out of memory. */
export function memAllocZeroed(size: u64): usize {
  let p = memAlloc(size);
  if (p) memory.fill(p, 0, <usize>size);
  return p;
}

/** Return a region obtained from memAlloc with the same `size`. */
export function memFree(ptr: usize, size: u64): void {
  if (!ptr) return;
  let cls = classOf(size);
  store<u32>(ptr, load<u32>(classHeadAddr(cls)));
  store<u32>(classHeadAddr(cls), <u32>ptr);
}

/**
 * Move a region to a bigger one: copy `oldSize` bytes, zero the rest up to `newSize`, free
 * the old one. Returns the new region, or 0 (old region kept) when out of memory.
 */
export function memRealloc(ptr: usize, oldSize: u64, newSize: u64): usize {
  let p = memAlloc(newSize);
  if (!p) return 0;
  if (ptr) memory.copy(p, ptr, <usize>oldSize);
  memory.fill(p + <usize>oldSize, 0, <usize>(newSize - oldSize));
  memFree(ptr, oldSize);
  return p;
}

/** Bytes of linear memory in use by the bump pointer (for stats/tests). */
export function memBumpTop(): usize {
  return bump;
}

// ---- lists: plain arrays of u32 (or f64) in a buffer or batch input ----
export const LIST_U32: u32 = 4;
export const LIST_F64: u32 = 8;

/** Bytes for n u32 list entries. */
// @ts-ignore: decorator
@inline export function listBytes(n: u32): u64 {
  return <u64>n * LIST_U32;
}
/** Entry i of a u32 list at base. */
// @ts-ignore: decorator
@inline export function listGet(base: usize, i: u32): u32 {
  return load<u32>(base + <usize>i * LIST_U32);
}
// @ts-ignore: decorator
@inline export function listSet(base: usize, i: u32, v: u32): void {
  store<u32>(base + <usize>i * LIST_U32, v);
}
/** Entry i of an f64 list at base. */
// @ts-ignore: decorator
@inline export function listGetF64(base: usize, i: u32): f64 {
  return load<f64>(base + <usize>i * LIST_F64);
}

// ---- scratch buffers ----
//
// IO: the buffer JS reads results from and writes batch inputs to (index.ts `scratch`).
// TMP: internal lists (a thread group's members). SORT: the radix sort's second array.
// Each grows by class size; growing does not keep the contents.
export const BUF_IO: u32 = 0;
export const BUF_TMP: u32 = 1;
export const BUF_SORT: u32 = 2;
const BUF_COUNT: u32 = 3;

let bufPtr0: usize = 0;
let bufPtr1: usize = 0;
let bufPtr2: usize = 0;
let bufCap0: u64 = 0;
let bufCap1: u64 = 0;
let bufCap2: u64 = 0;

/** The current address of buffer `which` (0 before its first use). */
export function bufPtr(which: u32): usize {
  return which == BUF_IO ? bufPtr0 : which == BUF_TMP ? bufPtr1 : bufPtr2;
}

/** Buffer `which` with room for at least `bytes` bytes (contents lost if it moves); 0 when out of memory. */
export function bufEnsure(which: u32, bytes: u64): usize {
  assert(which < BUF_COUNT);
  if (bytes < 64) bytes = 64;
  let cap = which == BUF_IO ? bufCap0 : which == BUF_TMP ? bufCap1 : bufCap2;
  let ptr = bufPtr(which);
  if (bytes <= cap) return ptr;
  let np = memAlloc(bytes);
  if (!np) return 0;
  memFree(ptr, cap);
  let ncap = memRegionSize(bytes);
  if (which == BUF_IO) { bufPtr0 = np; bufCap0 = ncap; }
  else if (which == BUF_TMP) { bufPtr1 = np; bufCap1 = ncap; }
  else { bufPtr2 = np; bufCap2 = ncap; }
  return np;
}

// ---- image state (index.ts stateGet/stateSet): this module's variables, in a fixed order ----
export const MEM_STATE_WORDS: u32 = 8;

export function memStateGet(i: u32): u64 {
  switch (i) {
    case 0: return <u64>classTable;
    case 1: return <u64>bump;
    case 2: return <u64>bufPtr0;
    case 3: return <u64>bufPtr1;
    case 4: return <u64>bufPtr2;
    case 5: return bufCap0;
    case 6: return bufCap1;
    case 7: return bufCap2;
  }
  return 0;
}

export function memStateSet(i: u32, v: u64): void {
  switch (i) {
    case 0: classTable = <usize>v; break;
    case 1: bump = <usize>v; break;
    case 2: bufPtr0 = <usize>v; break;
    case 3: bufPtr1 = <usize>v; break;
    case 4: bufPtr2 = <usize>v; break;
    case 5: bufCap0 = v; break;
    case 6: bufCap1 = v; break;
    case 7: bufCap2 = v; break;
  }
}
