package dev.kiff.model.session;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The life of a session. {@link #TRANSITIONS} is the one table of legal moves; every state change goes through the
 * named methods below, and the database repeats the same check as a conditional update
 * ({@code UPDATE sessions ... WHERE id = ? AND state IN (...)}), so one writer wins across API instances and workers.
 *
 * <pre>
 * CREATING ──ready──▶ READY ──busy──▶ BUSY ──idle──▶ IDLE ──busy──▶ BUSY ...
 *    every open state ──expire──▶ EXPIRED (idle timeout, lifetime, or never claimed within the create timeout)
 *    every open state ──delete──▶ DELETED (the tenant asked)
 *    every open state ──lose────▶ LOST    (its worker or kernel died: a session never silently restarts empty)
 * </pre>
 *
 * <p>READY and IDLE both take runs; IDLE has run at least once. EXPIRED, DELETED and LOST are terminal.
 */
public enum SessionState {
    CREATING,
    READY,
    BUSY,
    IDLE,
    EXPIRED,
    DELETED,
    LOST;

    private static final Map<SessionState, Set<SessionState>> TRANSITIONS = new EnumMap<>(SessionState.class);

    static {
        TRANSITIONS.put(CREATING, EnumSet.of(READY, EXPIRED, DELETED, LOST));
        TRANSITIONS.put(READY, EnumSet.of(BUSY, EXPIRED, DELETED, LOST));
        TRANSITIONS.put(BUSY, EnumSet.of(IDLE, EXPIRED, DELETED, LOST));
        TRANSITIONS.put(IDLE, EnumSet.of(BUSY, EXPIRED, DELETED, LOST));
        for (SessionState ended : EnumSet.of(EXPIRED, DELETED, LOST)) {
            TRANSITIONS.put(ended, EnumSet.noneOf(SessionState.class));
        }
    }

    /** States a session holds a sandbox in (or is about to): what counts against a tenant's quota. */
    public static final Set<SessionState> OPEN = EnumSet.of(CREATING, READY, BUSY, IDLE);

    /** States that take a run. */
    public static final Set<SessionState> RUNNABLE = EnumSet.of(READY, IDLE);

    /** The session has ended for good: nothing reopens it. */
    public boolean isTerminal() {
        return !OPEN.contains(this);
    }

    public boolean canMoveTo(SessionState to) {
        return TRANSITIONS.get(this).contains(to);
    }

    /** The states a move to {@code to} may start from: the {@code state IN (...)} of its conditional update. */
    public static Set<SessionState> origins(SessionState to) {
        Set<SessionState> from = EnumSet.noneOf(SessionState.class);
        TRANSITIONS.forEach((state, targets) -> {
            if (targets.contains(to)) {
                from.add(state);
            }
        });
        return from;
    }

    /** A worker opened the session's sandbox. */
    public SessionState ready() {
        return moveTo(READY);
    }

    /** The API accepted a run (or a file operation). */
    public SessionState busy() {
        return moveTo(BUSY);
    }

    /** The session's run ended and its sandbox is still alive. */
    public SessionState idle() {
        return moveTo(IDLE);
    }

    /** Idle timeout, maximum lifetime, or no worker claimed it within the create timeout. */
    public SessionState expire() {
        return moveTo(EXPIRED);
    }

    /** The tenant deleted it. */
    public SessionState delete() {
        return moveTo(DELETED);
    }

    /** Its worker or its kernel died, or the worker stopped renewing its lease. */
    public SessionState lose() {
        return moveTo(LOST);
    }

    private SessionState moveTo(SessionState to) {
        if (!canMoveTo(to)) {
            throw new IllegalTransitionException(this, to);
        }
        return to;
    }
}
