// Record layouts, flags and limits of the cgsim engine (see src/engine/types.ts for the model).
//
// Every table lives in linear memory, managed by mem.ts. Each layout below is drawn as a box
// diagram right above the constants that name its offsets; sizes are derived from the offsets,
// and the other files reach fields only through the @inline accessors they define with these
// names. All ids are u32; 0 means "none" for pids, cset ids and cgroup ids alike.

// ---- errno (returned negated) ----
export const EPERM: i32 = 1;
export const ENOENT: i32 = 2;
export const ESRCH: i32 = 3;
export const EAGAIN: i32 = 11;
export const ENOMEM: i32 = 12;
export const EBUSY: i32 = 16;
export const EINVAL: i32 = 22;
export const ENOSPC: i32 = 28;

// ---- limits ----
/** Task ids fit in 28 bits (types.ts PID_LIMIT = 1 << 28). */
export const PID_BITS: u32 = 28;
export const PID_LIMIT: u32 = 1 << PID_BITS;
/** Where pid allocation wraps to (Linux's RESERVED_PIDS). */
export const RESERVED_PIDS: u32 = 300;
export const INIT_PID: u32 = 1;
export const INIT_CSET: u32 = 1;
/** Largest number of hierarchy slots an engine accepts. */
export const HIER_LIMIT: u32 = 1024;
/** Largest number of simulated cpus an engine accepts. */
export const CPU_LIMIT: u32 = 4096;

// ---- task states (types.ts TASK_*) ----
export const TASK_FREE: i32 = 0;
export const TASK_LIVE: i32 = 1;
export const TASK_ZOMBIE: i32 = 2;

// ---- the task table: struct of arrays indexed by pid, 16 bytes per task ----
//
//   pid:        0      1      2     ...   pidMax-1
//             +------+------+------+-----+------+
//   taskCset  | cset | cset | cset | ... | cset |  u32: the LIVE task's cset id; 0 otherwise
//             +------+------+------+-----+------+   (bit 31 marks a pid during exitMany checks)
//   taskNext  | pid  | pid  | pid  | ... | pid  |  u32: next task on the same cset's list (0 = end)
//             +------+------+------+-----+------+
//   taskPrev  | pid  | pid  | pid  | ... | pid  |  u32: previous task on that list (0 = head)
//             +------+------+------+-----+------+
//   taskRel   | rel  | rel  | rel  | ... | rel  |  u32: relation word, below
//             +------+------+------+-----+------+
//
//   taskRel   31        30            29       28        27 ............................ 0
//             +--------+-------------+--------+---------+-------------------------------+
//   leader    | ZOMBIE | HAS_THREADS | FORKED | 0       | parent tgid (0 for init)      |
//   thread    | 0      | 0           | 0      | THREAD  | leader pid                    |
//   free slot | 0      | 0           | PENDING| 0       | 0                             |
//             +--------+-------------+--------+---------+-------------------------------+
//
// A slot is FREE when taskCset is 0 and ZOMBIE is clear; a ZOMBIE leader has taskCset 0.
// FORKED: some task of this group forked a process (so children may name this tgid).
// PENDING (the same bit, on a FREE slot): a FORKED group was freed here; its children still
// name this pid as parent until the next orphan scan (task.ts) rewrites them to init.
export const TASK_WORD: u32 = 4;
export const TASK_BYTES: u32 = 4 * TASK_WORD; // 16 bytes per task, all four arrays together
export const REL_PID_MASK: u32 = PID_LIMIT - 1;
export const REL_THREAD: u32 = 1 << 28;
export const REL_FORKED: u32 = 1 << 29;
export const REL_PENDING: u32 = REL_FORKED;
export const REL_HAS_THREADS: u32 = 1 << 30;
export const REL_ZOMBIE: u32 = 1 << 31;
export const REL_FLAGS: u32 = ~REL_PID_MASK;
/** Temporary mark on taskCset while a batch is validated (cset ids stay below 2^31). */
export const CSET_MARK: u32 = 1 << 31;

