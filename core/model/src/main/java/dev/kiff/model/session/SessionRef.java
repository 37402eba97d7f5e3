package dev.kiff.model.session;

import java.util.UUID;

/**
 * The last component of a {@link dev.kiff.model.job.JobMessage} on a worker's session run topic: which session the
 * job runs in and what it asks. Null for a plain job.
 *
 * @param id      the session
 * @param op      what the kernel does
 * @param path    the file under {@code /workspace} for {@link SessionOp#PUT} and {@link SessionOp#GET}; checked by
 *                the API with the job files' name rule before anything is published, and again by the kernel
 * @param content the file's bytes, base64, for {@link SessionOp#PUT} only
 */
public record SessionRef(UUID id, SessionOp op, String path, String content) {

    public static SessionRef run(UUID id) {
        return new SessionRef(id, SessionOp.RUN, null, null);
    }

    public static SessionRef close(UUID id) {
        return new SessionRef(id, SessionOp.CLOSE, null, null);
    }

    @Override
    public String toString() {
        // The content may be megabytes of a tenant's data: never in a log line.
        return "SessionRef(id=" + id + ", op=" + op + (path == null ? "" : ", path=" + path)
                + (content == null ? "" : ", content=" + content.length() + " base64 chars") + ")";
    }
}
