package dev.kiff.api.events;

import dev.kiff.model.batch.BatchProgress;
import dev.kiff.model.job.InvalidJobException;
import dev.kiff.model.job.JobResult;
import dev.kiff.core.port.JobRepository;
import dev.kiff.core.port.StoredResult;
import java.util.List;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code GET /v1/events}: a tenant's results as they are stored (event {@code result}, id = the result's place in
 * the store's order) and its batches as they complete (event {@code batch}), for agents that watch many jobs. With
 * {@code Last-Event-ID} the stream resumes after that result; without, it starts with the next one. A live result
 * is only a nudge: the stream reads what was stored after its cursor and sends that, so order and ids come from the
 * store and a nudge lost or doubled changes nothing.
 */
public final class TenantEventStream {

    private static final int PAGE = 500;

    private final JobRepository jobs;
    private final LiveEvents live;
    private final OpenStreams streams;

    public TenantEventStream(JobRepository jobs, LiveEvents live, OpenStreams streams) {
        this.jobs = jobs;
        this.live = live;
        this.streams = streams;
    }

    public SseEmitter open(String tenant, String lastEventId) {
        Long from = parse(lastEventId);
        SseSession session = streams.open(tenant);
        Stream stream = new Stream(tenant, session);
        session.onClose(live.watch(tenant, stream));
        session.then(() -> {
            stream.sent = from != null ? from : jobs.latestResultSeq(tenant);
            stream.catchUp();
        });
        session.connected();
        return session.emitter();
    }

    private static Long parse(String lastEventId) {
        if (lastEventId == null || lastEventId.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(lastEventId.trim());
        } catch (NumberFormatException e) {
            throw InvalidJobException.of("Last-Event-ID", "'" + lastEventId + "' is not an event id of this stream");
        }
    }

    private final class Stream implements LiveEvents.TenantWatcher {
        private final String tenant;
        private final SseSession session;
        private long sent;
        private boolean nudged;

        Stream(String tenant, SseSession session) {
            this.tenant = tenant;
            this.session = session;
        }

        @Override
        public void result(JobResult result) {
            synchronized (this) {
                if (nudged) {
                    return; // a catch-up is queued already and will read this result too
                }
                nudged = true;
            }
            session.then(() -> {
                synchronized (this) {
                    nudged = false;
                }
                catchUp();
            });
        }

        @Override
        public void batch(BatchProgress batch) {
            session.then(() -> session.send("batch", null, batch));
        }

        void catchUp() {
            List<StoredResult> page;
            do {
                page = jobs.resultsAfter(tenant, sent, PAGE);
                for (StoredResult stored : page) {
                    sent = stored.seq();
                    session.send("result", String.valueOf(stored.seq()), stored.result());
                }
            } while (page.size() == PAGE && !session.isClosed());
        }
    }
}
