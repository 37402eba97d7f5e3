package dev.kiff.persistence;

import static dev.kiff.persistence.jooq.Tables.JOBS;

import dev.kiff.core.job.Job;
import dev.kiff.core.job.JobMessage;
import dev.kiff.core.job.JobResult;
import dev.kiff.core.job.JobStatus;
import dev.kiff.core.job.Limits;
import dev.kiff.core.job.Timings;
import dev.kiff.core.job.VmType;
import dev.kiff.core.json.JobCodec;
import dev.kiff.core.port.JobRecord;
import dev.kiff.core.port.JobRepository;
import dev.kiff.persistence.jooq.tables.records.JobsRecord;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Collection;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.JSON;
import org.jooq.UpdateSetMoreStep;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link JobRepository} on PostgreSQL through jOOQ. Each state change is one conditional {@code UPDATE ... WHERE
 * id = ? AND status = <from>}, checked first against {@link JobStatus}'s transition table: the database decides races,
 * the table decides legality.
 */
public final class JooqJobRepository implements JobRepository {

    private static final Logger log = LoggerFactory.getLogger(JooqJobRepository.class);

    private final DSLContext db;
    private final JobCodec codec;
    private final Clock clock;

    public JooqJobRepository(DSLContext db, JobCodec codec, Clock clock) {
        this.db = db;
        this.codec = codec;
        this.clock = clock;
    }

    @Override
    public boolean insertQueued(Job job, String requestHash) {
        int inserted = db.insertInto(JOBS)
                .set(JOBS.ID, job.id())
                .set(JOBS.TENANT, job.tenant())
                .set(JOBS.VM_TYPE, job.vmType().wireName())
                .set(JOBS.LANGUAGE, job.language().wireName())
                .set(JOBS.SPEC, JSON.valueOf(new String(codec.write(job.toMessage()), StandardCharsets.UTF_8)))
                .set(JOBS.REQUEST_HASH, requestHash)
                .set(JOBS.STATUS, JobStatus.QUEUED)
                .set(JOBS.SUBMITTED_AT, job.submittedAt())
                .set(JOBS.UPDATED_AT, clock.instant())
                .onConflict(JOBS.ID).doNothing()
                .execute();
        return inserted == 1;
    }

    @Override
    public Optional<JobRecord> find(UUID id) {
        return db.selectFrom(JOBS).where(JOBS.ID.eq(id)).fetchOptional().map(this::toRecord);
    }

    @Override
    public OptionalInt markRunning(UUID id, String workerId, Instant startedAt) {
        JobStatus to = JobStatus.QUEUED.start();
        return db.update(JOBS)
                .set(JOBS.STATUS, to)
                .set(JOBS.WORKER_ID, workerId)
                .set(JOBS.STARTED_AT, startedAt)
                .set(JOBS.HEARTBEAT_AT, startedAt)
                .set(JOBS.ATTEMPTS, JOBS.ATTEMPTS.plus(1))
                .set(JOBS.UPDATED_AT, clock.instant())
                .where(JOBS.ID.eq(id).and(JOBS.STATUS.eq(JobStatus.QUEUED)))
                .returning(JOBS.ATTEMPTS)
                .fetchOptional()
                .map(row -> OptionalInt.of(row.getAttempts()))
                .orElseGet(() -> lostRace(id, JobStatus.QUEUED, to, OptionalInt.empty()));
    }

    @Override
    public boolean requeue(UUID id) {
        JobStatus to = JobStatus.RUNNING.retry();
        return changed(id, JobStatus.RUNNING, to, db.update(JOBS)
                .set(JOBS.STATUS, to)
                .setNull(JOBS.WORKER_ID)
                .setNull(JOBS.STARTED_AT), JOBS.STATUS.eq(JobStatus.RUNNING));
    }

    @Override
    public boolean requeueAbandoned(UUID id, Instant heartbeatBefore) {
        JobStatus to = JobStatus.RUNNING.retry();
        return changed(id, JobStatus.RUNNING, to, db.update(JOBS)
                .set(JOBS.STATUS, to)
                .setNull(JOBS.WORKER_ID)
                .setNull(JOBS.STARTED_AT)
                .setNull(JOBS.HEARTBEAT_AT), JOBS.STATUS.eq(JobStatus.RUNNING)
                .and(JOBS.HEARTBEAT_AT.isNull().or(JOBS.HEARTBEAT_AT.lt(heartbeatBefore))));
    }

    @Override
    public int heartbeat(String workerId, Collection<UUID> ids, Instant at) {
        if (ids.isEmpty()) {
            return 0;
        }
        return db.update(JOBS)
                .set(JOBS.HEARTBEAT_AT, at)
                .where(JOBS.ID.in(ids).and(JOBS.STATUS.eq(JobStatus.RUNNING)).and(JOBS.WORKER_ID.eq(workerId)))
                .execute();
    }

