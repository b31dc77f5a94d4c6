/**
 * Helpers for tests that go through the public Kernel API: boot for each engine, expect an
 * errno, and prove that a failing operation left the whole state unchanged (engine dump plus
 * every readable file of every mount plus /proc's global files).
 */
import * as assert from 'uvu/assert';
import type { KernelOptions } from '../../src/index.ts';
import { Kernel } from '../../src/index.ts';
import { assertIntegrity, engineKinds } from './integrity.ts';

export const ENGINES = engineKinds();

export async function boot(engine: 'wasm' | 'reference', opts: KernelOptions = {}): Promise<Kernel> {
  return Kernel.create({ engine, pidMax: 65536, ...opts });
}

/** Assert that `fn` throws a system error with `code`; returns the error. */
export function throwsCode(fn: () => unknown, code: string, what = ''): Error & { code: string } {
  try {
    fn();
  } catch (e) {
    const err = e as Error & { code: string };
    assert.is(err.code, code, `${what}: expected ${code}, got ${err.code} (${err.message})`);
    return err;
  }
  assert.unreachable(`${what}: expected ${code}, but it succeeded`);
  throw new Error('unreachable');
}

/** Everything observable: engine dump, each mount's tree with modes and file contents, /proc. */
export function observe(k: Kernel): string {
  const out: Record<string, unknown> = { dump: k.engine.dump(), hier: k.hierarchies() };
  const walk = (dir: string) => {
    const st = k.fs.statSync(dir)!;
    out[dir] = [st.mode, st.uid, st.gid];
    for (const name of k.fs.readdirSync(dir) as string[]) {
      const p = `${dir}/${name}`;
      const s = k.fs.statSync(p)!;
      if (s.isDirectory()) walk(p);
      else {
        let content: string;
        try {
          content = k.fs.readFileSync(p, 'utf8');
        } catch (e) {
          content = `!${(e as { code?: string }).code}`;
        }
        out[p] = [s.mode, s.uid, s.gid, content];
      }
    }
  };
  for (const h of k.hierarchies()) for (const m of h.mounts) walk(m);
  // The global table: /proc/cgroups, or /proc/containers in profile 'v11'.
  for (const f of ['/proc/cgroups', '/proc/containers']) if (k.fs.existsSync(f)) out[f] = k.fs.readFileSync(f, 'utf8');
  out['/proc/mounts'] = k.fs.readFileSync('/proc/mounts', 'utf8');
  return JSON.stringify(out);
}

/** `fn` must fail with `code` and leave every observable thing as it was. */
export function failsUnchanged(k: Kernel, fn: () => unknown, code: string, what = ''): void {
  const before = observe(k);
  throwsCode(fn, code, what);
  assert.is(observe(k), before, `${what}: state changed by a failed operation`);
  assertIntegrity(k.engine);
}

export { assertIntegrity };
