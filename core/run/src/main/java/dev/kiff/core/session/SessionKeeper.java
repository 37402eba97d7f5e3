package dev.kiff.core.session;

import dev.kiff.core.port.JobRecord;
import dev.kiff.core.port.JobRepository;
import dev.kiff.core.port.ResultPublisher;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import dev.kiff.model.job.Timings;
import dev.kiff.model.session.SessionEvent;
import dev.kiff.model.session.SessionState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's watch over the sessions it holds. Each {@link #tick()}, per session: idle past its idle timeout →
 * EXPIRED; past its maximum lifetime → EXPIRED, a run under way cancelled; its sandbox dead while no run is under way
 * → LOST. Every few seconds it renews the worker's lease on its sessions ({@link SessionStore#renew}: the API ends
 * LOST the sessions of a worker that stops) and closes those that ended elsewhere (DELETED by the API while the close
 * record was lost). Every end is announced on the session events and gives the sandbox back.
 *
 * <p>It also ends, at the worker's start, the sessions an earlier run under the same name left open ({@link #sweep()}:
 * their sandboxes are gone, so they are LOST, never reopened empty), and at a graceful stop the ones it holds.
 */
public final class SessionKeeper {

    private static final Logger log = LoggerFactory.getLogger(SessionKeeper.class);

    private static final Set<SessionState> NOT_BUSY = EnumSet.of(SessionState.READY, SessionState.IDLE);

    private final SessionRegistry registry;
    private final SessionStore store;
    private final JobRepository jobs;
    private final ResultPublisher results;
    private final SessionEventPublisher events;
    private final Clock clock;
    private final String workerId;
    private final Duration renewEvery;
    private Instant nextRenew = Instant.MIN;

    /** @param renewEvery how often the lease is renewed and the held sessions compared with the store */
    public SessionKeeper(SessionRegistry registry, SessionStore store, JobRepository jobs, ResultPublisher results,
            SessionEventPublisher events, Clock clock, String workerId, Duration renewEvery) {
        this.registry = registry;
        this.store = store;
        this.jobs = jobs;
        this.results = results;
        this.events = events;
        this.clock = clock;
        this.workerId = workerId;
        this.renewEvery = renewEvery;
    }

    /** One pass over the held sessions; a failure on one is logged and the pass goes on. */
    public void tick() {
        Instant now = clock.instant();
        for (SessionHandle session : registry.all()) {
            try {
                judge(session, now);
            } catch (RuntimeException e) {
                log.error("Session(id={}) could not be judged; next tick tries again: {}", session.id(),
                        e.toString());
            }
        }
        if (!now.isBefore(nextRenew)) {
            nextRenew = now.plus(renewEvery);
            store.renew(workerId, now);
            reconcile();
        }
    }

    private void judge(SessionHandle session, Instant now) {
        if (session.ended()) {
            return;
        }
        Instant lifetimeEnd = session.createdAt().plus(session.maxLifetime());
        if (!now.isBefore(lifetimeEnd)) {
            end(session, SessionState.OPEN, SessionState.EXPIRED, "reached its maximum lifetime of "
                    + session.maxLifetime().toSeconds() + " s");
            return;
        }
        if (session.currentRun() != null) {
            return; // a run under way ends by itself, and moves the session on its way out
        }
        if (!session.sandbox().alive()) {
            end(session, SessionState.OPEN, SessionState.LOST,
                    "the session's sandbox " + session.sandbox().id() + " died; its state is gone");
            return;
        }
        Duration idle = Duration.between(session.lastActiveAt(), now);
        if (idle.compareTo(session.idleTimeout()) >= 0) {
            // Only from READY or IDLE: a run the API just accepted (BUSY) keeps the session.
            end(session, NOT_BUSY, SessionState.EXPIRED, "idle for " + idle.toSeconds() + " s");
        }
    }

    /** Closes the held sessions the store says ended (a DELETED whose close record never came, a LOST lease). */
    private void reconcile() {
        for (SessionHandle session : registry.all()) {
            try {
                Optional<SessionRecord> stored = store.find(session.id());
                if (stored.isEmpty() || stored.get().state().isTerminal()) {
                    String why = stored.map(s -> "it ended " + s.state() + " elsewhere: " + s.reason())
                            .orElse("it is gone from the store");
                    stop(session, JobStatus.CANCELLED, "session ended: " + why, why);
                }
            } catch (RuntimeException e) {
                log.error("Session(id={}) could not be compared with the store: {}", session.id(), e.toString());
            }
        }
    }

    /**
     * Ends a held session {@code to} from any of {@code from}, announces it, cancels a run under way and gives the
     * sandbox back. When the store says it is no longer in {@code from}, nothing moves (the sandbox is kept only if
     * the session is still open).
     */
    public void end(SessionHandle session, Set<SessionState> from, SessionState to, String reason) {
        Instant now = clock.instant();
        Optional<SessionRecord> ended = store.end(session.id(), null, from, to, reason, now);
        if (ended.isEmpty()) {
            log.debug("Session(id={}) not ended {}: it moved meanwhile", session.id(), to);
            return;
        }
        log.info("Session(id={}) ended {}: {}", session.id(), to, reason);
        announce(ended.get(), now, null);
        stop(session, to == SessionState.LOST ? JobStatus.ERROR : JobStatus.CANCELLED,
                "session " + to.name().toLowerCase(java.util.Locale.ROOT) + ": " + reason, reason);
    }

