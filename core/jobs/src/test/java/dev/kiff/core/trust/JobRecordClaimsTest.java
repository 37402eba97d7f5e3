package dev.kiff.core.trust;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiff.model.trust.SigningKey;
import dev.kiff.model.batch.Batch;
import dev.kiff.core.batch.InMemoryBatchRepository;
import dev.kiff.model.job.Job;
import dev.kiff.core.job.Jobs;
import dev.kiff.core.port.InMemoryJobRepository;
import dev.kiff.core.trust.RecordVerifier.Signer;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class JobRecordClaimsTest {

    private static final SigningKey PLATFORM = SigningKey.platform("platform-key-of-at-least-32-characters!");

    private final InMemoryJobRepository jobs = new InMemoryJobRepository();
    private final InMemoryBatchRepository batches = new InMemoryBatchRepository(jobs);
    private final JobRecordClaims claims = new JobRecordClaims(new RecordVerifier(PLATFORM, null),
            Set.of("kiff.jobs.trusted"), batches, jobs);

    @Test
    void letsThePlatformNameAnyTenant() {
        assertThat(claims.refusal(new Signer.Platform(), Jobs.job().tenant("globex").build())).isEmpty();
    }

    @Test
    void letsATenantNameItself() {
        assertThat(claims.refusal(new Signer.Tenant("acme"), Jobs.job().tenant("acme").build())).isEmpty();
    }

    @Test
    void refusesATenantNamingAnother() {
        Optional<String> refusal = claims.refusal(new Signer.Tenant("acme"), Jobs.job().tenant("globex").build());

        assertThat(refusal).contains("signed with the producer key of tenant acme but names tenant globex");
    }

    @Test
    void refusesATenantJoiningAnotherTenantsBatch() {
        UUID batch = UUID.randomUUID();
        batches.insert(new Batch(batch, "globex", 1, null, Instant.now(), null, null),
                List.of(Jobs.job().tenant("globex").build().inBatch(batch)));

        Optional<String> refusal = claims.refusal(new Signer.Tenant("acme"),
                Jobs.job().tenant("acme").build().inBatch(batch));

        assertThat(refusal).hasValueSatisfying(reason -> assertThat(reason).contains("not a batch of tenant acme"));
        assertThat(claims.refusal(new Signer.Tenant("acme"), Jobs.job().tenant("acme").build()
                .inBatch(UUID.randomUUID()))).isPresent();
    }

    @Test
    void refusesATenantTakingAnotherTenantsJobId() {
        Job theirs = Jobs.job().tenant("globex").build();
        jobs.insertQueued(theirs, null);

        Optional<String> refusal = claims.refusal(new Signer.Tenant("acme"),
                Jobs.job().tenant("acme").id(theirs.id()).build());

        assertThat(refusal).hasValueSatisfying(reason -> assertThat(reason).contains("another tenant's job"));
    }

    @Test
    void refusesWhatTheVerifierRefused() {
        assertThat(claims.refusal(new Signer.Refused("unsigned"), Jobs.job().build())).contains("unsigned");
    }

    @Test
    void believesAnUnsignedRecordOnlyOnATrustedTopic() {
        assertThat(claims.signer("kiff.jobs.trusted", "k", new byte[0], null)).isEqualTo(new Signer.Platform());
        assertThat(claims.signer("kiff.jobs.code-exec", "k", new byte[0], null)).isInstanceOf(Signer.Refused.class);
    }
}
