package dev.kiff.api.events;

import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import dev.kiff.model.output.LogChunk;
import dev.kiff.core.output.LogStore;
import dev.kiff.core.submit.JobSubmitter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code GET /v1/jobs/{id}/events}: one job's status, output and result as Server-Sent Events, resumable with
 * {@code Last-Event-ID}. The stream listens first, then replays what is kept after the client's cursor, then goes
 * live; every event is sent only if it comes after the last one sent, so the seams between replay and live neither
 * lose nor repeat an event. The result is sent after a last read of the kept output (the worker keeps all output
 * before it stores the result), and ends the stream.
 */
public final class JobEventStream {

    private final JobSubmitter jobs;
    private final LogStore logs;
    private final LiveEvents live;
    private final OpenStreams streams;

    public JobEventStream(JobSubmitter jobs, LogStore logs, LiveEvents live, OpenStreams streams) {
        this.jobs = jobs;
        this.logs = logs;
        this.live = live;
        this.streams = streams;
    }

    /** @throws dev.kiff.core.submit.JobNotFoundException before anything is sent, for another tenant's job too */
    public SseEmitter open(UUID jobId, String tenant, String lastEventId) {
        EventCursor from = EventCursor.parse(lastEventId);
        jobs.find(jobId, tenant);
        SseSession session = streams.open(tenant);
        Stream stream = new Stream(jobId, tenant, session, from);
        session.onClose(live.watch(jobId, stream));
        session.then(stream::replay);
        session.connected();
        return session.emitter();
    }

    /**
     * Starts a job and answers with its stream, as {@link #open} would from its start: the stream's place in the
     * limits is taken first, so a tenant refused a stream ({@link TooManyStreamsException}) has started nothing, and a
     * start that is refused (its exception propagates) gives the place back.
     *
     * @param start starts the job and returns its id; runs on the caller's thread
     */
    public SseEmitter openStarting(String tenant, Supplier<UUID> start) {
        SseSession session = streams.open(tenant);
        UUID jobId;
        try {
            jobId = start.get();
        } catch (RuntimeException e) {
            session.abandon();
            throw e;
        }
        Stream stream = new Stream(jobId, tenant, session, EventCursor.START);
        session.onClose(live.watch(jobId, stream));
        session.then(stream::replay);
        session.connected();
        return session.emitter();
    }

    private final class Stream implements LiveEvents.JobWatcher {
        private final UUID jobId;
        private final String tenant;
        private final SseSession session;
        /** The last event sent (or seen by the client before it reconnected). Touched only by queued steps. */
        private EventCursor sent;

        Stream(UUID jobId, String tenant, SseSession session, EventCursor from) {
            this.jobId = jobId;
            this.tenant = tenant;
            this.session = session;
            this.sent = from;
        }

        void replay() {
            if (sent.end()) {
                session.complete();
                return;
            }
            JobResult state = jobs.find(jobId, tenant);
            if (sent.before(0, 0)) {
                sendStatus(JobStatus.QUEUED, 0);
            }
            catchUp();
            if (state.status().isTerminal()) {
                sendResult(state);
            }
        }

        @Override
        public void output(LogChunk chunk) {
            session.then(() -> sendChunk(chunk));
        }

        @Override
        public void result(JobResult result) {
            session.then(() -> {
                catchUp();
                sendResult(jobs.find(jobId, tenant));
            });
        }

        /** Sends what the kept log holds after the last event sent, in order. */
        private void catchUp() {
            for (LogChunk chunk : logs.read(jobId, Math.max(sent.attempt(), 0), sent.seq())) {
                if (!sent.end() && sent.before(chunk.attempt(), chunk.seq())) {
                    send(chunk);
                }
            }
        }

        private void sendChunk(LogChunk chunk) {
            if (sent.end() || !sent.before(chunk.attempt(), chunk.seq())) {
                return; // seen already
            }
            boolean next = chunk.seq() == 0 || !sent.before(chunk.attempt(), chunk.seq() - 1);
            if (next) {
                send(chunk);
            } else {
                // A gap: the live feed ran ahead of what this stream sent; the kept log fills it in order.
                catchUp();
            }
        }

        private void send(LogChunk chunk) {
            sent = EventCursor.of(chunk);
            if (chunk.stream().equals(LogChunk.START)) {
                session.send("status", sent.id(), Map.of("jobId", jobId, "status", JobStatus.RUNNING,
                        "attempt", chunk.attempt()));
                return;
            }
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("jobId", jobId);
            data.put("attempt", chunk.attempt());
            data.put("seq", chunk.seq());
            data.put("stream", chunk.stream());
            data.put("data", chunk.data());
            data.put("at", chunk.at());
            session.send("output", sent.id(), data);
        }

        private void sendStatus(JobStatus status, int attempt) {
            sent = new EventCursor(attempt, 0, false);
            session.send("status", sent.id(), Map.of("jobId", jobId, "status", status, "attempt", attempt));
        }

        private void sendResult(JobResult result) {
            if (sent.end() || !result.status().isTerminal()) {
                return;
            }
            sent = EventCursor.END;
            session.send("result", EventCursor.END.id(), result);
            session.complete();
        }
    }
}
