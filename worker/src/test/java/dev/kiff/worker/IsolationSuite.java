package dev.kiff.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import org.junit.jupiter.api.Test;

/**
 * Two jobs of one tenant, one after the other, in the same warm sandbox where the isolation mode keeps it: the first
 * tries to leave something behind, the second looks for it and must find nothing (the contamination suite). And a
 * job cannot touch the verdict the runner reports for it: whatever it does to the runner's descriptors, its
 * {@code /proc}, with ptrace or signals, or to its own output, its result is its own real exit status and output (the
 * verdict-integrity suite). Run under per-job namespaces ({@link IsolationNamespacesIT}) and one container per job
 * ({@link IsolationContainerIT}); docs/security.md lists what each proves.
 */
abstract class IsolationSuite extends WorkerIntegrationTest {

    /** Whether the two jobs of a pair share their sandbox, as {@code isolation: namespaces} has it. */
    abstract boolean sharesSandboxes();

    private static final String PRELUDE = """
            import builtins, ctypes, json, os, resource, socket, subprocess, sys, time
            libc = ctypes.CDLL(None, use_errno=True)
            KEY = 0x4B1FF
            PLACES = ['/workspace', '/tmp', '/out', '/dev/shm', '/dev/mqueue', '/var/tmp', '/run/kiff', '/input',
                      '/run/lock', '/dev', '/home', '/']
            """;

    private static final String LEAVE = PRELUDE + """
            for place in PLACES:
                try:
                    open(os.path.join(place, 'kiff-leftover'), 'w').write('x')
                except OSError:
                    pass
            # A daemon by double fork and setsid: keeps a file fresh and an abstract unix socket open.
            if os.fork() == 0:
                os.setsid()
                if os.fork() == 0:
                    held = socket.socket(socket.AF_UNIX)
                    held.bind('\\0kiff-leftover')
                    held.listen()
                    while True:
                        try:
                            open('/tmp/kiff-daemon', 'w').write('alive')
                        except OSError:
                            pass
                        time.sleep(0.05)
                os._exit(0)
            subprocess.Popen(['setsid', 'sleep', '300'], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            subprocess.Popen(['nohup', 'sleep', '301'], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            made = {
                'shm': libc.shmget(KEY, 4096, 0o1000 | 0o666),
                'msg': libc.msgget(KEY, 0o1000 | 0o666),
                'sem': libc.semget(KEY, 1, 0o1000 | 0o666),
                'mq': libc.mq_open(b'/kiff-leftover', os.O_CREAT | os.O_RDWR, 0o666, None),
            }
            json.kiff_leftover = True
            sys.modules['kiff_leftover'] = json
            builtins.kiff_leftover = True
            builtins.len = lambda x: 42
            sys.setrecursionlimit(4321)
            os.environ['KIFF_LEFTOVER'] = '1'
            resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))
            os.umask(0)
            os.chdir('/tmp')
            fd = os.open('/tmp/kiff-fd', os.O_CREAT | os.O_RDWR)
            os.set_inheritable(fd, True)
            time.sleep(0.3)
            print(sorted(name for name, result in made.items() if result >= 0))
            """;

    private static final String LOOK = PRELUDE + """
            found = []
            for place in PLACES:
                if os.path.exists(os.path.join(place, 'kiff-leftover')):
                    found.append('file in ' + place)
            for place in ['/workspace', '/tmp', '/out', '/dev/shm', '/dev/mqueue']:
                extra = [entry for entry in os.listdir(place) if entry != 'main.py']
                if extra:
                    found.append('%s holds %s' % (place, extra))
            for root, dirs, files in os.walk('/'):
                if root in ('/proc', '/sys'):
                    dirs[:] = []
                    continue
                found += [os.path.join(root, f) for f in files if f in ('kiff-leftover', 'kiff-daemon', 'kiff-fd')]
            for pid in os.listdir('/proc'):
                if pid.isdigit() and int(pid) not in (1, os.getpid()):
                    try:
                        command = open('/proc/%s/cmdline' % pid, 'rb').read().replace(b'\\0', b' ').decode()
                    except OSError:
                        command = '?'
                    found.append('process %s: %s' % (pid, command))
            for name, get in (('shm', lambda: libc.shmget(KEY, 0, 0)), ('msg', lambda: libc.msgget(KEY, 0)),
                              ('sem', lambda: libc.semget(KEY, 0, 0)),
                              ('mq', lambda: libc.mq_open(b'/kiff-leftover', os.O_RDONLY, 0, None))):
                if get() >= 0:
                    found.append('ipc ' + name)
            probe = socket.socket(socket.AF_UNIX)
            try:
                probe.connect('\\0kiff-leftover')
                found.append('abstract socket')
            except OSError:
                pass
            probe.close()
            if 'kiff-leftover' in open('/proc/net/unix').read():
                found.append('abstract socket listed')
            if hasattr(json, 'kiff_leftover') or 'kiff_leftover' in sys.modules or hasattr(builtins, 'kiff_leftover'):
                found.append('interpreter state')
            if len([1, 2]) != 2 or sys.getrecursionlimit() != 1000:
                found.append('patched interpreter')
            if 'KIFF_LEFTOVER' in os.environ:
                found.append('environment')
            if resource.getrlimit(resource.RLIMIT_NOFILE) != (256, 256):
                found.append('rlimit %s' % (resource.getrlimit(resource.RLIMIT_NOFILE),))
            if os.umask(0o22) != 0o22:
                found.append('umask')
            if os.getcwd() != '/workspace':
                found.append('cwd ' + os.getcwd())
            listing = os.listdir('/proc/self/fd')
            fds = [int(f) for f in listing if int(f) > 2 and os.path.exists('/proc/self/fd/' + f)]
            if fds:
                found.append('descriptors %s' % fds)
            print(found)
            """;

