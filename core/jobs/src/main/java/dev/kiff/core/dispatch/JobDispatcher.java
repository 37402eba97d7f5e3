package dev.kiff.core.dispatch;

import dev.kiff.core.dispatch.DispatchPolicy.Plan;
import dev.kiff.core.dispatch.DispatchPolicy.Slot;
import dev.kiff.core.dispatch.JobBacklog.Stored;
import dev.kiff.core.dispatch.JobBacklog.Waiting;
import dev.kiff.model.failure.TransientFailure;
import dev.kiff.model.job.Job;
import dev.kiff.model.job.VmType;
import dev.kiff.core.port.JobPublisher;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where accepted jobs go onto the queue, a tenant's window at a time, so that one tenant's backlog never stands in
 * the partitions ahead of another tenant's jobs. A single submission {@link #hold holds} its job, claimed for it in
 * the same insert while its tenant's window has room, and then {@link #publishClaimed publishes} it: no round trip
 * more than before. A batch, stored held, is {@link #offer offered}: those of its jobs that fit the window are
 * published at once, the rest stay held. {@link #tick()} publishes held jobs as earlier ones end, tenants taking
 * turns ({@link DispatchPolicy}), oldest first within a tenant, and marks published what submissions published.
 *
 * <p>The window bounds how many of one tenant's records stand ahead of another tenant's job on a topic: at most
 * {@code window} per tenant, whatever the size of its backlog.
 *
 * <p>A tick also publishes jobs whose publish never completed (their publisher died between storing and publishing,
 * or before marking them published): their claim runs out and they are claimed again. Such a job may then be on
 * the topic twice; the worker's conditional start (QUEUED to RUNNING) runs it once.
 */
public final class JobDispatcher {

    private static final Logger log = LoggerFactory.getLogger(JobDispatcher.class);

    private final JobBacklog backlog;
    private final JobPublisher publisher;
    private final DispatchPolicy policy;
    private final Clock clock;
    private final Duration claim;
    private final Queue<Unmarked> unmarked = new ConcurrentLinkedQueue<>();
    private String servedFirst;

    /**
     * @param claim how long a publish may take before another instance publishes the job again (longer than the
     *              publisher's timeout)
     */
    public JobDispatcher(JobBacklog backlog, JobPublisher publisher, DispatchPolicy policy, Clock clock,
            Duration claim) {
        this.backlog = backlog;
        this.publisher = publisher;
        this.policy = policy;
        this.clock = clock;
        this.claim = claim;
    }

    /**
     * Stores a just-accepted job, claimed for the caller when its tenant's window has room (then the caller
     * {@link #publishClaimed publishes} it at once), otherwise held for a tick.
     */
    public Stored hold(Job job, String requestHash) {
        Instant now = clock.instant();
        return backlog.insertHeld(job, requestHash, policy.window(), now, now.plus(claim));
    }

    /**
     * Publishes a job {@link #hold} claimed for the caller.
     *
     * @throws TransientFailure when the broker did not take it; it is not published
     */
    public void publishClaimed(Job job) {
        publisher.publish(job);
        markLater(List.of(job.id()));
    }

    /**
     * Publishes those of a tenant's just-stored jobs that fit its window, in the order given; the rest stay held for
     * {@link #tick()}. Several jobs go out together, all or none.
     *
     * @return how many were published
     * @throws TransientFailure when the broker did not take them; they are not published
     */
    public int offer(List<Job> jobs) {
        if (jobs.isEmpty()) {
            return 0;
        }
        Instant now = clock.instant();
        String tenant = jobs.get(0).tenant();
        Map<VmType, List<Job>> byType = new LinkedHashMap<>();
        for (Job job : jobs) {
            byType.computeIfAbsent(job.vmType(), t -> new ArrayList<>()).add(job);
        }
        List<Job> claimed = new ArrayList<>();
        for (Map.Entry<VmType, List<Job>> group : byType.entrySet()) {
            // A window's worth at most: asking for more than can fit only makes the claim longer.
            List<Job> candidates = group.getValue().subList(0, Math.min(group.getValue().size(), policy.window()));
            Set<UUID> ids = Set.copyOf(backlog.claim(tenant, group.getKey(),
                    candidates.stream().map(Job::id).toList(), policy.window(), now, now.plus(claim)));
            candidates.stream().filter(job -> ids.contains(job.id())).forEach(claimed::add);
        }
        if (claimed.isEmpty()) {
            return 0;
        }
        if (claimed.size() == 1) {
            publisher.publish(claimed.get(0));
        } else {
            publisher.publishAll(claimed);
        }
        markLater(claimed.stream().map(Job::id).toList());
        return claimed.size();
    }

    /**
     * Publishes held jobs that now fit their tenants' windows, tenants in turn. A failure is logged and the jobs
     * stay held: their claim runs out and a later tick publishes them.
     *
     * @return how many were published
     */
    public int tick() {
        markPublished();
        Instant now = clock.instant();
        List<Waiting> waiting = backlog.waiting(now, policy.window());
        Plan plan = policy.plan(waiting, servedFirst);
        if (plan.slots().isEmpty()) {
            return 0;
        }
        servedFirst = plan.first();
        Map<Slot, Integer> wanted = new LinkedHashMap<>();
        plan.slots().forEach(slot -> wanted.merge(slot, 1, Integer::sum));
        Map<Slot, Deque<Job>> claimed = new HashMap<>();
        wanted.forEach((slot, count) -> claimed.put(slot, new ArrayDeque<>(backlog.claimOldest(slot.tenant(),
                slot.vmType(), count, policy.window(), now, now.plus(claim)))));
        List<Job> ordered = new ArrayList<>();
        for (Slot slot : plan.slots()) {
            Job next = claimed.get(slot).poll();
            if (next != null) {
                ordered.add(next);
            }
        }
        if (ordered.isEmpty()) {
            return 0;
        }
        try {
            publisher.publishAll(ordered);
        } catch (TransientFailure e) {
            log.warn("{} held jobs not published, tried again once their claim runs out ({}): {}", ordered.size(),
                    claim, e.getMessage());
            return 0;
        }
        backlog.published(ordered.stream().map(Job::id).toList(), clock.instant());
        log.debug("published {} held jobs of {} tenants", ordered.size(),
                ordered.stream().map(Job::tenant).distinct().count());
        return ordered.size();
    }

    /**
     * Marks published jobs a submission published, at the next tick rather than on the request's path: until then
     * their claim keeps them in their tenant's window and from other publishers. An instance that dies first leaves
     * them to be published again once the claim runs out (a second record; the worker runs the job once).
     */
    private void markLater(List<UUID> ids) {
        Instant at = clock.instant();
        ids.forEach(id -> unmarked.add(new Unmarked(id, at)));
    }

    private void markPublished() {
        Map<Instant, List<UUID>> byTime = new LinkedHashMap<>();
        for (Unmarked next = unmarked.poll(); next != null; next = unmarked.poll()) {
            byTime.computeIfAbsent(next.at(), at -> new ArrayList<>()).add(next.id());
        }
        byTime.forEach((at, ids) -> backlog.published(ids, at));
    }

    private record Unmarked(UUID id, Instant at) {
    }
}
