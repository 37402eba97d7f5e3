package dev.kiff.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The isolation suite under {@code isolation: namespaces} (the built-in catalogue) on runc: one warm sandbox serves
 * every job, each in namespaces of its own; plus the job's own seccomp filter.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
        "kiff.docker.runtime-override=runc",
        "kiff.worker.vm-types=code-exec",
        "kiff.worker.initial-target=1",
        "kiff.worker.capacity=1"})
class IsolationNamespacesIT extends IsolationSuite {

    @Override
    boolean sharesSandboxes() {
        return true;
    }

    @Test
    void refusesNewNamespacesKeyringsIoUringUserfaultfdAndPtrace() {
        JobResult result = run(JobMessages.python("""
                import ctypes, os
                libc = ctypes.CDLL(None, use_errno=True)
                params = ctypes.create_string_buffer(120)
                calls = {
                    'unshare': lambda: libc.unshare(0x10000000),
                    'keyctl': lambda: libc.syscall(250, 0, -3, 0),
                    'io_uring_setup': lambda: libc.syscall(425, 1, params),
                    'userfaultfd': lambda: libc.syscall(323, 1),
                    'ptrace': lambda: libc.ptrace(0, 0, 0, 0),
                    'clone': lambda: libc.syscall(56, 0x20000000 | 17, 0, 0, 0, 0),
                }
                allowed = [name for name, call in calls.items() if call() >= 0]
                print(allowed)
                """));

        assertThat(result.status()).as(result.toString()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(result.stdout()).isEqualTo("[]\n");
    }

    @Test
    void aJobOverItsMemoryOrTimeEndsAloneAndTheSandboxServesTheNext() {
        JobResult balloon = run(JobMessages.memoryBalloon(64).tenant("acme"));
        JobResult spin = run(JobMessages.python("while True:\n    pass").timeoutMs(1000).tenant("acme"));
        JobResult next = run(JobMessages.python("print('next')").tenant("acme"));

        assertThat(balloon.status()).as(balloon.toString()).isEqualTo(JobStatus.OOM_KILLED);
        assertThat(spin.status()).as(spin.toString()).isEqualTo(JobStatus.TIMED_OUT);
        assertThat(next.stdout()).isEqualTo("next\n");
        assertThat(sandboxes.containerOf(next.id())).as("the runner outlived both, in the same sandbox")
                .isEqualTo(sandboxes.containerOf(balloon.id())).isEqualTo(sandboxes.containerOf(spin.id()));
    }

    @Test
    void seesOnlyItsOwnProcessesAndItsOwnProc() {
        JobResult result = run(JobMessages.python("""
                import os
                print(sorted(int(p) for p in os.listdir('/proc') if p.isdigit()), os.getpid())
                print(open('/proc/1/cmdline', 'rb').read().split(b'\\0')[1].decode())
                print(open('/proc/timer_list').read() == '', open('/proc/sched_debug').read() == ''
                      if os.path.exists('/proc/sched_debug') else True)
                """));

        assertThat(result.status()).as(result.toString()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(result.stdout()).startsWith("[1, 2] 2\n");
        assertThat(result.stdout()).as("the host's timers and tasks masked").endsWith("True True\n");
    }
}
