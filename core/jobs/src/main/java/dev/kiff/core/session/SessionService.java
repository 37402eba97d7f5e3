package dev.kiff.core.session;

import dev.kiff.core.job.FileNames;
import dev.kiff.core.job.JobValidator;
import dev.kiff.core.job.VmTypePolicy;
import dev.kiff.core.job.VmTypeCatalogue;
import dev.kiff.core.port.JobRepository;
import dev.kiff.core.submit.IdempotencyConflictException;
import dev.kiff.core.tenant.QuotaExceededException;
import dev.kiff.model.failure.TransientFailure;
import dev.kiff.model.job.InvalidJobException;
import dev.kiff.model.job.Job;
import dev.kiff.model.job.JobMessage;
import dev.kiff.model.job.Language;
import dev.kiff.model.job.Limits;
import dev.kiff.model.job.RetryPolicy;
import dev.kiff.model.job.Violation;
import dev.kiff.model.job.VmType;
import dev.kiff.model.json.JobCodec;
import dev.kiff.model.session.Session;
import dev.kiff.model.session.SessionEvent;
import dev.kiff.model.session.SessionOp;
import dev.kiff.model.session.SessionOpen;
import dev.kiff.model.session.SessionRef;
import dev.kiff.model.session.SessionRequest;
import dev.kiff.model.session.SessionRunRequest;
import dev.kiff.model.session.SessionState;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where sessions are created, run in and deleted, on behalf of one tenant. Everything a client sends is checked before
 * anything is stored or published (the jobs' rules: VM type, limits within the type's maximum, env names, file paths
 * through {@link FileNames}); every move is a conditional one in the {@link SessionStore}, announced on
 * {@code kiff.session-events} by whoever won it.
 *
 * <p>A run (or a file operation) is a job row of its own, QUEUED with the session's id, and a signed record on the run
 * topic of the one worker holding the session. The session goes BUSY in the same transaction, so a second run while
 * one is under way is refused ({@link SessionBusyException}), never queued behind it.
 */
public final class SessionService {

    private static final Logger log = LoggerFactory.getLogger(SessionService.class);

    /** A run of a session runs once: a re-run on another sandbox would not have the session's state. */
    private static final RetryPolicy ONE_ATTEMPT = new RetryPolicy(1, false);

    /** How long a client waits before trying a busy or creating session again. */
    private static final Duration BUSY_RETRY_AFTER = Duration.ofSeconds(1);

    private final VmTypeCatalogue catalogue;
    private final SessionStore store;
    private final JobRepository jobs;
    private final SessionCommandPublisher commands;
    private final SessionEventPublisher events;
    private final JobCodec codec;
    private final SessionSettings settings;
    private final Clock clock;

