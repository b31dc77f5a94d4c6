// Hierarchies and cgroups: the cgroup table, the tree links, populated counts, the release
// queue and the cpuacct counters. Layouts are in defs.ts.
//
// Populated (modern semantics): a cgroup is populated when a linked cset has nrTasks > 0
// (nrPopCsets) or a child is populated (nrPopKids). cset.ts calls cgrpPopulatedInc/Dec only
// when a cset's nrTasks flips between 0 and 1; the change climbs the ancestors only as far as
// populated states flip, and every populated -> unpopulated flip runs the release check.

import {
  CG_CSET_HEAD, CG_CSS_REFS, CG_FIRST_CHILD, CG_FLAGS, CG_FREE_NEXT, CG_HIER, CG_LAST_CHILD,
  CG_MIN_CAP, CG_NEXT_SIB, CG_NR_CSETS, CG_NR_POP_CSETS, CG_NR_POP_KIDS, CG_PARENT, CG_PREV_SIB,
  CG_QUEUE_NEXT, CG_QUEUE_PREV, CG_RECORD, CGF_NOTIFY, CGF_QUEUED, CGF_REMOVED, CPUACCT_COUNTER,
  CPUACCT_MODES, EBUSY, EINVAL, ENOENT, ENOMEM, ENOSPC, HIER_NR_CGROUPS, HIER_RECORD, HIER_ROOT,
} from './defs';
import { memAllocFixed, memAllocZeroed, memRealloc } from './mem';
import { csetHierMount, csetHierUnmount } from './cset';

// ---- state ----
let cgBase: usize = 0; // cgroup records, indexed by id
let cgCap: u32 = 0; // records the table holds (ids 0 .. cgCap-1)
let cgHigh: u32 = 0; // highest id ever used
let cgFreeTop: u32 = 0; // top of the free-id stack (LIFO), 0 = empty
let cgLiveCount: u32 = 0;

let hierBase: usize = 0; // maxH hierarchy records
let hierMax: u32 = 0;
let hierLive: usize = 0; // live slot numbers, ascending (hierLiveCount of them), u32 each
let hierLiveCount: u32 = 0;

let queueHead: u32 = 0; // release queue: oldest
let queueTail: u32 = 0; // newest

let ctrBase: usize = 0; // cpuacct counters, indexed by cgroup id (0 = unbound root)
let ctrCap: u32 = 0; // counter records the table holds
let ctrStride: u32 = 0;
let cpuCount: u32 = 0;

