// formatIdsBytes: "%d\n" per id, written as digits into a buffer (the tasks-file fast path).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { formatIds, formatIdsBytes } from '../../src/cgroup/core-files.ts';

const t = suite('format ids');

t('digit-count edges and order', () => {
  const ids = Int32Array.from([0, 1, 9, 10, 99, 100, 999, 1000, 32767, 4194303, 268435455, 2147483647]);
  assert.is(formatIds(ids), [...ids].map((v) => `${v}\n`).join(''));
  assert.is(formatIdsBytes(ids).toString('latin1'), formatIds(ids));
});

t('empty list, one id', () => {
  assert.is(formatIds(new Int32Array(0)), '');
  assert.is(formatIds(Int32Array.of(7)), '7\n');
});

t('a million ids match String()', () => {
  const ids = new Int32Array(1_000_000).map((_, i) => i * 37 + 1);
  const s = formatIds(ids);
  assert.is(
    s.length,
    [...ids].reduce((n, v) => n + String(v).length + 1, 0),
  );
  assert.is(s.slice(0, 11), '1\n38\n75\n112');
});

t.run();
