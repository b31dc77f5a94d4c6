// css_sets: the cset table, the hash table that finds a cset by its vector of cgroups, the
// per-cset task lists and the cgroup <-> cset links. Layouts are in defs.ts.
//
// A cset's identity is its vector (one cgroup per hierarchy slot, 0 in dead slots). Its hash
// is the wrapping sum of csetSlotMix(h, cgrp[h]) over the live slots, cached in the record, so
// the hash of "this vector with slot h replaced" is computed in O(1) on attach. Mounting or
// destroying a hierarchy changes every vector and rehashes the table.
//
// Refcount = LIVE tasks on the cset (+1 permanent for init's cset, id 1); nrTasks = LIVE tasks.
// A cset is freed when its refcount reaches 0: unlinked from its cgroups, dropped from the
// hash table, its id pushed on the free-id stack.

import {
  CSET_CGRP_SIZE, CSET_FREE_NEXT, CSET_HASH, CSET_HEADER, CSET_LINK_NEXT, CSET_LINK_PREV,
  CSET_LINK_SIZE, CSET_MIN_CAP, CSET_NR_TASKS, CSET_REFCOUNT, CSET_TASK_HEAD, CSH_ENTRY, CSH_HASH,
  CSH_ID, CSH_MIN_CAP, INIT_CSET, csetStrideFor,
} from './defs';
import { memAllocZeroed, memFree, memRealloc } from './mem';
import {
  cgrpCsetHead, cgrpNrCsets, cgrpNrPopCsets, cgrpPopulatedDec, cgrpPopulatedInc, cgrpSetCsetHead,
  cgrpSetNrCsets, cgrpSetNrPopCsets, hierCount, hierLiveSlot,
} from './cgroup';
import { tskNext, tskPrev, tskSetNext, tskSetPrev } from './task';

// ---- state ----
let csBase: usize = 0; // cset records, indexed by id
let csCap: u32 = 0; // records the table holds (ids 0 .. csCap-1)
let csHigh: u32 = 0; // highest id ever used
let csFreeTop: u32 = 0; // free-id stack (LIFO), 0 = empty
let csLiveCount: u32 = 0;
let csStride: u32 = 0;
let csLinkOff: u32 = 0; // offset of link[0] in a record
let csMaxH: u32 = 0;

let htBase: usize = 0; // hash table entries
let htCap: u32 = 0; // power of two
let htCount: u32 = 0;