// ---- cgroup record accessors ----
// @ts-ignore: decorator
@inline function cgrpAddr(cgrp: u32): usize {
  return cgBase + <usize>cgrp * CG_RECORD;
}
// @ts-ignore: decorator
@inline export function cgrpParent(cgrp: u32): u32 { return load<u32>(cgrpAddr(cgrp), CG_PARENT); }
// @ts-ignore: decorator
@inline function cgrpSetParent(cgrp: u32, v: u32): void { store<u32>(cgrpAddr(cgrp), v, CG_PARENT); }
// @ts-ignore: decorator
@inline export function cgrpFirstChild(cgrp: u32): u32 { return load<u32>(cgrpAddr(cgrp), CG_FIRST_CHILD); }
// @ts-ignore: decorator
@inline function cgrpSetFirstChild(cgrp: u32, v: u32): void { store<u32>(cgrpAddr(cgrp), v, CG_FIRST_CHILD); }
// @ts-ignore: decorator
@inline export function cgrpLastChild(cgrp: u32): u32 { return load<u32>(cgrpAddr(cgrp), CG_LAST_CHILD); }
// @ts-ignore: decorator
@inline function cgrpSetLastChild(cgrp: u32, v: u32): void { store<u32>(cgrpAddr(cgrp), v, CG_LAST_CHILD); }
// @ts-ignore: decorator
@inline export function cgrpNextSib(cgrp: u32): u32 { return load<u32>(cgrpAddr(cgrp), CG_NEXT_SIB); }
// @ts-ignore: decorator
@inline function cgrpSetNextSib(cgrp: u32, v: u32): void { store<u32>(cgrpAddr(cgrp), v, CG_NEXT_SIB); }
// @ts-ignore: decorator
@inline export function cgrpPrevSib(cgrp: u32): u32 { return load<u32>(cgrpAddr(cgrp), CG_PREV_SIB); }
// @ts-ignore: decorator
@inline function cgrpSetPrevSib(cgrp: u32, v: u32): void { store<u32>(cgrpAddr(cgrp), v, CG_PREV_SIB); }
// @ts-ignore: decorator
@inline export function cgrpHier(cgrp: u32): u32 { return load<u32>(cgrpAddr(cgrp), CG_HIER); }
// @ts-ignore: decorator
@inline function cgrpSetHier(cgrp: u32, v: u32): void { store<u32>(cgrpAddr(cgrp), v, CG_HIER); }
// @ts-ignore: decorator
@inline export function cgrpFlags(cgrp: u32): u32 { return load<u32>(cgrpAddr(cgrp), CG_FLAGS); }
// @ts-ignore: decorator
@inline function cgrpSetFlags(cgrp: u32, v: u32): void { store<u32>(cgrpAddr(cgrp), v, CG_FLAGS); }
// @ts-ignore: decorator
@inline export function cgrpCsetHead(cgrp: u32): u32 { return load<u32>(cgrpAddr(cgrp), CG_CSET_HEAD); }
// @ts-ignore: decorator
@inline export function cgrpSetCsetHead(cgrp: u32, v: u32): void { store<u32>(cgrpAddr(cgrp), v, CG_CSET_HEAD); }
// @ts-ignore: decorator
@inline export function cgrpNrCsets(cgrp: u32): u32 { return load<u32>(cgrpAddr(cgrp), CG_NR_CSETS); }
// @ts-ignore: decorator
@inline export function cgrpSetNrCsets(cgrp: u32, v: u32): void { store<u32>(cgrpAddr(cgrp), v, CG_NR_CSETS); }
// @ts-ignore: decorator
@inline export function cgrpNrPopCsets(cgrp: u32): u32 { return load<u32>(cgrpAddr(cgrp), CG_NR_POP_CSETS); }
// @ts-ignore: decorator
@inline export function cgrpSetNrPopCsets(cgrp: u32, v: u32): void { store<u32>(cgrpAddr(cgrp), v, CG_NR_POP_CSETS); }
// @ts-ignore: decorator
@inline export function cgrpNrPopKids(cgrp: u32): u32 { return load<u32>(cgrpAddr(cgrp), CG_NR_POP_KIDS); }
// @ts-ignore: decorator
@inline function cgrpSetNrPopKids(cgrp: u32, v: u32): void { store<u32>(cgrpAddr(cgrp), v, CG_NR_POP_KIDS); }
// @ts-ignore: decorator
@inline export function cgrpCssRefs(cgrp: u32): u32 { return load<u32>(cgrpAddr(cgrp), CG_CSS_REFS); }
// @ts-ignore: decorator
@inline function cgrpSetCssRefs(cgrp: u32, v: u32): void { store<u32>(cgrpAddr(cgrp), v, CG_CSS_REFS); }
// @ts-ignore: decorator
@inline export function cgrpQueueNext(cgrp: u32): u32 { return load<u32>(cgrpAddr(cgrp), CG_QUEUE_NEXT); }
// @ts-ignore: decorator
@inline function cgrpSetQueueNext(cgrp: u32, v: u32): void { store<u32>(cgrpAddr(cgrp), v, CG_QUEUE_NEXT); }
// @ts-ignore: decorator
@inline export function cgrpQueuePrev(cgrp: u32): u32 { return load<u32>(cgrpAddr(cgrp), CG_QUEUE_PREV); }
// @ts-ignore: decorator
@inline function cgrpSetQueuePrev(cgrp: u32, v: u32): void { store<u32>(cgrpAddr(cgrp), v, CG_QUEUE_PREV); }
// @ts-ignore: decorator
@inline export function cgrpFreeNext(cgrp: u32): u32 { return load<u32>(cgrpAddr(cgrp), CG_FREE_NEXT); }
// @ts-ignore: decorator
@inline function cgrpSetFreeNext(cgrp: u32, v: u32): void { store<u32>(cgrpAddr(cgrp), v, CG_FREE_NEXT); }

