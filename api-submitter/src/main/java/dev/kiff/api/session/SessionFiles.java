package dev.kiff.api.session;

import dev.kiff.api.results.ResultAwait;
import dev.kiff.core.gateway.ArtifactStore;
import dev.kiff.core.session.SessionService;
import dev.kiff.core.submit.JobNotFoundException;
import dev.kiff.model.job.DisplayItem;
import dev.kiff.model.job.Job;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Reads a session's files for whoever answers with them ({@code GET /v1/sessions/{id}/files…}, the MCP tools
 * {@code download_file} and {@code list_files}). Each read is a run of its own in the session: a download's worker
 * saves the file's bytes as that run's artifact named exactly the file's path, and a listing comes back as the run's
 * {@code application/json} display item. Waits as {@link ResultAwait} does.
 */
public final class SessionFiles {

    private static final String LISTING = "application/json";

    private final SessionService sessions;
    private final ResultAwait results;
    private final ArtifactStore artifacts;

    public SessionFiles(SessionService sessions, ResultAwait results, ArtifactStore artifacts) {
        this.sessions = sessions;
        this.results = results;
        this.artifacts = artifacts;
    }

    /**
     * A download's run and, when it succeeded, the file's bytes.
     *
     * @param content null unless the run SUCCEEDED
     */
    public record Download(JobResult run, byte[] content) {
    }

    /**
     * A listing's run and, when it succeeded, the listing: a JSON array of {@code {"path", "size"}}.
     *
     * @param json null unless the run SUCCEEDED with a listing
     */
    public record Listing(JobResult run, String json) {
    }

    /**
     * Fetches the file at {@code path} (relative to {@code /workspace}) from the tenant's session, waiting up to
     * {@code atMost} for the run. The session's refusals ({@code SessionNotFoundException}, busy, ended, a bad path)
     * are thrown at once; a run that succeeded without the file fails the future with {@link JobNotFoundException}.
     */
    public CompletableFuture<Download> download(UUID session, String tenant, String path, Duration atMost) {
        Job get = sessions.getFile(session, tenant, path);
        return results.ended(get.id(), tenant, atMost).thenApply(run -> new Download(run,
                run.status() != JobStatus.SUCCEEDED ? null : artifacts.find(run.id(), path)
                        .orElseThrow(() -> new JobNotFoundException(run.id(), "no file '" + path + "'"))
                        .content()));
    }

    /** Lists the session's {@code /workspace} with sizes, waiting up to {@code atMost} for the run. */
    public CompletableFuture<Listing> list(UUID session, String tenant, Duration atMost) {
        Job list = sessions.listFiles(session, tenant);
        return results.ended(list.id(), tenant, atMost).thenApply(run -> new Listing(run,
                run.status() != JobStatus.SUCCEEDED ? null : run.display().stream()
                        .filter(item -> LISTING.equals(item.mimeType()) && item.text() != null)
                        .map(DisplayItem::text).findFirst().orElse(null)));
    }
}
