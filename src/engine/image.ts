/**
 * Engine images: the container format of {@link Engine.save} and `restoreEngine`.
 *
 * An image is a fixed 40-byte header followed by a body that only the engine kind named in
 * the header understands (wasm.ts and reference.ts document theirs). All numbers are
 * little-endian.
 *
 *   0        8        10     11     12         16         20      24           32      36     40
 *   +--------+--------+------+------+----------+----------+-------+------------+-------+------+------
 *   | magic  | format | kind | 0    | pidMax   | maxHier- | cpus  | body bytes | CRC32 | 0    | body
 *   | 8 B    | u16    | u8   |      | u32      | archies  | u32   | u64        |       |      |
 *   +--------+--------+------+------+----------+----------+-------+------------+-------+------+------
 *
 * The magic is the ASCII text `CGSIMIMG`; kind 1 = wasm, 2 = reference. The CRC32 (zlib's)
 * covers header bytes 0-31 and the body, so a truncated or corrupted image is rejected before
 * any of it is used. Every rejection is a RangeError that says what was wrong.
 */

import * as zlib from 'node:zlib';
import type { EngineKind, EngineOptions } from './types.ts';

/** The image format this code writes and reads. */
export const IMAGE_FORMAT = 1;
/** Bytes before the body. */
export const IMAGE_HEADER_BYTES = 40;

const MAGIC = Uint8Array.from('CGSIMIMG', (c) => c.charCodeAt(0));
const KIND_CODE: Record<EngineKind, number> = { wasm: 1, reference: 2 };
const KIND_BY_CODE: Record<number, EngineKind> = { 1: 'wasm', 2: 'reference' };

/** What the header says: the engine kind and its options. */
export interface ImageHeader extends EngineOptions {
  kind: EngineKind;
}

/** zlib's CRC32, continuing from `prev`: node:zlib's when this Node has it (20.15+), else a table-driven one. */
const crc32: (data: Uint8Array, prev: number) => number = (() => {
  const native = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;
  if (typeof native === 'function') return (data: Uint8Array, prev: number) => native(data, prev) >>> 0;
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return (data: Uint8Array, prev: number) => {
    let c = ~prev;
    for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
    return (c ^ -1) >>> 0;
  };
})();

/**
 * Lay out an image: the header for `h`, then `parts` one after another as the body. The
 * parts are copied, so they may be views of memory that changes afterwards.
 */
export function encodeImage(h: ImageHeader, parts: readonly Uint8Array[]): Uint8Array {
  let bodyBytes = 0;
  for (const p of parts) bodyBytes += p.length;
  const out = new Uint8Array(IMAGE_HEADER_BYTES + bodyBytes);
  let at = IMAGE_HEADER_BYTES;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  const v = new DataView(out.buffer);
  out.set(MAGIC, 0);
  v.setUint16(8, IMAGE_FORMAT, true);
  v.setUint8(10, KIND_CODE[h.kind]);
  v.setUint32(12, h.pidMax, true);
  v.setUint32(16, h.maxHierarchies, true);
  v.setUint32(20, h.cpus, true);
  v.setUint32(24, bodyBytes % 2 ** 32, true);
  v.setUint32(28, Math.floor(bodyBytes / 2 ** 32), true);
  v.setUint32(32, checksum(out), true);
  return out;
}

/** The CRC32 of an image: header bytes 0-31, then the body. */
function checksum(image: Uint8Array): number {
  return crc32(image.subarray(IMAGE_HEADER_BYTES), crc32(image.subarray(0, 32), 0));
}

function reject(msg: string): never {
  throw new RangeError(`cgsim engine image: ${msg}`);
}

/**
 * Read and check an image's header: magic, format, kind, option ranges, body length and
 * checksum. With `kind`, an image of another kind is rejected too. Returns the header and the
 * body (a view of `bytes`, 8-byte aligned: copied when `bytes` sits unaligned in its buffer).
 */
