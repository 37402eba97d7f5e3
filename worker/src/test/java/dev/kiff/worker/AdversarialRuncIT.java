package dev.kiff.worker;

import org.springframework.boot.test.context.SpringBootTest;

/** The adversarial suite with every sandbox on runc, Docker's default runtime, each job in namespaces of its own. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
        "kiff.docker.runtime-override=runc",
        "kiff.docker.flood-limit=8MB"})
class AdversarialRuncIT extends AdversarialSuite {

    @Override
    boolean gvisor() {
        return false;
    }
}
