package dev.kiff.core.session;

import dev.kiff.core.port.JobRepository;
import dev.kiff.model.job.Job;
import dev.kiff.model.session.IllegalTransitionException;
import dev.kiff.model.session.SessionOp;
import dev.kiff.model.session.SessionState;
import dev.kiff.model.session.SessionTransition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * A {@link SessionStore} in memory with the same conditional moves as the database's: each checks the table, then
 * moves only from the states (and under the conditions) it names, recording the transition. A run's job row goes to
 * the given {@link JobRepository}.
 */
public final class InMemorySessionStore implements SessionStore {

    private final JobRepository jobs;
    private final Map<UUID, SessionRecord> sessions = new LinkedHashMap<>();
    private final Map<UUID, String> hashes = new HashMap<>();
    private final Map<UUID, List<SessionTransition>> transitions = new HashMap<>();
    private final Map<UUID, SessionOp> ops = new HashMap<>();
    private final Map<String, Integer> quotas = new HashMap<>();

    public InMemorySessionStore(JobRepository jobs) {
        this.jobs = jobs;
    }

    /** Gives {@code tenant} a row with this quota (as {@code tenants.max_open_sessions}). */
    public void quota(String tenant, int maxOpen) {
        quotas.put(tenant, maxOpen);
    }

    /** The op a run's job row was stored with. */
    public synchronized SessionOp opOf(UUID runId) {
        return ops.get(runId);
    }

    @Override
    public synchronized Creation create(SessionRecord creating, String requestHash, int fallbackQuota) {
        if (sessions.containsKey(creating.id())) {
            return Creation.DUPLICATE;
        }
        int max = quotas.getOrDefault(creating.tenant(), fallbackQuota);
        long open = sessions.values().stream()
                .filter(s -> s.tenant().equals(creating.tenant()) && SessionState.OPEN.contains(s.state())).count();
        if (open >= max) {
            return Creation.QUOTA_EXCEEDED;
        }
        sessions.put(creating.id(), creating);
        hashes.put(creating.id(), requestHash);
        transitions.put(creating.id(), new ArrayList<>(List.of(
                new SessionTransition(1, SessionState.CREATING, creating.createdAt(), null, null))));
        return Creation.CREATED;
    }

    @Override
    public synchronized Optional<SessionRecord> find(UUID id) {
        return Optional.ofNullable(sessions.get(id));
    }

    @Override
    public synchronized Optional<String> requestHash(UUID id) {
        return Optional.ofNullable(hashes.get(id));
    }

    @Override
    public synchronized List<SessionTransition> transitions(UUID id) {
        return List.copyOf(transitions.getOrDefault(id, List.of()));
    }

    @Override
    public synchronized List<SessionRecord> list(String tenant, boolean openOnly, Instant createdBefore, int limit) {
        return sessions.values().stream()
                .filter(s -> s.tenant().equals(tenant))
                .filter(s -> !openOnly || SessionState.OPEN.contains(s.state()))
                .filter(s -> createdBefore == null || s.createdAt().isBefore(createdBefore))
                .sorted(Comparator.comparing(SessionRecord::createdAt).reversed())
                .limit(limit)
                .toList();
    }

    @Override
    public synchronized boolean claim(UUID id, String workerId, String runTopic, Instant now, Instant staleBefore) {
        SessionRecord s = sessions.get(id);
        if (s == null || s.state() != SessionState.CREATING
                || (s.workerId() != null && !s.heartbeatAt().isBefore(staleBefore))) {
            return false;
        }
        sessions.put(id, with(s, s.state(), s.reason(), workerId, runTopic, s.currentRun(), s.runs(), now,
                s.readyAt(), s.lastActiveAt(), now, s.endedAt()));
        return true;
    }

    @Override
    public synchronized boolean ready(UUID id, String workerId, Instant now) {
        return move(id, null, Set.of(SessionState.CREATING), SessionState.READY, null, null, now,
                s -> Objects.equals(s.workerId(), workerId),
                s -> with(s, SessionState.READY, null, s.workerId(), s.runTopic(), s.currentRun(), s.runs(),
                        s.claimedAt(), now, s.lastActiveAt(), now, s.endedAt())).isPresent();
    }

    @Override
    public synchronized Optional<SessionRecord> startRun(UUID id, String tenant, Job run, SessionOp op,
            String requestHash, Instant now) {
        Optional<SessionRecord> busy = move(id, tenant, SessionState.RUNNABLE, SessionState.BUSY, null, run.id(), now,
                s -> true, s -> with(s, SessionState.BUSY, null, s.workerId(), s.runTopic(), run.id(), s.runs() + 1,
                        s.claimedAt(), s.readyAt(), now, s.heartbeatAt(), s.endedAt()));
        if (busy.isEmpty()) {
            return find(id).filter(s -> s.tenant().equals(tenant));
        }
        if (!jobs.insertQueued(run, requestHash)) {
            throw new IllegalStateException("run id taken: " + run.id());
        }
        ops.put(run.id(), op);
        return busy;
    }

