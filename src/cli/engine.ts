/**
 * Which engine a command runs on. The default is the WebAssembly engine; when it cannot be
 * loaded (no build/release.wasm, e.g. a checkout where `npm run build:wasm` has not run) the
 * commands fall back to the reference model and say so on stderr.
 */
import { createEngine } from '../engine/index.ts';
import type { EngineKind } from '../engine/types.ts';

let wasmProbe: { ok: true } | { ok: false; reason: string } | undefined;

/** Whether `createEngine('wasm')` works in this process (probed once). */
export function wasmAvailable(): { ok: true } | { ok: false; reason: string } {
  if (wasmProbe === undefined) {
    try {
      createEngine('wasm', { pidMax: 1024, maxHierarchies: 1, cpus: 1 });
      wasmProbe = { ok: true };
    } catch (e) {
      wasmProbe = { ok: false, reason: e instanceof Error ? e.message : String(e) };
    }
  }
  return wasmProbe;
}

/**
 * The engine to use for `--engine <requested>`: 'wasm' and 'reference' as asked (an error if
 * wasm was asked for and is missing); 'auto' or nothing: wasm when available.
 */
export function pickEngine(requested: string | undefined, warn: (msg: string) => void): EngineKind {
  if (requested === 'reference') return 'reference';
  const probe = wasmAvailable();
  if (requested === 'wasm') {
    if (!probe.ok) throw new Error(`the wasm engine is not available: ${probe.reason}`);
    return 'wasm';
  }
  if (probe.ok) return 'wasm';
  warn(`note: the wasm engine is not available (${probe.reason}); using the reference model`);
  return 'reference';
}

export const ENGINE_CHOICES = ['auto', 'wasm', 'reference'] as const;
