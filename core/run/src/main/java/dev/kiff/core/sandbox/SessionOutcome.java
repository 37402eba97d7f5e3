package dev.kiff.core.sandbox;

import java.util.List;

/**
 * What one session command came to: the run's outcome as for a job (exit, output, limits, usage), and what only a
 * session has.
 *
 * @param interrupted an interrupt (or the time limit's) reached the run; the kernel and its state live on
 * @param alive       the kernel is still there to take the next command; false ends the session (its state is gone)
 * @param reason      why the kernel is gone, when it is
 * @param display     the run's rich outputs
 * @param data        a {@code get}'s file content, else null
 * @param files       a {@code list}'s files, else empty
 */
public record SessionOutcome(SandboxOutcome outcome, boolean interrupted, boolean alive, String reason,
        List<SandboxDisplay> display, byte[] data, List<SessionFile> files) {

    public SessionOutcome {
        display = display == null ? List.of() : List.copyOf(display);
        files = files == null ? List.of() : List.copyOf(files);
    }
}