/** A cgroup id names a live cgroup (not destroyed, not a free id). */
// @ts-ignore: decorator
@inline export function cgrpIsLive(cgrp: u32): bool {
  return cgrp - 1 < cgHigh && (cgrpFlags(cgrp) & CGF_REMOVED) == 0;
}
// @ts-ignore: decorator
@inline export function cgrpIsPopulated(cgrp: u32): bool {
  return (cgrpNrPopCsets(cgrp) | cgrpNrPopKids(cgrp)) != 0;
}
export function cgroupHighId(): u32 { return cgHigh; }
export function cgroupFreeTop(): u32 { return cgFreeTop; }
export function cgroupLiveCount(): u32 { return cgLiveCount; }
export function releaseQueueHead(): u32 { return queueHead; }

// ---- hierarchy accessors ----
// @ts-ignore: decorator
@inline function hierAddr(h: u32): usize {
  return hierBase + <usize>h * HIER_RECORD;
}
/** Root cgroup of slot h, 0 when the slot is free. h must be < hierMax. */
// @ts-ignore: decorator
@inline export function hierRoot(h: u32): u32 { return load<u32>(hierAddr(h), HIER_ROOT); }
// @ts-ignore: decorator
@inline function hierSetRoot(h: u32, v: u32): void { store<u32>(hierAddr(h), v, HIER_ROOT); }
// @ts-ignore: decorator
@inline export function hierNrCgroups(h: u32): u32 { return load<u32>(hierAddr(h), HIER_NR_CGROUPS); }
// @ts-ignore: decorator
@inline function hierSetNrCgroups(h: u32, v: u32): void { store<u32>(hierAddr(h), v, HIER_NR_CGROUPS); }
/** Slot h (any u32, e.g. a negative i32 from JS) is a live hierarchy. */
// @ts-ignore: decorator
@inline export function hierIsLive(h: u32): bool {
  return h < hierMax && hierRoot(h) != 0;
}
/** Number of live hierarchies, and the i-th live slot in ascending order. */
// @ts-ignore: decorator
@inline export function hierCount(): u32 { return hierLiveCount; }
// @ts-ignore: decorator
@inline export function hierLiveSlot(i: u32): u32 { return load<u32>(hierLive + (<usize>i << 2)); }
export function hierMaxSlots(): u32 { return hierMax; }
/** Simulated cpus (cpuacct counters per mode). */
export function cgroupCpus(): u32 { return cpuCount; }

// ---- cpuacct counter accessors ----
// @ts-ignore: decorator
@inline function ctrAddr(cgrp: u32, cpu: u32, mode: u32): usize {
  return ctrBase + <usize>cgrp * ctrStride + <usize>((cpu * CPUACCT_MODES + mode) * CPUACCT_COUNTER);
}

/** Set up the hierarchy and cgroup tables. false when out of memory. */
export function cgroupInit(maxH: u32, cpus: u32): bool {
  hierMax = maxH;
  cpuCount = cpus;
  ctrStride = cpus * CPUACCT_MODES * CPUACCT_COUNTER;
  hierBase = memAllocFixed(<u64>(maxH + 1) * HIER_RECORD);
  hierLive = memAllocFixed(<u64>(maxH + 1) * 4);
  cgCap = CG_MIN_CAP;
  cgBase = memAllocZeroed(<u64>cgCap * CG_RECORD);
  ctrCap = CG_MIN_CAP;
  ctrBase = memAllocZeroed(<u64>ctrCap * ctrStride);
  return hierBase != 0 && hierLive != 0 && cgBase != 0 && ctrBase != 0;
}

/** Take a cgroup id (free stack first, else one past the highest), record and counters zeroed. 0 when out of memory. */
function cgrpIdAlloc(): u32 {
  let cgrp = cgFreeTop;
  if (cgrp) {
    cgFreeTop = cgrpFreeNext(cgrp);
  } else {
    cgrp = cgHigh + 1;
    if (cgrp >= cgCap) {
      let nb = memRealloc(cgBase, <u64>cgCap * CG_RECORD, <u64>(cgCap << 1) * CG_RECORD);
      if (!nb) return 0;
      cgBase = nb;
      cgCap <<= 1;
    }
    if (cgrp >= ctrCap) {
      let nc = memRealloc(ctrBase, <u64>ctrCap * ctrStride, <u64>(ctrCap << 1) * ctrStride);
      if (!nc) return 0;
      ctrBase = nc;
      ctrCap <<= 1;
    }
    cgHigh = cgrp;
  }
  memory.fill(cgrpAddr(cgrp), 0, CG_RECORD);
  memory.fill(ctrAddr(cgrp, 0, 0), 0, ctrStride);
  cgLiveCount++;
  return cgrp;
}

