package dev.kiff.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiff.api.ApiClient.Reply;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Fresh tenants made through {@code POST /v1/admin/tenants}, so a test owns every job and quota it looks at. */
final class TestTenants {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private TestTenants() {
    }

    /** A tenant as its creation answered it: the one copy of its key, and its webhook secret. */
    record Made(String id, String apiKey, String webhookSecret, JsonNode answer) {

        ApiClient client(int port) {
            return new ApiClient(port, apiKey);
        }
    }

    /** A tenant named {@code prefix} plus a random suffix, with the default quotas. */
    static Made create(int port, String prefix) {
        return create(port, prefix, null);
    }

    /**
     * @param quotas the quota overrides ({@code maxConcurrentJobs}, {@code submissionsPerSecond},
     *               {@code maxBatchSize}), or null for the defaults
     */
    static Made create(int port, String prefix, Map<String, Integer> quotas) {
        Reply reply = createRaw(port, ApiClient.ADMIN_KEY, uniqueName(prefix), quotas);
        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        JsonNode answer = reply.json();
        return new Made(answer.path("id").asString(), answer.path("apiKey").asString(),
                answer.path("webhookSecret").asString(), answer);
    }

    static String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** {@code POST /v1/admin/tenants} as the holder of {@code key}, whatever it answers. */
    static Reply createRaw(int port, String key, String name, Map<String, Integer> quotas) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        if (quotas != null) {
            body.put("quotas", quotas);
        }
        return new ApiClient(port, key).post("/v1/admin/tenants", JSON.writeValueAsString(body));
    }
}
