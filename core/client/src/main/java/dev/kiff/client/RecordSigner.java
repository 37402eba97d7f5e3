package dev.kiff.client;

import dev.kiff.model.trust.RecordSignature;
import dev.kiff.model.trust.SigningKey;
import java.nio.charset.StandardCharsets;

/**
 * Signs the job records a tenant's own pipeline produces straight to Kafka ({@code kiff.jobs.<vmType>}), with the
 * tenant's producer key ({@code kpk.<tenant>.<random>}, from {@code ./kiff tenant create} or
 * {@code POST /v1/tenant/producer-key}). Workers run a record only as the tenant its signature proves; an unsigned or
 * mis-signed one goes to the dead-letter topic. No Kafka dependency: add the header to the record with whatever
 * producer you use.
 *
 * <pre>{@code
 * RecordSigner signer = new RecordSigner(System.getenv("KIFF_PRODUCER_KEY"));
 * ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, jobId, json);
 * record.headers().add(RecordSigner.HEADER, signer.headerValue(topic, jobId, json));
 * }</pre>
 *
 * The header's value is {@code tenant/<tenant>:<base64 HMAC-SHA256>}, over the topic, the key and the value (see
 * {@link RecordSignature}): a signed record cannot be moved to another topic, re-keyed or changed.
 */
public final class RecordSigner {

    /** The name of the header the signature goes in. */
    public static final String HEADER = RecordSignature.HEADER;

    private final SigningKey key;

    /** @param producerKey the tenant's producer key as it was issued */
    public RecordSigner(String producerKey) {
        this.key = SigningKey.producer(producerKey);
    }

    /** The tenant the key proves: the tenant the records may name (or leave out). */
    public String tenant() {
        return SigningKey.tenantOfKeyId(key.id()).orElseThrow();
    }

    /** The value of the {@link #HEADER} header for a record of {@code topic} with {@code key} and {@code value}. */
    public byte[] headerValue(String topic, String key, byte[] value) {
        return RecordSignature.of(this.key, topic, key, value).headerValue().getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public String toString() {
        return "RecordSigner(tenant=" + tenant() + ")"; // never the key
    }
}