// ---- record accessors ----
// @ts-ignore: decorator
@inline function csetAddr(cset: u32): usize {
  return csBase + <usize>cset * csStride;
}
// @ts-ignore: decorator
@inline export function csetRefcount(cset: u32): u32 { return load<u32>(csetAddr(cset), CSET_REFCOUNT); }
// @ts-ignore: decorator
@inline function csetSetRefcount(cset: u32, v: u32): void { store<u32>(csetAddr(cset), v, CSET_REFCOUNT); }
// @ts-ignore: decorator
@inline export function csetNrTasks(cset: u32): u32 { return load<u32>(csetAddr(cset), CSET_NR_TASKS); }
// @ts-ignore: decorator
@inline function csetSetNrTasks(cset: u32, v: u32): void { store<u32>(csetAddr(cset), v, CSET_NR_TASKS); }
// @ts-ignore: decorator
@inline export function csetTaskHead(cset: u32): u32 { return load<u32>(csetAddr(cset), CSET_TASK_HEAD); }
// @ts-ignore: decorator
@inline export function csetSetTaskHead(cset: u32, v: u32): void { store<u32>(csetAddr(cset), v, CSET_TASK_HEAD); }
// @ts-ignore: decorator
@inline export function csetFreeNext(cset: u32): u32 { return load<u32>(csetAddr(cset), CSET_FREE_NEXT); }
// @ts-ignore: decorator
@inline function csetSetFreeNext(cset: u32, v: u32): void { store<u32>(csetAddr(cset), v, CSET_FREE_NEXT); }
// @ts-ignore: decorator
@inline export function csetHash(cset: u32): u32 { return load<u32>(csetAddr(cset), CSET_HASH); }
// @ts-ignore: decorator
@inline function csetSetHash(cset: u32, v: u32): void { store<u32>(csetAddr(cset), v, CSET_HASH); }
// @ts-ignore: decorator
@inline function csetCgrpAddr(cset: u32, h: u32): usize {
  return csetAddr(cset) + CSET_HEADER + <usize>(h * CSET_CGRP_SIZE);
}
/** The cgroup of cset in slot h (0 when the slot is not live). */
// @ts-ignore: decorator
@inline export function csetCgrp(cset: u32, h: u32): u32 { return load<u32>(csetCgrpAddr(cset, h)); }
// @ts-ignore: decorator
@inline function csetSetCgrp(cset: u32, h: u32, v: u32): void { store<u32>(csetCgrpAddr(cset, h), v); }
// @ts-ignore: decorator
@inline function csetLinkAddr(cset: u32, h: u32): usize {
  return csetAddr(cset) + csLinkOff + <usize>(h * CSET_LINK_SIZE);
}
/** Next / previous cset in the list of csets linked to csetCgrp(cset, h). */
// @ts-ignore: decorator
@inline export function csetLinkNext(cset: u32, h: u32): u32 {
  return load<u32>(csetLinkAddr(cset, h), CSET_LINK_NEXT);
}
// @ts-ignore: decorator
@inline function csetSetLinkNext(cset: u32, h: u32, v: u32): void {
  store<u32>(csetLinkAddr(cset, h), v, CSET_LINK_NEXT);
}
// @ts-ignore: decorator
@inline export function csetLinkPrev(cset: u32, h: u32): u32 {
  return load<u32>(csetLinkAddr(cset, h), CSET_LINK_PREV);
}
// @ts-ignore: decorator
@inline function csetSetLinkPrev(cset: u32, h: u32, v: u32): void {
  store<u32>(csetLinkAddr(cset, h), v, CSET_LINK_PREV);
}

/** A cset id names a live cset. */
// @ts-ignore: decorator
@inline export function csetIsLive(cset: u32): bool {
  return cset - 1 < csHigh && csetRefcount(cset) != 0;
}
export function csetHighId(): u32 { return csHigh; }
export function csetFreeTop(): u32 { return csFreeTop; }
export function csetLiveCount(): u32 { return csLiveCount; }
export function csetHashCap(): u32 { return htCap; }
export function csetHashCount(): u32 { return htCount; }
/** The cset id in hash-table slot i (0 = empty). */
export function csetHashSlot(i: u32): u32 { return load<u32>(htBase + <usize>i * CSH_ENTRY, CSH_ID); }

// ---- hashing ----

/** Contribution of (slot h, cgroup) to a vector's hash. */
// @ts-ignore: decorator
@inline export function csetSlotMix(h: u32, cgrp: u32): u32 {
  let x = cgrp * 0x9E3779B1 + (h + 1) * 0x85EBCA77;
  x ^= x >> 16;
  x *= 0x7FEB352D;
  x ^= x >> 15;
  x *= 0x846CA68B;
  x ^= x >> 16;
  return x;
}

/** The hash of a cset's vector, computed from scratch over the live slots. */
export function csetHashCompute(cset: u32): u32 {
  let hash: u32 = 0;
  let n = hierCount();
  for (let i: u32 = 0; i < n; i++) {
    let h = hierLiveSlot(i);
    hash += csetSlotMix(h, csetCgrp(cset, h));
  }
  return hash;
}

// @ts-ignore: decorator
@inline function htEntry(i: u32): usize {
  return htBase + <usize>i * CSH_ENTRY;
}

function htInsert(cset: u32, hash: u32): void {
  let mask = htCap - 1;
  let i = hash & mask;
  while (load<u32>(htEntry(i), CSH_ID) != 0) i = (i + 1) & mask;
  store<u32>(htEntry(i), hash, CSH_HASH);
  store<u32>(htEntry(i), cset, CSH_ID);
  htCount++;
}

