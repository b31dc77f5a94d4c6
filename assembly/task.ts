// Tasks: the task table (struct of arrays indexed by pid, 16 bytes per task, sized to pidMax
// at init), the pid allocator, fork/exit, thread groups, orphans and attach. Layouts are in
// defs.ts.
//
// Pid allocation (idr_alloc_cyclic): the lowest FREE pid >= cursor, else wrap to
// RESERVED_PIDS and search up to the cursor, else -EAGAIN. The fast path takes the slot at
// the cursor; a 1-bit-per-64-pids "full" bitmap lets the slow path skip full blocks.
//
// Thread groups: a leader's relation word holds its parent's tgid, a thread's holds its
// leader. Groups with threads also live in a side map (pid -> next, prev) forming one ring per
// group (the leader, a zombie one included, and its live threads); groups without threads
// cost nothing there.
//
// Orphans, exactly but lazily: when a group whose leader has FORKED is freed, its free slot is
// marked PENDING. taskPpid of a process whose parent slot is FREE is 1 (init). Before the
// allocator hands out a PENDING pid, one scan rewrites every process whose parent slot is FREE
// to parent 1 and clears every PENDING mark, so a reused pid is never mistaken for a parent.

import {
  CSET_MARK, DUMP_CSET, DUMP_PID, DUMP_PPID, DUMP_RECORD, DUMP_STATE, DUMP_TGID, EAGAIN, EINVAL,
  ENOENT, ENOMEM, EPERM, ESRCH, INIT_CSET, INIT_PID, PID_BITMAP_WORD, PID_BLOCK_SHIFT, REL_FLAGS,
  REL_FORKED, REL_HAS_THREADS, REL_PENDING, REL_PID_MASK, REL_THREAD, REL_ZOMBIE, RESERVED_PIDS,
  TASK_FREE, TASK_LIVE, TASK_WORD, TASK_ZOMBIE, TG_ENTRY, TG_MIN_CAP, TG_NEXT, TG_PID, TG_PREV,
} from './defs';
import {
  BUF_IO, BUF_TMP, bufEnsure, bufPtr, listBytes, listGet, listSet, memAllocFixed, memAllocZeroed,
  memFree,
} from './mem';
import {
  csetCgrp, csetGet, csetGetMany, csetGetVariant, csetNrTasksAdd, csetNrTasksDec, csetNrTasksInc,
  csetPut, csetSetTaskHead, csetTaskHead, csetTaskLink, csetTaskUnlink,
} from './cset';
import { cgrpHier, cgrpIsLive, hierIsLive, hierRoot } from './cgroup';
import { sortU32 } from './sort';

// ---- state ----
let pidMax: u32 = 0;
let cursor: u32 = 0; // next pid search start (last allocated + 1)
let pidHigh: u32 = 0; // one past the highest pid ever allocated (scan bound)
let nrPids: u32 = 0; // LIVE + ZOMBIE
let nrLive: u32 = 0; // LIVE

let tCset: usize = 0;
let tNext: usize = 0;
let tPrev: usize = 0;
let tRel: usize = 0;
let pidFull: usize = 0; // the "full" bitmap

let tgBase: usize = 0; // thread-group ring map
let tgCap: u32 = 0; // power of two
let tgShift: u32 = 0; // 32 - log2(tgCap)
let tgCount: u32 = 0;

// ---- task table accessors ----
// @ts-ignore: decorator
@inline function tskWord(base: usize, pid: u32): usize {
  return base + <usize>pid * TASK_WORD;
}
// @ts-ignore: decorator
@inline export function tskCset(pid: u32): u32 { return load<u32>(tskWord(tCset, pid)); }
// @ts-ignore: decorator
@inline export function tskSetCset(pid: u32, v: u32): void { store<u32>(tskWord(tCset, pid), v); }
// @ts-ignore: decorator
@inline export function tskNext(pid: u32): u32 { return load<u32>(tskWord(tNext, pid)); }
// @ts-ignore: decorator
@inline export function tskSetNext(pid: u32, v: u32): void { store<u32>(tskWord(tNext, pid), v); }
// @ts-ignore: decorator
@inline export function tskPrev(pid: u32): u32 { return load<u32>(tskWord(tPrev, pid)); }
// @ts-ignore: decorator
@inline export function tskSetPrev(pid: u32, v: u32): void { store<u32>(tskWord(tPrev, pid), v); }
// @ts-ignore: decorator
@inline export function tskRel(pid: u32): u32 { return load<u32>(tskWord(tRel, pid)); }
// @ts-ignore: decorator
@inline function tskSetRel(pid: u32, v: u32): void { store<u32>(tskWord(tRel, pid), v); }