    @Override
    public boolean complete(JobResult result) {
        JobStatus to = JobStatus.RUNNING.complete(result.status());
        Timings timings = result.timings();
        return changed(result.id(), JobStatus.RUNNING, to, db.update(JOBS)
                .set(JOBS.STATUS, to)
                .set(JOBS.EXIT_CODE, result.exitCode())
                .set(JOBS.STDOUT, result.stdout())
                .set(JOBS.STDOUT_TRUNCATED, result.stdoutTruncated())
                .set(JOBS.STDERR, result.stderr())
                .set(JOBS.STDERR_TRUNCATED, result.stderrTruncated())
                .set(JOBS.MESSAGE, result.message())
                .set(JOBS.ARTIFACTS, JSON.valueOf(codec.writeString(result.artifacts())))
                .set(JOBS.FINISHED_AT, timings.finishedAt()),
                JOBS.STATUS.eq(JobStatus.RUNNING).and(JOBS.WORKER_ID.eq(result.workerId())));
    }

    @Override
    public boolean resubmit(UUID id, Instant at) {
        JobStatus to = JobStatus.REJECTED.resubmit();
        return changed(id, JobStatus.REJECTED, to, db.update(JOBS)
                .set(JOBS.STATUS, to)
                .set(JOBS.SUBMITTED_AT, at)
                .setNull(JOBS.MESSAGE)
                .setNull(JOBS.FINISHED_AT), JOBS.STATUS.eq(JobStatus.REJECTED));
    }

    @Override
    public boolean reject(UUID id, String reason, Instant at) {
        return endQueued(id, JobStatus.QUEUED.reject(), reason, at);
    }

    @Override
    public boolean cancel(UUID id, JobStatus from, String reason, Instant at) {
        JobStatus to = from.cancel();
        return changed(id, from, to, db.update(JOBS)
                .set(JOBS.STATUS, to)
                .set(JOBS.MESSAGE, reason)
                .set(JOBS.FINISHED_AT, at), JOBS.STATUS.eq(from));
    }

    @Override
    public boolean fail(UUID id, String reason, Instant at) {
        return endQueued(id, JobStatus.QUEUED.fail(), reason, at);
    }

    private boolean endQueued(UUID id, JobStatus to, String reason, Instant at) {
        return changed(id, JobStatus.QUEUED, to, db.update(JOBS)
                .set(JOBS.STATUS, to)
                .set(JOBS.MESSAGE, reason)
                .set(JOBS.FINISHED_AT, at), JOBS.STATUS.eq(JobStatus.QUEUED));
    }

    private boolean changed(UUID id, JobStatus from, JobStatus to, UpdateSetMoreStep<JobsRecord> update,
            Condition expected) {
        int rows = update.set(JOBS.UPDATED_AT, clock.instant()).where(JOBS.ID.eq(id).and(expected)).execute();
        return rows == 1 || lostRace(id, from, to, false);
    }

    private <T> T lostRace(UUID id, JobStatus from, JobStatus to, T answer) {
        log.debug("Job(id={}) was no longer {} (or not on this worker); {} -> {} skipped", id, from, from, to);
        return answer;
    }

    private JobRecord toRecord(JobsRecord row) {
        JobMessage message = codec.readMessage(row.getSpec().data().getBytes(StandardCharsets.UTF_8));
        Limits limits = new Limits(message.limits().timeoutMs(), message.limits().memoryMb(),
                message.limits().cpus(), message.limits().pids(), message.limits().outputBytes());
        Job job = new Job(row.getId(), row.getTenant(), VmType.fromWire(row.getVmType()), message.language(),
                message.code(), message.stdin(), nonNull(message.env()), nonNull(message.files()), limits,
                row.getSubmittedAt());
        JobResult state = new JobResult(JobResult.VERSION, row.getId(), row.getTenant(), job.vmType(),
                row.getStatus(), row.getExitCode(), row.getStdout(), row.getStdoutTruncated(), row.getStderr(),
                row.getStderrTruncated(), row.getMessage(), row.getWorkerId(), row.getAttempts(),
                Timings.of(row.getSubmittedAt(), row.getStartedAt(), row.getFinishedAt()),
                row.getArtifacts() == null ? List.of() : codec.readArtifactList(row.getArtifacts().data()));
        return new JobRecord(job, row.getRequestHash(), state);
    }

    private static Map<String, String> nonNull(Map<String, String> map) {
        return map == null ? Map.of() : map;
    }
}