/** Remove cset (present) from the table; backward-shift the cluster behind it. */
function htRemove(cset: u32): void {
  let mask = htCap - 1;
  let i = csetHash(cset) & mask;
  while (load<u32>(htEntry(i), CSH_ID) != cset) i = (i + 1) & mask;
  let j = i;
  while (true) {
    j = (j + 1) & mask;
    let id = load<u32>(htEntry(j), CSH_ID);
    if (!id) break;
    let home = load<u32>(htEntry(j), CSH_HASH) & mask;
    // the entry at j may move to the hole at i unless its home lies cyclically in (i, j]
    let stays = i <= j ? i < home && home <= j : i < home || home <= j;
    if (stays) continue;
    store<u64>(htEntry(i), load<u64>(htEntry(j)));
    i = j;
  }
  store<u64>(htEntry(i), 0);
  htCount--;
}

/** Rebuild the table with `cap` entries from the cached hashes of every live cset. */
function htRebuild(cap: u32): bool {
  let bytes = <u64>cap * CSH_ENTRY;
  if (cap != htCap) {
    let nb = memAllocZeroed(bytes);
    if (!nb) return false;
    memFree(htBase, <u64>htCap * CSH_ENTRY);
    htBase = nb;
    htCap = cap;
  } else {
    memory.fill(htBase, 0, <usize>bytes);
  }
  htCount = 0;
  for (let cs: u32 = 1; cs <= csHigh; cs++) {
    if (csetRefcount(cs) != 0) htInsert(cs, csetHash(cs));
  }
  return true;
}

/** Recompute every live cset's hash and rebuild the table (after a mount or destroy). */
export function csetRehash(): void {
  for (let cs: u32 = 1; cs <= csHigh; cs++) {
    if (csetRefcount(cs) != 0) csetSetHash(cs, csetHashCompute(cs));
  }
  htRebuild(htCap);
}

/** Find a live cset by hash among those equal to `cset` except slot h = cgrp; 0 if none. */
export function csetLookupVariant(cset: u32, h: u32, cgrp: u32, hash: u32): u32 {
  let mask = htCap - 1;
  let i = hash & mask;
  let n = hierCount();
  while (true) {
    let e = htEntry(i);
    let id = load<u32>(e, CSH_ID);
    if (!id) return 0;
    if (load<u32>(e, CSH_HASH) == hash && csetCgrp(id, h) == cgrp) {
      let k: u32 = 0;
      for (; k < n; k++) {
        let s = hierLiveSlot(k);
        if (s != h && csetCgrp(id, s) != csetCgrp(cset, s)) break;
      }
      if (k == n) return id;
    }
    i = (i + 1) & mask;
  }
}

/** The first live cset in probe order whose vector equals `cset`'s (itself unless duplicated). */
export function csetLookupSame(cset: u32): u32 {
  let mask = htCap - 1;
  let hash = csetHash(cset);
  let i = hash & mask;
  let n = hierCount();
  for (let probes: u32 = 0; probes < htCap; probes++) {
    let e = htEntry(i);
    let id = load<u32>(e, CSH_ID);
    if (!id) return 0;
    if (load<u32>(e, CSH_HASH) == hash) {
      let k: u32 = 0;
      for (; k < n; k++) {
        let s = hierLiveSlot(k);
        if (csetCgrp(id, s) != csetCgrp(cset, s)) break;
      }
      if (k == n) return id;
    }
    i = (i + 1) & mask;
  }
  return 0;
}

// ---- table ----

/** Set up the cset table and create init's cset (id 1, permanent reference). */
export function csetInit(maxH: u32): bool {
  csMaxH = maxH;
  csStride = csetStrideFor(maxH);
  csLinkOff = CSET_HEADER + maxH * CSET_CGRP_SIZE;
  csCap = CSET_MIN_CAP;
  csBase = memAllocZeroed(<u64>csCap * csStride);
  htCap = CSH_MIN_CAP;
  htBase = memAllocZeroed(<u64>htCap * CSH_ENTRY);
  if (!csBase || !htBase) return false;
  csHigh = INIT_CSET;
  csLiveCount = 1;
  csetSetRefcount(INIT_CSET, 1);
  csetSetHash(INIT_CSET, 0);
  htInsert(INIT_CSET, 0);
  return true;
}