/** pid is in range and LIVE (pid may be any u32, e.g. a negative i32 from JS). */
// @ts-ignore: decorator
@inline export function tskIsLive(pid: u32): bool {
  return pid < pidMax && tskCset(pid) != 0;
}
/** pid (in range) is FREE. */
// @ts-ignore: decorator
@inline export function tskIsFree(pid: u32): bool {
  return tskCset(pid) == 0 && (tskRel(pid) & REL_ZOMBIE) == 0;
}
/** pid is in range and allocated (LIVE or ZOMBIE). */
// @ts-ignore: decorator
@inline export function tskIsAllocated(pid: u32): bool {
  return pid - 1 < pidMax - 1 && !tskIsFree(pid);
}
/** Thread-group id of an allocated pid. */
// @ts-ignore: decorator
@inline export function tskTgid(pid: u32): u32 {
  let rel = tskRel(pid);
  return rel & REL_THREAD ? rel & REL_PID_MASK : pid;
}

export function taskPidMax(): u32 { return pidMax; }
export function taskCursor(): u32 { return cursor; }
export function taskPidHigh(): u32 { return pidHigh; }
export function taskNrPids(): u32 { return nrPids; }
export function taskNrLive(): u32 { return nrLive; }

// ---- the pid "full" bitmap ----
// @ts-ignore: decorator
@inline function pidFullWord(block: u32): usize {
  return pidFull + (<usize>(block >> 6) * PID_BITMAP_WORD);
}
// @ts-ignore: decorator
@inline function pidBlockClearFull(pid: u32): void {
  let block = pid >> PID_BLOCK_SHIFT;
  let w = pidFullWord(block);
  store<u64>(w, load<u64>(w) & ~(<u64>1 << (block & 63)));
}
// @ts-ignore: decorator
@inline export function pidBlockIsFull(block: u32): bool {
  return (load<u64>(pidFullWord(block)) & (<u64>1 << (block & 63))) != 0;
}

/** Set up the task table for pids below max, with init (pid 1) LIVE on init's cset. */
export function taskInit(max: u32): bool {
  pidMax = max;
  let bytes = <u64>max * TASK_WORD;
  tCset = memAllocFixed(bytes);
  tNext = memAllocFixed(bytes);
  tPrev = memAllocFixed(bytes);
  tRel = memAllocFixed(bytes);
  let blocks = (<u64>max + 63) >> PID_BLOCK_SHIFT;
  pidFull = memAllocFixed(((blocks + 63) >> 6) * PID_BITMAP_WORD);
  tgCap = TG_MIN_CAP;
  tgShift = 32 - <u32>ctz(tgCap);
  tgBase = memAllocZeroed(<u64>tgCap * TG_ENTRY);
  if (!tCset || !tNext || !tPrev || !tRel || !pidFull || !tgBase) return false;
  tskSetCset(INIT_PID, INIT_CSET);
  tskSetRel(INIT_PID, 0);
  csetGet(INIT_CSET);
  csetTaskLink(INIT_CSET, INIT_PID);
  csetNrTasksInc(INIT_CSET);
  cursor = INIT_PID + 1;
  pidHigh = INIT_PID + 1;
  nrPids = 1;
  nrLive = 1;
  return true;
}

// ---- pid allocation ----

/** The lowest FREE pid in [lo, hi), or -1. Marks blocks found full. */
function pidFindFree(lo: u32, hi: u32): i32 {
  let p = lo;
  while (p < hi) {
    let block = p >> PID_BLOCK_SHIFT;
    let blockStart = block << PID_BLOCK_SHIFT;
    if ((block & 63) == 0 && p == blockStart && load<u64>(pidFullWord(block)) == <u64>-1) {
      p = blockStart + (64 << PID_BLOCK_SHIFT); // 64 full blocks at once
      continue;
    }
    if (pidBlockIsFull(block)) {
      p = blockStart + (1 << PID_BLOCK_SHIFT);
      continue;
    }
    let blockEnd = blockStart + (1 << PID_BLOCK_SHIFT);
    let end = blockEnd < hi ? blockEnd : hi;
    let start = p;
    for (; p < end; p++) {
      if (tskIsFree(p)) return <i32>p;
    }
    if (start == blockStart && end == blockEnd) {
      let w = pidFullWord(block);
      store<u64>(w, load<u64>(w) | (<u64>1 << (block & 63)));
    }
  }
  return -1;
}