export function decodeImage(bytes: Uint8Array, kind?: EngineKind): { header: ImageHeader; body: Uint8Array } {
  if (!(bytes instanceof Uint8Array)) reject('expected a Uint8Array');
  if (bytes.length < IMAGE_HEADER_BYTES) reject(`${bytes.length} bytes is too short for a header`);
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes[i] !== MAGIC[i]) reject('bad magic: not an image saved by Engine.save()');
  }
  const v = new DataView(bytes.buffer, bytes.byteOffset, IMAGE_HEADER_BYTES);
  const format = v.getUint16(8, true);
  if (format !== IMAGE_FORMAT) {
    reject(`format version ${format}, but this cgsim reads version ${IMAGE_FORMAT}`);
  }
  const found = KIND_BY_CODE[v.getUint8(10)];
  if (found === undefined) reject(`unknown engine kind code ${v.getUint8(10)}`);
  if (kind !== undefined && found !== kind) {
    reject(`saved by the ${found} engine, cannot be restored as a ${kind} engine`);
  }
  if (v.getUint8(11) !== 0 || v.getUint32(36, true) !== 0) reject('reserved header fields are not 0');
  const header: ImageHeader = {
    kind: found,
    pidMax: v.getUint32(12, true),
    maxHierarchies: v.getUint32(16, true),
    cpus: v.getUint32(20, true),
  };
  const bodyBytes = v.getUint32(24, true) + v.getUint32(28, true) * 2 ** 32;
  if (bodyBytes !== bytes.length - IMAGE_HEADER_BYTES) {
    reject(
      `the header announces ${bodyBytes} body bytes, the image has ${bytes.length - IMAGE_HEADER_BYTES}` +
        ' (truncated or padded)',
    );
  }
  if (checksum(bytes) !== v.getUint32(32, true)) reject('checksum mismatch: the image is corrupted');
  let body = bytes.subarray(IMAGE_HEADER_BYTES);
  if (body.byteOffset % 8 !== 0) {
    const copy = new Uint8Array(body.length); // (Buffer#slice would be a view)
    copy.set(body);
    body = copy;
  }
  return { header, body };
}

/** A bounds-checked little-endian reader over an image body (typed-array reads need 4/8-byte alignment). */
export class BodyReader {
  pos = 0;
  private readonly view: DataView;

  constructor(readonly body: Uint8Array) {
    this.view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  }

  private need(bytes: number): number {
    const at = this.pos;
    if (!(bytes >= 0) || at + bytes > this.body.length) reject('the body ends early (malformed image)');
    this.pos = at + bytes;
    return at;
  }

  u32(): number {
    return this.view.getUint32(this.need(4), true);
  }

  u64(): bigint {
    return this.view.getBigUint64(this.need(8), true);
  }

  /** `n` bytes, as a view. */
  bytes(n: number): Uint8Array {
    const at = this.need(n);
    return this.body.subarray(at, at + n);
  }

  /** `n` int32 values at a 4-byte-aligned position, as a view. */
  i32s(n: number): Int32Array {
    if (this.pos % 4 !== 0) reject('misaligned int32 section (malformed image)');
    const at = this.need(n * 4);
    return new Int32Array(this.body.buffer, this.body.byteOffset + at, n);
  }

  /** `n` u64 values at an 8-byte-aligned position, as a view. */
  u64s(n: number): BigUint64Array {
    if (this.pos % 8 !== 0) reject('misaligned u64 section (malformed image)');
    const at = this.need(n * 8);
    return new BigUint64Array(this.body.buffer, this.body.byteOffset + at, n);
  }

  /** Skip to the next multiple of `a` bytes. */
  align(a: number): void {
    const pad = (a - (this.pos % a)) % a;
    this.need(pad);
  }

  /** The body must be consumed exactly. */
  end(): void {
    if (this.pos !== this.body.length)
      reject(`${this.body.length - this.pos} unread bytes after the body (malformed image)`);
  }
}

/** Raise the malformed-image RangeError of this module (for checks done by the engines). */
export function malformedImage(what: string): never {
  reject(`malformed image: ${what}`);
}