/** Take a cset id (free stack first, else one past the highest); record zeroed. 0 when out of memory. */
function csetIdAlloc(): u32 {
  let cset = csFreeTop;
  if (cset) {
    csFreeTop = csetFreeNext(cset);
  } else {
    cset = csHigh + 1;
    if (cset >= csCap) {
      let nb = memRealloc(csBase, <u64>csCap * csStride, <u64>(csCap << 1) * csStride);
      if (!nb) return 0;
      csBase = nb;
      csCap <<= 1;
    }
    csHigh = cset;
  }
  memory.fill(csetAddr(cset), 0, csStride);
  return cset;
}

/** Put cset on the list of csets linked to cgrp (its slot h). */
function csetLink(cset: u32, h: u32, cgrp: u32): void {
  let next = cgrpCsetHead(cgrp);
  csetSetLinkNext(cset, h, next);
  csetSetLinkPrev(cset, h, 0);
  if (next) csetSetLinkPrev(next, h, cset);
  cgrpSetCsetHead(cgrp, cset);
  cgrpSetNrCsets(cgrp, cgrpNrCsets(cgrp) + 1);
}

/** Take cset off the list of its cgroup in slot h. */
function csetUnlink(cset: u32, h: u32): void {
  let cgrp = csetCgrp(cset, h);
  let next = csetLinkNext(cset, h);
  let prev = csetLinkPrev(cset, h);
  if (prev) csetSetLinkNext(prev, h, next);
  else cgrpSetCsetHead(cgrp, next);
  if (next) csetSetLinkPrev(next, h, prev);
  csetSetLinkNext(cset, h, 0);
  csetSetLinkPrev(cset, h, 0);
  cgrpSetNrCsets(cgrp, cgrpNrCsets(cgrp) - 1);
}

/**
 * A cset whose vector is `cset`'s with slot h = cgrp, with one reference taken: an existing
 * one, or a new one (refcount 1, no tasks) linked to its cgroups. 0 when out of memory.
 */
export function csetGetVariant(cset: u32, h: u32, cgrp: u32): u32 {
  let hash = csetHash(cset) - csetSlotMix(h, csetCgrp(cset, h)) + csetSlotMix(h, cgrp);
  let found = csetLookupVariant(cset, h, cgrp, hash);
  if (found) {
    csetSetRefcount(found, csetRefcount(found) + 1);
    return found;
  }
  if ((htCount + 1) << 1 > htCap) {
    if (!htRebuild(htCap << 1)) return 0;
  }
  let id = csetIdAlloc();
  if (!id) return 0;
  memory.copy(csetCgrpAddr(id, 0), csetCgrpAddr(cset, 0), <usize>(csMaxH * CSET_CGRP_SIZE));
  csetSetCgrp(id, h, cgrp);
  csetSetRefcount(id, 1);
  csetSetHash(id, hash);
  let n = hierCount();
  for (let k: u32 = 0; k < n; k++) {
    let s = hierLiveSlot(k);
    csetLink(id, s, csetCgrp(id, s));
  }
  htInsert(id, hash);
  csLiveCount++;
  return id;
}

/** Take a reference. */
// @ts-ignore: decorator
@inline export function csetGet(cset: u32): void {
  csetSetRefcount(cset, csetRefcount(cset) + 1);
}

/** Take n references. */
// @ts-ignore: decorator
@inline export function csetGetMany(cset: u32, n: u32): void {
  csetSetRefcount(cset, csetRefcount(cset) + n);
}

/** Drop a reference; free the cset at 0. */
// @ts-ignore: decorator
@inline export function csetPut(cset: u32): void {
  let refs = csetRefcount(cset) - 1;
  csetSetRefcount(cset, refs);
  if (refs == 0) csetFree(cset);
}

function csetFree(cset: u32): void {
  let n = hierCount();
  for (let k: u32 = 0; k < n; k++) csetUnlink(cset, hierLiveSlot(k));
  htRemove(cset);
  csetSetFreeNext(cset, csFreeTop);
  csFreeTop = cset;
  csLiveCount--;
}

// ---- task lists and nrTasks ----

/** Put pid at the head of cset's task list (no counts). */
// @ts-ignore: decorator
@inline export function csetTaskLink(cset: u32, pid: u32): void {
  let head = csetTaskHead(cset);
  tskSetNext(pid, head);
  tskSetPrev(pid, 0);
  if (head) tskSetPrev(head, pid);
  csetSetTaskHead(cset, pid);
}

