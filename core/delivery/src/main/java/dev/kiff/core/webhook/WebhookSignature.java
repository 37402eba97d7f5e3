package dev.kiff.core.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How a delivery proves it comes from Kiff: {@code Kiff-Signature: v1=<hex HMAC-SHA256(secret, "<ts>.<body>")>}
 * with {@code Kiff-Timestamp: <ts>} (Unix seconds). Signing the timestamp with the body lets a receiver refuse
 * replays of an old delivery.
 */
public final class WebhookSignature {

    public static final String SIGNATURE_HEADER = "Kiff-Signature";
    public static final String TIMESTAMP_HEADER = "Kiff-Timestamp";
    public static final String EVENT_HEADER = "Kiff-Event";
    public static final String DELIVERY_HEADER = "Kiff-Delivery";

    private WebhookSignature() {
    }

    /** The {@code Kiff-Signature} value for {@code body} sent at {@code timestamp}. */
    public static String sign(String secret, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return "v1=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JVM has HmacSHA256", e);
        }
    }
}
