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
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API's watch over sessions no worker speaks for any more. Each {@link #tick()}:
 * <ul>
 *   <li>a claimed open session whose worker stopped renewing its lease for {@code lostAfter} ends LOST (the worker
 *       died, or lost the database): its interpreter's state is gone, and the session never restarts empty. A run
 *       it was busy with ends ERROR, its result published;</li>
 *   <li>a CREATING session no worker claimed within {@code createTimeout} ends EXPIRED (no idle sandbox of its type
 *       came free).</li>
 * </ul>
 * Every move is conditional in the store, so several API instances may tick at once: one wins each move, and a
 * worker renewing at that moment wins over all of them.
 */
public final class SessionSupervisor {

    private static final Logger log = LoggerFactory.getLogger(SessionSupervisor.class);

    /** Sessions looked at per kind and tick; the rest wait for the next tick. */
    static final int BATCH = 100;

    private final SessionStore store;
    private final JobRepository jobs;
    private final ResultPublisher results;
    private final SessionEventPublisher events;
    private final SessionSettings settings;
    private final Clock clock;

    public SessionSupervisor(SessionStore store, JobRepository jobs, ResultPublisher results,
            SessionEventPublisher events, SessionSettings settings, Clock clock) {
        this.store = store;
        this.jobs = jobs;
        this.results = results;
        this.events = events;
        this.settings = settings;
        this.clock = clock;
    }

    /** One pass; a failure on one session is logged and the pass goes on. */
    public void tick() {
        Instant now = clock.instant();
        Instant staleBefore = now.minus(settings.lostAfter());
        for (SessionRecord stale : store.staleLeases(staleBefore, BATCH)) {
            try {
                String reason = "its worker " + stale.workerId() + " stopped renewing its lease (last at "
                        + stale.heartbeatAt() + "); the session's state is gone";
                store.loseIfStale(stale.id(), staleBefore, reason, now).ifPresent(lost -> {
                    log.warn("Session(id={}) LOST: {}", lost.id(), reason);
                    announce(lost, now);
                    if (stale.state() == SessionState.BUSY && lost.currentRun() != null) {
                        endRun(lost.currentRun(), "session " + lost.id() + " lost: " + reason, now);
                    }
                });
            } catch (RuntimeException e) {
                log.error("Session(id={}) could not be ended LOST; next tick tries again", stale.id(), e);
            }
        }
        Instant unclaimedBefore = now.minus(settings.createTimeout());
        for (SessionRecord unclaimed : store.unclaimed(unclaimedBefore, BATCH)) {
            try {
                String reason = "no worker with an idle " + unclaimed.vmType() + " sandbox took it within "
                        + settings.createTimeout();
                store.expireIfUnclaimed(unclaimed.id(), reason, now).ifPresent(expired -> {
                    log.info("Session(id={}) EXPIRED: {}", expired.id(), reason);
                    announce(expired, now);
                });
            } catch (RuntimeException e) {
                log.error("Session(id={}) could not be expired; next tick tries again", unclaimed.id(), e);
            }
        }
    }

    /** The run of a lost session will never report: it ends ERROR, and its result is published for waiters. */
    private void endRun(UUID runId, String reason, Instant now) {
        JobRecord run = jobs.find(runId).orElse(null);
        if (run == null || run.state().status().isTerminal()) {
            return;
        }
        boolean ended;
        if (run.state().status() == JobStatus.QUEUED) {
            ended = jobs.fail(runId, reason, now);
        } else {
            JobResult state = run.state();
            ended = jobs.complete(new JobResult(JobResult.VERSION, runId, state.tenant(), state.vmType(),
                    JobStatus.ERROR, null, null, false, null, false, reason, state.workerId(), state.attempts(),
                    Timings.of(state.timings() == null ? null : state.timings().queuedAt(),
                            state.timings() == null ? null : state.timings().startedAt(), now),
                    List.of()));
        }
        if (ended) {
            jobs.find(runId).ifPresent(after -> {
                try {
                    results.publish(after.state());
                } catch (RuntimeException e) {
                    log.warn("Job(id={}) ended ERROR with its lost session; its result was not published: {}",
                            runId, e.toString());
                }
            });
        }
    }

    private void announce(SessionRecord session, Instant at) {
        try {
            events.publish(new SessionEvent(SessionEvent.VERSION, session.id(), session.tenant(), session.state(),
                    session.reason(), at, session.workerId(), session.currentRun()));
        } catch (RuntimeException e) {
            log.warn("Session(id={}) moved to {} but its event was not published: {}", session.id(), session.state(),
                    e.toString());
        }
    }
}
