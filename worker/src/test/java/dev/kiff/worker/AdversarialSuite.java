package dev.kiff.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import dev.kiff.model.job.VmType;
import dev.kiff.core.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Attacks a hostile job might try, each of which must be contained: the job ends with the right status and a clear
 * message, and a benign job running beside it (the bystander) still gets its right answer. The same suite runs
 * under runc ({@link AdversarialRuncIT}) and gVisor ({@link AdversarialRunscIT}); docs/security.md lists the outcomes.
 */
abstract class AdversarialSuite extends WorkerIntegrationTest {

    /** The user's ML service, which ml-agent jobs may reach through the gateway as binding {@code ml}. */
    static final StandInService ML = StandInService.start();

    /** The fork bomb's pids limit. */
    private static final int FORK_BOMB_PIDS = 32;
    /** How many children the fork bomb makes at most: far more than its limit allows, harmless to the host. */
    private static final int FORK_BOMB_BOUND = 400;
    /** What a sandbox's limit holds beyond the job's for the runner's own processes (the worker's setting). */
    private static final int RUNNER_PIDS = 4;
    /** What a gVisor sandbox's limit holds beyond the job's for its own threads: kiff.docker.gvisor-pids-overhead. */
    private static final int GVISOR_PIDS = 128;

    private JobMessages bystander;

    @DynamicPropertySource
    static void bindings(DynamicPropertyRegistry registry) {
        registry.add("kiff.gateway.bindings.ml.url", ML::url);
        registry.add("kiff.gateway.bindings.ml.credential", () -> "Bearer ml-secret-token");
        registry.add("kiff.gateway.max-requests", () -> "20");
    }

    /** The Linux release gVisor's kernel reports, whatever the host runs. */
    static final String GVISOR_KERNEL_RELEASE = "4.4.0";

    /** The runtime the sandboxes of this run use, as the kernel inside reports it. */
    abstract boolean gvisor();

    @BeforeEach
    void startBystander() {
        bystander = JobMessages.python("import time\ntime.sleep(1)\nprint(sum(range(1000)))").timeoutMs(30_000);
        publish(bystander);
    }

