package dev.kiff.worker;

import dev.kiff.testkit.Catalogues;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The isolation suite under {@code isolation: container}: one container per job, on runc. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
        "kiff.docker.runtime-override=runc",
        "kiff.worker.vm-types=code-exec",
        "kiff.worker.initial-target=1"})
class IsolationContainerIT extends IsolationSuite {

    @DynamicPropertySource
    static void containerPerJob(DynamicPropertyRegistry registry) {
        registry.add("kiff.catalogue.file", () -> Catalogues.containerPerJob().toString());
    }

    @Override
    boolean sharesSandboxes() {
        return false;
    }
}