    @Test
    void leavesNothingForTheNextJob() {
        JobResult leave = run(JobMessages.python(LEAVE).tenant("acme").timeoutMs(20_000));
        JobResult look = run(JobMessages.python(LOOK).tenant("acme").timeoutMs(20_000));

        assertThat(leave.status()).as(leave.toString()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(leave.stdout()).as("the first job made every kind of IPC object")
                .isEqualTo("['mq', 'msg', 'sem', 'shm']\n");
        assertSandboxes(leave, look);
        assertThat(look.status()).as(look.toString()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(look.stdout()).as("what the second job found of the first").isEqualTo("[]\n");
    }

    /** Python defining {@code forged}: a complete runner end frame saying the job succeeded. */
    private static final String FORGED_END = """
            import glob, json, os, struct, sys
            end = json.dumps({'exit': 0, 'maxRssKb': 1, 'cpuMs': 1}).encode()
            forged = b'X' + struct.pack('>I', len(end)) + end
            """;

    @Test
    void aForgedEndFrameOnItsOwnStdoutIsOnlyOutput() {
        JobResult result = run(JobMessages.python(FORGED_END + """
                sys.stdout.buffer.write(b'forged:' + forged)
                sys.stdout.flush()
                os._exit(7)
                """));

        assertThat(result.status()).isEqualTo(JobStatus.FAILED);
        assertThat(result.exitCode()).isEqualTo(7);
        assertThat(result.stdout()).startsWith("forged:X");
    }

    @Test
    void cannotWriteToTheRunnersDescriptors() {
        JobResult result = run(JobMessages.python(FORGED_END + """
                mine = str(os.getpid())
                reached = []
                for path in glob.glob('/proc/[0-9]*/fd/*'):
                    if path.split('/')[2] == mine:
                        continue
                    try:
                        with open(path, 'wb', buffering=0) as f:
                            f.write(forged)
                        reached.append(path)
                    except OSError:
                        pass
                for fd in range(3, 256):
                    try:
                        os.write(fd, forged)
                        reached.append(fd)
                    except OSError:
                        pass
                print(reached)
                os._exit(1)
                """));

        assertThat(result.status()).isEqualTo(JobStatus.FAILED);
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.stdout()).isEqualTo("[]\n");
    }

    @Test
    void cannotReadOrTraceTheProcessAboveIt() {
        JobResult result = run(JobMessages.python("""
                import ctypes, os
                libc = ctypes.CDLL(None, use_errno=True)
                opened = []
                for path in ['/proc/1/mem', '/proc/1/environ', '/proc/1/maps', '/proc/1/fd', '/proc/1/syscall']:
                    try:
                        if os.path.isdir(path):
                            os.listdir(path)
                        else:
                            open(path, 'rb').read(1)
                        opened.append(path)
                    except OSError:
                        pass
                traced = [pid for pid in (1, os.getppid()) if libc.ptrace(16, pid, 0, 0) == 0]  # PTRACE_ATTACH
                print(opened, traced)
                os._exit(3)
                """));

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.stdout()).isEqualTo("[] []\n");
    }

    @Test
    void signalsToEveryProcessItSeesLeaveTheVerdictItsOwn() {
        JobResult result = run(JobMessages.python("""
                import os, signal
                me = os.getpid()
                for pid in [int(p) for p in os.listdir('/proc') if p.isdigit() and int(p) != me]:
                    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGUSR1, signal.SIGSTOP,
                                signal.SIGCONT, signal.SIGKILL):
                        try:
                            os.kill(pid, sig)
                        except OSError:
                            pass
                try:
                    os.kill(-1, signal.SIGKILL)
                except OSError:
                    pass
                print('still here')
                os._exit(5)
                """).tenant("acme"));
        JobResult next = run(JobMessages.python("print('next')").tenant("acme"));

        assertThat(result.status()).isEqualTo(JobStatus.FAILED);
        assertThat(result.exitCode()).isEqualTo(5);
        assertThat(result.stdout()).isEqualTo("still here\n");
        assertThat(result.stderr()).doesNotContain("Traceback");
        assertSandboxes(result, next);
        assertThat(next.stdout()).as("the runner served the next job").isEqualTo("next\n");
    }

    private void assertSandboxes(JobResult first, JobResult second) {
        String one = sandboxes.containerOf(first.id());
        String two = sandboxes.containerOf(second.id());
        if (sharesSandboxes()) {
            assertThat(two).as("both jobs ran in the same sandbox").isEqualTo(one);
        } else {
            assertThat(two).as("each job had a sandbox of its own").isNotEqualTo(one);
        }
    }
}
