// The export surface of the cgsim engine: flat numeric functions over linear memory.
//
// Everything returns >= 0 or -errno. Lists are written to the IO buffer and their length is
// returned; JS then reads them at ioPtr() (the buffer may move on any call, so JS asks again).
// Batch inputs go the other way: JS asks scratch(bytes) for room, writes, then calls.
// Batches bigger than one IO chunk (wasm.ts BATCH_CHUNK entries) run in two passes over the
// chunks (check everything, then apply), so the IO buffer stays small whatever the batch size.
// The only caller is src/engine/wasm.ts (WasmEngine); "per op" below means once per call of
// the Engine method of the same name.

import { CGF_NOTIFY, CGF_QUEUED, CPU_LIMIT, EINVAL, ENOENT, ENOMEM, ESRCH, HIER_LIMIT, PID_LIMIT } from './defs';
import {
  BUF_IO, LIST_F64, MEM_STATE_WORDS, bufEnsure, bufPtr, listBytes, listGet, listGetF64, listSet,
  memBumpTop, memInit, memStateGet, memStateSet,
} from './mem';
import { SORT_STATE_WORDS, sortInit, sortStateGet, sortStateSet, sortU32, sortUnique } from './sort';
import * as T from './task';
import * as S from './cset';
import * as C from './cgroup';
import {
  CHECK_STATE_WORDS, checkStateGet, checkStateSet, checkWhere as checkWhereImpl, engineCheck,
} from './check';


// ---- setup ----

/** WasmEngine constructor, once per instance: size every table. 0 | -EINVAL | -ENOMEM. */
export function init(pidMax: u32, maxHierarchies: u32, cpus: u32): i32 {
  if (pidMax < 2 || pidMax > PID_LIMIT) return -EINVAL;
  if (maxHierarchies < 1 || maxHierarchies > HIER_LIMIT || cpus < 1 || cpus > CPU_LIMIT) return -EINVAL;
  memInit();
  if (!sortInit() || !C.cgroupInit(maxHierarchies, cpus) || !S.csetInit(maxHierarchies)) return -ENOMEM;
  if (!T.taskInit(pidMax)) return -ENOMEM;
  if (!bufEnsure(BUF_IO, 4096)) return -ENOMEM;
  return 0;
}

/**
 * Batch callers (exitMany/attachMany/chargeMany), once per chunk: room for `bytes` in the IO
 * buffer; its address, or 0.
 */
export function scratch(bytes: u32): usize {
  return bufEnsure(BUF_IO, bytes);
}

/** Every list-returning method, once per call: where the IO buffer is now. */
export function ioPtr(): usize {
  return bufPtr(BUF_IO);
}

// ---- tasks ----

/** fork, per op (hot). New pid | -ESRCH | -EAGAIN. */
function forkImpl(parent: u32, thread: i32): i32 {
  return T.taskFork(parent, thread != 0);
}
export { forkImpl as fork };

/** exit, per op (hot). 0 | -ESRCH | -EPERM. */
function exitImpl(pid: u32): i32 {
  return T.taskExit(pid);
}
export { exitImpl as exit };

/**
 * forkMany, per batch (hot): fork `count` processes of parent, all or nothing. With out != 0
 * the new pids go to the IO buffer; with out = 0 (batches bigger than the IO chunk) JS reads
 * them with forkManyRead. count | -ESRCH | -EAGAIN | -EINVAL.
 */
export function forkMany(parent: u32, count: i32, out: i32): i32 {
  return T.taskForkMany(parent, count, out != 0);
}

/** forkMany of a big batch, once per chunk right after forkMany(out = 0): see taskForkManyRead. */
export function forkManyRead(max: u32): i32 {
  return T.taskForkManyRead(max);
}

/** exitMany, per batch of one chunk (hot): exits the n pids JS wrote to the IO buffer. n | -ESRCH | -EPERM. */
export function exitMany(n: u32): i32 {
  return T.taskExitMany(bufPtr(BUF_IO), n);
}

