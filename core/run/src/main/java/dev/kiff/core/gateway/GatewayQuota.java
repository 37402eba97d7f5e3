package dev.kiff.core.gateway;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One job's gateway quotas, counted as its calls arrive and as their bytes cross, while they cross: a body is
 * never read whole before it is counted, so the count can stop it midway. Every call counts, refused ones
 * included, or a job could spend the worker's time on calls it knows will be refused. Artifact uploads have a
 * quota of their own (files and bytes) and count in the job's usage like any call. Thread-safe: a job's
 * connections are served in parallel.
 */
public final class GatewayQuota {

    private final int maxCalls;
    private final long maxBytes;
    private final int maxArtifacts;
    private final long maxArtifactBytes;
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicInteger artifacts = new AtomicInteger();
    private final AtomicLong artifactBytes = new AtomicLong();

    /**
     * @param maxCalls         calls the job may make (forwarded or refused)
     * @param maxBytes         request plus response body bytes its calls may move
     * @param maxArtifacts     artifact uploads it may make
     * @param maxArtifactBytes artifact bytes it may upload in all
     */
    public GatewayQuota(int maxCalls, long maxBytes, int maxArtifacts, long maxArtifactBytes) {
        this.maxCalls = maxCalls;
        this.maxBytes = maxBytes;
        this.maxArtifacts = maxArtifacts;
        this.maxArtifactBytes = maxArtifactBytes;
    }

    /** Counts one call, whatever becomes of it; false when it is beyond the call quota (counted all the same). */
    public boolean call() {
        return calls.incrementAndGet() <= maxCalls;
    }

    /** Counts {@code n} body bytes of a call that crossed; false once the job is past its byte quota. */
    public boolean bytes(long n) {
        return bytes.addAndGet(n) <= maxBytes;
    }

    /** What is left of the byte quota for calls (0 when used up). */
    public long bytesLeft() {
        return Math.max(0, maxBytes - bytes.get());
    }

    /** Counts one artifact upload, whatever becomes of it; false when it is beyond the artifact quota. */
    public boolean artifact() {
        return artifacts.incrementAndGet() <= maxArtifacts;
    }

    /** Counts {@code n} artifact bytes that crossed; false once the job is past its artifact byte quota. */
    public boolean artifactBytes(long n) {
        return artifactBytes.addAndGet(n) <= maxArtifactBytes;
    }

    /** What is left of the artifact byte quota (0 when used up). */
    public long artifactBytesLeft() {
        return Math.max(0, maxArtifactBytes - artifactBytes.get());
    }

    /** Calls and artifact uploads, and every byte either moved. */
    public GatewayUsage usage() {
        return new GatewayUsage(calls.get() + artifacts.get(), bytes.get() + artifactBytes.get());
    }
}