// ---- the pid "full" bitmap: one bit per block of 64 pids ----
//
//   word:     0                          1
//           +--------------------------+--------------------------+----
//           | b63 ........... b1 b0    | b127 ........... b64     | ...   u64 words
//           +--------------------------+--------------------------+----
//   bit b set: block b (pids 64b .. 64b+63) was seen with no FREE slot. A hint only:
//   set by the allocator's scan, cleared whenever a pid of the block is freed.
export const PID_BLOCK_SHIFT: u32 = 6;
export const PID_BITMAP_WORD: u32 = 8;

// ---- thread-group rings: open-addressing map pid -> (next, prev), used only by groups with
//      threads (the leader and every thread of such a group, a zombie leader included) ----
//
//   0          4          8          12         16
//   +----------+----------+----------+----------+
//   | pid      | next     | prev     | (unused) |     pid 0 = empty slot
//   +----------+----------+----------+----------+
export const TG_PID: u32 = 0;
export const TG_NEXT: u32 = 4;
export const TG_PREV: u32 = 8;
export const TG_ENTRY: u32 = 16;
export const TG_MIN_CAP: u32 = 64;

// ---- css_set records: one per cset id, stride derived from maxHierarchies ----
//
//   0              4              8              12             16
//   +--------------+--------------+--------------+--------------+
//   | refcount     | nrTasks      | taskHead     | hash         |
//   +--------------+--------------+--------------+--------------+
//   | cgrp[0] cgrp[1] ... cgrp[maxH-1]    4 bytes each: the vector; 0 = slot not live
//   +-------------------------------------------------------------------------------+
//   | link[0] link[1] ... link[maxH-1]    8 bytes each: next, prev cset in the list of
//   |                                     csets linked to cgrp[h] (0 = end)
//   +-------------------------------------------------------------------------------+
//
// A free id has refcount 0 and keeps the next free id (the LIFO stack) in taskHead.
// hash = sum over live slots of csetSlotMix(h, cgrp[h]) (cset.ts), cached.
export const CSET_REFCOUNT: u32 = 0;
export const CSET_NR_TASKS: u32 = 4;
export const CSET_TASK_HEAD: u32 = 8;
export const CSET_FREE_NEXT: u32 = CSET_TASK_HEAD;
export const CSET_HASH: u32 = 12;
export const CSET_HEADER: u32 = 16;
export const CSET_CGRP_SIZE: u32 = 4;
export const CSET_LINK_SIZE: u32 = 8;
export const CSET_LINK_NEXT: u32 = 0;
export const CSET_LINK_PREV: u32 = 4;
/** Bytes per cset record for maxH hierarchy slots. */
// @ts-ignore: decorator
@inline export function csetStrideFor(maxH: u32): u32 {
  return CSET_HEADER + maxH * (CSET_CGRP_SIZE + CSET_LINK_SIZE);
}
export const CSET_MIN_CAP: u32 = 64;

// ---- the cset hash table: open addressing, linear probing, backward-shift deletion ----
//
//   0              4              8
//   +--------------+--------------+
//   | hash         | cset id      |      cset id 0 = empty slot
//   +--------------+--------------+
export const CSH_HASH: u32 = 0;
export const CSH_ID: u32 = 4;
export const CSH_ENTRY: u32 = 8;
export const CSH_MIN_CAP: u32 = 64;

// ---- cgroup records: one per cgroup id (id 0 unused: it names the unbound root) ----
//
//   0            4            8            12           16
//   +------------+------------+------------+------------+
//   | parent     | firstChild | lastChild  | nextSib    |   children in creation order
//   +------------+------------+------------+------------+
//   | prevSib    | hier       | flags      | csetHead   |   csetHead: first linked cset
//   +------------+------------+------------+------------+
//   | nrCsets    | nrPopCsets | nrPopKids  | cssRefs    |   populated counts (modern)
//   +------------+------------+------------+------------+
//   | queueNext  | queuePrev  | freeNext   | (unused)   |   release queue links, id stack
//   +------------+------------+------------+------------+
//   48           52           56           60           64
//
// nrPopCsets: linked csets with nrTasks > 0; nrPopKids: populated children.
// Populated = nrPopCsets + nrPopKids > 0.
export const CG_PARENT: u32 = 0;
export const CG_FIRST_CHILD: u32 = 4;
export const CG_LAST_CHILD: u32 = 8;
export const CG_NEXT_SIB: u32 = 12;
export const CG_PREV_SIB: u32 = 16;
export const CG_HIER: u32 = 20;
export const CG_FLAGS: u32 = 24;
export const CG_CSET_HEAD: u32 = 28;
export const CG_NR_CSETS: u32 = 32;
export const CG_NR_POP_CSETS: u32 = 36;
export const CG_NR_POP_KIDS: u32 = 40;
export const CG_CSS_REFS: u32 = 44;
export const CG_QUEUE_NEXT: u32 = 48;
export const CG_QUEUE_PREV: u32 = 52;
export const CG_FREE_NEXT: u32 = 56;
export const CG_RECORD: u32 = 64;
export const CG_MIN_CAP: u32 = 64;

