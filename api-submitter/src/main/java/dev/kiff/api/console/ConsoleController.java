package dev.kiff.api.console;

import dev.kiff.core.console.DeadLetterRequeuer;
import dev.kiff.core.console.NotADeadLetterException;
import dev.kiff.core.console.JobBrowser;
import dev.kiff.core.console.JobBrowser.JobQuery;
import dev.kiff.core.console.TenantBrowser;
import dev.kiff.core.session.SessionStore;
import dev.kiff.core.port.JobRecord;
import dev.kiff.core.port.JobRepository;
import dev.kiff.core.submit.JobNotFoundException;
import dev.kiff.core.submit.JobSubmitter;
import dev.kiff.core.tenant.QuotaExceededException;
import dev.kiff.model.failure.PermanentFailure;
import dev.kiff.api.events.JobEventStream;
import dev.kiff.model.job.JobRequest;
import dev.kiff.model.job.JobStatus;
import dev.kiff.model.job.VmType;
import dev.kiff.model.json.JobCodec;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The web console: server-rendered pages under {@code /console} over the same domain the REST API uses. Every page
 * asks for the viewer first ({@link ConsoleAuthentication}): without a valid key in the cookie it answers the login
 * page; a tenant sees only its own jobs (another tenant's job is "not found", as in the API), the admin every
 * tenant's. Every POST but the login checks the CSRF token.
 */
@Controller
@RequestMapping("/console")
public class ConsoleController {

    private static final Logger log = LoggerFactory.getLogger(ConsoleController.class);
    private static final int PAGE_SIZE = 25;
    private static final MediaType HTML = new MediaType("text", "html", java.nio.charset.StandardCharsets.UTF_8);

    private final ConsoleAuthentication authentication;
    private final JobBrowser browser;
    private final DeadLetterRequeuer requeue;
    private final JobRepository jobs;
    private final JobSubmitter submitter;
    private final JobEventStream events;
    private final JobCodec codec;
    private final SchedulerView scheduler;
    private final TenantBrowser tenants;
    private final SessionStore sessions;

    public ConsoleController(ConsoleAuthentication authentication, JobBrowser browser, DeadLetterRequeuer requeue,
            JobRepository jobs, JobSubmitter submitter, JobEventStream events, JobCodec codec,
            SchedulerView scheduler, TenantBrowser tenants, SessionStore sessions) {
        this.authentication = authentication;
        this.browser = browser;
        this.requeue = requeue;
        this.jobs = jobs;
        this.submitter = submitter;
        this.events = events;
        this.codec = codec;
        this.scheduler = scheduler;
        this.tenants = tenants;
        this.sessions = sessions;
    }

    @GetMapping({"", "/"})
    public ResponseEntity<String> home() {
        return redirect("/console/jobs");
    }

    /** The console's one script (live output), served here so the pages' policy can forbid inline scripts. */
    @GetMapping(path = "/console.js")
    public ResponseEntity<String> script() {
        return ResponseEntity.ok().contentType(new MediaType("text", "javascript", java.nio.charset.StandardCharsets.UTF_8))
                .body(ConsolePages.SCRIPT);
    }

    @GetMapping("/login")
    public ResponseEntity<String> loginForm() {
        return html(HttpStatus.OK, ConsolePages.login(null));
    }

    @PostMapping(path = "/login", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    public ResponseEntity<String> login(@RequestParam(name = "key", required = false) String key,
            HttpServletRequest request) {
        Optional<ConsoleViewer> viewer = authentication.viewerOf(key);
        if (viewer.isEmpty()) {
            log.warn("console login refused from {}: the key is not valid", request.getRemoteAddr());
            return html(HttpStatus.UNAUTHORIZED, ConsolePages.login("That key is not valid."));
        }
        return ResponseEntity.status(HttpStatus.SEE_OTHER).location(URI.create("/console/jobs"))
                .header(HttpHeaders.SET_COOKIE, ConsoleAuthentication.loginCookie(key, request.isSecure()).toString())
                .build();
    }

    @PostMapping("/logout")
    public ResponseEntity<String> logout(HttpServletRequest request,
            @RequestParam(name = ConsoleAuthentication.CSRF_FIELD, required = false) String csrf) {
        Optional<ConsoleViewer> viewer = authentication.viewer(request);
        if (viewer.isPresent() && !ConsoleAuthentication.csrfMatches(viewer.get(), csrf)) {
            return forbidden(request);
        }
        return ResponseEntity.status(HttpStatus.SEE_OTHER).location(URI.create("/console/login"))
                .header(HttpHeaders.SET_COOKIE, ConsoleAuthentication.logoutCookie(request.isSecure()).toString())
                .build();
    }

    @GetMapping("/jobs")
    public ResponseEntity<String> jobs(HttpServletRequest request,
            @RequestParam(name = "status", required = false) String status,
            @RequestParam(name = "vmType", required = false) String vmType,
            @RequestParam(name = "batch", required = false) String batch,
            @RequestParam(name = "page", required = false, defaultValue = "0") int page) {
        Optional<ConsoleViewer> viewer = authentication.viewer(request);
        if (viewer.isEmpty()) {
            return toLogin();
        }
        Map<String, String> filter = new LinkedHashMap<>();
        filter.put("status", blankToNull(status));
        filter.put("vmType", blankToNull(vmType));
        filter.put("batch", blankToNull(batch));
        JobQuery query;
        try {
            query = new JobQuery(viewer.get().scope(),
                    filter.get("status") == null ? null : JobStatus.valueOf(filter.get("status")),
                    filter.get("vmType") == null ? null : VmType.fromWire(filter.get("vmType")).wireName(),
                    filter.get("batch") == null ? null : UUID.fromString(filter.get("batch")), false,
                    Math.max(0, page), PAGE_SIZE);
        } catch (IllegalArgumentException e) {
            return html(HttpStatus.BAD_REQUEST, ConsolePages.message(viewer.get(), "Jobs", "Bad filter: "
                    + e.getMessage()));
        }
        return html(HttpStatus.OK, ConsolePages.jobs(viewer.get(), filter, browser.jobs(query), query.page(),
                PAGE_SIZE));
    }

    @GetMapping("/jobs/{id}")
    public ResponseEntity<String> job(HttpServletRequest request, @PathVariable("id") String id) {
        Optional<ConsoleViewer> viewer = authentication.viewer(request);
        if (viewer.isEmpty()) {
            return toLogin();
        }
        Optional<JobRecord> job = visibleJob(viewer.get(), id);
        if (job.isEmpty()) {
            return html(HttpStatus.NOT_FOUND, ConsolePages.message(viewer.get(), "Job", "No such job."));
        }
        return html(HttpStatus.OK, ConsolePages.job(viewer.get(), job.get()));
    }

    /** The job's live events for the page's script: the API's own stream, authenticated by the console's cookie. */
    @GetMapping(path = "/jobs/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public ResponseEntity<SseEmitter> jobEvents(HttpServletRequest request, @PathVariable("id") String id,
            @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId) {
        Optional<ConsoleViewer> viewer = authentication.viewer(request);
        if (viewer.isEmpty()) {
            return ResponseEntity.status(HttpStatus.UNAUTHORIZED).build();
        }
        Optional<JobRecord> job = visibleJob(viewer.get(), id);
        if (job.isEmpty()) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND).build();
        }
        return ResponseEntity.ok(events.open(job.get().job().id(), job.get().job().tenant(), lastEventId));
    }

    @GetMapping("/submit")
    public ResponseEntity<String> submitForm(HttpServletRequest request) {
        Optional<ConsoleViewer> viewer = authentication.viewer(request);
        if (viewer.isEmpty()) {
            return toLogin();
        }
        return html(HttpStatus.OK, ConsolePages.submit(viewer.get(), null));
    }

    @PostMapping(path = "/submit", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    public ResponseEntity<String> submit(HttpServletRequest request,
            @RequestParam(name = ConsoleAuthentication.CSRF_FIELD, required = false) String csrf,
            @RequestParam(name = "vmType", required = false) String vmType,
            @RequestParam(name = "language", required = false) String language,
            @RequestParam(name = "code", required = false) String code,
            @RequestParam(name = "timeoutMs", required = false) String timeoutMs) {
        Optional<ConsoleViewer> viewer = authentication.viewer(request);
        if (viewer.isEmpty()) {
            return toLogin();
        }
        if (!ConsoleAuthentication.csrfMatches(viewer.get(), csrf)) {
            return forbidden(request);
        }
        if (viewer.get().admin()) {
            return html(HttpStatus.BAD_REQUEST, ConsolePages.submit(viewer.get(),
                    "The admin key runs no jobs: log in with a tenant's key to submit."));
        }
        // The same wire form as POST /v1/jobs, so the same validation and quotas apply.
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("vmType", blankToNull(vmType));
        body.put("language", blankToNull(language));
        body.put("code", code == null ? "" : code.replace("\r\n", "\n"));
        if (blankToNull(timeoutMs) != null) {
            try {
                body.put("limits", Map.of("timeoutMs", Long.parseLong(timeoutMs.trim())));
            } catch (NumberFormatException e) {
                return html(HttpStatus.BAD_REQUEST, ConsolePages.submit(viewer.get(), "timeoutMs must be a number"));
            }
        }
        try {
            JobRequest job = codec.readRequest(codec.write(body));
            UUID id = submitter.submit(job, viewer.get().tenant(), null).job().id();
            return redirect("/console/jobs/" + id);
        } catch (PermanentFailure e) {
            // Invalid (the validator's violations): the form again with why. Server-side failures (the broker or
            // the database away) are not caught here: ProblemAdvice answers them (503, logged as errors).
            log.warn("console submission refused (400) for tenant {}: {}", viewer.get().scope(), e.getMessage());
            return html(HttpStatus.BAD_REQUEST, ConsolePages.submit(viewer.get(), e.getMessage()));
        } catch (QuotaExceededException e) {
            log.warn("console submission refused (429) for tenant {}: {}", viewer.get().scope(), e.getMessage());
            return html(HttpStatus.TOO_MANY_REQUESTS, ConsolePages.submit(viewer.get(), e.getMessage()
                    + "; nothing was stored, try again later"));
        }
    }

    @GetMapping("/batches")
    public ResponseEntity<String> batches(HttpServletRequest request) {
        Optional<ConsoleViewer> viewer = authentication.viewer(request);
        if (viewer.isEmpty()) {
            return toLogin();
        }
        return html(HttpStatus.OK, ConsolePages.batches(viewer.get(), browser.batches(viewer.get().scope(), 50)));
    }

    @GetMapping("/dead-letters")
    public ResponseEntity<String> deadLetters(HttpServletRequest request,
            @RequestParam(name = "page", required = false, defaultValue = "0") int page) {
        Optional<ConsoleViewer> viewer = authentication.viewer(request);
        if (viewer.isEmpty()) {
            return toLogin();
        }
        JobQuery query = new JobQuery(viewer.get().scope(), null, null, null, true, Math.max(0, page), PAGE_SIZE);
        return html(HttpStatus.OK, ConsolePages.deadLetters(viewer.get(), browser.jobs(query), query.page(),
                PAGE_SIZE));
    }

    @PostMapping("/dead-letters/{id}/requeue")
    public ResponseEntity<String> requeue(HttpServletRequest request, @PathVariable("id") String id,
            @RequestParam(name = ConsoleAuthentication.CSRF_FIELD, required = false) String csrf) {
        Optional<ConsoleViewer> viewer = authentication.viewer(request);
        if (viewer.isEmpty()) {
            return toLogin();
        }
        if (!ConsoleAuthentication.csrfMatches(viewer.get(), csrf)) {
            return forbidden(request);
        }
        UUID jobId;
        try {
            jobId = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return html(HttpStatus.NOT_FOUND, ConsolePages.message(viewer.get(), "Dead letters", "No such job."));
        }
        try {
            if (viewer.get().admin()) {
                requeue.requeueAnyTenants(jobId);
            } else {
                requeue.requeue(jobId, viewer.get().tenant());
            }
        } catch (NotADeadLetterException | JobNotFoundException e) {
            // Another tenant's job answers as one that is not a dead letter: nothing here says whether it exists.
            return html(HttpStatus.CONFLICT, ConsolePages.message(viewer.get(), "Dead letters",
                    "That job is not a dead letter (any more)."));
        } catch (QuotaExceededException e) {
            log.warn("console requeue refused (429) for tenant {}: {}", viewer.get().scope(), e.getMessage());
            return html(HttpStatus.TOO_MANY_REQUESTS, ConsolePages.message(viewer.get(), "Dead letters",
                    e.getMessage() + "; nothing was requeued, try again later"));
        }
        log.info("Job(id={}) requeued from the console by {}", jobId,
                viewer.get().admin() ? "the admin" : "tenant " + viewer.get().scope());
        return redirect("/console/jobs/" + jobId);
    }

    /** The tenant's sessions, newest first; the store lists sessions per tenant, so the admin is told so. */
    @GetMapping("/sessions")
    public ResponseEntity<String> sessions(HttpServletRequest request) {
        Optional<ConsoleViewer> viewer = authentication.viewer(request);
        if (viewer.isEmpty()) {
            return toLogin();
        }
        if (viewer.get().admin()) {
            return html(HttpStatus.OK, ConsolePages.message(viewer.get(), "Sessions",
                    "Sessions are listed per tenant: log in with a tenant's key to see its sessions."));
        }
        return html(HttpStatus.OK, ConsolePages.sessions(viewer.get(),
                sessions.list(viewer.get().scope(), false, null, 100)));
    }

    /** The warm pools per worker, the lag per VM type and the scheduler's decisions: the admin's only. */
    @GetMapping("/platform")
    public ResponseEntity<String> platform(HttpServletRequest request) {
        Optional<ConsoleViewer> viewer = authentication.viewer(request);
        if (viewer.isEmpty()) {
            return toLogin();
        }
        if (!viewer.get().admin()) {
            return html(HttpStatus.FORBIDDEN, ConsolePages.message(viewer.get(), "Platform",
                    "The platform's pools and scheduler are the admin's to see."));
        }
        Map<String, String> sections = new LinkedHashMap<>();
        sections.put("Warm pools per worker", fromScheduler("/v1/pools"));
        sections.put("Lag per VM type", fromScheduler("/v1/lag"));
        sections.put("Scheduler decisions", fromScheduler("/v1/scheduler/decisions?limit=20"));
        return html(HttpStatus.OK, ConsolePages.platform(viewer.get(), sections));
    }

    @GetMapping("/tenants")
    public ResponseEntity<String> tenants(HttpServletRequest request) {
        Optional<ConsoleViewer> viewer = authentication.viewer(request);
        if (viewer.isEmpty()) {
            return toLogin();
        }
        if (!viewer.get().admin()) {
            return html(HttpStatus.FORBIDDEN, ConsolePages.message(viewer.get(), "Tenants",
                    "The tenants are the admin's to see."));
        }
        return html(HttpStatus.OK, ConsolePages.tenants(viewer.get(), tenants.tenants(500)));
    }

    /** The scheduler's answer, {@code null} without a scheduler, or {@code "!"} and why it could not be read. */
    private String fromScheduler(String path) {
        try {
            return scheduler.read(path).orElse(null);
        } catch (java.io.UncheckedIOException e) {
            log.warn("console: the scheduler could not be read at {}: {}", path, e.getCause().getMessage());
            return "!The scheduler could not be read: " + e.getCause().getMessage();
        }
    }

    private Optional<JobRecord> visibleJob(ConsoleViewer viewer, String id) {
        UUID jobId;
        try {
            jobId = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return jobs.find(jobId).filter(job -> viewer.admin() || job.job().tenant().equals(viewer.scope()));
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    private ResponseEntity<String> forbidden(HttpServletRequest request) {
        log.warn("console request refused (403): {} {}: the CSRF token is missing or wrong", request.getMethod(),
                request.getRequestURI());
        return ResponseEntity.status(HttpStatus.FORBIDDEN).contentType(HTML)
                .body(ConsolePages.plain("Forbidden", "The form's token is missing or wrong: reload the page."));
    }

    private static ResponseEntity<String> toLogin() {
        return redirect("/console/login");
    }

    private static ResponseEntity<String> redirect(String to) {
        return ResponseEntity.status(HttpStatus.SEE_OTHER).location(URI.create(to)).build();
    }

    private static ResponseEntity<String> html(HttpStatus status, String body) {
        return ResponseEntity.status(status).contentType(HTML)
                .header("Content-Security-Policy", ConsolePages.CONTENT_SECURITY_POLICY)
                .header("X-Frame-Options", "DENY")
                .body(body);
    }
}
