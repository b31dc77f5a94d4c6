// selfCheck: walk every table and verify the invariants the hot paths maintain
// incrementally. Returns CHK_OK or a CHK_* code (defs.ts); checkWhere() names the pid, cset
// or cgroup id at fault. Cost O(pidHigh + csets * slots + cgroups); tests call it after
// every step, never the hot paths.

import {
  CGF_NOTIFY, CGF_QUEUED, CGF_REMOVED, CHK_CG_POP, CHK_CG_QUEUE, CHK_CG_REFS, CHK_CG_TREE,
  CHK_CSET_DUP, CHK_CSET_FREE, CHK_CSET_HASH, CHK_CSET_LINK, CHK_CSET_REF, CHK_CSET_VEC,
  CHK_HIER, CHK_ID_STACK, CHK_OK, CHK_PID_BITMAP, CHK_TASK_COUNT, CHK_TASK_CSET, CHK_TASK_LIST,
  CHK_TASK_REL, CHK_TASK_RING, INIT_CSET, PID_BLOCK_SHIFT, REL_FLAGS, REL_FORKED,
  REL_HAS_THREADS, REL_PID_MASK, REL_THREAD, REL_ZOMBIE,
} from './defs';
import { BUF_TMP, bufEnsure, listBytes, listGet, listSet } from './mem';
import {
  pidBlockIsFull, taskNrLive, taskNrPids, taskPidHigh, taskPidMax, tgEntries, tgHas, tgNext,
  tgPrev, tskCset, tskIsFree, tskNext, tskPrev, tskRel,
} from './task';
import {
  csetCgrp, csetFreeNext, csetFreeTop, csetHash, csetHashCap, csetHashCompute, csetHashCount,
  csetHashSlot, csetHighId, csetIsLive, csetLinkNext, csetLinkPrev, csetLiveCount, csetLookupSame,
  csetMaxSlots, csetNrTasks, csetRefcount, csetTaskHead,
} from './cset';
import {
  cgroupFreeTop, cgroupHighId, cgroupLiveCount, cgrpCssRefs, cgrpCsetHead, cgrpFirstChild,
  cgrpFlags, cgrpFreeNext, cgrpHier, cgrpIsLive, cgrpIsPopulated, cgrpLastChild, cgrpNextSib,
  cgrpNrCsets, cgrpNrPopCsets, cgrpNrPopKids, cgrpParent, cgrpPrevSib, cgrpQueueNext,
  cgrpQueuePrev, hierCount, hierIsLive, hierMaxSlots, hierNrCgroups, hierRoot, releaseQueueHead,
} from './cgroup';

let where: u32 = 0;

/** The id (pid, cset or cgroup) the last failed check points at. */
export function checkWhere(): u32 {
  return where;
}

// @ts-ignore: decorator
@inline function fail(code: i32, id: u32): i32 {
  where = id;
  return code;
}