/** Rewrite every process whose parent slot is FREE to parent init; clear all PENDING marks. */
function orphanScan(): void {
  for (let p: u32 = 1; p < pidHigh; p++) {
    let rel = tskRel(p);
    if (tskCset(p) == 0 && (rel & REL_ZOMBIE) == 0) {
      if (rel) tskSetRel(p, 0); // a FREE slot: drop its PENDING mark
      continue;
    }
    if (rel & REL_THREAD) continue;
    let parent = rel & REL_PID_MASK;
    if (parent > INIT_PID && tskIsFree(parent)) tskSetRel(p, (rel & REL_FLAGS) | INIT_PID);
  }
}

function pidAllocSlow(): i32 {
  let p = pidFindFree(cursor, pidMax);
  if (p < 0) p = pidFindFree(RESERVED_PIDS, cursor < pidMax ? cursor : pidMax);
  if (p < 0) return -EAGAIN;
  if (tskRel(<u32>p) & REL_PENDING) orphanScan();
  cursor = <u32>p + 1;
  if (cursor > pidHigh) pidHigh = cursor;
  return p;
}

/** Take the next pid (its slot still reads FREE until the caller fills it) | -EAGAIN. */
// @ts-ignore: decorator
@inline function pidAlloc(): i32 {
  let p = cursor;
  if (p < pidMax && tskCset(p) == 0 && tskRel(p) == 0) {
    cursor = p + 1;
    if (cursor > pidHigh) pidHigh = cursor;
    return <i32>p;
  }
  return pidAllocSlow();
}

/** Make pid FREE (PENDING when its group had forked). */
// @ts-ignore: decorator
@inline function pidRelease(pid: u32, forked: bool): void {
  tskSetCset(pid, 0);
  tskSetNext(pid, 0);
  tskSetPrev(pid, 0);
  tskSetRel(pid, forked ? REL_PENDING : 0);
  pidBlockClearFull(pid);
  nrPids--;
}

// ---- thread-group rings ----
// @ts-ignore: decorator
@inline function tgEntry(i: u32): usize {
  return tgBase + <usize>i * TG_ENTRY;
}
// @ts-ignore: decorator
@inline function tgHome(pid: u32): u32 {
  return (pid * 0x9E3779B1) >> tgShift;
}

/** The entry of pid in the ring map, or 0 when absent. */
function tgFind(pid: u32): usize {
  let mask = tgCap - 1;
  let i = tgHome(pid);
  while (true) {
    let e = tgEntry(i);
    let key = load<u32>(e, TG_PID);
    if (key == pid) return e;
    if (key == 0) return 0;
    i = (i + 1) & mask;
  }
}

function tgInsert(pid: u32, next: u32, prev: u32): void {
  let mask = tgCap - 1;
  let i = tgHome(pid);
  while (load<u32>(tgEntry(i), TG_PID) != 0) i = (i + 1) & mask;
  let e = tgEntry(i);
  store<u32>(e, pid, TG_PID);
  store<u32>(e, next, TG_NEXT);
  store<u32>(e, prev, TG_PREV);
  tgCount++;
}

/** Remove pid (present) from the map; backward-shift the cluster behind it. */
function tgDelete(pid: u32): void {
  let mask = tgCap - 1;
  let i = tgHome(pid);
  while (load<u32>(tgEntry(i), TG_PID) != pid) i = (i + 1) & mask;
  let j = i;
  while (true) {
    j = (j + 1) & mask;
    let key = load<u32>(tgEntry(j), TG_PID);
    if (!key) break;
    let home = tgHome(key);
    let stays = i <= j ? i < home && home <= j : i < home || home <= j;
    if (stays) continue;
    memory.copy(tgEntry(i), tgEntry(j), TG_ENTRY);
    i = j;
  }
  memory.fill(tgEntry(i), 0, TG_ENTRY);
  tgCount--;
}

