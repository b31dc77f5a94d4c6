/**
 * Node-style system errors, built in one place.
 *
 * Every failure cgsim reports is an `Error` shaped like the ones `node:fs` throws: `code`
 * ('EBUSY'), `errno` (negative, as Node gives it), `syscall` ('rmdir'), `path` (and `dest`
 * for rename), and a message such as `EBUSY: resource busy or locked, rmdir '/cg/a'`.
 * The engines return `-errno`; {@link check} turns such a value into a thrown error.
 */

/** Linux errno numbers for the codes cgsim uses. */
export const ERRNO = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EIO: 5,
  E2BIG: 7,
  EBADF: 9,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EBUSY: 16,
  EEXIST: 17,
  EXDEV: 18,
  ENODEV: 19,
  ENOTDIR: 20,
  EISDIR: 21,
  EINVAL: 22,
  EMFILE: 24,
  ENOSPC: 28,
  EROFS: 30,
  ERANGE: 34,
  ENAMETOOLONG: 36,
  ENOTEMPTY: 39,
  ELOOP: 40,
  EOVERFLOW: 75,
  EOPNOTSUPP: 95,
} as const;

export type ErrnoCode = keyof typeof ERRNO;

/** libuv's descriptions, which Node puts in its messages. */
const DESCRIPTION: Record<ErrnoCode, string> = {
  EPERM: 'operation not permitted',
  ENOENT: 'no such file or directory',
  ESRCH: 'no such process',
  EIO: 'i/o error',
  E2BIG: 'argument list too long',
  EBADF: 'bad file descriptor',
  EAGAIN: 'resource temporarily unavailable',
  ENOMEM: 'not enough memory',
  EACCES: 'permission denied',
  EBUSY: 'resource busy or locked',
  EEXIST: 'file already exists',
  EXDEV: 'cross-device link not permitted',
  ENODEV: 'no such device',
  ENOTDIR: 'not a directory',
  EISDIR: 'illegal operation on a directory',
  EINVAL: 'invalid argument',
  EMFILE: 'too many open files',
  ENOSPC: 'no space left on device',
  EROFS: 'read-only file system',
  ERANGE: 'result too large',
  ENAMETOOLONG: 'name too long',
  ENOTEMPTY: 'directory not empty',
  ELOOP: 'too many symbolic links encountered',
  EOVERFLOW: 'value too large for defined data type',
  EOPNOTSUPP: 'operation not supported on socket',
};

const BY_NUMBER = new Map<number, ErrnoCode>((Object.entries(ERRNO) as [ErrnoCode, number][]).map(([k, v]) => [v, k]));

/** The thrown error type: a plain Error with Node's system-error fields. */
export interface SystemError extends Error {
  code: ErrnoCode;
  errno: number;
  syscall: string;
  path?: string;
  dest?: string;
}

/** Build a Node-style error for `code`, raised by `syscall` on `path` (and `dest`). */
export function sysError(code: ErrnoCode, syscall: string, path?: string, dest?: string): SystemError {
  let message = `${code}: ${DESCRIPTION[code]}, ${syscall}`;
  if (path !== undefined) message += ` '${path}'`;
  if (dest !== undefined) message += ` -> '${dest}'`;
  const err = new Error(message) as SystemError;
  err.code = code;
  err.errno = -ERRNO[code];
  err.syscall = syscall;
  if (path !== undefined) err.path = path;
  if (dest !== undefined) err.dest = dest;
  return err;
}

/** The code of a negative errno return value (e.g. -16 → 'EBUSY'). */
export function codeOf(ret: number): ErrnoCode {
  const code = BY_NUMBER.get(-ret);
  if (code === undefined) throw new RangeError(`unknown errno ${ret}`);
  return code;
}

/** Throw when an engine call returned `-errno`; otherwise pass the value through. */
export function check(ret: number, syscall: string, path?: string): number {
  if (ret < 0) throw sysError(codeOf(ret), syscall, path);
  return ret;
}

/** True when `e` is a cgsim/Node system error, optionally with the given code. */
export function isSysError(e: unknown, code?: ErrnoCode): e is SystemError {
  return (
    e instanceof Error &&
    typeof (e as SystemError).code === 'string' &&
    (code === undefined || (e as SystemError).code === code)
  );
}
