// Profile 'v11': cpuset as V11 had it (semantics.md §13): the V11 file table, lax base-10
// flags, memory_pressure EACCES, the old list parser, offline numbers dropped, 2.6.24's write
// limit; the placement rules themselves are the modern ones.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { MAX_NUMNODES, NR_CPUS, parseListV11 } from '../../src/subsys/cpuset.ts';
import { boot, ENGINES, failsUnchanged, throwsCode } from '../helpers/kernel.ts';

const bits = (m: Uint32Array): number[] => {
  const out: number[] = [];
  for (let b = 0; b < m.length * 32; b++) if (m[b >>> 5]! & (1 << (b & 31))) out.push(b);
  return out;
};

const p = suite('profile v11: cpuset list parser (old bitmap_parselist)');
const good: Array<[string, number[]]> = [
  ['0', [0]],
  ['0-3', [0, 1, 2, 3]],
  ['1,3', [1, 3]],
  ['0,', [0]],
  ['2-2,0', [0, 2]],
  ['1\n', [1]],
  ['4294967297', [1]], // an unsigned int keeps 32 bits
];
for (const [s, want] of good) p(`${JSON.stringify(s)}`, () => assert.equal(bits(parseListV11(s, 64)), want));
const bad: Array<[string, string]> = [
  ['', 'EINVAL'],
  [',0', 'EINVAL'],
  ['0,,1', 'EINVAL'],
  ['0 1', 'EINVAL'],
  ['0-', 'EINVAL'],
  ['-1', 'EINVAL'],
  ['a', 'EINVAL'],
  ['3-1', 'EINVAL'],
  ['0-3:1/2', 'EINVAL'], // no strides yet
  ['all', 'EINVAL'],
  ['64', 'ERANGE'],
  ['0-64', 'ERANGE'],
];
for (const [s, code] of bad) {
  p(`${JSON.stringify(s)} -> ${code}`, () => {
    throwsCode(() => parseListV11(s, 64), code);
  });
}
p.run();

for (const engine of ENGINES) {
  const t = suite(`profile v11: cpuset [${engine}]`);
  const setup = async () => {
    const k = await boot(engine, { profile: 'v11', cpus: 4, mems: 2 });
    k.mount('/cs', 'cpuset');
    k.fs.mkdirSync('/cs/a');
    const read = (f: string) => k.fs.readFileSync(`/cs${f}`, 'utf8') as string;
    const write = (f: string, v: string) => k.fs.writeFileSync(`/cs${f}`, v);
    return { k, read, write };
  };

  t('the V11 file table: no sched_load_balance, effective_*, mem_hardwall, relax level', async () => {
    const { k } = await setup();
    const child = ['cpu_exclusive', 'cpus', 'mem_exclusive', 'memory_migrate', 'memory_pressure'];
    const tail = ['memory_spread_page', 'memory_spread_slab', 'mems'];
    const list = (d: string) => (k.fs.readdirSync(d) as string[]).filter((n) => n.startsWith('cpuset.'));
    assert.equal(
      list('/cs/a'),
      [...child, ...tail].map((n) => `cpuset.${n}`),
    );
    assert.equal(
      list('/cs'),
      [...child, 'memory_pressure_enabled', ...tail].map((n) => `cpuset.${n}`),
    );
  });

  t('flags: lax base-10, non-zero sets, never a parse error; zero-length write clears', async () => {
    const { read, write } = await setup();
    for (const [v, want] of [
      ['1', '1'],
      ['abc', '0'],
      ['7x', '1'],
      ['0x1', '0'],
      [' 1', '0'],
      ['2', '1'],
      ['', '0'],
    ] as const) {
      write('/a/cpuset.memory_migrate', v);
      assert.is(read('/a/cpuset.memory_migrate'), want + '\n', JSON.stringify(v));
    }
    write('/cpuset.memory_pressure_enabled', 'yes');
    assert.is(read('/cpuset.memory_pressure_enabled'), '0\n');
    write('/cpuset.memory_pressure_enabled', '5');
    assert.is(read('/cpuset.memory_pressure_enabled'), '1\n');
  });

  t('memory_pressure is EACCES; root cpus/mems are EACCES; the rules are validate_change', async () => {
    const { k, write } = await setup();
    failsUnchanged(k, () => write('/a/cpuset.memory_pressure', '1'), 'EACCES', 'memory_pressure');
    failsUnchanged(k, () => write('/cpuset.cpus', '0'), 'EACCES', 'root cpus');
    k.fs.mkdirSync('/cs/a/b');
    failsUnchanged(k, () => write('/a/b/cpuset.cpu_exclusive', '1'), 'EACCES', 'parent not exclusive');
    write('/a/cpuset.cpus', '0-1');
    write('/a/b/cpuset.cpus', '1');
    failsUnchanged(k, () => write('/a/cpuset.cpus', '0'), 'EBUSY', 'a child would not fit');
    write('/a/cpuset.cpu_exclusive', '1');
    k.fs.mkdirSync('/cs/c');
    failsUnchanged(k, () => write('/c/cpuset.cpus', '1-2'), 'EINVAL', 'overlaps an exclusive sibling');
  });

  t('lists: old syntax, offline numbers dropped, empty means none, E2BIG past the limit', async () => {
    const { k, read, write } = await setup();
    write('/a/cpuset.cpus', '1-3,7');
    assert.is(read('/a/cpuset.cpus'), '1-3\n', 'cpu 7 is not online: dropped');
    failsUnchanged(k, () => write('/a/cpuset.cpus', '0 1'), 'EINVAL', 'whitespace inside');
    failsUnchanged(k, () => write('/a/cpuset.cpus', String(NR_CPUS)), 'ERANGE', 'NR_CPUS');
    write('/a/cpuset.mems', ' 1 \n');
    assert.is(read('/a/cpuset.mems'), '1\n');
    failsUnchanged(k, () => write('/a/cpuset.mems', String(MAX_NUMNODES)), 'ERANGE', 'MAX_NUMNODES');
    write('/a/cpuset.cpus', '');
    assert.is(read('/a/cpuset.cpus'), '\n');
    const limit = 100 + 6 * Math.max(NR_CPUS, MAX_NUMNODES);
    write('/a/cpuset.cpus', '1'.padEnd(limit, ' '));
    assert.is(read('/a/cpuset.cpus'), '1\n');
    failsUnchanged(k, () => write('/a/cpuset.cpus', '1'.padEnd(limit + 1, ' ')), 'E2BIG', 'limit');
  });

  t('a cpuset with tasks cannot be emptied (ENOSPC); attach needs cpus and mems (ENOSPC)', async () => {
    const { k, write } = await setup();
    const x = k.fork(1);
    failsUnchanged(k, () => write('/a/tasks', String(x)), 'ENOSPC', 'empty cpuset');
    write('/a/cpuset.cpus', '0');
    write('/a/cpuset.mems', '0');
    write('/a/tasks', String(x));
    failsUnchanged(k, () => write('/a/cpuset.cpus', ''), 'ENOSPC', 'emptying');
    failsUnchanged(k, () => write('/a/cpuset.cpus', '9'), 'ENOSPC', 'offline only: empty');
  });

  t.run();
}