/** Make room for `extra` more entries (load <= 1/2). false when out of memory. */
function tgReserve(extra: u32): bool {
  if ((tgCount + extra) << 1 <= tgCap) return true;
  let oldBase = tgBase;
  let oldCap = tgCap;
  let cap = tgCap;
  while ((tgCount + extra) << 1 > cap) cap <<= 1;
  let nb = memAllocZeroed(<u64>cap * TG_ENTRY);
  if (!nb) return false;
  tgBase = nb;
  tgCap = cap;
  tgShift = 32 - <u32>ctz(cap);
  tgCount = 0;
  for (let i: u32 = 0; i < oldCap; i++) {
    let e = oldBase + <usize>i * TG_ENTRY;
    let key = load<u32>(e, TG_PID);
    if (key) tgInsert(key, load<u32>(e, TG_NEXT), load<u32>(e, TG_PREV));
  }
  memFree(oldBase, <u64>oldCap * TG_ENTRY);
  return true;
}

/** Add thread t at the tail of leader's ring (creating the ring). Room reserved. */
function tgJoin(leader: u32, t: u32): void {
  let lrel = tskRel(leader);
  if ((lrel & REL_HAS_THREADS) == 0) {
    tgInsert(leader, leader, leader);
    tskSetRel(leader, lrel | REL_HAS_THREADS);
  }
  let last = load<u32>(tgFind(leader), TG_PREV);
  tgInsert(t, leader, last);
  store<u32>(tgFind(last), t, TG_NEXT);
  store<u32>(tgFind(leader), t, TG_PREV);
}

/** Take pid out of its ring. */
function tgLeave(pid: u32): void {
  let e = tgFind(pid);
  let next = load<u32>(e, TG_NEXT);
  let prev = load<u32>(e, TG_PREV);
  store<u32>(tgFind(prev), next, TG_NEXT);
  store<u32>(tgFind(next), prev, TG_PREV);
  tgDelete(pid);
}

/** Next member of pid's ring (pid itself when pid's group has no threads). */
export function tgNext(pid: u32): u32 {
  let e = tgFind(pid);
  return e ? load<u32>(e, TG_NEXT) : pid;
}
/** Previous member of pid's ring. */
export function tgPrev(pid: u32): u32 {
  let e = tgFind(pid);
  return e ? load<u32>(e, TG_PREV) : pid;
}
export function tgEntries(): u32 { return tgCount; }
/** pid has an entry in the ring map. */
export function tgHas(pid: u32): bool { return tgFind(pid) != 0; }

/** Write the LIVE tasks of group tgid, sorted, to buffer `which`; the count, or -ENOMEM. */
export function taskGroupList(tgid: u32, which: u32): i32 {
  let n: u32 = 0;
  if ((tskRel(tgid) & REL_HAS_THREADS) == 0) {
    let out = bufEnsure(which, 4);
    if (!out) return -ENOMEM;
    if (tskCset(tgid) != 0) store<u32>(out, tgid);
    return tskCset(tgid) != 0 ? 1 : 0;
  }
  let size: u32 = 0;
  let p = tgid;
  do {
    size++;
    p = load<u32>(tgFind(p), TG_NEXT);
  } while (p != tgid);
  let out = bufEnsure(which, listBytes(size));
  if (!out) return -ENOMEM;
  p = tgid;
  do {
    if (tskCset(p) != 0) listSet(out, n++, p);
    p = load<u32>(tgFind(p), TG_NEXT);
  } while (p != tgid);
  if (!sortU32(out, n)) return -ENOMEM;
  return <i32>n;
}

// ---- queries ----

/** TASK_FREE | TASK_LIVE | TASK_ZOMBIE. */
export function taskState(pid: u32): i32 {
  if (pid - 1 >= pidMax - 1) return TASK_FREE;
  if (tskCset(pid) != 0) return TASK_LIVE;
  return tskRel(pid) & REL_ZOMBIE ? TASK_ZOMBIE : TASK_FREE;
}

/** Parent's tgid (1 for an orphan, 0 for init) of an allocated pid. */
export function tskPpid(pid: u32): u32 {
  let rel = tskRel(pid);
  if (rel & REL_THREAD) rel = tskRel(rel & REL_PID_MASK);
  let parent = rel & REL_PID_MASK;
  if (parent == 0) return 0;
  return tskIsFree(parent) ? INIT_PID : parent;
}

