package dev.kiff.worker;

import org.springframework.boot.test.context.SpringBootTest;

/** The adversarial suite with every sandbox on gVisor (runsc): a user-space kernel between the code and the host. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
        "kiff.docker.runtime-override=runsc",
        "kiff.docker.flood-limit=8MB"})
class AdversarialRunscIT extends AdversarialSuite {

    @Override
    boolean gvisor() {
        return true;
    }
}
