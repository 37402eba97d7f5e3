package dev.kiff.api.metrics;

import dev.kiff.core.submit.SubmissionMetrics;
import dev.kiff.core.submit.SubmissionRejection;
import dev.kiff.model.job.JobStatus;
import dev.kiff.model.job.VmType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;

/**
 * Counts submissions as {@code kiff.submissions}, by tenant, VM type, outcome ({@code accepted}, {@code replayed}: a
 * repeated Idempotency-Key, or {@code rejected}) and rejection ({@code none}, or the category of the refusal). Every
 * series carries the same labels, as Prometheus expects of one name. Cancellations, which the API ends rather than a
 * worker, as {@code kiff.jobs.cancelled} by tenant, VM type and what the job was ({@code queued}, {@code running}).
 */
public final class MicrometerSubmissionMetrics implements SubmissionMetrics {

    /** The VM type label of a request that named none, or none this platform knows. */
    static final String UNKNOWN_TYPE = "unknown";

    private final MeterRegistry meters;

    public MicrometerSubmissionMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    @Override
    public void accepted(String tenant, VmType type, boolean replayed) {
        count(tenant, type, replayed ? "replayed" : "accepted", "none");
    }

    @Override
    public void rejected(String tenant, VmType type, SubmissionRejection rejection) {
        count(tenant, type, "rejected", rejection.label());
    }

    @Override
    public void cancelled(String tenant, VmType type, JobStatus was) {
        Counter.builder("kiff.jobs.cancelled")
                .description("Jobs cancelled by their clients (alone or with their batch), by what they were then")
                .tags("tenant", tenant, "vm_type", type.wireName(), "was", was.name().toLowerCase(Locale.ROOT))
                .register(meters).increment();
    }

    private void count(String tenant, VmType type, String outcome, String rejection) {
        Counter.builder("kiff.submissions")
                .description("Jobs submitted to the API, by tenant, VM type, outcome and rejection")
                .tags("tenant", tenant, "vm_type", type == null ? UNKNOWN_TYPE : type.wireName(), "outcome", outcome,
                        "rejection", rejection)
                .register(meters).increment();
    }
}
