/**
 * Engine factory: `createEngine(kind, opts)` fills in the default options and builds either
 * the WebAssembly engine or the plain-TypeScript reference model. Both implement {@link Engine}
 * and agree on every call.
 */

import { decodeImage } from './image.ts';
import { createReferenceEngine, ReferenceEngine } from './reference.ts';
import type { Engine, EngineKind, EngineOptions } from './types.ts';
import { createWasmEngine, WasmEngine } from './wasm.ts';

export { IMAGE_FORMAT, type ImageHeader } from './image.ts';
export { createReferenceEngine, ReferenceEngine } from './reference.ts';
export * from './types.ts';
export { createWasmEngine, WasmEngine } from './wasm.ts';

/** Linux defaults: PID_MAX_LIMIT, 16 hierarchy slots, one CPU. */
export const DEFAULT_ENGINE_OPTIONS: Readonly<EngineOptions> = Object.freeze({
  pidMax: 4194304,
  maxHierarchies: 16,
  cpus: 1,
});

/** Complete `opts` with {@link DEFAULT_ENGINE_OPTIONS}. */
export function engineOptions(opts: Partial<EngineOptions> = {}): EngineOptions {
  return {
    pidMax: opts.pidMax ?? DEFAULT_ENGINE_OPTIONS.pidMax,
    maxHierarchies: opts.maxHierarchies ?? DEFAULT_ENGINE_OPTIONS.maxHierarchies,
    cpus: opts.cpus ?? DEFAULT_ENGINE_OPTIONS.cpus,
  };
}

/** Build an engine of the given kind. */
export function createEngine(kind: EngineKind, opts: Partial<EngineOptions> = {}): Engine {
  const full = engineOptions(opts);
  switch (kind) {
    case 'reference':
      return createReferenceEngine(full);
    case 'wasm':
      return createWasmEngine(full);
    default:
      throw new RangeError(`unknown engine kind '${String(kind)}'`);
  }
}

/**
 * Rebuild an engine from an image of {@link Engine.save}: the kind named in the image header
 * (an image saved by one kind is restored by that kind), with the options it was saved with.
 * A bad magic, format version, length or checksum, or a wasm image of another build, is a
 * RangeError.
 */
export function restoreEngine(bytes: Uint8Array): Engine {
  const { header } = decodeImage(bytes);
  return header.kind === 'wasm' ? WasmEngine.restore(bytes) : ReferenceEngine.restore(bytes);
}