/** exitMany of a big batch, pass 1, per chunk: check and mark. n | -ESRCH | -EPERM (chunk left unmarked). */
export function exitManyMark(n: u32): i32 {
  return T.taskExitMark(bufPtr(BUF_IO), n);
}

/** exitMany of a big batch after a failed check, per earlier chunk: unmark. */
export function exitManyUnmark(n: u32): void {
  T.taskExitUnmark(bufPtr(BUF_IO), n);
}

/** exitMany of a big batch, pass 2, per chunk: exit the marked pids. */
export function exitManyMarked(n: u32): void {
  T.taskExitMarked(bufPtr(BUF_IO), n);
}

/** taskState, per op. */
export function taskState(pid: u32): i32 {
  return T.taskState(pid);
}

/** taskTgid, per op. */
export function taskTgid(pid: u32): i32 {
  return T.tskIsAllocated(pid) ? <i32>T.tskTgid(pid) : -ESRCH;
}

/** taskPpid, per op. */
export function taskPpid(pid: u32): i32 {
  return T.tskIsAllocated(pid) ? <i32>T.tskPpid(pid) : -ESRCH;
}

/** taskCset, per op (INIT_CSET for a zombie). */
export function taskCset(pid: u32): i32 {
  if (!T.tskIsAllocated(pid)) return -ESRCH;
  let cset = T.tskCset(pid);
  return cset ? <i32>cset : 1;
}

/** taskCgroup, per op (/proc/<pid>/cgroup: once per hierarchy). */
export function taskCgroup(pid: u32, h: u32): i32 {
  return T.taskCgroup(pid, h);
}

/** threadGroup, per op: sorted LIVE members in the IO buffer; count | -ESRCH. */
export function threadGroup(pid: u32): i32 {
  if (!T.tskIsAllocated(pid)) return -ESRCH;
  return T.taskGroupList(T.tskTgid(pid), BUF_IO);
}

/** pidsInUse, per op. */
export function pidsInUse(): i32 {
  return <i32>T.taskNrPids();
}

// ---- hierarchies ----

/** hierCreate, per mount. slot | -ENOSPC. */
export function hierCreate(): i32 {
  return C.hierCreate();
}

/** hierDestroy, per umount of a childless hierarchy. 0 | -EBUSY | -EINVAL. */
export function hierDestroy(h: u32): i32 {
  return C.hierDestroy(h);
}

/** hierRoot, per op (path walks). root id | -EINVAL. */
export function hierRoot(h: u32): i32 {
  return C.hierIsLive(h) ? <i32>C.hierRoot(h) : -EINVAL;
}

/** hierNrCgroups, per op (/proc/cgroups). count | -EINVAL. */
export function hierNrCgroups(h: u32): i32 {
  return C.hierIsLive(h) ? <i32>C.hierNrCgroups(h) : -EINVAL;
}

// ---- cgroups ----

/** cgroupCreate, per mkdir. id | -ENOENT. */
export function cgroupCreate(parent: u32): i32 {
  return C.cgroupCreate(parent);
}

/** cgroupDestroy, per rmdir. 0 | -EBUSY | -ENOENT. */
export function cgroupDestroy(cgrp: u32): i32 {
  return C.cgroupDestroy(cgrp);
}

/** cgroupParent, per op. parent (0 for a root) | -ENOENT. */
export function cgroupParent(cgrp: u32): i32 {
  return C.cgrpIsLive(cgrp) ? <i32>C.cgrpParent(cgrp) : -ENOENT;
}

/** cgroupHier, per op. slot | -ENOENT. */
export function cgroupHier(cgrp: u32): i32 {
  return C.cgrpIsLive(cgrp) ? <i32>C.cgrpHier(cgrp) : -ENOENT;
}

/** cgroupChildren, per readdir: ids in creation order in the IO buffer; count (0 if unknown). */
export function cgroupChildren(cgrp: u32): i32 {
  if (!C.cgrpIsLive(cgrp)) return 0;
  let n: u32 = 0;
  for (let k = C.cgrpFirstChild(cgrp); k; k = C.cgrpNextSib(k)) n++;
  let out = bufEnsure(BUF_IO, listBytes(n));
  if (!out) return -ENOMEM;
  n = 0;
  for (let k = C.cgrpFirstChild(cgrp); k; k = C.cgrpNextSib(k)) listSet(out, n++, k);
  return <i32>n;
}

