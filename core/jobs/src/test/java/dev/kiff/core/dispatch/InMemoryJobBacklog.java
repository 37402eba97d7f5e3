package dev.kiff.core.dispatch;

import dev.kiff.model.job.Job;
import dev.kiff.model.job.JobStatus;
import dev.kiff.model.job.VmType;
import dev.kiff.core.port.InMemoryJobRepository;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * A {@link JobBacklog} over an {@link InMemoryJobRepository} (whose statuses say which jobs ended), with the window
 * and claim semantics of the database one. Jobs are oldest first in the order they were held. Not thread-safe.
 */
public final class InMemoryJobBacklog implements JobBacklog {

    private final InMemoryJobRepository jobs;
    private final Map<UUID, Job> held = new LinkedHashMap<>();
    private final Map<UUID, Instant> claims = new HashMap<>();
    private final Map<UUID, Job> published = new LinkedHashMap<>();

    public InMemoryJobBacklog(InMemoryJobRepository jobs) {
        this.jobs = jobs;
    }

    /** Whether the job was marked published. */
    public boolean isPublished(UUID id) {
        return published.containsKey(id);
    }

    @Override
    public Stored insertHeld(Job job, String requestHash, int window, Instant now, Instant claimUntil) {
        boolean room = inFlight(job.tenant(), job.vmType(), now) < window;
        if (!jobs.insertQueued(job, requestHash)) {
            return Stored.EXISTS;
        }
        held.put(job.id(), job);
        if (room) {
            claims.put(job.id(), claimUntil);
            return Stored.CLAIMED;
        }
        return Stored.HELD;
    }

    /** Holds jobs a batch stored through its own repository. */
    public void holdAll(List<Job> batchJobs) {
        batchJobs.forEach(job -> held.put(job.id(), job));
    }

    @Override
    public List<UUID> claim(String tenant, VmType vmType, List<UUID> ids, int window, Instant now,
            Instant claimUntil) {
        int room = window - inFlight(tenant, vmType, now);
        List<UUID> claimed = new ArrayList<>();
        for (UUID id : ids) {
            if (claimed.size() < room && claimable(id, now)) {
                claims.put(id, claimUntil);
                claimed.add(id);
            }
        }
        return claimed;
    }

    @Override
    public List<Job> claimOldest(String tenant, VmType vmType, int max, int window, Instant now,
            Instant claimUntil) {
        List<UUID> ids = held.values().stream()
                .filter(job -> job.tenant().equals(tenant) && job.vmType() == vmType)
                .map(Job::id).toList();
        return claim(tenant, vmType, ids, Math.min(window, inFlight(tenant, vmType, now) + max), now, claimUntil)
                .stream().map(held::get).toList();
    }

    @Override
    public List<Waiting> waiting(Instant now, int window) {
        Map<List<Object>, Integer> counts = new LinkedHashMap<>();
        held.values().stream().filter(job -> claimable(job.id(), now))
                .forEach(job -> counts.merge(List.of(job.tenant(), job.vmType()), 1, Integer::sum));
        List<Waiting> waiting = new ArrayList<>();
        counts.forEach((key, count) -> {
            String tenant = (String) key.get(0);
            VmType vmType = (VmType) key.get(1);
            waiting.add(new Waiting(tenant, vmType, count, Math.min(window, inFlight(tenant, vmType, now))));
        });
        return waiting;
    }

    @Override
    public void published(Collection<UUID> ids, Instant at) {
        for (UUID id : ids) {
            Job job = held.remove(id);
            claims.remove(id);
            if (job != null) {
                published.put(id, job);
            }
        }
    }

    private boolean claimable(UUID id, Instant now) {
        return held.containsKey(id) && unfinished(id) && jobs.state(id).status() == JobStatus.QUEUED
                && (claims.get(id) == null || !claims.get(id).isAfter(now));
    }

    private int inFlight(String tenant, VmType vmType, Instant now) {
        long out = published.values().stream().filter(job -> same(job, tenant, vmType) && unfinished(job.id()))
                .count();
        long claimed = held.values().stream().filter(job -> same(job, tenant, vmType) && unfinished(job.id())
                && claims.get(job.id()) != null && claims.get(job.id()).isAfter(now)).count();
        return (int) (out + claimed);
    }

    private static boolean same(Job job, String tenant, VmType vmType) {
        return job.tenant().equals(tenant) && job.vmType() == vmType;
    }

    private boolean unfinished(UUID id) {
        return !Objects.requireNonNull(jobs.state(id).status()).isTerminal();
    }
}
