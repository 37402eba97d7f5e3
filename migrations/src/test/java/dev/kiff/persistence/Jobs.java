package dev.kiff.persistence;

import dev.kiff.model.job.Job;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import dev.kiff.model.job.Language;
import dev.kiff.model.job.Limits;
import dev.kiff.model.job.RetryPolicy;
import dev.kiff.model.job.Timings;
import dev.kiff.model.job.VmType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Builds jobs and results for the repository tests; every job gets a fresh id so tests share one database. */
final class Jobs {

    /** PostgreSQL keeps microseconds: every instant here has no finer part, so round trips compare equal. */
    static final Instant SUBMITTED_AT = Instant.parse("2030-01-02T03:04:05.123456Z");
    static final Instant STARTED_AT = SUBMITTED_AT.plusMillis(250);
    static final Instant FINISHED_AT = STARTED_AT.plusMillis(1500);

    private UUID id = UUID.randomUUID();
    private String tenant = Job.DEFAULT_TENANT;
    private String code = "print(1)";
    private String stdin = "";
    private Map<String, String> env = Map.of();
    private Map<String, String> files = Map.of();
    private Limits limits = new Limits(10_000, 256, 1.0, 64, 65_536);
    private RetryPolicy retry = RetryPolicy.DEFAULT;

    private Jobs() {
    }

    static Jobs python(String code) {
        Jobs jobs = new Jobs();
        jobs.code = code;
        return jobs;
    }

    Jobs id(UUID id) {
        this.id = id;
        return this;
    }

    Jobs tenant(String tenant) {
        this.tenant = tenant;
        return this;
    }

    Jobs retry(RetryPolicy retry) {
        this.retry = retry;
        return this;
    }

    Jobs stdin(String stdin) {
        this.stdin = stdin;
        return this;
    }

    Jobs env(Map<String, String> env) {
        this.env = env;
        return this;
    }

    Jobs files(Map<String, String> files) {
        this.files = files;
        return this;
    }

    Jobs limits(Limits limits) {
        this.limits = limits;
        return this;
    }

    Job build() {
        return new Job(id, tenant, VmType.CODE_EXEC, Language.PYTHON, code, stdin, env, files, limits, SUBMITTED_AT,
                null, null, retry);
    }

    /** The result a worker reports for {@code job} after it ran on {@code workerId}. */
    static JobResult finished(Job job, String workerId, JobStatus status, Integer exitCode, String stdout,
            String stderr, String message) {
        return new JobResult(JobResult.VERSION, job.id(), job.tenant(), job.vmType(), status, exitCode, stdout,
                false, stderr, false, message, workerId, 1, Timings.of(job.submittedAt(), STARTED_AT, FINISHED_AT),
                List.of());
    }

    /** A tenant id no other test uses, so a test sees only its own jobs, batches and results. */
    static String freshTenant() {
        return "t-" + UUID.randomUUID();
    }

    static JobResult succeeded(Job job, String workerId, String stdout) {
        return finished(job, workerId, JobStatus.SUCCEEDED, 0, stdout, "", null);
    }
}
