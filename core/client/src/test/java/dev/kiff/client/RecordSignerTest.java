package dev.kiff.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RecordSignerTest {

    @Test
    void signsAsTheWorkersCheckAndAsThePythonClientSigns() {
        RecordSigner signer = new RecordSigner("kpk.acme.secret");

        String header = new String(signer.headerValue("kiff.jobs.code-exec", "job-1",
                "{}".getBytes(StandardCharsets.UTF_8)), StandardCharsets.US_ASCII);

        // The same vector is in the contract's RecordSignatureTest and the Python client's tests.
        assertThat(header).isEqualTo("tenant/acme:Yfm47rcDU+hIqb7IWdl7KYr+c+VxskAhLMOjCYFRdG4=");
        assertThat(RecordSigner.HEADER).isEqualTo("kiff-signature");
        assertThat(signer.tenant()).isEqualTo("acme");
        assertThat(signer.toString()).doesNotContain("secret");
    }

    @Test
    void refusesSomethingThatIsNoProducerKey() {
        assertThatThrownBy(() -> new RecordSigner("kiff_an_api_key")).isInstanceOf(IllegalArgumentException.class);
    }
}