/** The task's cgroup in slot h | -EINVAL (slot checked first) | -ESRCH. */
export function taskCgroup(pid: u32, h: u32): i32 {
  if (!hierIsLive(h)) return -EINVAL;
  if (!tskIsAllocated(pid)) return -ESRCH;
  let cset = tskCset(pid);
  return <i32>(cset ? csetCgrp(cset, h) : hierRoot(h));
}

// ---- fork / exit ----

/** Fork parent (LIVE); thread: join its group. New pid | -ESRCH | -EAGAIN | -ENOMEM. */
export function taskFork(parent: u32, thread: bool): i32 {
  if (!tskIsLive(parent)) return -ESRCH;
  if (thread && !tgReserve(2)) return -ENOMEM;
  let p = pidAlloc();
  if (p < 0) return p;
  let pid = <u32>p;
  let cset = tskCset(parent);
  let tgid = tskTgid(parent);
  if (thread) {
    tskSetRel(pid, REL_THREAD | tgid);
    tgJoin(tgid, pid);
  } else {
    tskSetRel(tgid, tskRel(tgid) | REL_FORKED);
    tskSetRel(pid, tgid);
  }
  tskSetCset(pid, cset);
  csetGet(cset);
  csetTaskLink(cset, pid);
  csetNrTasksInc(cset);
  nrPids++;
  nrLive++;
  return p;
}

// forkMany's output cursor: the new pids sit at the head of the parent's cset task list, the
// newest first, so a batch too big for the IO buffer is read back from there in chunks.
let forkReadPos: u32 = 0; // next pid to hand out (walking towards older ones)
let forkReadLeft: u32 = 0; // pids of the last forkMany not yet read

/**
 * Fork `count` processes of parent, all or nothing. With `out`, the new pids go to the IO
 * buffer in fork order; otherwise taskForkManyRead hands them out afterwards.
 * count | -ESRCH | -EAGAIN | -EINVAL | -ENOMEM.
 */
export function taskForkMany(parent: u32, count: i32, out: bool): i32 {
  if (count < 0) return -EINVAL;
  if (!tskIsLive(parent)) return -ESRCH;
  forkReadLeft = 0;
  if (count == 0) return 0;
  let n = <u32>count;
  if (n > pidMax - 1 - nrPids) return -EAGAIN;
  let list: usize = 0;
  if (out) {
    list = bufEnsure(BUF_IO, listBytes(n));
    if (!list) return -ENOMEM;
  }
  let cset = tskCset(parent);
  let tgid = tskTgid(parent);
  let oldHead = csetTaskHead(cset);
  let savedCursor = cursor;
  let head = oldHead;
  for (let i: u32 = 0; i < n; i++) {
    let p = pidAlloc();
    if (p < 0) {
      // out of pids: undo (the orphan scan, if one ran, changed nothing observable)
      while (head != oldHead) {
        let q = head;
        head = tskNext(q);
        tskSetCset(q, 0);
        tskSetNext(q, 0);
        tskSetPrev(q, 0);
        tskSetRel(q, 0);
        pidBlockClearFull(q);
      }
      if (oldHead) tskSetPrev(oldHead, 0);
      cursor = savedCursor;
      return -EAGAIN;
    }
    let pid = <u32>p;
    tskSetCset(pid, cset);
    tskSetRel(pid, tgid);
    tskSetNext(pid, head);
    tskSetPrev(pid, 0);
    if (head) tskSetPrev(head, pid);
    head = pid;
    if (out) listSet(list, i, pid);
  }
  csetSetTaskHead(cset, head);
  tskSetRel(tgid, tskRel(tgid) | REL_FORKED);
  csetGetMany(cset, n);
  csetNrTasksAdd(cset, n);
  nrPids += n;
  nrLive += n;
  if (!out) {
    forkReadPos = head;
    forkReadLeft = n;
  }
  return count;
}

/**
 * The next (newest-first) `max` pids of the last forkMany, written to the IO buffer in fork
 * order: the result's entries [left - k, left) where left is what remained before the call.
 * Valid only right after taskForkMany(out = false). The count written.
 */
export function taskForkManyRead(max: u32): i32 {
  let k = max < forkReadLeft ? max : forkReadLeft;
  let list = bufEnsure(BUF_IO, listBytes(k));
  if (!list) return -ENOMEM;
  let p = forkReadPos;
  for (let j = k; j > 0; j--) {
    listSet(list, j - 1, p);
    p = tskNext(p);
  }
  forkReadPos = p;
  forkReadLeft -= k;
  return <i32>k;
}