/** cgroupSetNotify, per write of notify_on_release. 0 | -ENOENT. */
export function cgroupSetNotify(cgrp: u32, on: i32): i32 {
  return C.cgroupSetNotify(cgrp, on != 0);
}

/** cgroupNotify, per read. 1 | 0 (0 if unknown). */
export function cgroupNotify(cgrp: u32): i32 {
  return C.cgrpIsLive(cgrp) && (C.cgrpFlags(cgrp) & CGF_NOTIFY) != 0 ? 1 : 0;
}

/** cgroupPopulated, per op. 1 | 0 (0 if unknown). */
export function cgroupPopulated(cgrp: u32): i32 {
  return C.cgrpIsLive(cgrp) && C.cgrpIsPopulated(cgrp) ? 1 : 0;
}

/** dump, per cgroup: 1 when on the release queue. */
export function cgroupQueued(cgrp: u32): i32 {
  return C.cgrpIsLive(cgrp) && (C.cgrpFlags(cgrp) & CGF_QUEUED) != 0 ? 1 : 0;
}

function cgrpTaskCount(cgrp: u32): u32 {
  let h = C.cgrpHier(cgrp);
  let n: u32 = 0;
  for (let cs = C.cgrpCsetHead(cgrp); cs; cs = S.csetLinkNext(cs, h)) n += S.csetNrTasks(cs);
  return n;
}

/** cgroupTaskCount, per read of debug.taskcount. Sum of nrTasks over linked csets (0 if unknown). */
export function cgroupTaskCount(cgrp: u32): i32 {
  return C.cgrpIsLive(cgrp) ? <i32>cgrpTaskCount(cgrp) : 0;
}

/**
 * cgroupTasks, per open of tasks / cgroup.procs: sorted pids (or unique tgids) in the IO
 * buffer; count. A cgroup holding a large share of all pids is listed by one scan of the task
 * table (already in pid order) instead of walking its csets and sorting.
 */
export function cgroupTasks(cgrp: u32, procs: i32): i32 {
  if (!C.cgrpIsLive(cgrp)) return 0;
  let total = cgrpTaskCount(cgrp);
  let out = bufEnsure(BUF_IO, listBytes(total));
  if (!out) return -ENOMEM;
  let h = C.cgrpHier(cgrp);
  let n: u32 = 0;
  let high = T.taskPidHigh();
  if (total >= 64 && total >= (high >> 4)) {
    let lastCset: u32 = 0;
    let lastIn = false;
    for (let p: u32 = 1; p < high && n < total; p++) {
      let cs = T.tskCset(p);
      if (!cs) continue;
      if (cs != lastCset) {
        lastCset = cs;
        lastIn = S.csetCgrp(cs, h) == cgrp;
      }
      if (lastIn) listSet(out, n++, procs ? T.tskTgid(p) : p);
    }
  } else {
    for (let cs = C.cgrpCsetHead(cgrp); cs; cs = S.csetLinkNext(cs, h)) {
      for (let p = S.csetTaskHead(cs); p; p = T.tskNext(p)) {
        listSet(out, n++, procs ? T.tskTgid(p) : p);
      }
    }
  }
  if (!sortU32(out, n)) return -ENOMEM;
  return <i32>(procs ? sortUnique(out, n) : n);
}

/** cgroupCsets, per op (debug): linked cset ids, sorted, in the IO buffer; count (0 if unknown). */
export function cgroupCsets(cgrp: u32): i32 {
  if (!C.cgrpIsLive(cgrp)) return 0;
  let out = bufEnsure(BUF_IO, listBytes(C.cgrpNrCsets(cgrp)));
  if (!out) return -ENOMEM;
  let h = C.cgrpHier(cgrp);
  let n: u32 = 0;
  for (let cs = C.cgrpCsetHead(cgrp); cs; cs = S.csetLinkNext(cs, h)) listSet(out, n++, cs);
  if (!sortU32(out, n)) return -ENOMEM;
  return <i32>n;
}

