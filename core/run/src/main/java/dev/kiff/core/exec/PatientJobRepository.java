package dev.kiff.core.exec;

import dev.kiff.core.health.Dependency;
import dev.kiff.core.health.DependencyHealth;
import dev.kiff.model.job.Job;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import dev.kiff.core.port.JobRecord;
import dev.kiff.core.port.JobRepository;
import dev.kiff.core.port.StoredResult;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;

/**
 * The job repository as the worker's {@link JobExecutor} uses it: the writes that end a run (its result, or its
 * return to the queue) wait out a database outage instead of failing, so a job that was running when the database
 * went away still ends with its one result when it returns, rather than running again.
 *
 * <p>Waiting is safe: those writes are conditional on the job still being RUNNING on this worker, so a write that
 * comes late, after another worker took the job over, is refused and cannot make a second result. The patience
 * only bounds how long a worker thread holds a finished run; past it the write fails as before and the job runs
 * again once the database is back. Every other call goes straight through: one that fails before a run costs no
 * attempt, and the feed holds its record until the database answers.
 */
public final class PatientJobRepository implements JobRepository {

    private final JobRepository jobs;
    private final DependencyHealth health;
    private final Duration patience;

    /** @param patience how long a run's end is held while the database is unavailable */
    public PatientJobRepository(JobRepository jobs, DependencyHealth health, Duration patience) {
        this.jobs = jobs;
        this.health = health;
        this.patience = patience;
    }

    @Override
    public boolean complete(JobResult result) {
        return health.ridingOut(Dependency.DATABASE, patience, () -> jobs.complete(result));
    }

    @Override
    public boolean requeue(UUID id, JobStatus runStatus, String reason, Instant at) {
        return health.ridingOut(Dependency.DATABASE, patience, () -> jobs.requeue(id, runStatus, reason, at));
    }

    @Override
    public boolean insertQueued(Job job, String requestHash) {
        return jobs.insertQueued(job, requestHash);
    }

    @Override
    public Optional<JobRecord> find(UUID id) {
        return jobs.find(id);
    }

    @Override
    public OptionalInt markRunning(UUID id, String workerId, Instant startedAt) {
        return jobs.markRunning(id, workerId, startedAt);
    }

    @Override
    public boolean requeueAbandoned(UUID id, Instant heartbeatBefore, String reason, Instant at) {
        return jobs.requeueAbandoned(id, heartbeatBefore, reason, at);
    }

    @Override
    public boolean deadLetter(UUID id, String reason, Instant at) {
        return jobs.deadLetter(id, reason, at);
    }

    @Override
    public List<StoredResult> deadLettered(String tenant, long afterSeq, int limit) {
        return jobs.deadLettered(tenant, afterSeq, limit);
    }

    @Override
    public List<StoredResult> resultsAfter(String tenant, long afterSeq, int limit) {
        return jobs.resultsAfter(tenant, afterSeq, limit);
    }

    @Override
    public long latestResultSeq(String tenant) {
        return jobs.latestResultSeq(tenant);
    }

    @Override
    public int heartbeat(String workerId, Collection<UUID> ids, Instant at) {
        return jobs.heartbeat(workerId, ids, at);
    }

    @Override
    public boolean reject(UUID id, String reason, Instant at) {
        return jobs.reject(id, reason, at);
    }

    @Override
    public boolean resubmit(UUID id, Instant at) {
        return jobs.resubmit(id, at);
    }

    @Override
    public boolean cancel(UUID id, JobStatus from, String reason, Instant at) {
        return jobs.cancel(id, from, reason, at);
    }

    @Override
    public boolean fail(UUID id, String reason, Instant at) {
        return jobs.fail(id, reason, at);
    }
}
