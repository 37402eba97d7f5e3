package dev.kiff.persistence;

import static dev.kiff.persistence.jooq.Tables.JOBS;
import static dev.kiff.persistence.jooq.Tables.JOB_ATTEMPTS;

import dev.kiff.model.job.Attempt;
import dev.kiff.model.job.Job;
import dev.kiff.model.job.JobMessage;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import dev.kiff.model.job.Limits;
import dev.kiff.model.job.ResourceUsage;
import dev.kiff.model.job.Timings;
import dev.kiff.model.job.VmType;
import dev.kiff.model.json.JobCodec;
import dev.kiff.core.port.JobRecord;
import dev.kiff.core.port.JobRepository;
import dev.kiff.core.port.StoredResult;
import dev.kiff.persistence.jooq.tables.records.JobsRecord;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Collection;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.InsertSetMoreStep;
import org.jooq.JSON;
import org.jooq.UpdateSetMoreStep;
import org.jooq.impl.DSL;
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

    /** The next number of the result sequence: results are numbered in the order they are stored. */
    static final Field<Long> NEXT_RESULT = DSL.field("nextval('job_result_seq')", Long.class);
    /** The advisory lock that makes results commit in the order of their numbers (any constant, used only here). */
    private static final long NUMBERING_LOCK = 0x6b696666L;

    /**
     * Takes, until {@code tx} ends, the lock under which results are numbered. A number taken inside a transaction is
     * visible only at its commit; without the lock a later number could commit first, and a reader that moved past
     * it (a tenant's stream) would never see the earlier one. Held from numbering to commit, a few milliseconds.
     */
    static void lockNumbering(DSLContext tx) {
        tx.select(DSL.field("pg_advisory_xact_lock({0})", Object.class, DSL.val(NUMBERING_LOCK))).fetch();
    }

    public JooqJobRepository(DSLContext db, JobCodec codec, Clock clock) {
        this.db = db;
        this.codec = codec;
        this.clock = clock;
    }

    @Override
    public boolean insertQueued(Job job, String requestHash) {
        return queuedRow(db, job, requestHash, null).onConflict(JOBS.ID).doNothing().execute() == 1;
    }

    /** The insert of a just-accepted job; {@code batchIndex} is its place in its batch, or null. */
    InsertSetMoreStep<JobsRecord> queuedRow(DSLContext tx, Job job, String requestHash, Integer batchIndex) {
        return tx.insertInto(JOBS)
                .set(JOBS.ID, job.id())
                .set(JOBS.TENANT, job.tenant())
                .set(JOBS.VM_TYPE, job.vmType().wireName())
                .set(JOBS.LANGUAGE, job.language().wireName())
                .set(JOBS.SPEC, JSON.valueOf(new String(codec.write(job.toMessage()), StandardCharsets.UTF_8)))
                .set(JOBS.REQUEST_HASH, requestHash)
                .set(JOBS.STATUS, JobStatus.QUEUED)
                .set(JOBS.SUBMITTED_AT, job.submittedAt())
                .set(JOBS.UPDATED_AT, clock.instant())
                .set(JOBS.BATCH_ID, job.batchId())
                .set(JOBS.BATCH_INDEX, batchIndex)
                .set(JOBS.CALLBACK_URL, job.callbackUrl())
                .set(JOBS.MAX_ATTEMPTS, job.retry().maxAttempts());
    }

    /**
     * The insert of a just-accepted job held in the backlog, not yet published ({@link JooqJobBacklog}); a plain
     * {@link #queuedRow} is of a job on Kafka already.
     */
    InsertSetMoreStep<JobsRecord> heldRow(DSLContext tx, Job job, String requestHash, Integer batchIndex) {
        return queuedRow(tx, job, requestHash, batchIndex).setNull(JOBS.PUBLISHED_AT);
    }

    @Override
    public Optional<JobRecord> find(UUID id) {
        return db.selectFrom(JOBS).where(JOBS.ID.eq(id)).fetchOptional().map(this::toRecord)
                .map(r -> new JobRecord(r.job(), r.requestHash(), withHistory(r.state())));
    }

    /** The state with every run of the job, oldest first. */
    private JobResult withHistory(JobResult state) {
        List<Attempt> history = db.selectFrom(JOB_ATTEMPTS)
                .where(JOB_ATTEMPTS.JOB_ID.eq(state.id()))
                .orderBy(JOB_ATTEMPTS.ATTEMPT)
                .fetch(a -> new Attempt(a.getAttempt(), a.getWorkerId(), a.getStartedAt(), a.getFinishedAt(),
                        a.getStatus(), a.getReason()));
        return state.with(state.batchId(), history, state.deadLettered());
    }

    @Override
    public OptionalInt markRunning(UUID id, String workerId, Instant startedAt) {
        JobStatus to = JobStatus.QUEUED.start();
        // One statement, one round trip, on the path of every job's start: the job moves and its run is recorded.
        // A job that starts was on the queue, whether or not its publisher lived to mark it published (V8).
        // The attempt row is overwritten rather than skipped on conflict, so RETURNING always answers a started job.
        return db.resultQuery("""
                WITH started AS (
                  UPDATE jobs SET status = ?, worker_id = ?, started_at = ?::timestamptz,
                                  heartbeat_at = ?::timestamptz, attempts = attempts + 1, updated_at = ?::timestamptz,
                                  published_at = coalesce(published_at, now())
                  WHERE id = ? AND status = ? AND attempts < max_attempts
                  RETURNING id, attempts)
                INSERT INTO job_attempts (job_id, attempt, worker_id, started_at, status)
                SELECT id, attempts, ?, ?::timestamptz, ? FROM started
                ON CONFLICT (job_id, attempt) DO UPDATE SET worker_id = excluded.worker_id,
                  started_at = excluded.started_at, status = excluded.status, finished_at = NULL, reason = NULL
                RETURNING attempt""",
                        to.name(), workerId, utc(startedAt), utc(startedAt), utc(clock.instant()), id,
                        JobStatus.QUEUED.name(), workerId, utc(startedAt), to.name())
                .fetchOptional()
                .map(row -> OptionalInt.of(row.get(0, Integer.class)))
                .orElseGet(() -> lostRace(id, JobStatus.QUEUED, to, OptionalInt.empty()));
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    @Override
    public boolean requeue(UUID id, JobStatus runStatus, String reason, Instant at) {
        JobStatus to = JobStatus.RUNNING.retry();
        return db.transactionResult(tx -> endAttempt(tx.dsl(), id, runStatus, reason, at, changed(tx.dsl(), id,
                JobStatus.RUNNING, to, tx.dsl().update(JOBS)
                        .set(JOBS.STATUS, to)
                        .setNull(JOBS.WORKER_ID)
                        .setNull(JOBS.STARTED_AT), JOBS.STATUS.eq(JobStatus.RUNNING))));
    }

    @Override
    public boolean requeueAbandoned(UUID id, Instant heartbeatBefore, String reason, Instant at) {
        JobStatus to = JobStatus.RUNNING.retry();
        return db.transactionResult(tx -> endAttempt(tx.dsl(), id, JobStatus.QUEUED, reason, at, changed(tx.dsl(), id,
                JobStatus.RUNNING, to, tx.dsl().update(JOBS)
                        .set(JOBS.STATUS, to)
                        .setNull(JOBS.WORKER_ID)
                        .setNull(JOBS.STARTED_AT)
                        .setNull(JOBS.HEARTBEAT_AT), JOBS.STATUS.eq(JobStatus.RUNNING)
                        .and(JOBS.HEARTBEAT_AT.isNull().or(JOBS.HEARTBEAT_AT.lt(heartbeatBefore))))));
    }

    /** Records how the job's latest run ended, when the job's own change ({@code changed}) went through. */
    private static boolean endAttempt(DSLContext tx, UUID id, JobStatus status, String reason, Instant at,
            boolean changed) {
        if (changed) {
            tx.update(JOB_ATTEMPTS)
                    .set(JOB_ATTEMPTS.STATUS, status)
                    .set(JOB_ATTEMPTS.REASON, reason)
                    .set(JOB_ATTEMPTS.FINISHED_AT, at)
                    .where(JOB_ATTEMPTS.JOB_ID.eq(id).and(JOB_ATTEMPTS.FINISHED_AT.isNull()))
                    .execute();
        }
        return changed;
    }

    @Override
    public boolean deadLetter(UUID id, String reason, Instant at) {
        JobStatus to = JobStatus.QUEUED.fail();
        return db.transactionResult(tx -> {
            lockNumbering(tx.dsl());
            return changed(tx.dsl(), id, JobStatus.QUEUED, to, tx.dsl().update(JOBS)
                    .set(JOBS.STATUS, to)
                    .set(JOBS.MESSAGE, "dead-lettered after its last attempt: " + reason)
                    .set(JOBS.FINISHED_AT, at)
                    .set(JOBS.DEAD_LETTERED_AT, at)
                    .set(JOBS.RESULT_SEQ, NEXT_RESULT), JOBS.STATUS.eq(JobStatus.QUEUED));
        });
    }

    @Override
    public List<StoredResult> deadLettered(String tenant, long afterSeq, int limit) {
        List<StoredResult> page = db.selectFrom(JOBS)
                .where(JOBS.TENANT.eq(tenant).and(JOBS.DEAD_LETTERED_AT.isNotNull()).and(JOBS.RESULT_SEQ.gt(afterSeq)))
                .orderBy(JOBS.RESULT_SEQ)
                .limit(limit)
                .fetch(row -> new StoredResult(row.getResultSeq(), toRecord(row).state()));
        return withHistories(page);
    }

    @Override
    public List<StoredResult> resultsAfter(String tenant, long afterSeq, int limit) {
        List<StoredResult> page = db.selectFrom(JOBS)
                .where(JOBS.TENANT.eq(tenant).and(JOBS.RESULT_SEQ.gt(afterSeq)))
                .orderBy(JOBS.RESULT_SEQ)
                .limit(limit)
                .fetch(row -> new StoredResult(row.getResultSeq(), toRecord(row).state()));
        return withHistories(page);
    }

    /** The page's results with every run of each, read in one query. */
    private List<StoredResult> withHistories(List<StoredResult> page) {
        if (page.isEmpty()) {
            return page;
        }
        Map<UUID, List<Attempt>> runs = db.selectFrom(JOB_ATTEMPTS)
                .where(JOB_ATTEMPTS.JOB_ID.in(page.stream().map(r -> r.result().id()).toList()))
                .orderBy(JOB_ATTEMPTS.JOB_ID, JOB_ATTEMPTS.ATTEMPT)
                .fetchGroups(JOB_ATTEMPTS.JOB_ID, a -> new Attempt(a.getAttempt(), a.getWorkerId(), a.getStartedAt(),
                        a.getFinishedAt(), a.getStatus(), a.getReason()));
        return page.stream().map(stored -> new StoredResult(stored.seq(), stored.result().with(
                stored.result().batchId(), runs.getOrDefault(stored.result().id(), List.of()),
                stored.result().deadLettered()))).toList();
    }

    @Override
    public long latestResultSeq(String tenant) {
        Long latest = db.select(DSL.max(JOBS.RESULT_SEQ)).from(JOBS).where(JOBS.TENANT.eq(tenant)).fetchOne(0,
                Long.class);
        return latest == null ? 0 : latest;
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
        ResourceUsage usage = result.usage() == null ? ResourceUsage.UNKNOWN : result.usage();
        // One statement on the path of every job's end: under the numbering lock (taken before the number, held to
        // the statement's commit) the job ends, gets its result number, and its run is recorded as ended.
        int ended = db.resultQuery("""
                WITH numbering AS (SELECT pg_advisory_xact_lock(?) AS locked),
                done AS (
                  UPDATE jobs SET status = ?, exit_code = ?, stdout = ?, stdout_truncated = ?, stderr = ?,
                                  stderr_truncated = ?, message = ?, artifacts = ?::json, finished_at = ?::timestamptz,
                                  cpu_ms = ?, peak_memory_mb = ?, output_bytes = ?, gateway_calls = ?,
                                  gateway_bytes = ?, display = ?::json, result_seq = nextval('job_result_seq'),
                                  updated_at = ?::timestamptz
                  FROM numbering
                  WHERE id = ? AND status = ? AND worker_id = ?
                  RETURNING jobs.id),
                run AS (
                  UPDATE job_attempts SET status = ?, reason = ?, finished_at = ?::timestamptz
                  WHERE job_id IN (SELECT id FROM done) AND finished_at IS NULL)
                SELECT count(*) FROM done""",
                        NUMBERING_LOCK, to.name(), result.exitCode(), result.stdout(), result.stdoutTruncated(),
                        result.stderr(), result.stderrTruncated(), result.message(),
                        codec.writeString(result.artifacts()), utc(timings.finishedAt()), usage.cpuMs(),
                        usage.peakMemoryMb(), usage.outputBytes(), usage.gatewayCalls(), usage.gatewayBytes(),
                        result.display().isEmpty() ? null : codec.writeString(result.display()),
                        utc(clock.instant()),
                        result.id(), JobStatus.RUNNING.name(), result.workerId(), to.name(), result.message(),
                        utc(timings.finishedAt()))
                .fetchOne(0, Integer.class);
        return ended == 1 || lostRace(result.id(), JobStatus.RUNNING, to, false);
    }

    @Override
    public boolean resubmit(UUID id, Instant at) {
        JobStatus to = JobStatus.REJECTED.resubmit();
        return changed(db, id, JobStatus.REJECTED, to, db.update(JOBS)
                .set(JOBS.STATUS, to)
                .set(JOBS.SUBMITTED_AT, at)
                // Refused while its submission held the claim: offered again at once, not when the claim runs out;
                // and as a job not on the queue, whatever an earlier publish had marked.
                .setNull(JOBS.PUBLISH_CLAIM_EXPIRES_AT)
                .setNull(JOBS.PUBLISHED_AT)
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
        return db.transactionResult(tx -> {
            lockNumbering(tx.dsl());
            return endAttempt(tx.dsl(), id, to, reason, at, changed(tx.dsl(), id, from, to, tx.dsl().update(JOBS)
                    .set(JOBS.STATUS, to)
                    .set(JOBS.MESSAGE, reason)
                    .set(JOBS.FINISHED_AT, at)
                    .set(JOBS.RESULT_SEQ, NEXT_RESULT), JOBS.STATUS.eq(from)));
        });
    }

    @Override
    public boolean fail(UUID id, String reason, Instant at) {
        return endQueued(id, JobStatus.QUEUED.fail(), reason, at);
    }

    private boolean endQueued(UUID id, JobStatus to, String reason, Instant at) {
        return db.transactionResult(tx -> {
            UpdateSetMoreStep<JobsRecord> update = tx.dsl().update(JOBS)
                    .set(JOBS.STATUS, to)
                    .set(JOBS.MESSAGE, reason)
                    .set(JOBS.FINISHED_AT, at);
            if (to != JobStatus.REJECTED) { // a rejected job was never accepted: no result
                lockNumbering(tx.dsl());
                update = update.set(JOBS.RESULT_SEQ, NEXT_RESULT);
            }
            return changed(tx.dsl(), id, JobStatus.QUEUED, to, update, JOBS.STATUS.eq(JobStatus.QUEUED));
        });
    }

    private boolean changed(DSLContext tx, UUID id, JobStatus from, JobStatus to,
            UpdateSetMoreStep<JobsRecord> update, Condition expected) {
        int rows = update.set(JOBS.UPDATED_AT, clock.instant()).where(JOBS.ID.eq(id).and(expected)).execute();
        return rows == 1 || lostRace(id, from, to, false);
    }

    private <T> T lostRace(UUID id, JobStatus from, JobStatus to, T answer) {
        log.debug("Job(id={}) was no longer {} (or not on this worker); {} -> {} skipped", id, from, from, to);
        return answer;
    }

    JobRecord toRecord(JobsRecord row) {
        JobMessage message = codec.readMessage(row.getSpec().data().getBytes(StandardCharsets.UTF_8));
        Limits limits = new Limits(message.limits().timeoutMs(), message.limits().memoryMb(),
                message.limits().cpus(), message.limits().pids(), message.limits().outputBytes());
        Job job = new Job(row.getId(), row.getTenant(), VmType.fromWire(row.getVmType()), message.language(),
                message.code(), message.stdin(), nonNull(message.env()), nonNull(message.files()), limits,
                row.getSubmittedAt(), row.getBatchId(), row.getCallbackUrl(), message.retry());
        JobResult state = new JobResult(JobResult.VERSION, row.getId(), row.getTenant(), job.vmType(),
                row.getStatus(), row.getExitCode(), row.getStdout(), row.getStdoutTruncated(), row.getStderr(),
                row.getStderrTruncated(), row.getMessage(), row.getWorkerId(), row.getAttempts(),
                Timings.of(row.getSubmittedAt(), row.getStartedAt(), row.getFinishedAt()),
                new ResourceUsage(row.getCpuMs(), row.getPeakMemoryMb(), row.getOutputBytes(), row.getGatewayCalls(),
                        row.getGatewayBytes()),
                row.getArtifacts() == null ? List.of() : codec.readArtifactList(row.getArtifacts().data()),
                row.getBatchId(), List.of(), row.getDeadLetteredAt() != null)
                .inSession(row.getSessionId(),
                        row.getDisplay() == null ? List.of() : codec.readDisplay(row.getDisplay().data()));
        return new JobRecord(job, row.getRequestHash(), state);
    }

    private static Map<String, String> nonNull(Map<String, String> map) {
        return map == null ? Map.of() : map;
    }
}