/** cssGet, per css reference taken by the Kernel. 0 | -ENOENT. */
export function cssGet(cgrp: u32): i32 {
  return C.cssGet(cgrp);
}

/** cssPut, per css reference dropped. 0 | -ENOENT | -EINVAL. */
export function cssPut(cgrp: u32): i32 {
  return C.cssPut(cgrp);
}

/** cgroupCssRefs, per op. refs | -ENOENT. */
export function cgroupCssRefs(cgrp: u32): i32 {
  return C.cgrpIsLive(cgrp) ? <i32>C.cgrpCssRefs(cgrp) : -ENOENT;
}

// ---- attach ----

/** attach, per write to tasks / cgroup.procs (hot). 0 | -ESRCH | -ENOENT. */
export function attach(pid: u32, cgrp: u32, group: i32): i32 {
  return T.taskAttach(pid, cgrp, group != 0);
}

/** attachMany, per batch of one chunk (hot): the n pids JS wrote to the IO buffer. n | -ENOENT | -ESRCH. */
export function attachMany(n: u32, cgrp: u32): i32 {
  let r = T.taskAttachCheck(bufPtr(BUF_IO), n, cgrp);
  if (r < 0) return r;
  r = T.taskAttachApply(bufPtr(BUF_IO), n, cgrp);
  return r < 0 ? r : <i32>n;
}

/** attachMany of a big batch, pass 1, per chunk. 0 | -ENOENT | -ESRCH. */
export function attachManyCheck(n: u32, cgrp: u32): i32 {
  return T.taskAttachCheck(bufPtr(BUF_IO), n, cgrp);
}

/** attachMany of a big batch, pass 2, per chunk. 0 | -ENOMEM. */
export function attachManyApply(n: u32, cgrp: u32): i32 {
  return T.taskAttachApply(bufPtr(BUF_IO), n, cgrp);
}

// ---- css_sets ----

/** csetRefcount, per op (debug files). refcount | -ENOENT. */
export function csetRefcount(cset: u32): i32 {
  return S.csetIsLive(cset) ? <i32>S.csetRefcount(cset) : -ENOENT;
}

/** csetNrTasks, per op. nrTasks | -ENOENT. */
export function csetNrTasks(cset: u32): i32 {
  return S.csetIsLive(cset) ? <i32>S.csetNrTasks(cset) : -ENOENT;
}

/** csetCgroups, per op: the vector (maxHierarchies ids) in the IO buffer; count | -ENOENT. */
export function csetCgroups(cset: u32): i32 {
  if (!S.csetIsLive(cset)) return -ENOENT;
  let maxH = C.hierMaxSlots();
  let out = bufEnsure(BUF_IO, listBytes(maxH));
  if (!out) return -ENOMEM;
  for (let h: u32 = 0; h < maxH; h++) listSet(out, h, S.csetCgrp(cset, h));
  return <i32>maxH;
}

/** csetTasks, per op: sorted LIVE pids in the IO buffer; count (0 if unknown). */
export function csetTasks(cset: u32): i32 {
  if (!S.csetIsLive(cset)) return 0;
  let out = bufEnsure(BUF_IO, listBytes(S.csetNrTasks(cset)));
  if (!out) return -ENOMEM;
  let n: u32 = 0;
  for (let p = S.csetTaskHead(cset); p; p = T.tskNext(p)) listSet(out, n++, p);
  if (!sortU32(out, n)) return -ENOMEM;
  return <i32>n;
}

// ---- release queue ----

/** releasePop, after every Kernel operation until it returns 0. */
export function releasePop(): i32 {
  return <i32>C.releasePop();
}

/** dump: the queue, oldest first, in the IO buffer; count. */
export function releaseQueue(): i32 {
  let n: u32 = 0;
  for (let c = C.releaseQueueHead(); c; c = C.cgrpQueueNext(c)) n++;
  let out = bufEnsure(BUF_IO, listBytes(n));
  if (!out) return -ENOMEM;
  n = 0;
  for (let c = C.releaseQueueHead(); c; c = C.cgrpQueueNext(c)) listSet(out, n++, c);
  return <i32>n;
}

