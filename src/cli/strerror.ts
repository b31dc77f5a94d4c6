/**
 * glibc's strerror() text for the error codes cgsim raises, so the shell prints what bash
 * and coreutils print (`rmdir: failed to remove '/cg/a': Device or resource busy`) rather
 * than libuv's lowercase descriptions that Node puts in its messages.
 */
const STRERROR: Record<string, string> = {
  EPERM: 'Operation not permitted',
  ENOENT: 'No such file or directory',
  ESRCH: 'No such process',
  EIO: 'Input/output error',
  E2BIG: 'Argument list too long',
  EBADF: 'Bad file descriptor',
  EAGAIN: 'Resource temporarily unavailable',
  ENOMEM: 'Cannot allocate memory',
  EACCES: 'Permission denied',
  EBUSY: 'Device or resource busy',
  EEXIST: 'File exists',
  EXDEV: 'Invalid cross-device link',
  ENODEV: 'No such device',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  EINVAL: 'Invalid argument',
  EMFILE: 'Too many open files',
  ENOSPC: 'No space left on device',
  EROFS: 'Read-only file system',
  ERANGE: 'Numerical result out of range',
  ENAMETOOLONG: 'File name too long',
  ENOTEMPTY: 'Directory not empty',
  ELOOP: 'Too many levels of symbolic links',
  EOPNOTSUPP: 'Operation not supported',
};

/** The errno code of a thrown value ('EBUSY'), or undefined for a non-system error. */
export function errCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) ? code : undefined;
}

/** strerror() of a code or of a thrown error; other errors give their message. */
export function strerror(e: unknown): string {
  const code = typeof e === 'string' ? e : errCode(e);
  if (code !== undefined) return STRERROR[code] ?? code;
  return e instanceof Error ? e.message : String(e);
}
