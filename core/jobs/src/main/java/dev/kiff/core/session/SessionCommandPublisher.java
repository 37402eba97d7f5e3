package dev.kiff.core.session;

import dev.kiff.model.job.JobMessage;
import dev.kiff.model.session.SessionOpen;

/**
 * Sends sessions' commands to the workers, signed by the platform key: opens to the VM type's open topic, runs, file
 * operations and closes to the run topic of the worker holding the session. Both wait for the broker's
 * acknowledgement; a broker that does not take the record within its timeout is a
 * {@link dev.kiff.model.failure.TransientFailure}.
 */
public interface SessionCommandPublisher {

    /** Asks a worker holding an idle sandbox of the session's VM type to open it. */
    void open(SessionOpen open);

    /**
     * Sends a run, a file operation or a close ({@link JobMessage#session()} set) to {@code runTopic}, keyed by the
     * session's id so a session's commands stay in order.
     */
    void send(String runTopic, JobMessage command);
}