// ---- cpuacct ----

// @ts-ignore: decorator
@inline function nsIsValid(ns: f64): bool {
  return ns >= 0 && ns < 9007199254740992.0 && Math.floor(ns) == ns;
}

/** Validate a charge's shared arguments: 0 | -EINVAL. */
function chargeArgsCheck(cpu: u32, mode: u32, h: i32): i32 {
  if (!C.cpuacctValidCpuMode(cpu, mode)) return -EINVAL;
  if (h != -1 && !C.hierIsLive(<u32>h)) return -EINVAL;
  return 0;
}

// @ts-ignore: decorator
@inline function chargeTarget(pid: u32, h: i32): u32 {
  return h < 0 ? 0 : <u32>T.taskCgroup(pid, <u32>h);
}

/** charge, per op (hot). 0 | -EINVAL (arguments first) | -ESRCH. */
export function charge(pid: u32, ns: f64, cpu: u32, mode: u32, h: i32): i32 {
  let err = chargeArgsCheck(cpu, mode, h);
  if (err) return err;
  if (!nsIsValid(ns)) return -EINVAL;
  if (!T.tskIsAllocated(pid)) return -ESRCH;
  C.cpuacctCharge(chargeTarget(pid, h), <u64>ns, cpu, mode);
  return 0;
}

/**
 * chargeMany, pass 1, per chunk. The IO buffer holds n f64 ns, then n i32 pids (JS lays it out
 * with scratch(n * 12)). The shared arguments, then each (ns, pid) in order. 0 | -EINVAL | -ESRCH.
 */
export function chargeManyCheck(n: u32, cpu: u32, mode: u32, h: i32): i32 {
  let err = chargeArgsCheck(cpu, mode, h);
  if (err) return err;
  let nsList = bufPtr(BUF_IO);
  let pidList = nsList + <usize>n * LIST_F64;
  for (let i: u32 = 0; i < n; i++) {
    if (!nsIsValid(listGetF64(nsList, i))) return -EINVAL;
    if (!T.tskIsAllocated(listGet(pidList, i))) return -ESRCH;
  }
  return 0;
}

/** chargeMany, pass 2, per chunk (checked): charge every (ns, pid). */
export function chargeManyApply(n: u32, cpu: u32, mode: u32, h: i32): void {
  let nsList = bufPtr(BUF_IO);
  let pidList = nsList + <usize>n * LIST_F64;
  for (let i: u32 = 0; i < n; i++) {
    C.cpuacctCharge(chargeTarget(listGet(pidList, i), h), <u64>listGetF64(nsList, i), cpu, mode);
  }
}

/** chargeMany, per batch of one chunk (hot): check, then charge. n | -EINVAL | -ESRCH. */
export function chargeMany(n: u32, cpu: u32, mode: u32, h: i32): i32 {
  let r = chargeManyCheck(n, cpu, mode, h);
  if (r < 0) return r;
  chargeManyApply(n, cpu, mode, h);
  return <i32>n;
}

/** cpuacctUsage, per read of a cpuacct file. The u64 counter (as i64), or -1 when invalid. */
export function cpuacctUsage(cgrp: u32, cpu: u32, mode: u32): i64 {
  return C.cpuacctUsage(cgrp, cpu, mode);
}

/** cpuacctUsage, only when the counter read -1: 1 when (cgrp, cpu, mode) is valid (the counter is 2^64-1). */
export function cpuacctValid(cgrp: u32, cpu: u32, mode: u32): i32 {
  return C.cpuacctIsLive(cgrp) && C.cpuacctValidCpuMode(cpu, mode) ? 1 : 0;
}

/** cpuacctReset, per write of 0 to cpuacct.usage. 0 | -ENOENT. */
export function cpuacctReset(cgrp: u32): i32 {
  return C.cpuacctReset(cgrp);
}

/** cpuacctMove, per bind/unbind of cpuacct. 0 | -ENOENT. */
export function cpuacctMove(from: u32, to: u32): i32 {
  return C.cpuacctMove(from, to);
}

// ---- whole state ----

