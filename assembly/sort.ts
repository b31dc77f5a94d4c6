// Sorting and de-duplicating u32 lists in place (listings are returned sorted).
//
// LSD radix sort, 8-bit digits; all four digit histograms come from one pass, and a digit on
// which every key agrees is skipped (pids below 2^24 take three passes, small ids one or two).
// Short lists use insertion sort.

import { BUF_SORT, bufEnsure, memAllocFixed } from './mem';

const RADIX_BITS: u32 = 8;
const RADIX: u32 = 1 << RADIX_BITS;
const DIGITS: u32 = 4;
const HIST_BYTES: u32 = RADIX * 4; // one histogram: RADIX u32 counters
const SMALL: u32 = 48;

let hist: usize = 0;

export function sortInit(): bool {
  hist = memAllocFixed(<u64>HIST_BYTES * DIGITS);
  return hist != 0;
}

// @ts-ignore: decorator
@inline function at(ptr: usize, i: u32): usize {
  return ptr + (<usize>i << 2);
}

function insertionSort(ptr: usize, n: u32): void {
  for (let i: u32 = 1; i < n; i++) {
    let k = load<u32>(at(ptr, i));
    let j = i;
    while (j > 0) {
      let prev = load<u32>(at(ptr, j - 1));
      if (prev <= k) break;
      store<u32>(at(ptr, j), prev);
      j--;
    }
    store<u32>(at(ptr, j), k);
  }
}

/** 1 if the list is ascending, -1 if strictly descending, 0 otherwise. */
function sortOrder(ptr: usize, n: u32): i32 {
  let up = true;
  let down = true;
  let prev = load<u32>(ptr);
  for (let i: u32 = 1; i < n && (up || down); i++) {
    let k = load<u32>(at(ptr, i));
    if (k < prev) up = false;
    if (k >= prev) down = false;
    prev = k;
  }
  return up ? 1 : down ? -1 : 0;
}

function reverse(ptr: usize, n: u32): void {
  let i: u32 = 0;
  let j = n - 1;
  while (i < j) {
    let a = load<u32>(at(ptr, i));
    store<u32>(at(ptr, i), load<u32>(at(ptr, j)));
    store<u32>(at(ptr, j), a);
    i++;
    j--;
  }
}

/** Sort n u32 at ptr ascending. false when out of memory. */
export function sortU32(ptr: usize, n: u32): bool {
  if (n < SMALL) {
    insertionSort(ptr, n);
    return true;
  }
  // task lists are built by head insertion: already sorted, or reversed, is common
  let order = sortOrder(ptr, n);
  if (order > 0) return true;
  if (order < 0) {
    reverse(ptr, n);
    return true;
  }
  let tmp = bufEnsure(BUF_SORT, <u64>n << 2);
  if (!tmp) return false;
  memory.fill(hist, 0, HIST_BYTES * DIGITS);
  for (let i: u32 = 0; i < n; i++) {
    let k = load<u32>(at(ptr, i));
    for (let d: u32 = 0; d < DIGITS; d++) {
      let c = hist + d * HIST_BYTES + (((k >> (d * RADIX_BITS)) & (RADIX - 1)) << 2);
      store<u32>(c, load<u32>(c) + 1);
    }
  }
  let src = ptr;
  let dst = tmp;
  let first = load<u32>(ptr);
  for (let d: u32 = 0; d < DIGITS; d++) {
    let shift = d * RADIX_BITS;
    let h = hist + d * HIST_BYTES;
    if (load<u32>(h + (((first >> shift) & (RADIX - 1)) << 2)) == n) continue; // one bucket
    let sum: u32 = 0;
    for (let b: u32 = 0; b < RADIX; b++) {
      let c = load<u32>(h + (b << 2));
      store<u32>(h + (b << 2), sum);
      sum += c;
    }
    for (let i: u32 = 0; i < n; i++) {
      let k = load<u32>(at(src, i));
      let c = h + (((k >> shift) & (RADIX - 1)) << 2);
      let pos = load<u32>(c);
      store<u32>(c, pos + 1);
      store<u32>(at(dst, pos), k);
    }
    let t = src;
    src = dst;
    dst = t;
  }
  if (src != ptr) memory.copy(ptr, src, <usize>n << 2);
  return true;
}

/** Drop repeats from a sorted list; the new length. */
export function sortUnique(ptr: usize, n: u32): u32 {
  if (n == 0) return 0;
  let j: u32 = 1;
  let last = load<u32>(ptr);
  for (let i: u32 = 1; i < n; i++) {
    let k = load<u32>(at(ptr, i));
    if (k != last) {
      store<u32>(at(ptr, j++), k);
      last = k;
    }
  }
  return j;
}

// ---- image state (index.ts stateGet/stateSet) ----
export const SORT_STATE_WORDS: u32 = 1;
export function sortStateGet(i: u32): u64 { return i == 0 ? <u64>hist : 0; }
export function sortStateSet(i: u32, v: u64): void { if (i == 0) hist = <usize>v; }