    /**
     * Gives the sandbox of a session that ended back: a run under way ends {@code runStatus} with {@code runReason}
     * (stored first, it wins over the result the run would have), then the sandbox is interrupted and removed.
     */
    public void stop(SessionHandle session, JobStatus runStatus, String runReason, String why) {
        UUID run = session.currentRun();
        if (run != null) {
            endRun(run, runStatus, runReason);
        }
        registry.release(session, why);
    }

    /** The sessions a previous run of this worker left open: all LOST, their runs ERROR. Called at start. */
    public void sweep() {
        List<SessionRecord> left = store.heldBy(workerId);
        for (SessionRecord session : left) {
            loseStored(session, "worker " + workerId + " restarted; the session's sandbox was removed");
        }
        if (!left.isEmpty()) {
            log.warn("{} session(s) of an earlier run of worker {} ended LOST", left.size(), workerId);
        }
    }

    /** At a graceful stop: every held session ends LOST, its run ERROR, its sandbox removed. */
    public void shutdown() {
        String reason = "worker " + workerId + " shut down";
        for (SessionHandle session : registry.all()) {
            try {
                end(session, SessionState.OPEN, SessionState.LOST, reason);
                registry.release(session, reason);
            } catch (RuntimeException e) {
                log.error("Session(id={}) could not be ended at shutdown: {}", session.id(), e.toString());
                registry.release(session, reason);
            }
        }
        // Sessions claimed but not yet open (their sandbox was never registered) end as well.
        try {
            for (SessionRecord session : store.heldBy(workerId)) {
                loseStored(session, reason);
            }
        } catch (RuntimeException e) {
            log.error("the sessions of worker {} could not be ended at shutdown: {}", workerId, e.toString());
        }
    }

    private void loseStored(SessionRecord session, String reason) {
        Instant now = clock.instant();
        store.end(session.id(), null, SessionState.OPEN, SessionState.LOST, reason, now).ifPresent(lost -> {
            log.warn("Session(id={}) LOST: {}", lost.id(), reason);
            announce(lost, now, null);
            if (session.state() == SessionState.BUSY && lost.currentRun() != null) {
                endRun(lost.currentRun(), JobStatus.ERROR, "session " + lost.id() + " lost: " + reason);
            }
        });
    }

    /**
     * Ends a session's run that will never report its own end: {@code status} (ERROR or CANCELLED) from QUEUED or
     * RUNNING, with its result published. A run that ended already keeps its result.
     */
    void endRun(UUID runId, JobStatus status, String reason) {
        Instant now = clock.instant();
        JobRecord run = jobs.find(runId).orElse(null);
        if (run == null || run.state().status().isTerminal()) {
            return;
        }
        JobStatus from = run.state().status();
        boolean ended;
        if (status == JobStatus.CANCELLED) {
            ended = jobs.cancel(runId, from, reason, now);
        } else if (from == JobStatus.QUEUED) {
            ended = jobs.fail(runId, reason, now);
        } else {
            JobResult state = run.state();
            ended = jobs.complete(new JobResult(JobResult.VERSION, runId, state.tenant(), state.vmType(),
                    JobStatus.ERROR, null, null, false, null, false, reason, state.workerId(), state.attempts(),
                    Timings.of(state.timings() == null ? null : state.timings().queuedAt(),
                            state.timings() == null ? null : state.timings().startedAt(), now),
                    List.of()));
        }
        if (ended && from == JobStatus.QUEUED || ended && status != JobStatus.CANCELLED) {
            // A RUNNING run cancelled here is published by its executor, whose own result loses to this one.
            jobs.find(runId).ifPresent(after -> publish(after.state()));
        }
    }

    private void publish(JobResult result) {
        try {
            results.publish(result);
        } catch (RuntimeException e) {
            log.warn("Job(id={}) ended {} with its session; its result was not published: {}", result.id(),
                    result.status(), e.toString());
        }
    }

    void announce(SessionRecord session, Instant at, UUID runId) {
        announce(session.id(), session.tenant(), session.state(), session.reason(), at, runId);
    }

    /** Publishes a move this worker won; best effort, as the move is stored. */
    void announce(UUID id, String tenant, SessionState state, String reason, Instant at, UUID runId) {
        try {
            events.publish(new SessionEvent(SessionEvent.VERSION, id, tenant, state, reason, at, workerId, runId));
        } catch (RuntimeException e) {
            // The move is stored; watchers that missed the event read it from the store.
            log.warn("Session(id={}) moved to {} but its event was not published: {}", id, state, e.toString());
        }
    }
}