    public SessionService(VmTypeCatalogue catalogue, SessionStore store, JobRepository jobs,
            SessionCommandPublisher commands, SessionEventPublisher events, JobCodec codec, SessionSettings settings,
            Clock clock) {
        this.catalogue = catalogue;
        this.store = store;
        this.jobs = jobs;
        this.commands = commands;
        this.events = events;
        this.codec = codec;
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * Stores the session CREATING under the tenant's open-session quota and asks the workers to open it. The answer
     * comes before any worker did: the caller waits for READY on the session's events.
     *
     * @param idempotencyKey optional; the same key (per tenant) always names the same session
     * @throws InvalidJobException     what the request got wrong; nothing stored
     * @throws QuotaExceededException  the tenant holds its quota of open sessions; nothing stored
     * @throws TransientFailure        the broker did not take the open; the session ended EXPIRED
     */
    public SessionRecord create(SessionRequest request, String tenant, String idempotencyKey) {
        Instant now = clock.instant();
        List<Violation> violations = new ArrayList<>();
        Limits limits = null;
        if (request.vmType() == null) {
            violations.add(Violation.invalid("vmType", "is required, one of " + VmType.allowed()));
        } else {
            limits = catalogue.policy(request.vmType()).resolve(request.limits(), violations);
        }
        long idle = timeout("idleTimeoutMs", request.idleTimeoutMs(), settings.defaultIdleTimeout(),
                settings.maxIdleTimeout(), violations);
        long lifetime = timeout("maxLifetimeMs", request.maxLifetimeMs(), settings.defaultMaxLifetime(),
                settings.maxMaxLifetime(), violations);
        JobValidator.checkEnv(request.env(), violations);
        JobValidator.checkFiles(request.files(), violations);
        if (!violations.isEmpty()) {
            throw new InvalidJobException(violations);
        }
        UUID id = idempotencyKey == null
                ? UUID.randomUUID()
                : UUID.nameUUIDFromBytes(("session\n" + tenant + "\n" + idempotencyKey)
                        .getBytes(StandardCharsets.UTF_8));
        String requestHash = idempotencyKey == null ? null : sha256(codec.write(request));
        Map<String, String> env = request.env() == null ? Map.of() : request.env();
        Map<String, String> files = request.files() == null ? Map.of() : request.files();
        SessionRecord creating = SessionRecord.creating(id, tenant, request.vmType(), limits,
                env.keySet().stream().sorted().toList(), files.keySet().stream().sorted().toList(), idle, lifetime,
                now);
        switch (store.create(creating, requestHash, settings.defaultMaxOpenSessions())) {
            case QUOTA_EXCEEDED -> throw new QuotaExceededException("maxOpenSessions",
                    "tenant " + tenant + " holds its quota of open sessions; delete one or wait for one to end",
                    settings.quotaRetryAfter());
            case DUPLICATE -> {
                SessionRecord existing = store.find(id).filter(s -> s.tenant().equals(tenant))
                        .orElseThrow(() -> new SessionNotFoundException(id));
                if (requestHash == null || !requestHash.equals(store.requestHash(id).orElse(null))) {
                    throw new IdempotencyConflictException(id);
                }
                log.debug("Session(id={}) created again with its Idempotency-Key; answering the stored one", id);
                return existing;
            }
            case CREATED -> {
            }
        }
        announce(creating, null);
        try {
            commands.open(new SessionOpen(SessionOpen.VERSION, id, tenant, request.vmType(), limits, env, files, idle,
                    lifetime, now));
        } catch (TransientFailure e) {
            store.end(id, null, EnumSet.of(SessionState.CREATING), SessionState.EXPIRED,
                    "never opened: the broker did not take the open: " + e.getMessage(), clock.instant())
                    .ifPresent(ended -> announce(ended, null));
            throw e;
        }
        log.info("Session(id={}) of tenant {} asked of a {} worker", id, tenant, request.vmType());
        return creating;
    }

    /** The tenant's session with every move; another tenant's is not found. */
    public Session find(UUID id, String tenant) {
        SessionRecord session = own(id, tenant);
        return session.view(store.transitions(id));
    }

    /** The tenant's session as stored; another tenant's is not found. */
    public SessionRecord record(UUID id, String tenant) {
        return own(id, tenant);
    }

    /** The tenant's sessions, newest first; {@code createdBefore} is the cursor of the next page. */
    public List<SessionRecord> list(String tenant, boolean openOnly, Instant createdBefore, int limit) {
        return store.list(tenant, openOnly, createdBefore, limit);
    }

    /**
     * Runs code in the session: it goes BUSY with this run, and the run is sent to the worker holding it.
     *
     * @return the run as a QUEUED job; its result arrives as any job's
     * @throws SessionNotFoundException no such session of this tenant
     * @throws SessionBusyException     it is CREATING, or BUSY with another run
     * @throws SessionEndedException    it ended
     * @throws InvalidJobException      the run is wrong; nothing stored
     */
    public Job run(UUID id, String tenant, SessionRunRequest request) {
        SessionRecord session = runnable(id, tenant);
        List<Violation> violations = new ArrayList<>();
        VmTypePolicy policy = catalogue.policy(session.vmType());
        if (request.language() == null) {
            violations.add(Violation.invalid("language", "is required, one of " + policy.languages()));
        } else if (!policy.languages().contains(request.language())) {
            violations.add(Violation.invalid("language", request.language() + " is not available for vmType "
                    + session.vmType() + ", which offers " + policy.languages()));
        }
        if (request.code() == null || request.code().isBlank()) {
            violations.add(Violation.invalid("code", "is required and must not be blank"));
        } else {
            capBytes("code", request.code(), JobValidator.MAX_CODE_BYTES, violations);
        }
        if (request.stdin() != null) {
            capBytes("stdin", request.stdin(), JobValidator.MAX_STDIN_BYTES, violations);
        }
        long timeoutMs = session.limits().timeoutMs();
        if (request.timeoutMs() != null) {
            if (request.timeoutMs() < Limits.MINIMUM.timeoutMs() || request.timeoutMs() > timeoutMs) {
                violations.add(Violation.invalid("timeoutMs", "must be " + Limits.MINIMUM.timeoutMs() + " to "
                        + timeoutMs + " (the session's limit)"));
            } else {
                timeoutMs = request.timeoutMs();
            }
        }
        if (!violations.isEmpty()) {
            throw new InvalidJobException(violations);
        }
        Limits limits = session.limits();
        Job run = new Job(UUID.randomUUID(), tenant, session.vmType(), request.language(), request.code(),
                request.stdin() == null ? "" : request.stdin(), Map.of(), Map.of(),
                new Limits(timeoutMs, limits.memoryMb(), limits.cpus(), limits.pids(), limits.outputBytes()),
                clock.instant(), null, null, ONE_ATTEMPT);
        return start(session, run, SessionOp.RUN, null, null);
    }

    /**
     * Writes {@code content} to {@code path} under the session's {@code /workspace}, as a run of its own.
     *
     * @throws InvalidJobException the path breaks {@link FileNames}, or the file is over the size cap; nothing stored
     */
    public Job putFile(UUID id, String tenant, String path, byte[] content) {
        checkPath(path);
        if (content.length > settings.maxFileBytes()) {
            throw new InvalidJobException(List.of(Violation.tooLarge("content", "at most " + settings.maxFileBytes()
                    + " bytes")));
        }
        SessionRecord session = runnable(id, tenant);
        // The job row keeps the file's size and digest only: its bytes travel once, in the record to the worker.
        String description = "put " + path + " (" + content.length + " bytes, sha256 " + sha256(content) + ")";
        return start(session, fileOp(session, tenant, description), SessionOp.PUT, path,
                Base64.getEncoder().encodeToString(content));
    }

    /** Hands the file at {@code path} to a run of its own, whose artifact {@code path} it becomes. */
    public Job getFile(UUID id, String tenant, String path) {
        checkPath(path);
        SessionRecord session = runnable(id, tenant);
        return start(session, fileOp(session, tenant, "get " + path), SessionOp.GET, path, null);
    }

    /** Lists {@code /workspace} with sizes, answered as the run's JSON display item. */
    public Job listFiles(UUID id, String tenant) {
        SessionRecord session = runnable(id, tenant);
        return start(session, fileOp(session, tenant, "list"), SessionOp.LIST, null, null);
    }

    /**
     * Ends the tenant's session DELETED and tells its worker to close it. Deleting an ended session answers it as it
     * is.
     */
    public SessionRecord delete(UUID id, String tenant) {
        Optional<SessionRecord> deleted = store.end(id, tenant, SessionState.OPEN, SessionState.DELETED,
                "deleted by the tenant", clock.instant());
        if (deleted.isEmpty()) {
            return own(id, tenant);
        }
        SessionRecord session = deleted.get();
        announce(session, null);
        log.info("Session(id={}) deleted by tenant {}", id, tenant);
        if (session.runTopic() != null) {
            try {
                commands.send(session.runTopic(), closeMessage(session));
            } catch (TransientFailure e) {
                // The session is DELETED whatever happens here; the worker's keeper reconciles a close it missed.
                log.warn("Session(id={}) deleted but its close was not sent to {}: {}", id, session.runTopic(),
                        e.getMessage());
            }
        }
        return session;
    }

    private Job start(SessionRecord session, Job run, SessionOp op, String path, String content) {
        Instant now = clock.instant();
        SessionRecord after = store.startRun(session.id(), session.tenant(), run, op, null, now)
                .orElseThrow(() -> new SessionNotFoundException(session.id()));
        if (after.state() != SessionState.BUSY || !run.id().equals(after.currentRun())) {
            throw refusal(after);
        }
        announce(after, run.id());
        try {
            commands.send(after.runTopic(), run.toMessage().inSession(new SessionRef(session.id(), op, path,
                    content)));
        } catch (TransientFailure e) {
            Instant at = clock.instant();
            jobs.reject(run.id(), "not sent: " + e.getMessage(), at);
            if (store.runNotSent(session.id(), run.id(), at)) {
                store.find(session.id()).ifPresent(idle -> announce(idle, run.id()));
            }
            throw e;
        }
        log.info("Job(id={}) sent to session {} on {} ({})", run.id(), session.id(), after.workerId(), op);
        return run;
    }

    private Job fileOp(SessionRecord session, String tenant, String description) {
        Language language = catalogue.policy(session.vmType()).languages().get(0);
        return new Job(UUID.randomUUID(), tenant, session.vmType(), language, description, "", Map.of(), Map.of(),
                session.limits(), clock.instant(), null, null, ONE_ATTEMPT);
    }

    private static JobMessage closeMessage(SessionRecord session) {
        return new JobMessage(JobMessage.VERSION, null, session.tenant(),
                session.vmType(), null, null, null, null, null, null, null, null, null, null,
                SessionRef.close(session.id()));
    }

    /** The tenant's session, ready for a run now, or why not. */
    private SessionRecord runnable(UUID id, String tenant) {
        SessionRecord session = own(id, tenant);
        if (!SessionState.RUNNABLE.contains(session.state())) {
            throw refusal(session);
        }
        return session;
    }

    private SessionRecord own(UUID id, String tenant) {
        return store.find(id).filter(s -> s.tenant().equals(tenant))
                .orElseThrow(() -> new SessionNotFoundException(id));
    }

    private static RuntimeException refusal(SessionRecord session) {
        if (session.state().isTerminal()) {
            return new SessionEndedException(session.id(), session.state(), session.reason());
        }
        return new SessionBusyException(session.id(), session.state(), session.currentRun(), BUSY_RETRY_AFTER);
    }

    private static void checkPath(String path) {
        FileNames.violation("path", path).ifPresent(v -> {
            throw new InvalidJobException(List.of(v));
        });
    }

    private void announce(SessionRecord session, UUID runId) {
        try {
            events.publish(new SessionEvent(SessionEvent.VERSION, session.id(), session.tenant(), session.state(),
                    session.reason(), clock.instant(), session.workerId(), runId));
        } catch (RuntimeException e) {
            // The move is stored; watchers that missed the event read it from the store.
            log.warn("Session(id={}) moved to {} but its event was not published: {}", session.id(), session.state(),
                    e.toString());
        }
    }

    private static long timeout(String field, Long requested, Duration fallback, Duration max,
            List<Violation> violations) {
        if (requested == null) {
            return fallback.toMillis();
        }
        if (requested < 1 || requested > max.toMillis()) {
            violations.add(Violation.invalid(field, "must be 1 to " + max.toMillis()));
            return fallback.toMillis();
        }
        return requested;
    }

    private static void capBytes(String field, String value, int max, List<Violation> violations) {
        if (value.getBytes(StandardCharsets.UTF_8).length > max) {
            violations.add(Violation.tooLarge(field, "at most " + max + " bytes"));
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
