package dev.kiff.core.port;

import dev.kiff.model.job.Attempt;
import dev.kiff.model.job.Job;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import dev.kiff.model.job.Timings;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * A {@link JobRepository} in memory with the conditional semantics its Javadoc describes (and the database one
 * implements): every change happens only from the state it names, else it answers {@code false} / empty; legality of
 * the move itself is {@link JobStatus}'s, so an illegal one throws as it would there. Not thread-safe.
 */
public class InMemoryJobRepository implements JobRepository {

    private final Map<UUID, JobRecord> records = new LinkedHashMap<>();
    private final Map<UUID, Instant> heartbeats = new HashMap<>();
    private final Map<UUID, List<Attempt>> attempts = new HashMap<>();
    private final Map<UUID, Long> resultSeqs = new HashMap<>();
    private long nextSeq = 1;

    /** The stored state of a job, failing the test when there is none. */
    public JobResult state(UUID id) {
        return find(id).map(JobRecord::state).orElseThrow(() -> new AssertionError("no job " + id));
    }

    /** QUEUED or RUNNING → CANCELLED from whatever state the job is in, as a client's cancel would do. */
    public boolean cancel(UUID id, String reason, Instant at) {
        JobRecord record = records.get(id);
        return record != null && cancel(id, record.state().status(), reason, at);
    }

    @Override
    public boolean cancel(UUID id, JobStatus from, String reason, Instant at) {
        JobRecord record = records.get(id);
        if (record == null || !record.state().status().canMoveTo(JobStatus.CANCELLED)) {
            return false;
        }
        boolean cancelled = change(id, from, JobStatus::cancel, s -> copy(s, JobStatus.CANCELLED, reason,
                s.workerId(), s.attempts(), s.timings().queuedAt(), s.timings().startedAt(), at));
        if (cancelled) {
            endAttempt(id, JobStatus.CANCELLED, reason, at);
            resultSeqs.put(id, nextSeq++);
        }
        return cancelled;
    }

    @Override
    public boolean insertQueued(Job job, String requestHash) {
        if (records.containsKey(job.id())) {
            return false;
        }
        records.put(job.id(), new JobRecord(job, requestHash, JobResult.queued(job)));
        return true;
    }

    @Override
    public Optional<JobRecord> find(UUID id) {
        return Optional.ofNullable(records.get(id)).map(r -> new JobRecord(r.job(), r.requestHash(),
                r.state().with(r.job().batchId(), attempts.getOrDefault(id, List.of()), r.state().deadLettered())));
    }

    @Override
    public OptionalInt markRunning(UUID id, String workerId, Instant startedAt) {
        JobRecord record = records.get(id);
        if (record == null || record.state().attempts() >= record.job().retry().maxAttempts()) {
            return OptionalInt.empty();
        }
        boolean started = change(id, JobStatus.QUEUED, JobStatus::start, s -> copy(s, JobStatus.RUNNING, null,
                workerId, s.attempts() + 1, s.timings().queuedAt(), startedAt, null));
        if (started) {
            heartbeats.put(id, startedAt);
            attempts.computeIfAbsent(id, k -> new ArrayList<>()).add(new Attempt(state(id).attempts(), workerId,
                    startedAt, null, JobStatus.RUNNING, null));
        }
        return started ? OptionalInt.of(state(id).attempts()) : OptionalInt.empty();
    }

    @Override
    public boolean requeueAbandoned(UUID id, Instant heartbeatBefore, String reason, Instant at) {
        Instant beat = heartbeats.get(id);
        if (beat != null && !beat.isBefore(heartbeatBefore)) {
            return false;
        }
        heartbeats.remove(id);
        return requeue(id, JobStatus.QUEUED, reason, at);
    }

    @Override
    public boolean deadLetter(UUID id, String reason, Instant at) {
        boolean ended = change(id, JobStatus.QUEUED, JobStatus::fail, s -> copy(s, JobStatus.ERROR,
                "dead-lettered after its last attempt: " + reason, s.workerId(), s.attempts(),
                s.timings().queuedAt(), s.timings().startedAt(), at).with(s.batchId(), List.of(), true));
        if (ended) {
            resultSeqs.put(id, nextSeq++);
        }
        return ended;
    }

    @Override
    public List<StoredResult> deadLettered(String tenant, long afterSeq, int limit) {
        return stored(tenant, afterSeq, limit).stream().filter(r -> r.result().deadLettered()).toList();
    }

    @Override
    public List<StoredResult> resultsAfter(String tenant, long afterSeq, int limit) {
        return stored(tenant, afterSeq, limit);
    }

    @Override
    public long latestResultSeq(String tenant) {
        return stored(tenant, 0, Integer.MAX_VALUE).stream().mapToLong(StoredResult::seq).max().orElse(0);
    }

