package dev.kiff.client;

import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Kiff refused a request (an RFC 9457 problem, fields below) or could not be reached ({@link #status()} 0). The
 * subclasses name the answers a caller typically handles apart; anything else (a 409 other than a busy session, 422,
 * 503 …) is this class.
 */
public class KiffException extends RuntimeException {

    /** One field a validation error names, e.g. {@code jobs[3].code}. */
    public record FieldError(String field, String message) {
    }

    /**
     * A problem+json answer.
     *
     * @param status     the HTTP status; 0 when the failure happened on this side
     * @param type       e.g. {@code urn:kiff:problem:invalid-job}
     * @param field      the first field in error, for validation errors
     * @param retryAfter the {@code Retry-After} hint, or null
     * @param properties other scalar members, such as {@code quota} or {@code jobStatus}
     */
    public record Problem(int status, String type, String title, String detail, String field,
            List<FieldError> errors, Duration retryAfter, Map<String, String> properties) {

        public Problem {
            errors = errors == null ? List.of() : List.copyOf(errors);
            properties = properties == null ? Map.of() : Map.copyOf(properties);
        }
    }

    /** The 409s a session answers: one run at a time, and none before it opened. */
    private static final Set<String> SESSION_BUSY = Set.of("urn:kiff:problem:session-busy",
            "urn:kiff:problem:session-not-ready");

    private final Problem problem;

    public KiffException(Problem problem) {
        super(problem.status() + " " + problem.title() + (problem.detail() == null ? "" : ": " + problem.detail()));
        this.problem = problem;
    }

    /** A failure on this side: the server was unreachable, answered nonsense, or was too slow. */
    public KiffException(String message, Throwable cause) {
        super(message, cause);
        this.problem = new Problem(0, null, message, null, null, List.of(), null, Map.of());
    }

    public Problem problem() {
        return problem;
    }

    public int status() {
        return problem.status();
    }

    public String type() {
        return problem.type();
    }

    public String title() {
        return problem.title();
    }

    public String detail() {
        return problem.detail();
    }

    public String field() {
        return problem.field();
    }

    public List<FieldError> errors() {
        return problem.errors();
    }

    /** How long the server asks to wait before trying again, or null. */
    public Duration retryAfter() {
        return problem.retryAfter();
    }

    /** Another member of the problem, e.g. {@code jobStatus} of a 409; null when absent. */
    public String property(String name) {
        return problem.properties().get(name);
    }

    /** The exception for an error answer; a body that is not a problem (a proxy's HTML page) still gives one. */
    static KiffException of(int status, HttpHeaders headers, byte[] body) {
        Duration retryAfter = headers.firstValue("Retry-After").map(KiffException::retryAfter).orElse(null);
        JsonNode node = null;
        try {
            node = Json.tree(body);
        } catch (JacksonException e) {
            // not JSON: described below by its first characters
        }
        Problem problem;
        if (node == null || !node.isObject()) {
            String text = new String(body, StandardCharsets.UTF_8).strip();
            problem = new Problem(status, "about:blank", "HTTP " + status,
                    text.isEmpty() ? null : text.substring(0, Math.min(200, text.length())), null, List.of(),
                    retryAfter, Map.of());
        } else {
            List<FieldError> errors = new ArrayList<>();
            for (JsonNode error : node.path("errors")) {
                errors.add(new FieldError(Json.text(error, "field"), Json.text(error, "message")));
            }
            Map<String, String> properties = new LinkedHashMap<>();
            node.properties().forEach(member -> {
                if (member.getValue().isValueNode() && !member.getValue().isNull()) {
                    properties.put(member.getKey(), member.getValue().asString());
                }
            });
            String title = Json.text(node, "title");
            problem = new Problem(status, Json.text(node, "type"), title == null ? "HTTP " + status : title,
                    Json.text(node, "detail"), Json.text(node, "field"), errors, retryAfter, properties);
        }
        return switch (status) {
            case 400, 413 -> new KiffInvalidRequestException(problem);
            case 401 -> new KiffUnauthorizedException(problem);
            case 404 -> new KiffNotFoundException(problem);
            case 409 -> SESSION_BUSY.contains(String.valueOf(problem.type())) ? new KiffSessionBusyException(problem)
                    : new KiffException(problem);
            case 410 -> new KiffSessionEndedException(problem);
            case 429 -> new KiffQuotaException(problem);
            default -> new KiffException(problem);
        };
    }

    /** {@code Retry-After} is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
    private static Duration retryAfter(String value) {
        String text = value.strip();
        if (text.matches("\\d{1,9}")) {
            return Duration.ofSeconds(Long.parseLong(text));
        }
        try {
            Instant at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration left = Duration.between(Instant.now(), at);
            return left.isNegative() ? Duration.ZERO : left;
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