/** Give a cgroup id back (LIFO). */
function cgrpIdFree(cgrp: u32): void {
  cgrpSetFlags(cgrp, CGF_REMOVED);
  cgrpSetFreeNext(cgrp, cgFreeTop);
  cgFreeTop = cgrp;
  cgLiveCount--;
}

// ---- release queue ----

function releaseEnqueue(cgrp: u32): void {
  cgrpSetFlags(cgrp, cgrpFlags(cgrp) | CGF_QUEUED);
  cgrpSetQueueNext(cgrp, 0);
  cgrpSetQueuePrev(cgrp, queueTail);
  if (queueTail) cgrpSetQueueNext(queueTail, cgrp);
  else queueHead = cgrp;
  queueTail = cgrp;
}

function releaseDequeue(cgrp: u32): void {
  let next = cgrpQueueNext(cgrp);
  let prev = cgrpQueuePrev(cgrp);
  if (prev) cgrpSetQueueNext(prev, next);
  else queueHead = next;
  if (next) cgrpSetQueuePrev(next, prev);
  else queueTail = prev;
  cgrpSetQueueNext(cgrp, 0);
  cgrpSetQueuePrev(cgrp, 0);
  cgrpSetFlags(cgrp, cgrpFlags(cgrp) & ~CGF_QUEUED);
}

/** Oldest queued cgroup, unmarked, or 0 when the queue is empty. */
export function releasePop(): u32 {
  let cgrp = queueHead;
  if (cgrp) releaseDequeue(cgrp);
  return cgrp;
}

/**
 * The release check: queue the cgroup (once) when it is releasable: notify set, not
 * populated, no children, no css refs, not removed, not a root.
 */
export function cgrpReleaseCheck(cgrp: u32): void {
  if ((cgrpFlags(cgrp) & (CGF_NOTIFY | CGF_QUEUED | CGF_REMOVED)) != CGF_NOTIFY) return;
  if (cgrpParent(cgrp) == 0 || cgrpFirstChild(cgrp) != 0 || cgrpCssRefs(cgrp) != 0) return;
  if (cgrpIsPopulated(cgrp)) return;
  releaseEnqueue(cgrp);
}

// ---- populated counts ----

/** A cset linked to cgrp went from 0 to 1 task. */
export function cgrpPopulatedInc(cgrp: u32): void {
  let n = cgrpNrPopCsets(cgrp);
  cgrpSetNrPopCsets(cgrp, n + 1);
  if (n != 0 || cgrpNrPopKids(cgrp) != 0) return;
  // cgrp became populated: tell the ancestors, as far as they flip
  let parent = cgrpParent(cgrp);
  while (parent) {
    let kids = cgrpNrPopKids(parent);
    cgrpSetNrPopKids(parent, kids + 1);
    if (kids != 0 || cgrpNrPopCsets(parent) != 0) return;
    parent = cgrpParent(parent);
  }
}

/** A cset linked to cgrp went from 1 to 0 tasks. */
export function cgrpPopulatedDec(cgrp: u32): void {
  let n = cgrpNrPopCsets(cgrp) - 1;
  cgrpSetNrPopCsets(cgrp, n);
  if (n != 0 || cgrpNrPopKids(cgrp) != 0) return;
  // cgrp became unpopulated: check it, then the ancestors, as far as they flip
  cgrpReleaseCheck(cgrp);
  let parent = cgrpParent(cgrp);
  while (parent) {
    let kids = cgrpNrPopKids(parent) - 1;
    cgrpSetNrPopKids(parent, kids);
    if (kids != 0 || cgrpNrPopCsets(parent) != 0) return;
    cgrpReleaseCheck(parent);
    parent = cgrpParent(parent);
  }
}

// ---- hierarchies ----