// cgroup flags
export const CGF_NOTIFY: u32 = 1 << 0; // notify_on_release
export const CGF_QUEUED: u32 = 1 << 1; // on the release queue
export const CGF_REMOVED: u32 = 1 << 2; // id is free (destroyed or never used)

// ---- hierarchy slots: a small fixed table of maxHierarchies records ----
//
//   0              4              8
//   +--------------+--------------+
//   | root cgroup  | nrCgroups    |      root 0 = slot free
//   +--------------+--------------+
export const HIER_ROOT: u32 = 0;
export const HIER_NR_CGROUPS: u32 = 4;
export const HIER_RECORD: u32 = 8;

// ---- cpuacct counters: a separate table indexed by cgroup id (0 = unbound root) ----
//
//   cgroup id c:  +----------+----------+----------+----------+-----
//                 | cpu0 usr | cpu0 sys | cpu1 usr | cpu1 sys | ...    u64 ns each
//                 +----------+----------+----------+----------+-----
//   stride = cpus * CPUACCT_MODES * 8
export const CPUACCT_MODES: u32 = 2;
export const CPUACCT_COUNTER: u32 = 8;

// ---- dump records: taskDump writes one per allocated pid (the IO buffer, read by wasm.ts) ----
//
//   0          4          8          12         16         20
//   +----------+----------+----------+----------+----------+
//   | pid      | tgid     | ppid     | cset     | state    |
//   +----------+----------+----------+----------+----------+
export const DUMP_PID: u32 = 0;
export const DUMP_TGID: u32 = 4;
export const DUMP_PPID: u32 = 8;
export const DUMP_CSET: u32 = 12;
export const DUMP_STATE: u32 = 16;
export const DUMP_RECORD: u32 = 20;

// ---- selfCheck codes (translated to messages in src/engine/wasm.ts) ----
export const CHK_OK: i32 = 0;
export const CHK_TASK_CSET: i32 = 1; // LIVE task's cset not live
export const CHK_TASK_LIST: i32 = 2; // cset task lists broken or counts wrong
export const CHK_TASK_REL: i32 = 3; // thread/leader relation broken
export const CHK_TASK_COUNT: i32 = 4; // pidsInUse / live task counters
export const CHK_TASK_RING: i32 = 5; // thread-group ring broken
export const CHK_PID_BITMAP: i32 = 6; // block marked full has a free pid
export const CHK_CSET_REF: i32 = 7; // refcount != nrTasks (+1 for init)
export const CHK_CSET_VEC: i32 = 8; // vector slot invalid (dead cgroup, wrong hierarchy, dead slot set)
export const CHK_CSET_HASH: i32 = 9; // cached hash wrong or hash table incomplete
export const CHK_CSET_DUP: i32 = 10; // two csets with equal vectors
export const CHK_CSET_LINK: i32 = 11; // cgroup<->cset links asymmetric / nrCsets wrong
export const CHK_CG_TREE: i32 = 12; // parent/children links broken
export const CHK_CG_POP: i32 = 13; // populated counts wrong
export const CHK_CG_QUEUE: i32 = 14; // release queue / QUEUED flags disagree
export const CHK_HIER: i32 = 15; // hierarchy counts wrong
export const CHK_ID_STACK: i32 = 16; // free-id stacks broken
export const CHK_CSET_FREE: i32 = 17; // free cset id with state
export const CHK_CG_REFS: i32 = 18; // cssRefs on a root