    @AfterEach
    void bystanderIsUnharmed() {
        JobResult result = awaitTerminal(bystander.id());
        assertThat(result.status()).as(result.toString()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(result.stdout()).isEqualTo("499500\n");
    }

    @Test
    void runsOnTheConfiguredRuntime() {
        // The kernel log (dmesg, whose first line names gVisor) is refused to every job by its seccomp filter; what
        // gVisor still shows is the kernel release it claims, the same on every host.
        JobResult result = run(JobMessages.bash("uname -r"));
        assertThat(result.status()).as(result.toString()).isEqualTo(JobStatus.SUCCEEDED);
        if (gvisor()) {
            assertThat(result.stdout()).isEqualTo(GVISOR_KERNEL_RELEASE + "\n");
        } else {
            assertThat(result.stdout()).isNotEqualTo(GVISOR_KERNEL_RELEASE + "\n");
        }
    }

    /**
     * A fork bomb, bounded so that it cannot hurt the host where the limit is missing: it forks children that sleep
     * until a fork is refused or it holds {@link #FORK_BOMB_BOUND} of them. Each child becomes a small {@code sleep}
     * at once, so that memory never stops the bomb before its pids limit does (gVisor counts each child's memory).
     * Under the pids limit the kernel refuses a fork (EAGAIN) well before the bound, and the job goes on to end on its
     * own; without the limit every fork succeeds, and this test fails. (An unbounded bomb ends TIMED_OUT with or without a limit: it proved nothing.)
     * The bystander, checked after each test, shows the worker unharmed.
     */
    @Test
    void forkBombIsHeldByThePidsLimit() {
        JobResult result = run(JobMessages.python("""
                import errno, os, signal, time
                children, refusal = [], None
                while len(children) < %d:
                    try:
                        pid = os.fork()
                    except OSError as e:
                        refusal = errno.errorcode.get(e.errno, str(e.errno))
                        break
                    if pid == 0:
                        os.execv('/bin/sleep', ['sleep', '60'])
                    children.append(pid)
                print('forked', len(children), 'refused', refusal, flush=True)
                for pid in children:
                    os.kill(pid, signal.SIGKILL)
                for pid in children:
                    os.waitpid(pid, 0)
                """.formatted(FORK_BOMB_BOUND)).pids(FORK_BOMB_PIDS).memoryMb(256).timeoutMs(30_000));

        String seen = result + ", stdout " + result.stdout() + ", stderr " + result.stderr();
        assertThat(result.stdout()).as(seen).doesNotContain("refused None");
        if (gvisor() && result.status() == JobStatus.FAILED) {
            // gVisor's kernel runs the processes as its own tasks, on host threads that the limit counts: when it
            // cannot start one more it ends the whole sandbox (its Go runtime exits 2). The bomb is stopped all the
            // same; without the limit it runs to its bound, or to the memory limit (OOM_KILLED).
            assertThat(result.exitCode()).as(seen).isEqualTo(2);
        } else {
            assertThat(result.status()).as(seen).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(result.stdout()).as(seen).matches("forked \\d+ refused EAGAIN\n");
            int forked = Integer.parseInt(result.stdout().split(" ")[1]);
            assertThat(forked).as("children forked beside the job's own process").isLessThanOrEqualTo(
                    FORK_BOMB_PIDS + RUNNER_PIDS + (gvisor() ? GVISOR_PIDS : 0));
        }
        assertNothingLeftRunning(result);
    }

    @Test
    void memoryBalloonIsKilled() {
        JobResult result = run(JobMessages.memoryBalloon(64).timeoutMs(20_000));
        if (gvisor()) {
            // gVisor's own memory accounting may stop the allocation (MemoryError) before the host kills anything.
            assertThat(result.status()).isIn(JobStatus.OOM_KILLED, JobStatus.FAILED);
        } else {
            assertThat(result.status()).isEqualTo(JobStatus.OOM_KILLED);
            assertThat(result.message()).contains("64 MiB");
        }
    }

    @Test
    void cpuSpinIsKilledAtTheTimeout() {
        JobResult result = run(JobMessages.python("while True:\n    pass").timeoutMs(1500));
        assertThat(result.status()).isEqualTo(JobStatus.TIMED_OUT);
        assertThat(result.message()).contains("1500 ms");
        assertNothingLeftRunning(result);
    }

    @Test
    void sleepPastTheTimeoutIsKilled() {
        JobResult result = run(JobMessages.bash("sleep 60").timeoutMs(1500));
        assertThat(result.status()).isEqualTo(JobStatus.TIMED_OUT);
    }

    @Test
    void fillingTheWorkspaceStopsAtItsSize() {
        JobResult result = run(JobMessages.python("""
                import errno
                written = 0
                try:
                    with open('fill', 'wb') as f:
                        while True:
                            f.write(b'x' * 1048576)
                            f.flush()
                            written += 1
                except OSError as e:
                    print(errno.errorcode[e.errno], written <= 64)
                """).timeoutMs(30_000));
        assertThat(result.status()).as(result.toString()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(result.stdout()).matches("(ENOSPC|EFBIG) True\\n");
    }

    @Test
    void stdoutFloodIsCutOff() {
        JobResult result = run(JobMessages.python("""
                import sys
                chunk = 'x' * 65536
                while True:
                    sys.stdout.write(chunk)
                """).outputBytes(4096).timeoutMs(30_000));
        assertThat(result.status()).isEqualTo(JobStatus.FAILED);
        assertThat(result.message()).contains("output flood");
        assertThat(result.stdout()).hasSize(4096);
        assertThat(result.stdoutTruncated()).isTrue();
    }

    @Test
    void stderrFloodIsCutOff() {
        JobResult result = run(JobMessages.bash("cat /dev/zero >&2").outputBytes(4096).timeoutMs(30_000));
        assertThat(result.status()).isEqualTo(JobStatus.FAILED);
        assertThat(result.message()).contains("output flood");
        assertThat(result.stderrTruncated()).isTrue();
    }

    @Test
    void rootFilesystemAndInputsAreReadOnly() {
        JobResult result = run(JobMessages.python("""
                import errno
                for path in ['/etc/evil', '/usr/bin/evil', '/evil', 'data/in.txt']:
                    try:
                        open(path, 'w').write('x')
                        print(path, 'WRITTEN')
                    except OSError as e:
                        print(path, errno.errorcode[e.errno])
                print(open('data/in.txt').read())
                """).files(Map.of("data/in.txt", "original")));
        assertThat(result.status()).as(result.toString()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(result.stdout()).doesNotContain("WRITTEN").contains("original");
    }

    @Test
    void hasNoNetworkBeyondItsOwnLoopback() {
        JobResult result = run(JobMessages.python("""
                import os, socket
                print(sorted(os.listdir('/sys/class/net')) if os.path.isdir('/sys/class/net') else ['lo'])
                for port in (5432, 9092, 2375, 8080):
                    try:
                        socket.create_connection(('127.0.0.1', port), timeout=2)
                        print(port, 'OPEN')
                    except OSError as e:
                        print(port, 'refused')
                try:
                    socket.getaddrinfo('kiff-test.invalid', 80)
                    print('dns RESOLVED')
                except OSError:
                    print('dns failed')
                """));
        assertThat(result.status()).as(result.toString()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(result.stdout()).startsWith("['lo']").doesNotContain("OPEN").doesNotContain("RESOLVED");
    }

    @Test
    void cannotReachABindingItsVmTypeDoesNotAllow() {
        String marker = UUID.randomUUID().toString();
        JobResult result = run(JobMessages.python("""
                import os, urllib.request, urllib.error
                print('KIFF_ML_URL' in os.environ)
                try:
                    urllib.request.urlopen('http://127.0.0.1:7070/ml/denied-%s', timeout=5)
                    print('REACHED')
                except urllib.error.HTTPError as e:
                    print(e.code)
                except OSError as e:
                    print('unreachable')
                """.formatted(marker)));
        assertThat(result.status()).as(result.toString()).isEqualTo(JobStatus.SUCCEEDED);
        // code-exec has no bindings: its runner starts no relay at all, so there is nothing to connect to.
        assertThat(result.stdout()).isEqualTo("False\nunreachable\n");
        assertThat(ML.receivedWithPathPrefix("/denied-" + marker)).isEmpty();
    }

    @Test
    void getsA403ForAPathOutsideItsBindingsThroughTheRelay() {
        JobResult result = run(JobMessages.python("""
                import urllib.request, urllib.error
                for path in ('/payments/charge', '/_kiff/artifacts/../../etc/passwd'):
                    try:
                        urllib.request.urlopen('http://127.0.0.1:7070' + path, timeout=5)
                        print('REACHED')
                    except urllib.error.HTTPError as e:
                        print(e.code)
                """).vmType(VmType.ML_AGENT));
        assertThat(result.status()).as(result.toString()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(result.stdout().lines()).isNotEmpty().allSatisfy(line -> assertThat(line).matches("4\\d\\d"));
    }

    @Test
    void reachesItsAllowedBindingWithoutSeeingTheCredential() {
        String marker = UUID.randomUUID().toString();
        JobResult result = run(JobMessages.python("""
                import os, json, urllib.request
                request = urllib.request.Request(os.environ['KIFF_ML_URL'] + '/v1/models/m/predict?id=%s',
                    data=json.dumps({'inputs': [1, 2]}).encode(), headers={'Content-Type': 'application/json',
                    'Authorization': 'Bearer stolen'})
                print(json.load(urllib.request.urlopen(request, timeout=10))['echo'])
                print('ml-secret-token' in json.dumps(dict(os.environ)))
                """.formatted(marker)).vmType(VmType.ML_AGENT));
        assertThat(result.status()).as(result.toString()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(result.stdout()).isEqualTo("{'inputs': [1, 2]}\nFalse\n");
        assertThat(ML.received()).anySatisfy(request -> {
            assertThat(request.query()).isEqualTo("id=" + marker);
            assertThat(request.headers().get("Authorization")).containsExactly("Bearer ml-secret-token");
        });
    }

    @Test
    void cannotExhaustTheGatewayBeyondItsQuota() {
        String marker = UUID.randomUUID().toString();
        JobResult result = run(JobMessages.python("""
                import os, urllib.request, urllib.error
                codes = []
                for i in range(40):
                    try:
                        codes.append(urllib.request.urlopen(os.environ['KIFF_ML_URL'] + '/quota-%s',
                                                            timeout=10).status)
                    except urllib.error.HTTPError as e:
                        codes.append(e.code)
                    except Exception as e:
                        codes.append(repr(e))
                print(codes.count(200), codes.count(429), [c for c in codes if c not in (200, 429)])
                """.formatted(marker)).vmType(VmType.ML_AGENT));
        assertThat(result.status()).as(result.toString()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(result.stdout()).isEqualTo("20 20 []\n");
        assertThat(ML.receivedWithPathPrefix("/quota-" + marker)).hasSize(20);
    }

    /**
     * Calls Kiff's seccomp profile refuses to every sandbox (stricter than Docker's default, which let io_uring
     * through on the engines of its time), each with arguments that would succeed where allowed; and no core dumps.
     */
    @Test
    void isRefusedKernelInterfacesNoSandboxNeedsAndDumpsNoCore() {
        JobResult result = run(JobMessages.python("""
                import ctypes, platform, resource
                libc = ctypes.CDLL(None, use_errno=True)
                libc.syscall.restype = ctypes.c_long
                x86 = platform.machine() == 'x86_64'
                nr = dict(io_uring_setup=425, keyctl=250 if x86 else 219, bpf=321 if x86 else 280,
                          userfaultfd=323 if x86 else 282, perf_event_open=298 if x86 else 241)
                params = ctypes.create_string_buffer(120)
                bpf_attr = ctypes.create_string_buffer(b''.join(n.to_bytes(4, 'little') for n in (2, 4, 4, 1)), 72)
                perf = ctypes.create_string_buffer(128)
                ctypes.memmove(perf, (1).to_bytes(4, 'little') + (128).to_bytes(4, 'little'), 8)
                ctypes.memmove(ctypes.addressof(perf) + 40, (1 | 32 | 64).to_bytes(8, 'little'), 8)
                calls = dict(io_uring_setup=(1, params), keyctl=(0, -3, 1), bpf=(0, bpf_attr, 72),
                             userfaultfd=(1 | 0o2000000,), perf_event_open=(perf, 0, -1, -1, 0))
                for name, args in calls.items():
                    r = libc.syscall(ctypes.c_long(nr[name]),
                                     *[ctypes.c_long(a) if isinstance(a, int) else a for a in args])
                    print(name, 'ALLOWED' if r >= 0 else 'refused', ctypes.get_errno())
                print('core', *resource.getrlimit(resource.RLIMIT_CORE))
                """));

        assertThat(result.status()).as(result.toString()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(result.stdout().lines().filter(line -> !line.startsWith("core")))
                .as(result.stdout()).hasSize(5).allMatch(line -> line.contains(" refused "));
        assertThat(result.stdout()).contains("core 0 0\n");
    }

    @Test
    void findsNoDockerSocket() {
        JobResult result = run(JobMessages.bash("""
                for s in /var/run/docker.sock /run/docker.sock /run/containerd/containerd.sock; do
                  [ -e "$s" ] && echo "FOUND $s"
                done
                echo checked
                """));
        assertThat(result.status()).as(result.toString()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(result.stdout()).isEqualTo("checked\n");
    }

    @Test
    void hasNoPrivilegesToGain() {
        JobResult result = run(JobMessages.python("""
                import os
                status = dict(l.split(':\\t', 1) for l in open('/proc/self/status').read().splitlines() if ':\\t' in l)
                # gVisor's /proc reports no NoNewPrivs line; its kernel enforces the flag all the same.
                print(os.getuid(), os.getgid(), status['CapEff'].strip(), status['CapBnd'].strip(),
                      status.get('NoNewPrivs', '1').strip())
                def physical_memory():
                    # gVisor lets mknod create a node in its own tmpfs; what matters is that it opens nothing real.
                    os.mknod('/tmp/mem', 0o600 | 0o20000, os.makedev(1, 1))
                    os.close(os.open('/tmp/mem', os.O_RDONLY))
                for attempt in (lambda: os.setuid(0), lambda: os.chroot('/tmp'), physical_memory):
                    try:
                        attempt()
                        print('GAINED')
                    except OSError as e:
                        print('denied')
                """));
        assertThat(result.status()).as(result.toString()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(result.stdout()).isEqualTo(
                "10001 10001 0000000000000000 0000000000000000 1\ndenied\ndenied\ndenied\n");
    }

    @Test
    void cannotReadHostFiles() {
        JobResult result = run(JobMessages.bash("""
                cat /etc/shadow 2>/dev/null && echo READ-SHADOW
                ls /root 2>/dev/null && echo READ-ROOT
                grep -E ' /(work|home|root|var/lib/docker)[ /]' /proc/mounts && echo HOST-MOUNT
                cat /proc/1/cmdline | tr '\\0' ' '; echo
                """));
        assertThat(result.status()).as(result.toString()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(result.stdout()).doesNotContain("READ-SHADOW", "READ-ROOT", "HOST-MOUNT")
                .contains("kiff-runner");
    }

    @Test
    void processesLeftBehindDieWithTheJob() {
        JobResult result = run(JobMessages.bash("""
                (setsid sleep 300 &) ; nohup sleep 300 >/dev/null 2>&1 &
                echo left-behind
                """).timeoutMs(20_000));
        assertThat(result.status()).as(result.toString()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(result.timings().runTimeMs()).isLessThan(15_000L);
        assertNothingLeftRunning(result);
    }

    @Test
    void hugeArgumentsAndEnvironmentFailInsideTheSandboxOnly() {
        JobResult result = run(JobMessages.python("""
                import os, subprocess
                try:
                    subprocess.run(['true'] + ['x' * 131000] * 64, env={'BIG': 'y' * 131000})
                    print('ran')
                except OSError as e:
                    print('refused', e.errno)
                """));
        assertThat(result.status()).as(result.toString()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(result.stdout()).startsWith("refused");
    }

    @Test
    void oversizedEnvironmentIsDeadLetteredBeforeItRuns() {
        String key = UUID.randomUUID().toString();
        StringBuilder env = new StringBuilder("{");
        for (int i = 0; i < 100; i++) {
            env.append(i == 0 ? "" : ",").append("\"V").append(i).append("\":\"x\"");
        }
        String record = "{\"vmType\":\"code-exec\",\"language\":\"python\",\"code\":\"print(1)\",\"env\":" + env + "}}";
        kafka.send(Topics.jobs(VmType.CODE_EXEC), key, record.getBytes(StandardCharsets.UTF_8));
        await().atMost(JOB_DEADLINE).untilAsserted(
                () -> assertThat(reason(deadLetters().recordsWithKey(key))).contains("env").contains("at most 64"));
    }
}