/** A new hierarchy in the lowest free slot: the slot | -ENOSPC | -ENOMEM. */
export function hierCreate(): i32 {
  let h: u32 = 0;
  while (h < hierMax && hierRoot(h) != 0) h++;
  if (h >= hierMax) return -ENOSPC;
  let root = cgrpIdAlloc();
  if (!root) return -ENOMEM;
  cgrpSetHier(root, h);
  hierSetRoot(h, root);
  hierSetNrCgroups(h, 1);
  // insert h into the ascending list of live slots
  let i = hierLiveCount;
  while (i > 0 && hierLiveSlot(i - 1) > h) {
    store<u32>(hierLive + (<usize>i << 2), hierLiveSlot(i - 1));
    i--;
  }
  store<u32>(hierLive + (<usize>i << 2), h);
  hierLiveCount++;
  csetHierMount(h, root);
  return <i32>h;
}

/** Destroy the hierarchy in slot h: 0 | -EBUSY (root has children) | -EINVAL. */
export function hierDestroy(h: u32): i32 {
  if (!hierIsLive(h)) return -EINVAL;
  let root = hierRoot(h);
  if (cgrpFirstChild(root)) return -EBUSY;
  let j: u32 = 0;
  for (let i: u32 = 0; i < hierLiveCount; i++) {
    let s = hierLiveSlot(i);
    if (s != h) store<u32>(hierLive + (<usize>(j++) << 2), s);
  }
  hierLiveCount = j;
  csetHierUnmount(h);
  hierSetRoot(h, 0);
  hierSetNrCgroups(h, 0);
  cgrpIdFree(root);
  return 0;
}

// ---- cgroups ----

/** A new child of parent (appended to its children): the id | -ENOENT | -ENOMEM. */
export function cgroupCreate(parent: u32): i32 {
  if (!cgrpIsLive(parent)) return -ENOENT;
  let cgrp = cgrpIdAlloc();
  if (!cgrp) return -ENOMEM;
  let h = cgrpHier(parent);
  cgrpSetParent(cgrp, parent);
  cgrpSetHier(cgrp, h);
  let last = cgrpLastChild(parent);
  cgrpSetPrevSib(cgrp, last);
  if (last) cgrpSetNextSib(last, cgrp);
  else cgrpSetFirstChild(parent, cgrp);
  cgrpSetLastChild(parent, cgrp);
  hierSetNrCgroups(h, hierNrCgroups(h) + 1);
  return <i32>cgrp;
}

/** Remove a cgroup: 0 | -ENOENT | -EBUSY (root, linked csets, children, css refs). */
export function cgroupDestroy(cgrp: u32): i32 {
  if (!cgrpIsLive(cgrp)) return -ENOENT;
  let parent = cgrpParent(cgrp);
  if (parent == 0) return -EBUSY;
  // a non-root cgroup's linked csets all have tasks (only init's cset lives without one)
  if (cgrpNrCsets(cgrp) != 0 || cgrpFirstChild(cgrp) != 0 || cgrpCssRefs(cgrp) != 0) return -EBUSY;
  if (cgrpFlags(cgrp) & CGF_QUEUED) releaseDequeue(cgrp);
  let prev = cgrpPrevSib(cgrp);
  let next = cgrpNextSib(cgrp);
  if (prev) cgrpSetNextSib(prev, next);
  else cgrpSetFirstChild(parent, next);
  if (next) cgrpSetPrevSib(next, prev);
  else cgrpSetLastChild(parent, prev);
  let h = cgrpHier(cgrp);
  hierSetNrCgroups(h, hierNrCgroups(h) - 1);
  cgrpIdFree(cgrp);
  cgrpReleaseCheck(parent);
  return 0;
}

/** Set or clear notify_on_release (no release check, as Linux). */
export function cgroupSetNotify(cgrp: u32, on: bool): i32 {
  if (!cgrpIsLive(cgrp)) return -ENOENT;
  let f = cgrpFlags(cgrp);
  cgrpSetFlags(cgrp, on ? f | CGF_NOTIFY : f & ~CGF_NOTIFY);
  return 0;
}

/** Take a css reference (not counted on a root). */
export function cssGet(cgrp: u32): i32 {
  if (!cgrpIsLive(cgrp)) return -ENOENT;
  if (cgrpParent(cgrp) != 0) cgrpSetCssRefs(cgrp, cgrpCssRefs(cgrp) + 1);
  return 0;
}

