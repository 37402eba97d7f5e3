package dev.kiff.model.session;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * What a command on a worker's session run topic asks of the session's kernel. Every one but {@link #CLOSE} is a job
 * row of its own ({@code jobs.session_op}: null for {@link #RUN}), so files are serialized with code runs.
 */
public enum SessionOp {
    /** Run code in the resident interpreter. */
    RUN("run"),
    /** Write a file into {@code /workspace}. */
    PUT("put"),
    /** Hand a file of {@code /workspace} to the run's gateway session as an artifact. */
    GET("get"),
    /** List {@code /workspace} with sizes, answered as a JSON display item. */
    LIST("list"),
    /** End the session: interrupt, kill, give the sandbox's room back. Not a job. */
    CLOSE("close");

    private final String wireName;

    SessionOp(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** The value of {@code jobs.session_op}: null for a code run. */
    public String column() {
        return this == RUN ? null : name();
    }

    @JsonCreator
    public static SessionOp fromWire(String name) {
        for (SessionOp op : values()) {
            if (op.wireName.equals(name)) {
                return op;
            }
        }
        throw new IllegalArgumentException("unknown session op '" + name + "', expected one of "
                + Arrays.stream(values()).map(SessionOp::wireName).collect(Collectors.joining(", ")));
    }

    /** The op a {@code jobs.session_op} value stands for; null is a code run. */
    public static SessionOp ofColumn(String column) {
        return column == null ? RUN : valueOf(column);
    }

    @Override
    public String toString() {
        return wireName;
    }
}
