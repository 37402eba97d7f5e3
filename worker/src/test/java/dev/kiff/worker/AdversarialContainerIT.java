package dev.kiff.worker;

import dev.kiff.testkit.Catalogues;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The adversarial suite on runc with one container per job ({@code isolation: container}). */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
        "kiff.docker.runtime-override=runc",
        "kiff.docker.flood-limit=8MB"})
class AdversarialContainerIT extends AdversarialSuite {

    @DynamicPropertySource
    static void containerPerJob(DynamicPropertyRegistry registry) {
        registry.add("kiff.catalogue.file", () -> Catalogues.containerPerJob().toString());
    }

    @Override
    boolean gvisor() {
        return false;
    }
}