    private List<StoredResult> stored(String tenant, long afterSeq, int limit) {
        return resultSeqs.entrySet().stream()
                .filter(e -> e.getValue() > afterSeq && records.get(e.getKey()).job().tenant().equals(tenant))
                .sorted(Map.Entry.comparingByValue())
                .limit(limit)
                .map(e -> new StoredResult(e.getValue(), find(e.getKey()).orElseThrow().state()))
                .toList();
    }

    private void endAttempt(UUID id, JobStatus status, String reason, Instant at) {
        List<Attempt> runs = attempts.getOrDefault(id, new ArrayList<>());
        if (!runs.isEmpty() && runs.get(runs.size() - 1).finishedAt() == null) {
            Attempt last = runs.remove(runs.size() - 1);
            runs.add(new Attempt(last.attempt(), last.workerId(), last.startedAt(), at, status, reason));
        }
    }

    /** The job's last heartbeat, or null. */
    public Instant heartbeatOf(UUID id) {
        return heartbeats.get(id);
    }

    @Override
    public int heartbeat(String workerId, Collection<UUID> ids, Instant at) {
        int renewed = 0;
        for (UUID id : ids) {
            JobRecord record = records.get(id);
            if (record != null && record.state().status() == JobStatus.RUNNING
                    && workerId.equals(record.state().workerId())) {
                heartbeats.put(id, at);
                renewed++;
            }
        }
        return renewed;
    }

    @Override
    public boolean requeue(UUID id, JobStatus runStatus, String reason, Instant at) {
        boolean requeued = change(id, JobStatus.RUNNING, JobStatus::retry, s -> copy(s, JobStatus.QUEUED, null, null,
                s.attempts(), s.timings().queuedAt(), null, null));
        if (requeued) {
            endAttempt(id, runStatus, reason, at);
        }
        return requeued;
    }

    @Override
    public boolean complete(JobResult result) {
        JobStatus to = JobStatus.RUNNING.complete(result.status());
        JobRecord record = records.get(result.id());
        if (record == null || !Objects.equals(record.state().workerId(), result.workerId())) {
            return false;
        }
        boolean completed = change(result.id(), JobStatus.RUNNING, s -> s.complete(to), s -> new JobResult(s.v(),
                s.id(), s.tenant(), s.vmType(), to, result.exitCode(), result.stdout(), result.stdoutTruncated(),
                result.stderr(), result.stderrTruncated(), result.message(), s.workerId(), s.attempts(),
                Timings.of(s.timings().queuedAt(), s.timings().startedAt(), result.timings().finishedAt()),
                result.artifacts()).withUsage(result.usage()).inSession(result.sessionId(), result.display()));
        if (completed) {
            endAttempt(result.id(), to, result.message(), result.timings().finishedAt());
            resultSeqs.put(result.id(), nextSeq++);
        }
        return completed;
    }

    @Override
    public boolean reject(UUID id, String reason, Instant at) {
        return change(id, JobStatus.QUEUED, JobStatus::reject, s -> copy(s, JobStatus.REJECTED, reason,
                s.workerId(), s.attempts(), s.timings().queuedAt(), s.timings().startedAt(), at));
    }

    @Override
    public boolean resubmit(UUID id, Instant at) {
        return change(id, JobStatus.REJECTED, JobStatus::resubmit, s -> copy(s, JobStatus.QUEUED, null,
                s.workerId(), s.attempts(), at, s.timings().startedAt(), null));
    }

    @Override
    public boolean fail(UUID id, String reason, Instant at) {
        return change(id, JobStatus.QUEUED, JobStatus::fail, s -> copy(s, JobStatus.ERROR, reason, s.workerId(),
                s.attempts(), s.timings().queuedAt(), s.timings().startedAt(), at));
    }

    /** Applies {@code edit} only when the job is {@code from}; {@code transition} checks the move is legal. */
    private boolean change(UUID id, JobStatus from, UnaryOperator<JobStatus> transition,
            UnaryOperator<JobResult> edit) {
        JobRecord record = records.get(id);
        if (record == null || record.state().status() != from) {
            return false;
        }
        transition.apply(from);
        records.put(id, new JobRecord(record.job(), record.requestHash(), edit.apply(record.state())));
        return true;
    }

    private static JobResult copy(JobResult s, JobStatus status, String message, String workerId, int attempts,
            Instant queuedAt, Instant startedAt, Instant finishedAt) {
        return new JobResult(s.v(), s.id(), s.tenant(), s.vmType(), status, s.exitCode(), s.stdout(),
                s.stdoutTruncated(), s.stderr(), s.stderrTruncated(), message, workerId, attempts,
                Timings.of(queuedAt, startedAt, finishedAt), s.artifacts()).withUsage(s.usage());
    }
}
