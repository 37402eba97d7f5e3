package dev.kiff.model.job;

/**
 * One thing wrong with a submitted job, named by its JSON path ({@code limits.memoryMb}, {@code files["a.py"]}).
 *
 * @param tooLarge the field is over a size cap (HTTP 413) rather than invalid (HTTP 400)
 */
public record Violation(String field, String message, boolean tooLarge) {

    public static Violation invalid(String field, String message) {
        return new Violation(field, message, false);
    }

    public static Violation tooLarge(String field, String message) {
        return new Violation(field, message, true);
    }

    /** The JSON path of {@code key} inside {@code parent}: {@code limits.memoryMb}, {@code files["data/a.csv"]}. */
    public static String path(String parent, String key) {
        boolean plain = key.matches("[A-Za-z_][A-Za-z0-9_]*");
        String child = plain ? key : "[\"" + key.replace("\"", "\\\"") + "\"]";
        if (parent == null || parent.isEmpty()) {
            return child;
        }
        return plain ? parent + "." + child : parent + child;
    }

    @Override
    public String toString() {
        return field + ": " + message;
    }
}
