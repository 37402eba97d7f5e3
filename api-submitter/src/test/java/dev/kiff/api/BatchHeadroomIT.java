package dev.kiff.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiff.api.ApiClient.Reply;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A batch body (up to {@code kiff.api.max-batch-body-size}) is read and parsed only for a tenant with room for one
 * more job: a tenant at its quota is refused first, whatever the body holds.
 */
class BatchHeadroomIT extends ApiIntegrationTest {

    @Test
    void refusesABatchOfATenantAtItsConcurrentJobsQuotaBeforeParsingTheBody() {
        TestTenants.Made tenant = TestTenants.create(port, "full", Map.of("maxConcurrentJobs", 1));
        ApiClient api = tenant.client(port);
        Reply queued = api.postJob(JobRequests.valid());
        assertThat(queued.status()).as(queued.toString()).isEqualTo(202);

        Reply batch = api.post("/v1/batches", "{\"jobs\": [ this is not JSON");

        assertThat(batch.status()).as("refused before the body is parsed: " + batch).isEqualTo(429);
        assertThat(batch.json().path("type").asString()).isEqualTo("urn:kiff:problem:quota-exceeded");
        assertThat(batch.json().path("quota").asString()).isEqualTo("maxConcurrentJobs");
        assertThat(api.delete("/v1/jobs/" + queued.json().path("id").asString()).status()).isEqualTo(200);
        assertThat(api.post("/v1/batches", "{\"jobs\": [ this is not JSON").status())
                .as("with room again, the body is parsed and found wrong").isEqualTo(400);
    }
}
