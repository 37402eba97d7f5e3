package dev.kiff.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiff.api.ApiClient.Reply;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * A {@code callbackUrl} the webhooks would refuse is refused at submission, with a 400 that names the field: loopback,
 * private, link-local and metadata addresses, written as they are or behind a name, with nothing allowed. (The other
 * test contexts allow 127.0.0.1 for their receivers.) None of these addresses is ever connected to: the check needs
 * only the address. This context's dispatcher never ticks, so it takes no other test's deliveries.
 */
@TestPropertySource(properties = {"kiff.webhooks.allow=", "kiff.webhooks.tick=1h"})
class WebhookTargetIT extends ApiIntegrationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ApiClient api;

    @BeforeEach
    void setUp() {
        api = new ApiClient(port);
    }

    private void assertRefusedNamingCallbackUrl(String url, String field, Reply reply, String why) {
        assertThat(reply.status()).as(url + " " + reply).isEqualTo(400);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        assertThat(reply.json().path("field").asString()).as(reply.toString()).isEqualTo(field);
        assertThat(reply.json().path("errors").get(0).path("message").asString()).as(reply.toString())
                .contains(why).contains("allow list");
    }

    private void assertJobRefused(String url, String why) {
        String code = "print('refused callback " + UUID.randomUUID() + "')";
        Reply reply = api.postJob(JobRequests.python(code).with("callbackUrl", url).json());
        assertRefusedNamingCallbackUrl(url, "callbackUrl", reply, why);
        assertThat(new JobRows(dataSource).withCode(code)).as("nothing stored").isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"http://127.0.0.1:8080/hook", "https://127.0.0.2/hook", "http://[::1]:8080/hook",
            "http://[::ffff:127.0.0.1]:8080/hook", "http://0.0.0.0:8080/hook"})
    void refusesALoopbackCallbackUrl(String url) {
        assertJobRefused(url, url.contains("0.0.0.0") ? "unspecified" : "loopback");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"http://10.0.0.1/hook", "http://172.16.5.4:8443/hook", "https://192.168.1.10/hook",
            "http://100.64.0.1/hook", "http://[fd12:3456::1]/hook"})
    void refusesAPrivateCallbackUrl(String url) {
        assertJobRefused(url, url.contains("100.64") ? "carrier-grade NAT" : url.contains("fd12") ? "unique local"
                : "private");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"http://169.254.169.254/latest/meta-data/", "http://[fd00:ec2::254]/latest/meta-data/",
            "http://[fe80::1]/hook"})
    void refusesALinkLocalOrMetadataCallbackUrl(String url) {
        assertJobRefused(url, url.contains("fd00") ? "metadata" : "link-local");
    }

    @Test
    void refusesANameThatResolvesToLoopback() {
        // localhost is 127.0.0.1 in this machine's hosts file: no DNS server involved.
        assertJobRefused("http://localhost:8080/hook", "127.0.0.1 is loopback");
    }

    @Test
    void refusesABatchWhoseOwnOrWhoseJobsCallbackUrlIsRefused() {
        Map<String, Object> job = Map.of("vmType", "code-exec", "language", "python", "code", "print(1)");
        Reply own = api.post("/v1/batches", JSON.writeValueAsString(Map.of("jobs", List.of(job),
                "callbackUrl", "http://localhost:8080/batch")));
        assertRefusedNamingCallbackUrl("batch", "callbackUrl", own, "loopback");

        Map<String, Object> hooked = Map.of("vmType", "code-exec", "language", "python", "code", "print(2)",
                "callbackUrl", "http://169.254.169.254/");
        Reply member = api.post("/v1/batches", JSON.writeValueAsString(Map.of("jobs", List.of(job, hooked))));
        assertRefusedNamingCallbackUrl("member", "jobs[1].callbackUrl", member, "link-local");
    }
}