/** A LIVE pid (not init) on cset exits. */
// @ts-ignore: decorator
@inline function taskExitLive(pid: u32, cset: u32): void {
  csetTaskUnlink(cset, pid);
  csetNrTasksDec(cset);
  csetPut(cset);
  nrLive--;
  let rel = tskRel(pid);
  if ((rel & (REL_THREAD | REL_HAS_THREADS)) == 0) {
    pidRelease(pid, (rel & REL_FORKED) != 0);
  } else {
    taskExitGroup(pid, rel);
  }
}

/** Exit of a thread, or of a leader with live threads. */
function taskExitGroup(pid: u32, rel: u32): void {
  if (rel & REL_THREAD) {
    let leader = rel & REL_PID_MASK;
    tgLeave(pid);
    pidRelease(pid, false);
    if (load<u32>(tgFind(leader), TG_NEXT) == leader) {
      // the last thread is gone: the group has no ring any more
      tgDelete(leader);
      let lrel = tskRel(leader) & ~REL_HAS_THREADS;
      if (lrel & REL_ZOMBIE) pidRelease(leader, (lrel & REL_FORKED) != 0);
      else tskSetRel(leader, lrel);
    }
  } else {
    // a leader with live threads becomes a zombie
    tskSetCset(pid, 0);
    tskSetNext(pid, 0);
    tskSetPrev(pid, 0);
    tskSetRel(pid, rel | REL_ZOMBIE);
  }
}

/** Exit a LIVE task: 0 | -ESRCH | -EPERM (init). */
export function taskExit(pid: u32): i32 {
  if (!tskIsLive(pid)) return -ESRCH;
  if (pid == INIT_PID) return -EPERM;
  taskExitLive(pid, tskCset(pid));
  return 0;
}

/**
 * exitMany, first pass: check that every pid of pids[0..n) is LIVE, not init, and not seen
 * before (in this list or an earlier chunk of the same batch), and mark it. On failure the
 * marks this call made are undone. n | -ESRCH (not LIVE, repeated) | -EPERM (init).
 */
export function taskExitMark(pids: usize, n: u32): i32 {
  for (let i: u32 = 0; i < n; i++) {
    let pid = listGet(pids, i);
    let err: i32 = 0;
    let cset = pid < pidMax ? tskCset(pid) : 0;
    if (cset == 0 || (cset & CSET_MARK) != 0) err = -ESRCH;
    else if (pid == INIT_PID) err = -EPERM;
    if (err) {
      taskExitUnmark(pids, i);
      return err;
    }
    tskSetCset(pid, cset | CSET_MARK);
  }
  return <i32>n;
}

/** exitMany, after a failed check: clear the marks of pids[0..n). */
export function taskExitUnmark(pids: usize, n: u32): void {
  for (let i: u32 = 0; i < n; i++) {
    let pid = listGet(pids, i);
    tskSetCset(pid, tskCset(pid) & ~CSET_MARK);
  }
}

/** exitMany, second pass: exit the marked pids of pids[0..n) in order. */
export function taskExitMarked(pids: usize, n: u32): void {
  for (let i: u32 = 0; i < n; i++) {
    let pid = listGet(pids, i);
    taskExitLive(pid, tskCset(pid) & ~CSET_MARK);
  }
}

/** Exit every pid of pids[0..n), all or nothing: n | -ESRCH (not LIVE, repeated) | -EPERM. */
export function taskExitMany(pids: usize, n: u32): i32 {
  let r = taskExitMark(pids, n);
  if (r >= 0) taskExitMarked(pids, n);
  return r;
}

// ---- attach ----

/** Move a LIVE task to cgrp (live). 0 | -ENOMEM. */
function taskAttachOne(pid: u32, cgrp: u32): i32 {
  let h = cgrpHier(cgrp);
  let from = tskCset(pid);
  if (csetCgrp(from, h) == cgrp) return 0;
  let to = csetGetVariant(from, h, cgrp);
  if (!to) return -ENOMEM;
  csetTaskUnlink(from, pid);
  csetTaskLink(to, pid);
  tskSetCset(pid, to);
  // the destination first, so cgroups shared by both never flip (as Linux)
  csetNrTasksInc(to);
  csetNrTasksDec(from);
  csetPut(from);
  return 0;
}