/** Take pid off cset's task list (no counts). */
// @ts-ignore: decorator
@inline export function csetTaskUnlink(cset: u32, pid: u32): void {
  let next = tskNext(pid);
  let prev = tskPrev(pid);
  if (prev) tskSetNext(prev, next);
  else csetSetTaskHead(cset, next);
  if (next) tskSetPrev(next, prev);
}

/** One more LIVE task on cset; its cgroups learn when it becomes populated. */
// @ts-ignore: decorator
@inline export function csetNrTasksInc(cset: u32): void {
  let n = csetNrTasks(cset);
  csetSetNrTasks(cset, n + 1);
  if (n == 0) csetPopulate(cset);
}

/** n more LIVE tasks on cset (n > 0). */
export function csetNrTasksAdd(cset: u32, n: u32): void {
  let old = csetNrTasks(cset);
  csetSetNrTasks(cset, old + n);
  if (old == 0) csetPopulate(cset);
}

/** One LIVE task less on cset; its cgroups learn when it becomes empty. */
// @ts-ignore: decorator
@inline export function csetNrTasksDec(cset: u32): void {
  let n = csetNrTasks(cset) - 1;
  csetSetNrTasks(cset, n);
  if (n == 0) csetDepopulate(cset);
}

function csetPopulate(cset: u32): void {
  let n = hierCount();
  for (let k: u32 = 0; k < n; k++) cgrpPopulatedInc(csetCgrp(cset, hierLiveSlot(k)));
}

function csetDepopulate(cset: u32): void {
  let n = hierCount();
  for (let k: u32 = 0; k < n; k++) cgrpPopulatedDec(csetCgrp(cset, hierLiveSlot(k)));
}

// ---- hierarchies ----

/** A hierarchy was created in slot h (already in the live list): link every cset to root. */
export function csetHierMount(h: u32, root: u32): void {
  let pop: u32 = 0;
  for (let cs: u32 = 1; cs <= csHigh; cs++) {
    if (csetRefcount(cs) == 0) continue;
    csetSetCgrp(cs, h, root);
    csetLink(cs, h, root);
    if (csetNrTasks(cs) != 0) pop++;
  }
  cgrpSetNrPopCsets(root, cgrpNrPopCsets(root) + pop);
  csetRehash();
}

/** The hierarchy in slot h is going (already out of the live list): clear every cset's slot. */
export function csetHierUnmount(h: u32): void {
  for (let cs: u32 = 1; cs <= csHigh; cs++) {
    if (csetRefcount(cs) == 0) continue;
    csetSetCgrp(cs, h, 0);
    csetSetLinkNext(cs, h, 0);
    csetSetLinkPrev(cs, h, 0);
  }
  csetRehash();
}

/** Hierarchy slots per vector (maxHierarchies). */
export function csetMaxSlots(): u32 { return csMaxH; }

// ---- image state (index.ts stateGet/stateSet): this module's variables, in a fixed order ----
export const CSET_STATE_WORDS: u32 = 11;

export function csetStateGet(i: u32): u64 {
  switch (i) {
    case 0: return <u64>csBase;
    case 1: return csCap;
    case 2: return csHigh;
    case 3: return csFreeTop;
    case 4: return csLiveCount;
    case 5: return csStride;
    case 6: return csLinkOff;
    case 7: return csMaxH;
    case 8: return <u64>htBase;
    case 9: return htCap;
    case 10: return htCount;
  }
  return 0;
}

export function csetStateSet(i: u32, v: u64): void {
  let w = <u32>v;
  switch (i) {
    case 0: csBase = <usize>w; break;
    case 1: csCap = w; break;
    case 2: csHigh = w; break;
    case 3: csFreeTop = w; break;
    case 4: csLiveCount = w; break;
    case 5: csStride = w; break;
    case 6: csLinkOff = w; break;
    case 7: csMaxH = w; break;
    case 8: htBase = <usize>w; break;
    case 9: htCap = w; break;
    case 10: htCount = w; break;
  }
}
