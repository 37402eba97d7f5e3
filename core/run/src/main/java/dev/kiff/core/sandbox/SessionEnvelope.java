package dev.kiff.core.sandbox;

import java.util.Map;

/**
 * The line that opens a session (runner protocol {@code v} 1, told from a job envelope by its {@code session}
 * member): the runner makes its job slot a resident kernel instead of running one job, answers with one {@code X}
 * frame ({@code {"exit": 0, "session": "ready", "alive": true}}), and from then on takes {@link RunnerCommand}s.
 */
public record SessionEnvelope(int v, Session session, Map<String, String> env, Map<String, String> files,
        Long floodBytes) {

    /**
     * @param deadline         seconds since the epoch: the sandbox ends itself once idle past it
     * @param interruptGraceMs how long an exec past its time limit has to obey its interrupt
     */
    public record Session(String id, Long deadline, Long interruptGraceMs) {
    }

    public static SessionEnvelope of(SessionSpec spec, long floodBytes) {
        Long deadline = spec.deadline() == null ? null : spec.deadline().getEpochSecond();
        return new SessionEnvelope(1, new Session(spec.id(), deadline, spec.interruptGrace().toMillis()), spec.env(),
                spec.files(), floodBytes);
    }
}
