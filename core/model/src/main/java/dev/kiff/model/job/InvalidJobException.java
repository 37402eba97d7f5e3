package dev.kiff.model.job;

import dev.kiff.model.failure.PermanentFailure;
import java.util.List;
import java.util.stream.Collectors;

/** A submitted job cannot be accepted; {@link #violations()} says which fields and why. */
public class InvalidJobException extends PermanentFailure {

    private final List<Violation> violations;

    public InvalidJobException(List<Violation> violations) {
        super(violations.stream().map(Violation::toString).collect(Collectors.joining("; ")));
        this.violations = List.copyOf(violations);
    }

    public static InvalidJobException of(String field, String message) {
        return new InvalidJobException(List.of(Violation.invalid(field, message)));
    }

    public List<Violation> violations() {
        return violations;
    }

    /** True when every violation is a size cap, so the whole request is "too large" rather than "bad". */
    public boolean tooLarge() {
        return violations.stream().allMatch(Violation::tooLarge);
    }
}
