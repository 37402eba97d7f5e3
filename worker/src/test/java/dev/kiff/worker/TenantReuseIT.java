package dev.kiff.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import dev.kiff.testkit.Catalogues;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code reuse: tenant} against the real Docker engine: a sandbox serves further jobs of its tenant with nothing of
 * the last job left (files, processes), and never a job of another tenant.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
        "kiff.worker.vm-types=code-exec",
        "kiff.worker.initial-target=1"})
class TenantReuseIT extends WorkerIntegrationTest {

    private static final String WHO_AND_WHAT_IS_LEFT = """
            import os, socket
            print(socket.gethostname())
            print(os.path.exists('/workspace/secret'), os.path.exists('/tmp/secret'))
            print(sorted(p for p in os.listdir('/proc') if p.isdigit() and p != str(os.getpid())))
            """;

    @DynamicPropertySource
    static void reusingCatalogue(DynamicPropertyRegistry registry) {
        registry.add("kiff.catalogue.file", () -> Catalogues.reusing("code-exec", 50).toString());
    }

    @Test
    void servesFurtherJobsOfTheSameTenantWipedAndNeverAnotherTenant() {
        JobResult first = run(JobMessages.python("""
                import socket, subprocess
                open('/workspace/secret', 'w').write('acme')
                open('/tmp/secret', 'w').write('acme')
                subprocess.Popen(['sleep', '300'])
                print(socket.gethostname())
                """).tenant("acme"));
        JobResult second = run(JobMessages.python(WHO_AND_WHAT_IS_LEFT).tenant("acme"));
        JobResult other = run(JobMessages.python(WHO_AND_WHAT_IS_LEFT).tenant("globex"));

        assertThat(first.status()).isEqualTo(JobStatus.SUCCEEDED);
        String acmeSandbox = first.stdout().strip();
        String[] again = second.stdout().split("\n");
        assertThat(again[0]).as("the same sandbox served acme again").isEqualTo(acmeSandbox);
        assertThat(again[1]).as("no file of the last job").isEqualTo("False False");
        assertThat(again[2]).as("only the runner (PID 1) is left").isEqualTo("['1']");
        assertThat(other.stdout().split("\n")[0]).as("globex never gets acme's sandbox").isNotEqualTo(acmeSandbox);
    }
}
