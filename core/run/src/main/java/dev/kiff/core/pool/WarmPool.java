package dev.kiff.core.pool;

import dev.kiff.model.control.PoolStatus;
import dev.kiff.model.failure.TransientFailure;
import dev.kiff.model.job.Job;
import dev.kiff.model.job.Limits;
import dev.kiff.core.job.PoolSpec;
import dev.kiff.model.job.VmType;
import dev.kiff.core.job.VmTypeCatalogue;
import dev.kiff.core.port.SandboxRuntime;
import dev.kiff.core.sandbox.OutputListener;
import dev.kiff.core.sandbox.SandboxOutcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a job finds its sandbox: per VM type, a pool of sandboxes started ahead of time whose runners wait for a job.
 *
 * <p>A type's <em>target</em> is the number of sandboxes it should hold, idle and busy together; it is how many of its
 * jobs this worker runs at once. Taking a job hands it to an idle sandbox; a single-use sandbox is destroyed after its
 * job and a replacement starts in the background. A type whose policy says {@code reuse: tenant} returns a healthy
 * sandbox to the pool for further jobs of the same tenant only, until its maximum uses or age.
 *
 * <p>The Kafka side asks {@link #tryReserve} before it takes a job, so jobs are only taken while a sandbox is idle and
 * the queue stays in Kafka. {@link #tick()} converges every pool to its target, replaces dead sandboxes and retires
 * old ones; the worker calls it every second, tests call it by hand.
 *
 * <p>The capacity is hard: the sandboxes held, starting, idle, busy and being destroyed together, never number more
 * than it, whatever runs through the pool (retries, a job whose type differs from its claim, a job no idle sandbox
 * accepts). A job that finds no idle sandbox it may use gets one started only in room the capacity leaves; without
 * room it retires an idle sandbox nobody claimed (its claim's first, then of its own type, then of any type) and its
 * sandbox starts once that one is gone; with none of those it waits for room. A sandbox counts until its
 * {@link Sandbox#destroy()} returned, so no replacement starts beside one still being removed.
 */
public final class WarmPool implements SandboxRuntime, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WarmPool.class);

    private final SandboxFactory factory;
    private final VmTypeCatalogue catalogue;
    private final int capacity;
    private final Executor starter;
    private final Clock clock;
    private final ScheduledExecutorService later;
    private final Duration replaceAfter;
    private final Map<VmType, Slots> pools = new EnumMap<>(VmType.class);
    private final List<Consumer<VmType>> idleListeners = new CopyOnWriteArrayList<>();
    private final Map<UUID, Sandbox> running = new ConcurrentHashMap<>();
    private final Duration waitForRoom;
    /** Sandboxes out of every pool whose {@link Sandbox#destroy()} has not returned yet: they still hold room. */
    private int destroying;
    private boolean closed;

    /**
     * @param types          the VM types this worker serves; each starts with its catalogue minimum as target
     * @param initialTarget  the target each type starts with until the scheduler sets one (at least its minimum)
     * @param capacity       the most sandboxes of all types held at once
     * @param starter        runs the background starts (bounded, so a burst of starts cannot swamp the engine)
     */
    public WarmPool(SandboxFactory factory, VmTypeCatalogue catalogue, Collection<VmType> types, int initialTarget,
            int capacity, Executor starter, Clock clock) {
        this(factory, catalogue, types, initialTarget, capacity, starter, null, Duration.ZERO, DEFAULT_WAIT_FOR_ROOM,
                clock);
    }

    /**
     * How long before its {@link Sandbox#deadline()} an idle sandbox is retired and no longer handed a job: more than
     * a tick and the time a job takes to reach the runner, so a live worker never meets a sandbox ending itself.
     */
    public static final Duration DEADLINE_MARGIN = Duration.ofSeconds(30);

    /** How long a job run without a claim waits for room before it fails as a transient failure. */
    public static final Duration DEFAULT_WAIT_FOR_ROOM = Duration.ofSeconds(30);

    /** As below, waiting {@link #DEFAULT_WAIT_FOR_ROOM} for room. */
    public WarmPool(SandboxFactory factory, VmTypeCatalogue catalogue, Collection<VmType> types, int initialTarget,
            int capacity, Executor starter, ScheduledExecutorService later, Duration replaceAfter, Clock clock) {
        this(factory, catalogue, types, initialTarget, capacity, starter, later, replaceAfter, DEFAULT_WAIT_FOR_ROOM,
                clock);
    }

    /**
     * @param later        schedules the replacement of a used sandbox
     * @param replaceAfter how long after a job its used sandbox is removed and a replacement started: long enough
     *                     for the job's result to be stored and published first, since starting a container costs
     *                     more CPU than the rest of a short job (on two cores it doubled the tail of every job)
     * @param waitForRoom  how long a job that finds neither a sandbox nor room waits for one before it fails as a
     *                     transient failure (to be tried again later, not to hold its thread forever)
     */
    public WarmPool(SandboxFactory factory, VmTypeCatalogue catalogue, Collection<VmType> types, int initialTarget,
            int capacity, Executor starter, ScheduledExecutorService later, Duration replaceAfter,
            Duration waitForRoom, Clock clock) {
        this.waitForRoom = waitForRoom;
        this.later = later;
        this.replaceAfter = replaceAfter;
        this.factory = factory;
        this.catalogue = catalogue;
        this.capacity = capacity;
        this.starter = starter;
        this.clock = clock;
        for (VmType type : types) {
            PoolSpec spec = catalogue.policy(type).pool();
            pools.put(type, new Slots(spec, Math.max(spec.min(), initialTarget)));
        }
    }

    /** Called with the VM type whenever one of its sandboxes becomes idle. */
    public void onIdle(Consumer<VmType> listener) {
        idleListeners.add(listener);
    }

    /** Sets how many sandboxes the type should hold; {@link #tick()} converges to it. Unknown types are ignored. */
    public void setTarget(VmType type, int target) {
        synchronized (this) {
            Slots slots = pools.get(type);
            if (slots == null || slots.target == target) {
                return;
            }
            log.info("Pool({}) target {} -> {}", type.wireName(), slots.target, target);
            slots.target = Math.max(0, target);
        }
        tick();
    }

    /**
     * Claims an idle sandbox of the type for a job about to be taken from Kafka; empty when none is idle (then the
     * caller stops taking jobs of this type). The claim is used by running a job through it, or given back by
     * closing it.
     */
    public synchronized Optional<Reservation> tryReserve(VmType type) {
        Slots slots = pools.get(type);
        if (slots == null || closed || slots.idle.size() - slots.reserved <= 0) {
            return Optional.empty();
        }
        slots.reserved++;
        return Optional.of(new Reservation(type));
    }

    /** Idle sandboxes of the type not yet claimed: how many more jobs of it may be taken now. */
    public synchronized int available(VmType type) {
        Slots slots = pools.get(type);
        return slots == null || closed ? 0 : Math.max(0, slots.idle.size() - slots.reserved);
    }

    /**
     * Runs the job in an idle sandbox, or in one started for it when none is idle (a cold start).
     *
     * @throws TransientFailure when no sandbox could be started or the one it ran in broke
     */
    @Override
    public SandboxOutcome run(Job job, OutputListener output) {
        return run(job, output, null);
    }

    /**
     * @param claim the VM type of the idle sandbox a {@link Reservation} claimed for this job, or null: the claim is
     *              given up here, so the sandbox it stood for is the first this job may use or retire
     */
    private SandboxOutcome run(Job job, OutputListener output, VmType claim) {
        VmType type = job.vmType();
        Warm warm = null;
        Warm victim = null;
        boolean claimFreed = false;
        synchronized (this) {
            // A type this worker does not serve (a record on another type's topic) gets sandboxes only for such
            // jobs, never a warm one of its own.
            Slots slots = pools.computeIfAbsent(type, t -> new Slots(catalogue.policy(t).pool(), 0));
            if (claim != null) {
                Slots claimed = pools.get(claim);
                if (claimed != null && claimed.reserved > 0) {
                    claimed.reserved--;
                    claimFreed = claim != type;
                }
            }
            long deadline = System.nanoTime() + waitForRoom.toNanos();
            while (true) {
                if (slots.idle.size() > slots.reserved) {
                    warm = slots.take(job.tenant(), job.limits(), clock.instant());
                    if (warm == null && slots.spec.reusesSandboxes()) {
                        // Only other tenants' sandboxes are idle: retire one, so the one started for this job
                        // takes its place.
                        victim = slots.evictOtherTenant(job.tenant());
                    }
                }
                if (warm != null) {
                    slots.busy++;
                    break;
                }
                if (victim == null && held() >= capacity) {
                    victim = victim(claim, type);
                }
                if (victim != null) {
                    destroying++; // its room passes to this job once it is gone
                    break;
                }
                if (held() < capacity) {
                    slots.busy++;
                    break;
                }
                long left = deadline - System.nanoTime();
                if (closed || left <= 0) {
                    throw new TransientFailure("no room for a " + type.wireName() + " sandbox: all " + capacity
                            + " are busy or claimed");
                }
                log.debug("Job(id={}) waits for room for a {} sandbox", job.id(), type.wireName());
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new TransientFailure("interrupted while waiting for room for Job(id=" + job.id() + ")", e);
                }
            }
        }
        if (claimFreed) {
            announceIdle(claim);
        }
        if (victim != null) {
            log.info("Job(id={}) found no idle {} sandbox it may use; retiring {} sandbox {} to make room",
                    job.id(), type.wireName(), victim.sandbox.vmType().wireName(), victim.sandbox.id());
            victim.sandbox.destroy();
            synchronized (this) {
                destroying--;
                pools.get(type).busy++;
            }
        }
        if (warm == null) {
            log.info("Job(id={}) found no idle {} sandbox for it; starting one", job.id(), type.wireName());
            try {
                warm = new Warm(factory.start(type, reusable(type), job.limits()), null, 0);
            } catch (RuntimeException e) {
                synchronized (this) {
                    pools.get(type).busy--;
                    notifyAll();
                }
                throw e;
            }
        }
        Instant began = clock.instant();
        SandboxOutcome outcome;
        running.put(job.id(), warm.sandbox);
        try {
            outcome = warm.sandbox.run(job, output);
        } catch (RuntimeException e) {
            running.remove(job.id());
            release(type, warm, job, began, false);
            throw e;
        }
        boolean killed = running.remove(job.id()) == null;
        release(type, warm, job, began, !killed);
        return outcome;
    }

    /** Every sandbox held: starting, idle, busy, holding a session, and on its way out. */
    private int held() {
        return pools.values().stream().mapToInt(s -> s.total() + s.sessions).sum() + destroying;
    }

    /** Sandboxes holding a session now, all types together. */
    public synchronized int sessions() {
        return pools.values().stream().mapToInt(s -> s.sessions).sum();
    }

    /**
     * Takes a sandbox out of the pool for good, to hold a session of {@code tenant}: the claimed idle one (a fresh
     * one, or one this tenant used, that takes {@code limits}), otherwise one started for it in the room the
     * capacity leaves. It stays counted against the capacity until {@link #closeSession} gives its room back; its
     * pool's slots no longer count it, so the pool refills to its target behind it.
     *
     * @param claim the type of the claim given up here, or null
     * @throws TransientFailure when there is no sandbox to take and no room to start one, or the start failed
     */
    private Sandbox takeForSession(VmType type, String tenant, Limits limits, VmType claim) {
        Warm warm = null;
        boolean claimFreed = false;
        synchronized (this) {
            Slots slots = pools.computeIfAbsent(type, t -> new Slots(catalogue.policy(t).pool(), 0));
            if (claim != null) {
                Slots claimed = pools.get(claim);
                if (claimed != null && claimed.reserved > 0) {
                    claimed.reserved--;
                    claimFreed = claim != type;
                }
            }
            if (closed) {
                throw new TransientFailure("the pool is closed: no sandbox for a session");
            }
            if (slots.idle.size() > slots.reserved) {
                warm = slots.take(tenant, limits, clock.instant());
            }
            if (warm == null && held() >= capacity) {
                throw new TransientFailure("no room for a " + type.wireName() + " session: all " + capacity
                        + " sandboxes are busy, claimed or hold sessions");
            }
            slots.sessions++;
            notifyAll();
        }
        if (claimFreed) {
            announceIdle(claim);
        }
        if (warm == null) {
            log.info("Pool({}) has no idle sandbox for a session of tenant {}; starting one", type.wireName(),
                    tenant);
            try {
                return factory.start(type, reusable(type), limits);
            } catch (RuntimeException e) {
                synchronized (this) {
                    pools.get(type).sessions--;
                    notifyAll();
                }
                throw e;
            }
        }
        starter.execute(this::tick); // refill behind it
        return warm.sandbox;
    }

    /**
     * Gives back the room of a sandbox {@link Reservation#takeForSession taken for a session}: it is destroyed in
     * the background and counts until it is gone.
     */
    public void closeSession(Sandbox sandbox) {
        synchronized (this) {
            Slots slots = pools.get(sandbox.vmType());
            if (slots == null || slots.sessions <= 0) {
                log.warn("sandbox {} was closed as a session's but the pool holds no session of its type",
                        sandbox.id());
                return;
            }
            slots.sessions--;
            destroying++;
        }
        starter.execute(() -> destroy(sandbox));
    }

    /**
     * An idle sandbox nobody claimed, taken out of its pool to make room for a job: of the job's claim first, then
     * of its own type, then of the type with the most idle beyond its claims. Null when there is none.
     */
    private Warm victim(VmType claim, VmType type) {
        for (VmType candidate : new VmType[] {claim, type}) {
            Slots slots = candidate == null ? null : pools.get(candidate);
            if (slots != null && slots.idle.size() > slots.reserved) {
                return slots.idle.removeLast();
            }
        }
        Slots most = null;
        for (Slots slots : pools.values()) {
            if (slots.idle.size() > slots.reserved
                    && (most == null || slots.idle.size() - slots.reserved > most.idle.size() - most.reserved)) {
                most = slots;
            }
        }
        return most == null ? null : most.idle.removeLast();
    }

    /**
     * Kills the sandbox running the job, if one of this pool's does: for a job cancelled while it runs. The sandbox
     * is not reused. True when the job was running here.
     */
    public boolean kill(UUID jobId) {
        Sandbox sandbox = running.remove(jobId);
        if (sandbox == null) {
            return false;
        }
        log.info("Job(id={}) was cancelled; killing sandbox {}", jobId, sandbox.id());
        sandbox.kill();
        return true;
    }

    private void release(VmType type, Warm warm, Job job, Instant began, boolean ran) {
        boolean keep;
        synchronized (this) {
            Slots slots = pools.get(type);
            slots.busy--;
            slots.served++;
            slots.busyNanos += Duration.between(began, clock.instant()).toNanos();
            keep = ran && !closed && slots.spec.reusesSandboxes()
                    && warm.uses + 1 < slots.spec.maxUses() && !tooOld(slots.spec, warm.sandbox)
                    && warm.sandbox.alive() && !nearItsDeadline(warm.sandbox) && slots.total() < slots.target;
            if (keep) {
                slots.idle.addFirst(new Warm(warm.sandbox, job.tenant(), warm.uses + 1));
            } else {
                destroying++;
            }
            notifyAll();
        }
        if (keep) {
            announceIdle(type);
        } else if (later == null || replaceAfter.isZero()) {
            starter.execute(() -> destroy(warm.sandbox));
        } else {
            later.schedule(() -> starter.execute(() -> destroy(warm.sandbox)), replaceAfter.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Destroys a sandbox already counted in {@link #destroying}, then gives its room back: to a job waiting for
     * room, or to a replacement.
     */
    private void destroy(Sandbox sandbox) {
        try {
            sandbox.destroy();
        } finally {
            synchronized (this) {
                destroying--;
                notifyAll();
            }
        }
        tick();
    }

    /**
     * Converges every pool to its target: starts what is missing (within the worker's capacity), destroys idle
     * sandboxes beyond the target, and replaces idle ones that died or passed their maximum age.
     */
    public void tick() {
        List<Sandbox> doomed = new ArrayList<>();
        List<VmType> toStart = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                return;
            }
            for (Map.Entry<VmType, Slots> entry : pools.entrySet()) {
                Slots slots = entry.getValue();
                for (Iterator<Warm> it = slots.idle.iterator(); it.hasNext(); ) {
                    Warm warm = it.next();
                    if (!warm.sandbox.alive() || tooOld(slots.spec, warm.sandbox) || nearItsDeadline(warm.sandbox)) {
                        log.info("Pool({}) retires sandbox {}: {}", entry.getKey().wireName(), warm.sandbox.id(),
                                !warm.sandbox.alive() ? "it died" : tooOld(slots.spec, warm.sandbox)
                                        ? "past its maximum age" : "near its deadline");
                        it.remove();
                        doomed.add(warm.sandbox);
                    }
                }
                while (slots.total() > slots.target && slots.idle.size() > slots.reserved) {
                    doomed.add(slots.idle.removeLast().sandbox);
                }
            }
            destroying += doomed.size();
            int total = held();
            boolean added = true;
            // Round-robin over the types so one type's burst cannot take all of the capacity.
            while (added && total < capacity) {
                added = false;
                for (Map.Entry<VmType, Slots> entry : pools.entrySet()) {
                    Slots slots = entry.getValue();
                    if (slots.total() < slots.target && total < capacity) {
                        slots.starting++;
                        total++;
                        toStart.add(entry.getKey());
                        added = true;
                    }
                }
            }
        }
        for (Sandbox sandbox : doomed) {
            starter.execute(() -> destroy(sandbox));
        }
        for (VmType type : toStart) {
            starter.execute(() -> startOne(type));
        }
    }

    private void startOne(VmType type) {
        Sandbox sandbox;
        try {
            sandbox = factory.start(type, reusable(type), catalogue.policy(type).defaults());
        } catch (RuntimeException e) {
            synchronized (this) {
                pools.get(type).starting--;
                notifyAll();
            }
            log.error("Pool({}) could not start a sandbox: {}", type.wireName(), e.getMessage());
            return;
        }
        boolean kept;
        synchronized (this) {
            Slots slots = pools.get(type);
            slots.starting--;
            kept = !closed && slots.total() < slots.target;
            if (kept) {
                slots.idle.addLast(new Warm(sandbox, null, 0));
            } else {
                destroying++;
            }
            notifyAll();
        }
        if (kept) {
            announceIdle(type);
        } else {
            destroy(sandbox);
        }
    }

    private void announceIdle(VmType type) {
        for (Consumer<VmType> listener : idleListeners) {
            try {
                listener.accept(type);
            } catch (RuntimeException e) {
                log.error("Pool({}) idle listener failed: {}", type.wireName(), e.toString());
            }
        }
    }

    private boolean reusable(VmType type) {
        return catalogue.policy(type).pool().reusesSandboxes();
    }

    private boolean nearItsDeadline(Sandbox sandbox) {
        Instant deadline = sandbox.deadline();
        return !deadline.equals(Instant.MAX) && !clock.instant().isBefore(deadline.minus(DEADLINE_MARGIN));
    }

    private boolean tooOld(PoolSpec spec, Sandbox sandbox) {
        return spec.reusesSandboxes()
                && Duration.between(sandbox.readyAt(), clock.instant()).toMillis() > spec.maxAgeMs();
    }

    /** Every pool's state, for the scheduler and for metrics. */
    public synchronized List<PoolStatus> status() {
        List<PoolStatus> status = new ArrayList<>();
        for (Map.Entry<VmType, Slots> entry : pools.entrySet()) {
            Slots s = entry.getValue();
            status.add(new PoolStatus(entry.getKey(), s.target, Math.max(0, s.idle.size() - s.reserved),
                    s.busy + s.reserved, s.starting, capacity, s.served, s.busyNanos / 1e9, s.sessions));
        }
        return status;
    }

    /** Total sandboxes held now: busy, idle, starting and being destroyed; never more than the capacity. */
    public synchronized int size() {
        return held();
    }

    /**
     * Stops replenishing and destroys the idle sandboxes; busy ones are destroyed as their jobs end. Waiting for
     * them is the caller's part (the worker first stops taking jobs, then lets running ones finish).
     */
    @Override
    public void close() {
        List<Sandbox> idle = new ArrayList<>();
        synchronized (this) {
            closed = true;
            for (Slots slots : pools.values()) {
                slots.idle.forEach(w -> idle.add(w.sandbox));
                slots.idle.clear();
                slots.reserved = 0;
            }
            destroying += idle.size();
            notifyAll(); // a job waiting for room gives up
        }
        idle.forEach(this::destroy);
    }

    private record Warm(Sandbox sandbox, String tenant, int uses) {
    }

    /**
     * A claim on one idle sandbox of a VM type: a {@link SandboxRuntime} that runs one job of that type in it.
     * Closing an unused claim gives it back.
     */
    public final class Reservation implements SandboxRuntime, AutoCloseable {
        private final VmType type;
        private boolean used;

        private Reservation(VmType type) {
            this.type = type;
        }

        /**
         * Runs the job in the claimed sandbox or, when the job is of another type or the sandbox does not accept it,
         * in room the claim makes: an idle sandbox of the claimed type is retired for it when the capacity is full.
         */
        @Override
        public SandboxOutcome run(Job job, OutputListener output) {
            boolean claimed;
            synchronized (WarmPool.this) {
                claimed = !used;
                used = true;
            }
            return WarmPool.this.run(job, output, claimed ? type : null);
        }

        /**
         * Takes the claimed sandbox (or one started in the room the claim makes) out of the pool for good, to hold a
         * session: see {@link WarmPool#closeSession}. Closing the reservation afterwards does nothing.
         */
        public Sandbox takeForSession(String tenant, Limits limits) {
            boolean claimed;
            synchronized (WarmPool.this) {
                claimed = !used;
                used = true;
            }
            return WarmPool.this.takeForSession(type, tenant, limits, claimed ? type : null);
        }

        /** The VM type of the claimed sandbox. */
        public VmType type() {
            return type;
        }

        @Override
        public void close() {
            boolean released = false;
            synchronized (WarmPool.this) {
                if (!used) {
                    used = true;
                    Slots slots = pools.get(type);
                    if (slots.reserved > 0) {
                        slots.reserved--;
                        released = true;
                    }
                }
            }
            if (released) {
                synchronized (WarmPool.this) {
                    WarmPool.this.notifyAll();
                }
                announceIdle(type);
            }
        }
    }

    private static final class Slots {
        final PoolSpec spec;
        final Deque<Warm> idle = new ArrayDeque<>();
        int target;
        int busy;
        int starting;
        int reserved;
        /** Sandboxes taken out of this pool to hold sessions: they count against the capacity, not the target. */
        int sessions;
        long served;
        long busyNanos;

        Slots(PoolSpec spec, int target) {
            this.spec = spec;
            this.target = target;
        }

        int total() {
            return idle.size() + busy + starting;
        }

        /**
         * An idle sandbox for the tenant that takes these limits: one it used before, else a fresh one; never another
         * tenant's.
         */
        Warm take(String tenant, Limits limits, Instant now) {
            Warm fresh = null;
            for (Iterator<Warm> it = idle.iterator(); it.hasNext(); ) {
                Warm warm = it.next();
                Instant deadline = warm.sandbox.deadline();
                if (!warm.sandbox.alive()
                        || (!deadline.equals(Instant.MAX) && !now.isBefore(deadline.minus(DEADLINE_MARGIN)))) {
                    continue; // tick() retires it
                }
                if (!warm.sandbox.accepts(limits)) {
                    continue;
                }
                if (tenant.equals(warm.tenant)) {
                    it.remove();
                    return warm;
                }
                if (fresh == null && warm.tenant == null) {
                    fresh = warm;
                }
            }
            if (fresh != null) {
                idle.remove(fresh);
                return fresh;
            }
            return null;
        }

        /** Removes the idle sandbox of another tenant that was used least recently, or returns null. */
        Warm evictOtherTenant(String tenant) {
            for (Iterator<Warm> it = idle.descendingIterator(); it.hasNext(); ) {
                Warm warm = it.next();
                if (warm.tenant != null && !tenant.equals(warm.tenant)) {
                    it.remove();
                    return warm;
                }
            }
            return null;
        }
    }
}