/** Drop a css reference; the last one runs the release check. */
export function cssPut(cgrp: u32): i32 {
  if (!cgrpIsLive(cgrp)) return -ENOENT;
  if (cgrpParent(cgrp) == 0) return 0;
  let refs = cgrpCssRefs(cgrp);
  if (refs == 0) return -EINVAL;
  cgrpSetCssRefs(cgrp, refs - 1);
  if (refs == 1) cgrpReleaseCheck(cgrp);
  return 0;
}

// ---- cpuacct ----

/** cgrp is 0 (the unbound root) or a live cgroup. */
// @ts-ignore: decorator
@inline export function cpuacctIsLive(cgrp: u32): bool {
  return cgrp == 0 || cgrpIsLive(cgrp);
}
// @ts-ignore: decorator
@inline export function cpuacctValidCpuMode(cpu: u32, mode: u32): bool {
  return cpu < cpuCount && mode < CPUACCT_MODES;
}

/** Add ns to cgrp and every ancestor (cgrp 0: the unbound root alone). */
export function cpuacctCharge(cgrp: u32, ns: u64, cpu: u32, mode: u32): void {
  if (cgrp == 0) {
    let a = ctrAddr(0, cpu, mode);
    store<u64>(a, load<u64>(a) + ns);
    return;
  }
  do {
    let a = ctrAddr(cgrp, cpu, mode);
    store<u64>(a, load<u64>(a) + ns);
    cgrp = cgrpParent(cgrp);
  } while (cgrp);
}

/** Usage counter, or -1 when the cgroup is not live or cpu/mode out of range. */
export function cpuacctUsage(cgrp: u32, cpu: u32, mode: u32): i64 {
  if (!cpuacctIsLive(cgrp) || !cpuacctValidCpuMode(cpu, mode)) return -1;
  return <i64>load<u64>(ctrAddr(cgrp, cpu, mode));
}

/** Zero every counter of the cgroup: 0 | -ENOENT. */
export function cpuacctReset(cgrp: u32): i32 {
  if (!cpuacctIsLive(cgrp)) return -ENOENT;
  memory.fill(ctrAddr(cgrp, 0, 0), 0, ctrStride);
  return 0;
}

/** Move the counters of `from` to `to` (overwriting them) and zero `from`: 0 | -ENOENT. */
export function cpuacctMove(from: u32, to: u32): i32 {
  if (!cpuacctIsLive(from) || !cpuacctIsLive(to)) return -ENOENT;
  if (from == to) return 0;
  memory.copy(ctrAddr(to, 0, 0), ctrAddr(from, 0, 0), ctrStride);
  memory.fill(ctrAddr(from, 0, 0), 0, ctrStride);
  return 0;
}

// ---- image state (index.ts stateGet/stateSet): this module's variables, in a fixed order ----
export const CGROUP_STATE_WORDS: u32 = 15;

export function cgroupStateGet(i: u32): u64 {
  switch (i) {
    case 0: return <u64>cgBase;
    case 1: return cgCap;
    case 2: return cgHigh;
    case 3: return cgFreeTop;
    case 4: return cgLiveCount;
    case 5: return <u64>hierBase;
    case 6: return hierMax;
    case 7: return <u64>hierLive;
    case 8: return hierLiveCount;
    case 9: return queueHead;
    case 10: return queueTail;
    case 11: return <u64>ctrBase;
    case 12: return ctrCap;
    case 13: return ctrStride;
    case 14: return cpuCount;
  }
  return 0;
}

export function cgroupStateSet(i: u32, v: u64): void {
  let w = <u32>v;
  switch (i) {
    case 0: cgBase = <usize>w; break;
    case 1: cgCap = w; break;
    case 2: cgHigh = w; break;
    case 3: cgFreeTop = w; break;
    case 4: cgLiveCount = w; break;
    case 5: hierBase = <usize>w; break;
    case 6: hierMax = w; break;
    case 7: hierLive = <usize>w; break;
    case 8: hierLiveCount = w; break;
    case 9: queueHead = w; break;
    case 10: queueTail = w; break;
    case 11: ctrBase = <usize>w; break;
    case 12: ctrCap = w; break;
    case 13: ctrStride = w; break;
    case 14: cpuCount = w; break;
  }
}