function checkTasks(): i32 {
  let pidMax = taskPidMax();
  let high = taskPidHigh();
  let csHigh = csetHighId();
  // per-cset count of LIVE tasks pointing at it
  let counts = bufEnsure(BUF_TMP, listBytes(csHigh + 1));
  if (!counts) return CHK_OK; // cannot check without memory
  memory.fill(counts, 0, <usize>listBytes(csHigh + 1));
  let allocated: u32 = 0;
  let live: u32 = 0;
  let ringMembers: u32 = 0;
  for (let p: u32 = 1; p < high; p++) {
    let cset = tskCset(p);
    let rel = tskRel(p);
    if (tskIsFree(p)) {
      if ((rel & ~REL_FORKED) != 0 || tskNext(p) != 0 || tskPrev(p) != 0) return fail(CHK_TASK_REL, p);
      if (pidBlockIsFull(p >> PID_BLOCK_SHIFT)) return fail(CHK_PID_BITMAP, p);
      continue;
    }
    allocated++;
    if (cset) {
      live++;
      if (!csetIsLive(cset)) return fail(CHK_TASK_CSET, p);
      listSet(counts, cset, listGet(counts, cset) + 1);
    } else if (tskNext(p) != 0 || tskPrev(p) != 0) {
      return fail(CHK_TASK_LIST, p);
    }
    if (rel & REL_THREAD) {
      if ((rel & REL_FLAGS) != REL_THREAD || cset == 0) return fail(CHK_TASK_REL, p);
      let leader = rel & REL_PID_MASK;
      if (leader == 0 || leader >= pidMax || tskIsFree(leader)) return fail(CHK_TASK_REL, p);
      let lrel = tskRel(leader);
      if ((lrel & REL_THREAD) != 0 || (lrel & REL_HAS_THREADS) == 0) return fail(CHK_TASK_REL, p);
      if (!tgHas(p)) return fail(CHK_TASK_RING, p);
      ringMembers++;
      continue;
    }
    let parent = rel & REL_PID_MASK;
    if (parent >= pidMax || (p != 1 && parent == 0) || (p == 1 && rel != (rel & REL_FLAGS))) {
      return fail(CHK_TASK_REL, p);
    }
    if (rel & REL_ZOMBIE) {
      if (cset != 0 || (rel & REL_HAS_THREADS) == 0) return fail(CHK_TASK_REL, p);
    }
    if (rel & REL_HAS_THREADS) {
      if (!tgHas(p)) return fail(CHK_TASK_RING, p);
      ringMembers++;
      // walk the ring: threads of p only, prev/next symmetric, at least one thread
      let q = tgNext(p);
      let steps: u32 = 0;
      if (q == p) return fail(CHK_TASK_RING, p);
      let prev = p;
      while (q != p) {
        if (tgPrev(q) != prev || ++steps > allocated + high) return fail(CHK_TASK_RING, p);
        if ((tskRel(q) & REL_THREAD) == 0 || (tskRel(q) & REL_PID_MASK) != p) return fail(CHK_TASK_RING, q);
        prev = q;
        q = tgNext(q);
      }
      if (tgPrev(p) != prev) return fail(CHK_TASK_RING, p);
    } else if (tgHas(p)) {
      return fail(CHK_TASK_RING, p);
    }
  }
  if (allocated != taskNrPids() || live != taskNrLive()) return fail(CHK_TASK_COUNT, 0);
  if (ringMembers != tgEntries()) return fail(CHK_TASK_RING, 0);
  // every live cset: list walk matches the pointers and nrTasks
  for (let cs: u32 = 1; cs <= csHigh; cs++) {
    if (!csetIsLive(cs)) continue;
    let nr = csetNrTasks(cs);
    if (listGet(counts, cs) != nr) return fail(CHK_TASK_LIST, cs);
    let n: u32 = 0;
    let prev: u32 = 0;
    for (let p = csetTaskHead(cs); p; p = tskNext(p)) {
      if (p >= pidMax || tskCset(p) != cs || tskPrev(p) != prev || ++n > nr) return fail(CHK_TASK_LIST, cs);
      prev = p;
    }
    if (n != nr) return fail(CHK_TASK_LIST, cs);
  }
  return CHK_OK;
}

function checkCsets(): i32 {
  let csHigh = csetHighId();
  let maxH = csetMaxSlots();
  let live: u32 = 0;
  for (let cs: u32 = 1; cs <= csHigh; cs++) {
    if (!csetIsLive(cs)) {
      if (csetNrTasks(cs) != 0) return fail(CHK_CSET_FREE, cs);
      continue;
    }
    live++;
    let want = csetNrTasks(cs) + (cs == INIT_CSET ? 1 : 0);
    if (csetRefcount(cs) != want) return fail(CHK_CSET_REF, cs);
    for (let h: u32 = 0; h < maxH; h++) {
      let cgrp = csetCgrp(cs, h);
      if (!hierIsLive(h)) {
        if (cgrp != 0) return fail(CHK_CSET_VEC, cs);
        continue;
      }
      if (!cgrpIsLive(cgrp) || cgrpHier(cgrp) != h) return fail(CHK_CSET_VEC, cs);
      if (cs == INIT_CSET && cgrp != hierRoot(h)) return fail(CHK_CSET_VEC, cs);
    }
    if (csetHash(cs) != csetHashCompute(cs)) return fail(CHK_CSET_HASH, cs);
    let found = csetLookupSame(cs);
    if (found == 0) return fail(CHK_CSET_HASH, cs);
    if (found != cs) return fail(CHK_CSET_DUP, cs);
  }
  if (live != csetLiveCount() || live != csetHashCount()) return fail(CHK_CSET_HASH, 0);
  let used: u32 = 0;
  let cap = csetHashCap();
  for (let i: u32 = 0; i < cap; i++) {
    let id = csetHashSlot(i);
    if (!id) continue;
    used++;
    if (!csetIsLive(id)) return fail(CHK_CSET_HASH, id);
  }
  if (used != live) return fail(CHK_CSET_HASH, 0);
  // the free-id stack holds exactly the free ids
  let free: u32 = 0;
  for (let cs = csetFreeTop(); cs; cs = csetFreeNext(cs)) {
    if (cs > csHigh || csetIsLive(cs) || ++free > csHigh) return fail(CHK_ID_STACK, cs);
  }
  if (free + live != csHigh) return fail(CHK_ID_STACK, 0);
  return CHK_OK;
}