/** stats, per op: LIVE tasks. */
export function statTasks(): i32 { return <i32>T.taskNrLive(); }
/** stats, per op: live csets. */
export function statCsets(): i32 { return <i32>S.csetLiveCount(); }
/** stats, per op: live cgroups. */
export function statCgroups(): i32 { return <i32>C.cgroupLiveCount(); }
/** stats, per op: live hierarchies. */
export function statHierarchies(): i32 { return <i32>C.hierCount(); }
/** stats/tests: the allocator's bump pointer (bytes of linear memory handed out). */
export function statBumpTop(): usize { return memBumpTop(); }

/** dump: the pid search cursor. */
export function cursor(): i32 { return <i32>T.taskCursor(); }
/** dump: (pid, tgid, ppid, cset, state) for every allocated pid, ascending, in the IO buffer; count. */
export function taskDump(): i32 { return T.taskDump(); }
/** dump: highest cset id ever used (ids above are not live). */
export function csetHighId(): i32 { return <i32>S.csetHighId(); }
/** dump: highest cgroup id ever used. */
export function cgroupHighId(): i32 { return <i32>C.cgroupHighId(); }

/** selfCheck, per call: 0 when consistent, else a CHK_* code (defs.ts) and checkWhere(). */
export function selfCheck(): i32 { return engineCheck(); }
/** selfCheck after a failure: the pid/cset/cgroup id at fault. */
export function checkWhere(): i32 { return <i32>checkWhereImpl(); }

// ---- images (Engine.save and restore, src/engine/wasm.ts) ----
//
// The engine's whole state is linear memory, which JS copies directly, plus the module-level
// variables of mem, task, cset, cgroup, sort and check. Those are read and written here as
// numbered 64-bit words, module by module in that order, each module's in the order of its
// *StateGet. Neither function allocates, so saving leaves the engine untouched; a restore
// writes memory first and then every word, before any other call.

const STATE_TASK: u32 = MEM_STATE_WORDS;
const STATE_CSET: u32 = STATE_TASK + T.TASK_STATE_WORDS;
const STATE_CGROUP: u32 = STATE_CSET + S.CSET_STATE_WORDS;
const STATE_SORT: u32 = STATE_CGROUP + C.CGROUP_STATE_WORDS;
const STATE_CHECK: u32 = STATE_SORT + SORT_STATE_WORDS;
const STATE_WORDS: u32 = STATE_CHECK + CHECK_STATE_WORDS;

/** save/restore, once per image: the number of state words. */
export function stateWords(): u32 {
  return STATE_WORDS;
}

/** save, per state word: its value (0 past the end). */
export function stateGet(i: u32): i64 {
  if (i < STATE_TASK) return <i64>memStateGet(i);
  if (i < STATE_CSET) return <i64>T.taskStateGet(i - STATE_TASK);
  if (i < STATE_CGROUP) return <i64>S.csetStateGet(i - STATE_CSET);
  if (i < STATE_SORT) return <i64>C.cgroupStateGet(i - STATE_CGROUP);
  if (i < STATE_CHECK) return <i64>sortStateGet(i - STATE_SORT);
  return <i64>checkStateGet(i - STATE_CHECK);
}

/** restore, per state word: set it (ignored past the end). */
export function stateSet(i: u32, v: i64): void {
  if (i < STATE_TASK) memStateSet(i, <u64>v);
  else if (i < STATE_CSET) T.taskStateSet(i - STATE_TASK, <u64>v);
  else if (i < STATE_CGROUP) S.csetStateSet(i - STATE_CSET, <u64>v);
  else if (i < STATE_SORT) C.cgroupStateSet(i - STATE_CGROUP, <u64>v);
  else if (i < STATE_CHECK) sortStateSet(i - STATE_SORT, <u64>v);
  else checkStateSet(i - STATE_CHECK, <u64>v);
}

/** restore, once: the options the state was built for (0 pidMax, 1 maxHierarchies, 2 cpus). */
export function stateOption(which: u32): u32 {
  return which == 0 ? T.taskPidMax() : which == 1 ? C.hierMaxSlots() : C.cgroupCpus();
}
