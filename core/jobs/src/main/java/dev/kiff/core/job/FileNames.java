package dev.kiff.core.job;

import dev.kiff.model.job.Violation;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one rule for a file's name inside a sandbox, for job files, session files and every session files path: a
 * relative path of letters, digits, {@code .}, {@code _}, {@code -} and {@code /}, no part starting with {@code .}
 * (so no {@code ..}, no hidden files), no leading {@code /}, at most 255 characters. It is checked before anything is
 * stored or published; the runner checks again inside the sandbox.
 */
public final class FileNames {

    public static final int MAX_LENGTH = 255;

    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");

    private FileNames() {
    }

    /** Why {@code name} is not an acceptable file name, as a violation of {@code field}; empty when it is. */
    public static Optional<Violation> violation(String field, String name) {
        if (name == null || name.length() > MAX_LENGTH || !FILE_NAME.matcher(name).matches() || name.startsWith(".")
                || name.contains("/.")) {
            return Optional.of(Violation.invalid(field,
                    "name must be a relative path of letters, digits, '.', '_', '-' and '/', "
                            + "with no part starting with '.', at most " + MAX_LENGTH + " characters"));
        }
        return Optional.empty();
    }
}
