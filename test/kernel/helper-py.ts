/**
 * The task helper the live recorder runs for every task of a scenario (`self`, `p1`, `u1`,
 * ...): a small python3 program (kept here as a string so that everything under test/kernel/
 * is importable TypeScript). It connects back to the recorder over a unix socket, says
 * hello with its pid, then executes one JSON command per line and answers one JSON line:
 * `{"id":n,"ok":value}` or `{"id":n,"err":"EINVAL"}`.
 *
 * Because the helper performs the system calls itself, `0` written to a tasks file and
 * /proc/self mean that task, as in the simulator's `k.as(pid)`. Threads (`p1.t1`) are python
 * threads of the helper that run the commands addressed to their tid. `spawn` forks and
 * execs a new helper (optionally after setgid/setuid), so the child starts in the parent's
 * cgroups; `kill` SIGKILLs a child and reaps it. `self` is a child subreaper so that it can
 * reap orphans.
 *
 * argv: -c CODE <socket path> <task name>; the environment carries CGSIM_HELPER = CODE so
 * that spawned helpers can exec the same program.
 */
export const HELPER_PY = String.raw`
import os, sys, json, socket, ctypes, errno, threading, queue, signal, time
SOCK, NAME = sys.argv[1], sys.argv[2]
libc = ctypes.CDLL(None, use_errno=True)
libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]
libc.umount2.argtypes = [ctypes.c_char_p, ctypes.c_int]
libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
MS_REMOUNT = 32
PR_SET_CHILD_SUBREAPER = 36
os.umask(0o022)
if NAME == 'self':
    libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
FDS = {}
THREADS = {}

def err(n):
    return {'err': errno.errorcode.get(n, 'E%d' % n)}

def enc(s):
    return s.encode('utf-8')

def run(c):
    op = c['op']
    try:
        if op == 'mount':
            flags = MS_REMOUNT if c.get('remount') else 0
            if libc.mount(b'cgroup', enc(c['target']), b'cgroup', flags, enc(c['data'])) != 0:
                return err(ctypes.get_errno())
        elif op == 'umount':
            if libc.umount2(enc(c['target']), 0) != 0:
                return err(ctypes.get_errno())
        elif op == 'mkdir':
            os.mkdir(c['path'], c.get('mode', 0o777))
        elif op == 'rmdir':
            os.rmdir(c['path'])
        elif op == 'rename':
            os.rename(c['from'], c['to'])
        elif op == 'unlink':
            os.unlink(c['path'])
        elif op == 'write':
            fd = os.open(c['path'], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
            try:
                os.write(fd, enc(c['data']))
            finally:
                os.close(fd)
        elif op == 'read':
            fd = os.open(c['path'], os.O_RDONLY)
            try:
                chunks = []
                while True:
                    b = os.read(fd, 65536)
                    if not b:
                        break
                    chunks.append(b)
            finally:
                os.close(fd)
            return {'ok': b''.join(chunks).decode('utf-8', 'replace')}
        elif op == 'readdir':
            return {'ok': sorted(os.listdir(c['path']))}
        elif op == 'stat':
            st = os.stat(c['path'])
            return {'ok': {'mode': st.st_mode, 'uid': st.st_uid, 'gid': st.st_gid}}
        elif op == 'chmod':
            os.chmod(c['path'], c['mode'])
        elif op == 'chown':
            os.chown(c['path'], c['uid'], c['gid'])
        elif op == 'open':
            FDS[c['fd']] = os.open(c['path'], os.O_RDONLY if c['flags'] == 'r' else os.O_WRONLY)
        elif op == 'fdread':
            size = c.get('size', 65536)
            if c.get('at') is not None:
                b = os.pread(FDS[c['fd']], size, c['at'])
            else:
                b = os.read(FDS[c['fd']], size)
            return {'ok': b.decode('latin-1')}
        elif op == 'fdwrite':
            os.write(FDS[c['fd']], enc(c['data']))
        elif op == 'close':
            os.close(FDS.pop(c['fd']))
        elif op == 'spawn':
            pid = os.fork()
            if pid == 0:
                try:
                    if c.get('gid') is not None:
                        os.setgroups([])
                        os.setgid(c['gid'])
                    if c.get('uid') is not None:
                        os.setuid(c['uid'])
                    os.execve(sys.executable, [sys.executable, '-c', os.environ['CGSIM_HELPER'], SOCK, c['name']], os.environ)
                finally:
                    os._exit(127)
            return {'ok': pid}
        elif op == 'kill':
            pid = c['pid']
            os.kill(pid, signal.SIGKILL)
            if c.get('reap', True):
                os.waitpid(pid, 0)
            else:
                # leave it a zombie; wait until it is one
                for _ in range(5000):
                    try:
                        with open('/proc/%d/stat' % pid) as f:
                            if f.read().rsplit(')', 1)[1].split()[0] == 'Z':
                                break
                    except OSError:
                        break
                    time.sleep(0.001)
        elif op == 'reap':
            os.waitpid(c['pid'], 0)
        elif op == 'thread':
            q, r = queue.Queue(), queue.Queue()
            t = threading.Thread(target=thread_body, args=(q, r), daemon=True)
            t.start()
            tid = r.get()
            THREADS[tid] = (t, q, r)
            return {'ok': tid}
        elif op == 'thread_exit':
            tid = c['thread']
            if tid == threading.get_native_id():
                return {'err': 'BADOP'}
            t, q, r = THREADS.pop(tid)
            q.put(None)
            t.join()
            path = '/proc/%d/task/%d' % (os.getpid(), tid)
            for _ in range(5000):
                if not os.path.exists(path):
                    break
                time.sleep(0.001)
        elif op == 'exit':
            os._exit(0)
        else:
            return {'err': 'BADOP'}
        return {'ok': None}
    except OSError as e:
        return err(e.errno)

def thread_body(q, r):
    r.put(threading.get_native_id())
    while True:
        cmd = q.get()
        if cmd is None:
            return
        if isinstance(cmd, tuple):
            # ('serve', id): the leader is exiting alone; take over the socket once it is a zombie
            status = '/proc/%d/task/%d/status' % (os.getpid(), os.getpid())
            for _ in range(5000):
                try:
                    with open(status) as f:
                        if any(l.startswith('State:') and ('Z' in l or 'X' in l) for l in f):
                            break
                except OSError:
                    break
                time.sleep(0.001)
            serve({'id': cmd[1], 'ok': None})
            return
        r.put(run(cmd))

def dispatch(c):
    tid = c.get('tid')
    if tid is not None and tid != threading.get_native_id():
        t, q, r = THREADS[tid]
        q.put(c)
        return r.get()
    return run(c)

SYS_EXIT = {'x86_64': 60, 'aarch64': 93, 'riscv64': 93, 'i686': 1, 'armv7l': 1}.get(os.uname().machine, 60)

def serve(first=None):
    if first is not None:
        send(first)
    for line in rf:
        c = json.loads(line)
        if c['op'] == 'exit':
            break
        if c['op'] == 'leader_exit':
            if threading.get_native_id() != os.getpid() or not THREADS:
                send({'id': c['id'], 'err': 'BADOP'})
                continue
            # hand the socket to the oldest thread, then exit the main thread alone
            THREADS[min(THREADS)][1].put(('serve', c['id']))
            libc.syscall(SYS_EXIT, 0)
        res = dispatch(c)
        res['id'] = c['id']
        send(res)
    os._exit(0)

s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(SOCK)
rf = s.makefile('r', encoding='latin-1', newline='\n')
def send(o):
    s.sendall((json.dumps(o) + '\n').encode('latin-1'))
send({'hello': NAME, 'pid': os.getpid()})
serve()
`;