function checkCgroups(): i32 {
  let high = cgroupHighId();
  let maxH = hierMaxSlots();
  let live: u32 = 0;
  let queued: u32 = 0;
  for (let c: u32 = 1; c <= high; c++) {
    let flags = cgrpFlags(c);
    if (flags & CGF_REMOVED) {
      if (flags != CGF_REMOVED) return fail(CHK_CG_QUEUE, c);
      continue;
    }
    live++;
    if (flags & ~(CGF_NOTIFY | CGF_QUEUED)) return fail(CHK_CG_QUEUE, c);
    if (flags & CGF_QUEUED) queued++;
    let h = cgrpHier(c);
    if (!hierIsLive(h)) return fail(CHK_HIER, c);
    let parent = cgrpParent(c);
    if (parent == 0) {
      if (hierRoot(h) != c) return fail(CHK_CG_TREE, c);
      if (cgrpCssRefs(c) != 0) return fail(CHK_CG_REFS, c);
      if (flags & CGF_QUEUED) return fail(CHK_CG_QUEUE, c);
    } else if (!cgrpIsLive(parent) || cgrpHier(parent) != h || hierRoot(h) == c) {
      return fail(CHK_CG_TREE, c);
    }
    // children: symmetric, in order, populated count
    let prev: u32 = 0;
    let pop: u32 = 0;
    let n: u32 = 0;
    for (let k = cgrpFirstChild(c); k; k = cgrpNextSib(k)) {
      if (k > high || !cgrpIsLive(k) || cgrpParent(k) != c || cgrpPrevSib(k) != prev || ++n > high) {
        return fail(CHK_CG_TREE, c);
      }
      if (cgrpIsPopulated(k)) pop++;
      prev = k;
    }
    if (cgrpLastChild(c) != prev) return fail(CHK_CG_TREE, c);
    if (cgrpNrPopKids(c) != pop) return fail(CHK_CG_POP, c);
    // linked csets: symmetric, counted
    let nc: u32 = 0;
    let popc: u32 = 0;
    let pcs: u32 = 0;
    for (let cs = cgrpCsetHead(c); cs; cs = csetLinkNext(cs, h)) {
      if (!csetIsLive(cs) || csetCgrp(cs, h) != c || csetLinkPrev(cs, h) != pcs || ++nc > csetHighId()) {
        return fail(CHK_CSET_LINK, c);
      }
      if (csetNrTasks(cs) != 0) popc++;
      pcs = cs;
    }
    if (cgrpNrCsets(c) != nc) return fail(CHK_CSET_LINK, c);
    if (cgrpNrPopCsets(c) != popc) return fail(CHK_CG_POP, c);
  }
  if (live != cgroupLiveCount()) return fail(CHK_HIER, 0);
  // each live cset is linked once per live slot: the cgroups' nrCsets add up
  let links: u64 = 0;
  for (let c: u32 = 1; c <= high; c++) {
    if (cgrpIsLive(c)) links += cgrpNrCsets(c);
  }
  if (links != <u64>csetLiveCount() * hierCount()) return fail(CHK_CSET_LINK, 0);
  // hierarchies
  let hiers: u32 = 0;
  let total: u32 = 0;
  for (let h: u32 = 0; h < maxH; h++) {
    if (!hierIsLive(h)) {
      if (hierNrCgroups(h) != 0) return fail(CHK_HIER, h);
      continue;
    }
    hiers++;
    let root = hierRoot(h);
    if (!cgrpIsLive(root) || cgrpParent(root) != 0 || cgrpHier(root) != h) return fail(CHK_HIER, h);
    let n: u32 = 0;
    for (let c: u32 = 1; c <= high; c++) {
      if (cgrpIsLive(c) && cgrpHier(c) == h) n++;
    }
    if (hierNrCgroups(h) != n) return fail(CHK_HIER, h);
    total += n;
  }
  if (hiers != hierCount() || total != live) return fail(CHK_HIER, 0);
  // the release queue holds exactly the QUEUED cgroups
  let n: u32 = 0;
  let prev: u32 = 0;
  for (let c = releaseQueueHead(); c; c = cgrpQueueNext(c)) {
    if (c > high || !cgrpIsLive(c) || (cgrpFlags(c) & CGF_QUEUED) == 0 || cgrpQueuePrev(c) != prev || ++n > high) {
      return fail(CHK_CG_QUEUE, c);
    }
    prev = c;
  }
  if (n != queued) return fail(CHK_CG_QUEUE, 0);
  // the free-id stack holds exactly the free ids
  let free: u32 = 0;
  for (let c = cgroupFreeTop(); c; c = cgrpFreeNext(c)) {
    if (c > high || cgrpIsLive(c) || ++free > high) return fail(CHK_ID_STACK, c);
  }
  if (free + live != high) return fail(CHK_ID_STACK, 0);
  return CHK_OK;
}

/** Check everything: CHK_OK or the first failing CHK_* code. */
export function engineCheck(): i32 {
  where = 0;
  let r = checkCgroups();
  if (r != CHK_OK) return r;
  r = checkCsets();
  if (r != CHK_OK) return r;
  return checkTasks();
}

// ---- image state (index.ts stateGet/stateSet) ----
export const CHECK_STATE_WORDS: u32 = 1;
export function checkStateGet(i: u32): u64 { return i == 0 ? <u64>where : 0; }
export function checkStateSet(i: u32, v: u64): void { if (i == 0) where = <u32>v; }
