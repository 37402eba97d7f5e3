package dev.kiff.core.session;

import dev.kiff.core.exec.JobExecutor;
import dev.kiff.core.exec.RunEnd;
import dev.kiff.core.port.JobRecord;
import dev.kiff.core.port.JobRepository;
import dev.kiff.core.sandbox.SessionOutcome;
import dev.kiff.model.job.Job;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import dev.kiff.model.session.SessionRef;
import dev.kiff.model.session.SessionState;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the commands the API sends to the sessions this worker holds, each session's one after another on its lane. A
 * run (or file operation) is a QUEUED job row: it goes through the {@link JobExecutor} in the session's sandbox
 * ({@link SessionRuntime}), so its live output, result, usage and artifacts are those of any job. A record whose job
 * is not QUEUED any more is skipped: a session run never runs twice. A platform failure ends the run ERROR, never
 * QUEUED again. The session moves (IDLE, or LOST when its kernel died) before the run's end is stored and its result
 * published, so a client that sends its next run on seeing this run ended finds the session ready.
 */
public final class SessionRunner {

    private static final Logger log = LoggerFactory.getLogger(SessionRunner.class);

    private final JobExecutor executor;
    private final JobRepository jobs;
    private final SessionStore store;
    private final SessionKeeper keeper;
    private final SessionRegistry registry;
    private final Clock clock;
    private final Executor lanes;

    /** @param lanes runs the sessions' lanes: at least as many threads as sessions may be held, so none waits */
    public SessionRunner(JobExecutor executor, JobRepository jobs, SessionStore store, SessionKeeper keeper,
            SessionRegistry registry, Clock clock, Executor lanes) {
        this.executor = executor;
        this.jobs = jobs;
        this.store = store;
        this.keeper = keeper;
        this.registry = registry;
        this.clock = clock;
        this.lanes = lanes;
    }

    /** Queues the run behind the session's earlier commands. */
    public void submit(SessionHandle session, Job run, SessionRef ref) {
        session.enqueue(() -> run(session, run, ref), lanes);
    }

    /**
     * The API deleted the session (it is DELETED already): a run under way is interrupted and ends CANCELLED, the
     * sandbox is removed at once, without waiting for the lane.
     */
    public void close(SessionHandle session) {
        keeper.stop(session, JobStatus.CANCELLED, "session deleted", "deleted by the tenant");
    }

    /** A run for a session this worker does not hold (it ended): a QUEUED run ends ERROR with that reason. */
    public void orphan(Job run, String reason) {
        keeper.endRun(run.id(), JobStatus.ERROR, reason);
    }

    void run(SessionHandle session, Job job, SessionRef ref) {
        JobStatus status = jobs.find(job.id()).map(JobRecord::state).map(JobResult::status).orElse(null);
        if (status != JobStatus.QUEUED) {
            log.info("Job(id={}) of Session(id={}) is {}, not QUEUED; not running it (a session run runs once)",
                    job.id(), session.id(), status == null ? "unknown" : status);
            return;
        }
        if (session.ended()) {
            keeper.endRun(job.id(), JobStatus.CANCELLED, "the session ended before the run started");
            return;
        }
        session.running(job.id(), clock.instant());
        SessionRuntime runtime = new SessionRuntime(session, ref);
        Ending ending = new Ending(session, job, runtime);
        try {
            executor.execute(job, runtime, ending);
        } catch (RuntimeException e) {
            // The executor could not even store the end (the database is away): the lease and the API's supervisor
            // take it from here; the session must not stay BUSY on this side.
            log.error("Job(id={}) of Session(id={}) could not be ended: {}", job.id(), session.id(), e.toString());
        } finally {
            ending.ended(null);
        }
    }

    /** Adds the display items to the run's result, and moves the session once the run's end is known. */
    private final class Ending implements RunEnd {
        private final SessionHandle session;
        private final Job job;
        private final SessionRuntime runtime;
        private final AtomicBoolean moved = new AtomicBoolean();

        Ending(SessionHandle session, Job job, SessionRuntime runtime) {
            this.session = session;
            this.job = job;
            this.runtime = runtime;
        }

        @Override
        public JobResult amend(JobResult result) {
            return result.inSession(session.id(), runtime.display());
        }

        @Override
        public boolean retriesPlatformFailures() {
            return false;
        }

        @Override
        public void ended(JobResult result) {
            if (!moved.compareAndSet(false, true)) {
                return;
            }
            try {
                SessionOutcome outcome = runtime.outcome();
                boolean alive = session.sandbox().alive() && (outcome == null || outcome.alive());
                String reason = alive ? null : outcome != null && outcome.reason() != null ? outcome.reason()
                        : "the session's sandbox broke during run " + job.id() + "; its state is gone";
                Instant now = clock.instant();
                if (session.ended()) {
                    session.idle(now);
                    return; // closed, expired or lost meanwhile: the store moved already
                }
                boolean stored;
                try {
                    stored = store.runEnded(session.id(), job.id(), alive, reason, now);
                } finally {
                    // Only now: while the handle still names a run, the keeper leaves the session to it. Marked idle
                    // first, a keeper's tick in between saw a dead sandbox with no run and ended the session LOST
                    // with its own reason, not the run's ("exit status 7"). The next command waits on this lane.
                    session.idle(now);
                }
                if (stored) {
                    keeper.announce(session.id(), session.tenant(), alive ? SessionState.IDLE : SessionState.LOST,
                            reason, now, job.id());
                    if (!alive) {
                        log.warn("Session(id={}) LOST: {}", session.id(), reason);
                    }
                }
                if (!alive) {
                    registry.release(session, reason);
                }
            } catch (RuntimeException e) {
                log.error("Session(id={}) could not be moved after Job(id={}): {}", session.id(), job.id(),
                        e.toString());
            }
        }
    }
}
