package dev.kiff.model.session;

/**
 * A session was asked to move between two states that {@link SessionState}'s table does not connect. A bug in the
 * caller, not a failure of the session, hence an {@link IllegalStateException}. (A conditional update that finds the
 * session in another state is not this: losing such a race is normal and reported as "not moved".)
 */
public class IllegalTransitionException extends IllegalStateException {

    private final SessionState from;
    private final SessionState to;

    public IllegalTransitionException(SessionState from, SessionState to) {
        super("illegal session state transition from " + from + " to " + to);
        this.from = from;
        this.to = to;
    }

    public SessionState from() {
        return from;
    }

    public SessionState to() {
        return to;
    }
}
