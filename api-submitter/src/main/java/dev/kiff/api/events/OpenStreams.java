package dev.kiff.api.events;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The SSE streams open on this instance: made here with their timeout and sending pool, held to the per-tenant and
 * per-instance limits, and kept alive by {@link #keepAlive()} (a comment line every few seconds, so proxies do not
 * close a quiet stream), which also ends the streams whose client stopped reading.
 *
 * <p>A stream counts against the limits from its opening until it is closed and no write of it is still blocked, so
 * a tenant whose clients never read holds at most its own limit of sending threads, and the instance at most its
 * limit: one tenant's streams cannot use up what other tenants' streams need.
 */
public final class OpenStreams {

    private final Executor pool;
    private final Duration timeout;
    private final StreamLimits limits;
    private final Set<SseSession> open = ConcurrentHashMap.newKeySet();
    /** Streams counted against the limits, by tenant: open ones and closed ones whose write is still blocked. */
    private final Map<String, Integer> held = new ConcurrentHashMap<>();
    private int total;

    /** What one tenant, and the instance, may hold. */
    public record StreamLimits(int perTenant, int total, int maxPending, Duration sendTimeout) {
    }

    /**
     * @param pool    the threads that write events to clients: one per stream that is sending, so one blocked write
     *                delays no other stream (its size is bounded by {@code limits.total()})
     * @param timeout how long a stream stays open at most; clients reconnect with {@code Last-Event-ID}
     */
    public OpenStreams(Executor pool, Duration timeout, StreamLimits limits) {
        this.pool = pool;
        this.timeout = timeout;
        this.limits = limits;
    }

    /** How many streams are open now, for the operator's gauge. */
    public int openCount() {
        return open.size();
    }

    /** @throws TooManyStreamsException when the tenant, or this instance, holds as many streams as it may */
    SseSession open(String tenant) {
        hold(tenant);
        SseSession session = new SseSession(new SseEmitter(timeout.toMillis()), pool, tenant, limits.maxPending(),
                () -> release(tenant));
        open.add(session);
        session.onClose(() -> open.remove(session));
        return session;
    }

    private synchronized void hold(String tenant) {
        int mine = held.getOrDefault(tenant, 0);
        if (mine >= limits.perTenant()) {
            throw new TooManyStreamsException(TooManyStreamsException.Scope.TENANT, limits.perTenant(),
                    "tenant '" + tenant + "' has " + mine + " event streams open, the most it may; close one first");
        }
        if (total >= limits.total()) {
            throw new TooManyStreamsException(TooManyStreamsException.Scope.INSTANCE, limits.total(),
                    "this API instance serves as many event streams as it may; try again shortly");
        }
        held.put(tenant, mine + 1);
        total++;
    }

    private synchronized void release(String tenant) {
        held.computeIfPresent(tenant, (t, n) -> n <= 1 ? null : n - 1);
        total--;
    }

    /** Sends every open stream a comment, and ends those whose write has been blocked past the send timeout. */
    public void keepAlive() {
        long now = System.nanoTime();
        long stalled = limits.sendTimeout().toNanos();
        open.forEach(session -> {
            if (!session.stalled(now, stalled)) {
                session.comment("keep-alive");
            }
        });
    }

    /** Ends every open stream: on shutdown, so the server need not wait for clients to hang up. */
    public void closeAll() {
        open.forEach(SseSession::complete);
    }

    public int size() {
        return open.size();
    }

    /** How many streams the tenant holds against its limit. */
    public synchronized int held(String tenant) {
        return held.getOrDefault(tenant, 0);
    }
}
