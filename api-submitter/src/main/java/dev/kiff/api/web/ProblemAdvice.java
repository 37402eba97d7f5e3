package dev.kiff.api.web;

import dev.kiff.api.ApiProperties;
import dev.kiff.core.session.SessionBusyException;
import dev.kiff.core.session.SessionEndedException;
import dev.kiff.core.session.SessionNotFoundException;
import dev.kiff.model.session.SessionState;
import dev.kiff.api.auth.UnauthorizedException;
import dev.kiff.api.events.TooManyStreamsException;
import dev.kiff.core.batch.BatchNotFoundException;
import dev.kiff.core.console.NotADeadLetterException;
import dev.kiff.core.tenant.QuotaExceededException;
import dev.kiff.core.tenant.TenantExistsException;
import dev.kiff.core.tenant.TenantNotFoundException;
import dev.kiff.model.failure.PermanentFailure;
import dev.kiff.model.failure.TransientFailure;
import dev.kiff.model.job.InvalidJobException;
import dev.kiff.model.job.Violation;
import dev.kiff.core.submit.IdempotencyConflictException;
import dev.kiff.core.submit.JobAlreadyEndedException;
import dev.kiff.core.submit.JobNotFoundException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Maps failures to RFC 9457 problem+json by type: invalid input 400 (413 when over a size cap) with an
 * {@code errors} list naming each field, no or unknown API key 401, unknown job or batch (or another tenant's) 404,
 * tenant name taken 409, a requeue of a job that is not a dead letter (any more) 409, reused idempotency key 422, a session not found (another tenant's too) 404, busy or not
 * ready 409, ended 410, at its tenant's quota 429 ({@code session-quota}), a quota reached 429 with {@code quota} and
 * {@code Retry-After}, platform trouble 503 with {@code Retry-After}. Spring's own web errors (415, 405, unreadable bodies) come out as problems through the base
 * class.
 */
@RestControllerAdvice
public class ProblemAdvice extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemAdvice.class);

    /** The quota {@code SessionService} names when a tenant holds its open sessions: its own problem type. */
    private static final String SESSION_QUOTA = "maxOpenSessions";

    private final ApiProperties properties;

    public ProblemAdvice(ApiProperties properties) {
        this.properties = properties;
    }

    @ExceptionHandler(InvalidJobException.class)
    ResponseEntity<ProblemDetail> invalidJob(InvalidJobException e) {
        HttpStatus status = e.tooLarge() ? HttpStatus.CONTENT_TOO_LARGE : HttpStatus.BAD_REQUEST;
        log.warn("request refused ({}): {}", status.value(), e.getMessage());
        ProblemDetail problem = problem(status, e.tooLarge() ? "too-large" : "invalid-job",
                e.tooLarge() ? "Job too large" : "Invalid job", e.getMessage());
        List<Map<String, String>> errors = e.violations().stream()
                .map(v -> Map.of("field", v.field(), "message", v.message()))
                .toList();
        problem.setProperty("errors", errors);
        problem.setProperty("field", e.violations().stream().map(Violation::field).findFirst().orElse("$"));
        return ResponseEntity.status(status).body(problem);
    }

    @ExceptionHandler(JobNotFoundException.class)
    ResponseEntity<ProblemDetail> notFound(JobNotFoundException e) {
        log.warn("request refused (404): {}", e.getMessage());
        return ResponseEntity.status(HttpStatus.NOT_FOUND)
                .body(problem(HttpStatus.NOT_FOUND, "job-not-found", "Job not found", e.getMessage()));
    }

    @ExceptionHandler(BatchNotFoundException.class)
    ResponseEntity<ProblemDetail> batchNotFound(BatchNotFoundException e) {
        log.warn("request refused (404): {}", e.getMessage());
        return ResponseEntity.status(HttpStatus.NOT_FOUND)
                .body(problem(HttpStatus.NOT_FOUND, "batch-not-found", "Batch not found", e.getMessage()));
    }

    /** Another tenant's session is not found either: whether it exists is not the caller's business. */
    @ExceptionHandler(SessionNotFoundException.class)
    ResponseEntity<ProblemDetail> sessionNotFound(SessionNotFoundException e) {
        log.warn("request refused (404): {}", e.getMessage());
        return ResponseEntity.status(HttpStatus.NOT_FOUND)
                .body(problem(HttpStatus.NOT_FOUND, "session-not-found", "Session not found", e.getMessage()));
    }

    /** A session busy with a run, or not opened yet: 409, try again after {@code Retry-After}. */
    @ExceptionHandler(SessionBusyException.class)
    ResponseEntity<ProblemDetail> sessionBusy(SessionBusyException e) {
        log.warn("request refused (409): {}", e.getMessage());
        boolean creating = e.state() == SessionState.CREATING;
        ProblemDetail problem = problem(HttpStatus.CONFLICT, creating ? "session-not-ready" : "session-busy",
                creating ? "Session not ready" : "Session busy", e.getMessage());
        problem.setProperty("sessionState", e.state());
        if (e.currentRun() != null) {
            problem.setProperty("currentRun", e.currentRun());
        }
        return ResponseEntity.status(HttpStatus.CONFLICT)
                .header(HttpHeaders.RETRY_AFTER, String.valueOf(Math.max(1, e.retryAfter().toSeconds())))
                .body(problem);
    }

    /** A session that ended (EXPIRED, DELETED, LOST) is gone for good: 410 with its state and why. */
    @ExceptionHandler(SessionEndedException.class)
    ResponseEntity<ProblemDetail> sessionEnded(SessionEndedException e) {
        log.warn("request refused (410): {}", e.getMessage());
        ProblemDetail problem = problem(HttpStatus.GONE, "session-ended", "Session ended", e.getMessage());
        problem.setProperty("sessionState", e.state());
        if (e.reason() != null) {
            problem.setProperty("reason", e.reason());
        }
        return ResponseEntity.status(HttpStatus.GONE).body(problem);
    }

    @ExceptionHandler(UnauthorizedException.class)
    ResponseEntity<ProblemDetail> unauthorized(UnauthorizedException e) {
        log.warn("request refused (401): {}", e.getMessage());
        return ResponseEntity.status(HttpStatus.UNAUTHORIZED)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"kiff\"")
                .body(problem(HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized", e.getMessage()));
    }

    @ExceptionHandler(QuotaExceededException.class)
    ResponseEntity<ProblemDetail> quotaExceeded(QuotaExceededException e) {
        log.warn("request refused (429): {}", e.getMessage());
        long seconds = Math.max(1, (e.retryAfter().toMillis() + 999) / 1000);
        boolean sessions = SESSION_QUOTA.equals(e.quota());
        ProblemDetail problem = problem(HttpStatus.TOO_MANY_REQUESTS, sessions ? "session-quota" : "quota-exceeded",
                sessions ? "Session quota reached" : "Quota exceeded", e.getMessage() + "; nothing was stored");
        problem.setProperty("quota", e.quota());
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                .header(HttpHeaders.RETRY_AFTER, String.valueOf(seconds))
                .body(problem);
    }

    /** A tenant at its limit of open event streams: 429; this instance at its own: 503. Both may retry later. */
    @ExceptionHandler(TooManyStreamsException.class)
    ResponseEntity<ProblemDetail> tooManyStreams(TooManyStreamsException e) {
        boolean tenant = e.scope() == TooManyStreamsException.Scope.TENANT;
        HttpStatus status = tenant ? HttpStatus.TOO_MANY_REQUESTS : HttpStatus.SERVICE_UNAVAILABLE;
        log.warn("request refused ({}): {}", status.value(), e.getMessage());
        ProblemDetail problem = problem(status, "too-many-streams", "Too many event streams", e.getMessage());
        problem.setProperty("limit", e.limit());
        problem.setProperty("scope", tenant ? "tenant" : "instance");
        return ResponseEntity.status(status)
                .header(HttpHeaders.RETRY_AFTER, String.valueOf(Math.max(1, properties.retryAfter().toSeconds())))
                .body(problem);
    }

    /** A request body over its cap, found while it was read (a chunked body): 413, before anything was parsed. */
    @ExceptionHandler(BodyTooLargeException.class)
    ResponseEntity<ProblemDetail> bodyTooLarge(BodyTooLargeException e) {
        log.warn("request refused (413): {}", e.getMessage());
        ProblemDetail problem = problem(HttpStatus.CONTENT_TOO_LARGE, "too-large", "Request body too large",
                e.getMessage());
        problem.setProperty("limit", e.limit());
        return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).body(problem);
    }

    @ExceptionHandler(TenantExistsException.class)
    ResponseEntity<ProblemDetail> tenantExists(TenantExistsException e) {
        log.warn("request refused (409): {}", e.getMessage());
        ProblemDetail problem = problem(HttpStatus.CONFLICT, "tenant-exists", "Tenant exists", e.getMessage());
        problem.setProperty("field", "name");
        return ResponseEntity.status(HttpStatus.CONFLICT).body(problem);
    }

    @ExceptionHandler(TenantNotFoundException.class)
    ResponseEntity<ProblemDetail> tenantNotFound(TenantNotFoundException e) {
        log.warn("request refused (404): {}", e.getMessage());
        return ResponseEntity.status(HttpStatus.NOT_FOUND)
                .body(problem(HttpStatus.NOT_FOUND, "tenant-not-found", "Tenant not found", e.getMessage()));
    }

    @ExceptionHandler(JobAlreadyEndedException.class)
    ResponseEntity<ProblemDetail> alreadyEnded(JobAlreadyEndedException e) {
        log.warn("request refused (409): {}", e.getMessage());
        ProblemDetail problem = problem(HttpStatus.CONFLICT, "job-already-ended", "Job already ended", e.getMessage());
        problem.setProperty("jobStatus", e.status());
        return ResponseEntity.status(HttpStatus.CONFLICT).body(problem);
    }

    /** Only a dead letter is requeued: the job never was one, or another requeue got there first. */
    @ExceptionHandler(NotADeadLetterException.class)
    ResponseEntity<ProblemDetail> notADeadLetter(NotADeadLetterException e) {
        log.warn("request refused (409): {}", e.getMessage());
        ProblemDetail problem = problem(HttpStatus.CONFLICT, "not-a-dead-letter", "Not a dead letter",
                e.getMessage());
        problem.setProperty("jobStatus", e.status());
        return ResponseEntity.status(HttpStatus.CONFLICT).body(problem);
    }

    @ExceptionHandler(IdempotencyConflictException.class)
    ResponseEntity<ProblemDetail> idempotencyConflict(IdempotencyConflictException e) {
        log.warn("request refused (422): {}", e.getMessage());
        ProblemDetail problem = problem(HttpStatus.UNPROCESSABLE_CONTENT, "idempotency-conflict",
                "Idempotency-Key reused", e.getMessage());
        problem.setProperty("field", "Idempotency-Key");
        problem.setProperty("jobId", e.jobId());
        return ResponseEntity.status(HttpStatus.UNPROCESSABLE_CONTENT).body(problem);
    }

    @ExceptionHandler(PermanentFailure.class)
    ResponseEntity<ProblemDetail> permanent(PermanentFailure e) {
        log.warn("request refused (400): {}", e.getMessage());
        return ResponseEntity.badRequest()
                .body(problem(HttpStatus.BAD_REQUEST, "bad-request", "Bad request", e.getMessage()));
    }

    @ExceptionHandler(TransientFailure.class)
    ResponseEntity<ProblemDetail> transientFailure(TransientFailure e) {
        log.error("request failed (503): {}", e.getMessage(), e);
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, String.valueOf(Math.max(1, properties.retryAfter().toSeconds())))
                .body(problem(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", "Service unavailable",
                        e.getMessage() + "; the job was not queued, try again"));
    }

    /**
     * The database is away (stopped, restarting, out of connections): like any platform trouble, 503 with
     * {@code Retry-After}, so that a client tries again (a submission with the same Idempotency-Key runs once),
     * not a 500 that says the request itself broke something.
     */
    @ExceptionHandler({DataAccessResourceFailureException.class, TransientDataAccessException.class})
    ResponseEntity<ProblemDetail> databaseUnavailable(DataAccessException e) {
        log.error("request failed (503), the database is unavailable: {}", e.getMessage(), e);
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, String.valueOf(Math.max(1, properties.retryAfter().toSeconds())))
                .body(problem(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", "Service unavailable",
                        "the database is unavailable; try again"));
    }

    /**
     * Anything no other handler names is a fault of the platform: logged with its trace, so that a 500 is never
     * silent, and answered as a problem like every other error.
     */
    @ExceptionHandler(RuntimeException.class)
    ResponseEntity<ProblemDetail> unexpected(RuntimeException e) {
        log.error("request failed (500): {}", e.toString(), e);
        return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR)
                .body(problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal", "Internal error",
                        "the request failed inside Kiff; it is logged"));
    }

    private static ProblemDetail problem(HttpStatus status, String type, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create("urn:kiff:problem:" + type));
        problem.setTitle(title);
        return problem;
    }
}