    @Override
    public synchronized boolean runEnded(UUID id, UUID runId, boolean alive, String reason, Instant now) {
        SessionState to = alive ? SessionState.IDLE : SessionState.LOST;
        return move(id, null, Set.of(SessionState.BUSY), to, alive ? null : reason, runId, now,
                s -> runId.equals(s.currentRun()),
                s -> with(s, to, alive ? null : reason, s.workerId(), s.runTopic(), s.currentRun(), s.runs(),
                        s.claimedAt(), s.readyAt(), now, s.heartbeatAt(), alive ? null : now)).isPresent();
    }

    @Override
    public synchronized boolean runNotSent(UUID id, UUID runId, Instant now) {
        return move(id, null, Set.of(SessionState.BUSY), SessionState.IDLE, "run " + runId + " was not sent", runId,
                now, s -> runId.equals(s.currentRun()),
                s -> with(s, SessionState.IDLE, "run " + runId + " was not sent", s.workerId(), s.runTopic(),
                        s.currentRun(), s.runs(), s.claimedAt(), s.readyAt(), s.lastActiveAt(), s.heartbeatAt(),
                        s.endedAt())).isPresent();
    }

    @Override
    public synchronized Optional<SessionRecord> end(UUID id, String tenant, Set<SessionState> from, SessionState to,
            String reason, Instant now) {
        return move(id, tenant, from, to, reason, null, now, s -> true, ended(to, reason, now));
    }

    @Override
    public synchronized int renew(String workerId, Instant now) {
        int held = 0;
        for (SessionRecord s : List.copyOf(sessions.values())) {
            if (workerId.equals(s.workerId()) && SessionState.OPEN.contains(s.state())) {
                sessions.put(s.id(), with(s, s.state(), s.reason(), s.workerId(), s.runTopic(), s.currentRun(),
                        s.runs(), s.claimedAt(), s.readyAt(), s.lastActiveAt(), now, s.endedAt()));
                held++;
            }
        }
        return held;
    }

    @Override
    public synchronized List<SessionRecord> heldBy(String workerId) {
        return sessions.values().stream()
                .filter(s -> SessionState.OPEN.contains(s.state()) && workerId.equals(s.workerId()))
                .toList();
    }

    @Override
    public synchronized List<SessionRecord> staleLeases(Instant heartbeatBefore, int limit) {
        return sessions.values().stream()
                .filter(s -> SessionState.OPEN.contains(s.state()) && s.workerId() != null
                        && s.heartbeatAt().isBefore(heartbeatBefore))
                .limit(limit).toList();
    }

    @Override
    public synchronized List<SessionRecord> unclaimed(Instant createdBefore, int limit) {
        return sessions.values().stream()
                .filter(s -> s.state() == SessionState.CREATING && s.workerId() == null
                        && s.createdAt().isBefore(createdBefore))
                .limit(limit).toList();
    }

    @Override
    public synchronized Optional<SessionRecord> loseIfStale(UUID id, Instant heartbeatBefore, String reason,
            Instant now) {
        return move(id, null, SessionState.OPEN, SessionState.LOST, reason, null, now,
                s -> s.workerId() != null && s.heartbeatAt().isBefore(heartbeatBefore),
                ended(SessionState.LOST, reason, now));
    }

    @Override
    public synchronized Optional<SessionRecord> expireIfUnclaimed(UUID id, String reason, Instant now) {
        return move(id, null, Set.of(SessionState.CREATING), SessionState.EXPIRED, reason, null, now,
                s -> s.workerId() == null, ended(SessionState.EXPIRED, reason, now));
    }

    private static UnaryOperator<SessionRecord> ended(SessionState to, String reason, Instant now) {
        return s -> with(s, to, reason, s.workerId(), s.runTopic(), s.currentRun(), s.runs(), s.claimedAt(),
                s.readyAt(), s.lastActiveAt(), s.heartbeatAt(), now);
    }

    private Optional<SessionRecord> move(UUID id, String tenant, Set<SessionState> from, SessionState to,
            String reason, UUID runId, Instant now, Predicate<SessionRecord> also, UnaryOperator<SessionRecord> edit) {
        for (SessionState origin : from) {
            if (!origin.canMoveTo(to)) {
                throw new IllegalTransitionException(origin, to);
            }
        }
        SessionRecord s = sessions.get(id);
        if (s == null || !from.contains(s.state()) || (tenant != null && !tenant.equals(s.tenant()))
                || !also.test(s)) {
            return Optional.empty();
        }
        SessionRecord moved = edit.apply(s);
        sessions.put(id, moved);
        List<SessionTransition> list = transitions.get(id);
        list.add(new SessionTransition(list.size() + 1, to, now, reason, runId));
        return Optional.of(moved);
    }

    private static SessionRecord with(SessionRecord s, SessionState state, String reason, String workerId,
            String runTopic, UUID currentRun, int runs, Instant claimedAt, Instant readyAt, Instant lastActiveAt,
            Instant heartbeatAt, Instant endedAt) {
        return new SessionRecord(s.id(), s.tenant(), s.vmType(), state, reason, s.limits(), s.envNames(),
                s.fileNames(), s.idleTimeoutMs(), s.maxLifetimeMs(), workerId, runTopic, currentRun, runs,
                s.createdAt(), claimedAt, readyAt, lastActiveAt, heartbeatAt, endedAt);
    }
}
