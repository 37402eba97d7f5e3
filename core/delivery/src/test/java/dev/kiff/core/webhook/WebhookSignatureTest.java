package dev.kiff.core.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {

    private static final String SECRET = "whsec_test-secret";
    private static final long TIMESTAMP = 1_795_867_200L;
    private static final byte[] BODY = "{\"type\":\"job.completed\",\"data\":{\"status\":\"SUCCEEDED\"}}"
            .getBytes(StandardCharsets.UTF_8);

    @Test
    void signsTimestampDotBodyWithHmacSha256OfTheSecret() throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] expected = mac.doFinal((TIMESTAMP + "." + new String(BODY, StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8));

        assertThat(WebhookSignature.sign(SECRET, TIMESTAMP, BODY))
                .isEqualTo("v1=" + HexFormat.of().formatHex(expected));
    }

    @Test
    void aTamperedBodyTimestampOrSecretGivesAnotherSignature() {
        String signature = WebhookSignature.sign(SECRET, TIMESTAMP, BODY);
        byte[] tampered = new String(BODY, StandardCharsets.UTF_8).replace("SUCCEEDED", "FAILED")
                .getBytes(StandardCharsets.UTF_8);

        assertThat(WebhookSignature.sign(SECRET, TIMESTAMP, tampered)).isNotEqualTo(signature);
        assertThat(WebhookSignature.sign(SECRET, TIMESTAMP + 1, BODY)).isNotEqualTo(signature);
        assertThat(WebhookSignature.sign("whsec_other", TIMESTAMP, BODY)).isNotEqualTo(signature);
    }
}
