package dev.kiff.core.session;

import dev.kiff.model.job.JobResult;
import dev.kiff.model.session.SessionTransition;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What a session did, page by page, for its event stream and its run listing. Read-only: the moves themselves are the
 * {@link SessionStore}'s.
 */
public interface SessionHistory {

    /** The session's moves after {@code afterSeq} (0 for all), oldest first, at most {@code limit}. */
    List<SessionTransition> transitionsAfter(UUID sessionId, int afterSeq, int limit);

    /**
     * The session's runs (code runs and file operations, each a job), newest first, at most {@code limit}.
     *
     * @param submittedBefore a cursor: only runs submitted before this instant (null for the newest)
     */
    List<JobResult> runs(UUID sessionId, Instant submittedBefore, int limit);
}