/** Move pid (or its whole thread group) to cgrp: 0 | -ENOENT (checked first) | -ESRCH | -ENOMEM. */
export function taskAttach(pid: u32, cgrp: u32, group: bool): i32 {
  if (!cgrpIsLive(cgrp)) return -ENOENT;
  if (!tskIsAllocated(pid)) return -ESRCH;
  if (!group) return tskCset(pid) != 0 ? taskAttachOne(pid, cgrp) : 0;
  let n = taskGroupList(tskTgid(pid), BUF_TMP);
  if (n < 0) return n;
  for (let i: u32 = 0; i < <u32>n; i++) {
    // BUF_TMP is not touched by taskAttachOne
    let r = taskAttachOne(listGet(bufPtr(BUF_TMP), i), cgrp);
    if (r < 0) return r;
  }
  return 0;
}

/** attachMany, first pass: 0 | -ENOENT (cgrp, first) | -ESRCH (a pid of pids[0..n) is FREE). */
export function taskAttachCheck(pids: usize, n: u32, cgrp: u32): i32 {
  if (!cgrpIsLive(cgrp)) return -ENOENT;
  for (let i: u32 = 0; i < n; i++) {
    if (!tskIsAllocated(listGet(pids, i))) return -ESRCH;
  }
  return 0;
}

/** attachMany, second pass (checked): move each LIVE pid of pids[0..n) to cgrp. 0 | -ENOMEM. */
export function taskAttachApply(pids: usize, n: u32, cgrp: u32): i32 {
  for (let i: u32 = 0; i < n; i++) {
    let pid = listGet(pids, i);
    if (tskCset(pid) != 0) {
      let r = taskAttachOne(pid, cgrp);
      if (r < 0) return r;
    }
  }
  return 0;
}

/** Write a DUMP record for every allocated pid, ascending, to the IO buffer; the count. */
export function taskDump(): i32 {
  let out = bufEnsure(BUF_IO, <u64>nrPids * DUMP_RECORD);
  if (!out) return -ENOMEM;
  let n: u32 = 0;
  for (let p: u32 = 1; p < pidHigh; p++) {
    if (tskIsFree(p)) continue;
    let rec = out + <usize>n * DUMP_RECORD;
    let cset = tskCset(p);
    store<u32>(rec, p, DUMP_PID);
    store<u32>(rec, tskTgid(p), DUMP_TGID);
    store<u32>(rec, tskPpid(p), DUMP_PPID);
    store<u32>(rec, cset ? cset : INIT_CSET, DUMP_CSET);
    store<u32>(rec, cset ? TASK_LIVE : TASK_ZOMBIE, DUMP_STATE);
    n++;
  }
  return <i32>n;
}

// ---- image state (index.ts stateGet/stateSet): this module's variables, in a fixed order ----
export const TASK_STATE_WORDS: u32 = 16;

export function taskStateGet(i: u32): u64 {
  switch (i) {
    case 0: return pidMax;
    case 1: return cursor;
    case 2: return pidHigh;
    case 3: return nrPids;
    case 4: return nrLive;
    case 5: return <u64>tCset;
    case 6: return <u64>tNext;
    case 7: return <u64>tPrev;
    case 8: return <u64>tRel;
    case 9: return <u64>pidFull;
    case 10: return <u64>tgBase;
    case 11: return tgCap;
    case 12: return tgShift;
    case 13: return tgCount;
    case 14: return forkReadPos;
    case 15: return forkReadLeft;
  }
  return 0;
}

export function taskStateSet(i: u32, v: u64): void {
  let w = <u32>v;
  switch (i) {
    case 0: pidMax = w; break;
    case 1: cursor = w; break;
    case 2: pidHigh = w; break;
    case 3: nrPids = w; break;
    case 4: nrLive = w; break;
    case 5: tCset = <usize>w; break;
    case 6: tNext = <usize>w; break;
    case 7: tPrev = <usize>w; break;
    case 8: tRel = <usize>w; break;
    case 9: pidFull = <usize>w; break;
    case 10: tgBase = <usize>w; break;
    case 11: tgCap = w; break;
    case 12: tgShift = w; break;
    case 13: tgCount = w; break;
    case 14: forkReadPos = w; break;
    case 15: forkReadLeft = w; break;
  }
}
