/**
 * The streams a command talks to. `main()` gets them from the shim (process.stdout and
 * friends) or from a test (strings collected in arrays), so nothing below touches `process`
 * for output.
 */

/** A place to write text: a Node stream, or anything with write(). */
export interface Output {
  write(chunk: string): unknown;
  /** A terminal: progress bars and columns are drawn only then. */
  isTTY?: boolean;
  /** Terminal width, when a terminal. */
  columns?: number;
}

/** Something to read a script from (stdin). */
export interface Input extends AsyncIterable<string | Uint8Array> {
  isTTY?: boolean;
}

export interface Io {
  stdout: Output;
  stderr: Output;
  stdin?: Input;
}

/** Read all of `input` as UTF-8 text. */
export async function readAll(input: Input): Promise<string> {
  const dec = new TextDecoder();
  let out = '';
  for await (const chunk of input) out += typeof chunk === 'string' ? chunk : dec.decode(chunk, { stream: true });
  return out + dec.decode();
}

/** 1234567 → '1,234,567'. */
export function grouped(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** 12_345_678 → '12.3M'; 950 → '950'. */
export function compact(n: number): string {
  const a = Math.abs(n);
  if (a >= 1e9) return `${(n / 1e9).toFixed(a >= 1e10 ? 1 : 2)}G`;
  if (a >= 1e6) return `${(n / 1e6).toFixed(a >= 1e7 ? 1 : 2)}M`;
  if (a >= 1e3) return `${(n / 1e3).toFixed(a >= 1e4 ? 1 : 2)}k`;
  if (Number.isInteger(n)) return String(n);
  return n.toFixed(a >= 100 ? 0 : a >= 10 ? 1 : 2);
}

/** Bytes as '12.3 MiB'. */
export function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(v >= 100 ? 0 : 1)} ${units[u]}`;
}

/** Nanoseconds as '1.23 s', '45.6 ms', '789 µs', '12 ns'. */
export function duration(ns: number): string {
  if (ns >= 1e9) return `${(ns / 1e9).toFixed(2)} s`;
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(1)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(1)} µs`;
  return `${ns.toFixed(ns >= 10 ? 0 : 1)} ns`;
}
