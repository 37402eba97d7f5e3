package dev.kiff.core.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiff.core.job.Jobs;
import dev.kiff.core.port.InMemoryJobRepository;
import dev.kiff.core.port.JobRecord;
import dev.kiff.core.submit.JobNotFoundException;
import dev.kiff.core.tenant.InMemoryTenantDirectory;
import dev.kiff.core.tenant.QuotaExceededException;
import dev.kiff.core.tenant.QuotaGuard;
import dev.kiff.core.tenant.Quotas;
import dev.kiff.core.tenant.Tenant;
import dev.kiff.model.job.Job;
import dev.kiff.model.job.JobStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DeadLetterRequeuerTest {

    private static final Instant NOW = Instant.parse("2026-11-30T01:00:00Z");

    private final Job job = Jobs.job("print(1)").tenant("acme").build();
    private final Tenant acme = new Tenant("acme", new Quotas(2, 50, 100), "whsec", NOW);
    private final Tenant someoneElse = new Tenant("someone-else", Quotas.DEFAULT, "whsec", NOW);
    private final InMemoryTenantDirectory tenants = new InMemoryTenantDirectory().with(acme).with(someoneElse);
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final QuotaGuard quotas = new QuotaGuard(tenants, clock, Duration.ofSeconds(5));
    private final InMemoryJobRepository jobs = new InMemoryJobRepository();
    /** What the port was asked: the job, the tenant (null: the admin) and when. */
    private final List<String> asked = new ArrayList<>();

    private DeadLetterRequeuer requeuer(boolean requeues, InMemoryJobRepository repository) {
        return new DeadLetterRequeuer((id, tenant, at) -> {
            asked.add(id + " " + tenant + " " + at);
            return requeues;
        }, repository, quotas, clock);
    }

    @Test
    void requeuesThroughThePortAsTheTenantAndAnswersTheJobAsItIsNow() {
        jobs.insertQueued(job, null);

        assertThat(requeuer(true, jobs).requeue(job.id(), acme).status()).isEqualTo(JobStatus.QUEUED);
        assertThat(requeuer(true, jobs).requeueAnyTenants(job.id()).id()).isEqualTo(job.id());

        assertThat(asked).containsExactly(job.id() + " acme " + NOW, job.id() + " null " + NOW);
    }

    @Test
    void aJobThePortWouldNotRequeueIsAConflictNamingItsStatus() {
        jobs.insertQueued(job, null);

        assertThatThrownBy(() -> requeuer(false, jobs).requeue(job.id(), acme))
                .isInstanceOfSatisfying(NotADeadLetterException.class,
                        e -> assertThat(e.status()).isEqualTo(JobStatus.QUEUED))
                .hasMessageContaining("not a dead letter");
        assertThatThrownBy(() -> requeuer(false, jobs).requeueAnyTenants(job.id()))
                .isInstanceOf(NotADeadLetterException.class);
    }

    @Test
    void anotherTenantsJobOrNoneIsNotFound() {
        jobs.insertQueued(job, null);

        assertThatThrownBy(() -> requeuer(false, jobs).requeue(job.id(), someoneElse))
                .isInstanceOf(JobNotFoundException.class);
        assertThatThrownBy(() -> requeuer(false, jobs).requeueAnyTenants(UUID.randomUUID()))
                .isInstanceOf(JobNotFoundException.class);
    }

    @Test
    void aSessionsRunIsRefusedAsOneThatRunsOnlyInItsSession() {
        InMemoryJobRepository sessionRuns = new InMemoryJobRepository() {
            @Override
            public Optional<JobRecord> find(UUID id) {
                return super.find(id).map(r -> new JobRecord(r.job(), r.requestHash(),
                        r.state().inSession(UUID.randomUUID(), List.of())));
            }
        };
        sessionRuns.insertQueued(job, null);

        assertThatThrownBy(() -> requeuer(false, sessionRuns).requeue(job.id(), acme))
                .isInstanceOf(NotADeadLetterException.class)
                .hasMessageContaining("runs only in its session");
    }

    @Test
    void aTenantsRequeueIsASubmissionWithinItsQuotasAndTheAdminsIsNot() {
        jobs.insertQueued(job, null);
        tenants.setUnfinishedJobs("acme", 2);

        assertThatThrownBy(() -> requeuer(true, jobs).requeue(job.id(), acme))
                .isInstanceOfSatisfying(QuotaExceededException.class,
                        e -> assertThat(e.quota()).isEqualTo("maxConcurrentJobs"));
        assertThat(asked).as("refused before the port was asked").isEmpty();

        assertThat(requeuer(true, jobs).requeueAnyTenants(job.id()).id()).isEqualTo(job.id());
        assertThat(asked).containsExactly(job.id() + " null " + NOW);
    }
}
