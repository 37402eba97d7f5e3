package dev.kiff.worker.metrics;

import dev.kiff.core.exec.DeadLetterReason;
import dev.kiff.core.exec.RunMetrics;
import dev.kiff.core.exec.RunMetrics.RecordRefusal;
import dev.kiff.core.exec.RunMetrics.RecordSource;
import dev.kiff.core.exec.RunMetrics.Redelivery;
import dev.kiff.model.job.Job;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import dev.kiff.model.job.ResourceUsage;
import dev.kiff.model.job.Timings;
import dev.kiff.model.job.VmType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The worker's job figures in Micrometer. Labels take few values: VM type, status, a reason's category, and the
 * tenant for the per-tenant accounting (which the operator bills by); never a job id or free text.
 */
public final class MicrometerRunMetrics implements RunMetrics {

    private static final Duration[] RUN_SLOS = {Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
            Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60),
            Duration.ofMinutes(5), Duration.ofMinutes(15)};

    /** A warm take costs milliseconds, a cold start seconds. */
    private static final Duration[] HANDOVER_SLOS = {Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(30)};

    private final MeterRegistry meters;

    /** The statuses a run of a worker ends a job with (a cancellation is ended by the API). */
    private static final Set<JobStatus> RUN_ENDINGS = EnumSet.of(JobStatus.SUCCEEDED, JobStatus.FAILED,
            JobStatus.TIMED_OUT, JobStatus.OOM_KILLED, JobStatus.ERROR);
    /** The statuses of an attempt the job's retry policy may run again. */
    private static final Set<JobStatus> RETRIED = EnumSet.of(JobStatus.FAILED, JobStatus.TIMED_OUT, JobStatus.OOM_KILLED);

    /**
     * @param types the VM types this worker serves: their counters are exported at zero from the start, for every
     *              label value known in advance, so that Prometheus's {@code increase()} sees the first one (a series
     *              that appears at 1 shows no increase) and the names are there to be found before anything happened
     */
    public MicrometerRunMetrics(MeterRegistry meters, Collection<VmType> types) {
        this.meters = meters;
        for (VmType type : types) {
            for (DeadLetterReason reason : DeadLetterReason.values()) {
                deadLetters(type, reason);
            }
            platformFailures(type);
            for (JobStatus status : RUN_ENDINGS) {
                endings(type.wireName(), label(status));
            }
            for (JobStatus status : RETRIED) {
                retries(type, status);
            }
            for (Redelivery kind : Redelivery.values()) {
                redeliveries(type, kind);
            }
        }
        for (RecordSource source : RecordSource.values()) {
            for (RecordRefusal refusal : RecordRefusal.values()) {
                deadRecords(source, refusal);
            }
        }
    }

    @Override
    public void ended(JobResult result) {
        String type = result.vmType().wireName();
        String status = label(result.status());
        endings(type, status).increment();
        Timings timings = result.timings();
        if (timings != null && timings.queueWaitMs() != null) {
            timer("kiff.job.queue.wait", "From submission to the start of the run that ended the job", type, null, RUN_SLOS)
                    .record(Duration.ofMillis(Math.max(0, timings.queueWaitMs())));
        }
        if (timings != null && timings.runTimeMs() != null) {
            timer("kiff.job.run", "The run that ended the job, from its start to its end", type, status, RUN_SLOS)
                    .record(Duration.ofMillis(Math.max(0, timings.runTimeMs())));
        }
        ResourceUsage usage = result.usage();
        if (usage != null && usage.cpuMs() != null) {
            Counter.builder("kiff.tenant.cpu")
                    .baseUnit("seconds")
                    .description("CPU time the tenant's jobs used in their sandboxes (the per-job accounting)")
                    .tags("tenant", result.tenant(), "vm_type", type)
                    .register(meters).increment(usage.cpuMs() / 1000.0);
        }
        if (usage != null && usage.peakMemoryMb() != null) {
            DistributionSummary.builder("kiff.tenant.job.memory.peak")
                    .baseUnit("bytes")
                    .description("Peak memory of the tenant's jobs (the per-job accounting); _max is the recent peak")
                    .tags("tenant", result.tenant(), "vm_type", type)
                    .register(meters).record(usage.peakMemoryMb() * 1024.0 * 1024.0);
        }
    }

    @Override
    public void handedOver(Job job, Duration toCode) {
        timer("kiff.job.warm.start", "From the run's start to its code handed to a sandbox: taking a warm one (or"
                + " starting one), staging inputs, opening the gateway", job.vmType().wireName(), null, HANDOVER_SLOS)
                .record(toCode.isNegative() ? Duration.ZERO : toCode);
    }

    @Override
    public void retried(Job job, JobStatus status) {
        retries(job.vmType(), status).increment();
    }

    @Override
    public void platformFailed(Job job) {
        platformFailures(job.vmType()).increment();
    }

    @Override
    public void redelivered(Job job, Redelivery kind) {
        redeliveries(job.vmType(), kind).increment();
    }

    @Override
    public void deadLettered(Job job, DeadLetterReason kind) {
        deadLetters(job.vmType(), kind).increment();
    }

    @Override
    public void recordDeadLettered(RecordSource source, RecordRefusal refusal) {
        deadRecords(source, refusal).increment();
    }

    private Counter deadRecords(RecordSource source, RecordRefusal refusal) {
        return Counter.builder("kiff.records.dead.lettered")
                .description("Records dead-lettered before they became a job or a session's command: refused (not"
                        + " proven) or invalid")
                .tags("source", source.label(), "reason", refusal.label())
                .register(meters);
    }

    private Counter endings(String type, String status) {
        return Counter.builder("kiff.jobs.ended")
                .description("Jobs this worker ended, by VM type and final status")
                .tags("vm_type", type, "status", status)
                .register(meters);
    }

    private Counter retries(VmType type, JobStatus status) {
        return Counter.builder("kiff.jobs.retried")
                .description("Attempts that ended without success and were retried by the job's retry policy")
                .tags("vm_type", type.wireName(), "status", label(status))
                .register(meters);
    }

    private Counter redeliveries(VmType type, Redelivery kind) {
        return Counter.builder("kiff.jobs.redelivered")
                .description("Job records delivered again after the job ended, or after its run was abandoned")
                .tags("vm_type", type.wireName(), "kind", kind.label())
                .register(meters);
    }

    private Counter platformFailures(VmType type) {
        return Counter.builder("kiff.jobs.platform.failures")
                .description("Runs the platform failed under (engine, database): the job is tried again")
                .tags("vm_type", type.wireName())
                .register(meters);
    }

    private Counter deadLetters(VmType type, DeadLetterReason kind) {
        return Counter.builder("kiff.jobs.dead.lettered")
                .description("Jobs dead-lettered, by VM type and the reason's category")
                .tags("vm_type", type.wireName(), "reason", kind.label())
                .register(meters);
    }

    private Timer timer(String name, String description, String type, String status, Duration[] buckets) {
        Timer.Builder builder = Timer.builder(name)
                .description(description)
                .tag("vm_type", type)
                .publishPercentileHistogram(false)
                .serviceLevelObjectives(buckets)
                .minimumExpectedValue(Duration.ofMillis(1));
        if (status != null) {
            builder.tag("status", status);
        }
        return builder.register(meters);
    }

    private static String label(JobStatus status) {
        return status.name().toLowerCase(Locale.ROOT);
    }
}
