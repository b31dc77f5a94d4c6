/**
 * Linux's integer parsers, as cgroupfs uses them. All throw `sysError` codes through the
 * caller-supplied syscall name, and never accept partial input.
 *
 *   kstrtoull(s, 0): optional '+', base auto-detected ('0x' hex, '0' octal, else decimal),
 *                    at most one trailing '\n', nothing else; overflow of u64 -> ERANGE.
 *   strstrip:        drop leading and trailing whitespace (isspace: ' ', \t, \n, \v, \f, \r).
 */
import { sysError } from '../errors.ts';

const U64_MAX = (1n << 64n) - 1n;

/** The kernel's isspace() over ASCII. */
export function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\v' || c === '\f' || c === '\r';
}

/** The kernel's strstrip(): trims ASCII whitespace at both ends. */
export function strstrip(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isSpace(s[a]!)) a++;
  while (b > a && isSpace(s[b - 1]!)) b--;
  return s.slice(a, b);
}

/**
 * kstrtoull(s, 0). Returns the value, or throws EINVAL (syntax) / ERANGE (overflow).
 * `syscall` names the operation for the error.
 */
export function kstrtoull(s: string, syscall = 'write'): bigint {
  let i = 0;
  if (s[i] === '+') i++;
  let base = 10n;
  if (s[i] === '0' && (s[i + 1] === 'x' || s[i + 1] === 'X') && isHex(s[i + 2])) {
    base = 16n;
    i += 2;
  } else if (s[i] === '0') {
    base = 8n;
  }
  const start = i;
  let v = 0n;
  let overflow = false;
  for (; i < s.length; i++) {
    const d = digit(s[i]!);
    if (d < 0 || BigInt(d) >= base) break;
    v = v * base + BigInt(d);
    if (v > U64_MAX) overflow = true;
  }
  if (i === start) throw sysError('EINVAL', syscall);
  if (s[i] === '\n') i++;
  if (i !== s.length) throw sysError('EINVAL', syscall);
  if (overflow) throw sysError('ERANGE', syscall);
  return v;
}

/** kstrtoll(s, 0): a leading '-' negates; the result must fit in s64 (else ERANGE). */
export function kstrtoll(s: string, syscall = 'write'): bigint {
  if (s[0] === '-') {
    const v = kstrtoull(s.slice(1), syscall);
    if (s[1] === '+') throw sysError('EINVAL', syscall);
    if (v > 1n << 63n) throw sysError('ERANGE', syscall);
    return -v;
  }
  const v = kstrtoull(s, syscall);
  if (v >= 1n << 63n) throw sysError('ERANGE', syscall);
  return v;
}

/** kstrtoint(s, 0): as kstrtoll, and the value must fit in a 32-bit int (else ERANGE). */
export function kstrtoint(s: string, syscall = 'write'): number {
  const v = kstrtoll(s, syscall);
  if (v > 2147483647n || v < -2147483648n) throw sysError('ERANGE', syscall);
  return Number(v);
}

function isHex(c: string | undefined): boolean {
  return c !== undefined && digit(c) >= 0 && digit(c) < 16;
}

function digit(c: string): number {
  const x = c.charCodeAt(0);
  if (x >= 48 && x <= 57) return x - 48;
  if (x >= 97 && x <= 102) return x - 87;
  if (x >= 65 && x <= 70) return x - 55;
  return -1;
}

// ---------------------------------------------------------------------------------------
// The 2.6.24 parsers (profile 'v11'): lax C library style, no error paths of their own.

const ULONG_WRAP = 1n << 64n;

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/**
 * simple_strtoul(s, &end, 10) of a 64-bit 2.6.24 kernel: decimal digits from the very start
 * (no whitespace, no sign), stopping at the first non-digit, wrapping modulo 2^64 as an
 * unsigned long does. No digits gives 0. Returns the value and where parsing stopped.
 */
export function simpleStrtoul10(s: string, from = 0): { value: bigint; end: number } {
  let v = 0n;
  let i = from;
  for (; isDigit(s[i]); i++) v = (v * 10n + BigInt(s.charCodeAt(i) - 48)) % ULONG_WRAP;
  return { value: v, end: i };
}

/**
 * sscanf(s, "%d") as 2.6.24's vsscanf does it: skip leading whitespace, then an optional '-'
 * (a '+' is not accepted), then decimal digits up to the first non-digit; trailing text is
 * ignored. The value is simple_strtol's, cast to a 32-bit int (modulo 2^32). Returns null
 * when nothing converts (no digit where the number should start).
 */
export function sscanfInt(s: string): number | null {
  let i = 0;
  while (i < s.length && isSpace(s[i]!)) i++;
  const neg = s[i] === '-';
  if (neg) i++;
  if (!isDigit(s[i])) return null;
  const { value } = simpleStrtoul10(s, i);
  return Number(BigInt.asIntN(32, neg ? -value : value));
}
