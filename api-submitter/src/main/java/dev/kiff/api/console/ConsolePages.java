package dev.kiff.api.console;

import dev.kiff.core.console.JobBrowser.BatchProgress;
import dev.kiff.core.console.JobBrowser.JobSummary;
import dev.kiff.core.console.TenantBrowser.TenantUsage;
import dev.kiff.core.port.JobRecord;
import dev.kiff.core.session.SessionRecord;
import dev.kiff.model.job.ArtifactInfo;
import dev.kiff.model.job.Attempt;
import dev.kiff.model.job.Job;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import dev.kiff.model.job.Language;
import dev.kiff.model.job.VmType;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The console's HTML, written by hand: a few pages need no template engine. Every value from a job or a tenant goes
 * through {@link #esc} (job code, output and messages are the untrusted code's own text); the one script is served
 * from {@code /console/console.js}, and the Content-Security-Policy allows no other, so markup that slipped through
 * could still run nothing.
 */
final class ConsolePages {

    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'unsafe-inline';"
            + " img-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

    private static final String STYLE = """
            body{font-family:system-ui,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
            header{background:#1d2330;color:#fff;padding:.6em 1.2em;display:flex;gap:1.4em;align-items:center}
            header a{color:#cfe0ff;text-decoration:none} header b{color:#fff;margin-right:1em}
            header form{margin-left:auto} main{padding:1em 1.4em}
            table{border-collapse:collapse;background:#fff;width:100%} th,td{border-bottom:1px solid #e2e5ea;
            padding:.35em .6em;text-align:left;font-size:.92em} th{background:#eef1f5}
            pre{background:#10141c;color:#d7e0ee;padding:.8em;overflow:auto;max-height:28em;white-space:pre-wrap}
            .status{font-weight:600} .SUCCEEDED{color:#18794e} .FAILED,.ERROR,.TIMED_OUT,.OOM_KILLED{color:#b42318}
            .RUNNING{color:#1d4ed8} .QUEUED{color:#6b7280} .error{color:#b42318} dl{display:grid;
            grid-template-columns:max-content auto;gap:.2em 1em} dt{font-weight:600} .bar{background:#e2e5ea;width:12em;
            height:.8em;display:inline-block} .bar span{background:#18794e;height:100%;display:block}
            form.inline{display:inline} table.kv{width:auto} table.kv table{width:auto} textarea{width:100%;font-family:monospace}
            """;

    private ConsolePages() {
    }

    static String login(String error) {
        return page(null, "Log in", """
                <h1>Kiff console</h1>
                <p>Log in with your API key (a tenant's key, or the admin key).</p>
                %s
                <form method="post" action="/console/login">
                  <label>API key <input type="password" name="key" id="key" autocomplete="off" size="50"></label>
                  <button type="submit" id="login">Log in</button>
                </form>""".formatted(error == null ? "" : "<p class=\"error\" id=\"error\">" + esc(error) + "</p>"));
    }

    static String plain(String title, String text) {
        return page(null, title, "<h1>" + esc(title) + "</h1><p>" + esc(text) + "</p>");
    }

    static String message(ConsoleViewer viewer, String title, String text) {
        return page(viewer, title, "<h1>" + esc(title) + "</h1><p class=\"error\" id=\"message\">" + esc(text)
                + "</p>");
    }

    static String jobs(ConsoleViewer viewer, Map<String, String> filter, List<JobSummary> rows, int page,
            int pageSize) {
        StringBuilder body = new StringBuilder("<h1>Jobs</h1>");
        body.append("<form method=\"get\" action=\"/console/jobs\" id=\"filter\">");
        body.append(select("status", "Status", enumNames(JobStatus.values()), filter.get("status")));
        body.append(select("vmType", "VM type", vmTypes(), filter.get("vmType")));
        body.append(" <label>Batch <input name=\"batch\" id=\"batch\" size=\"38\" value=\"")
                .append(esc(filter.get("batch"))).append("\"></label>");
        body.append(" <button type=\"submit\" id=\"apply\">Filter</button></form>");
        body.append(jobTable(viewer, rows, null));
        body.append(pager("/console/jobs", filter, page, rows.size() == pageSize));
        return page(viewer, "Jobs", body.toString());
    }

    static String deadLetters(ConsoleViewer viewer, List<JobSummary> rows, int page, int pageSize) {
        StringBuilder body = new StringBuilder("<h1>Dead letters</h1><p>Jobs that ran out of attempts on platform"
                + " failures. Requeue gives one its attempts again.</p>");
        body.append(jobTable(viewer, rows, viewer.csrfToken()));
        body.append(pager("/console/dead-letters", Map.of(), page, rows.size() == pageSize));
        return page(viewer, "Dead letters", body.toString());
    }

    static String batches(ConsoleViewer viewer, List<BatchProgress> rows) {
        StringBuilder body = new StringBuilder("<h1>Batches</h1><table id=\"batches\"><tr><th>Batch</th>");
        if (viewer.admin()) {
            body.append("<th>Tenant</th>");
        }
        body.append("<th>Submitted</th><th>Progress</th><th>Finished</th><th>Succeeded</th></tr>");
        for (BatchProgress batch : rows) {
            int percent = batch.total() == 0 ? 0 : batch.finished() * 100 / batch.total();
            body.append("<tr><td><a href=\"/console/jobs?batch=").append(batch.id()).append("\">").append(batch.id())
                    .append("</a></td>");
            if (viewer.admin()) {
                body.append("<td>").append(esc(batch.tenant())).append("</td>");
            }
            body.append("<td>").append(time(batch.submittedAt())).append("</td><td><span class=\"bar\"><span style=\"width:")
                    .append(percent).append("%\"></span></span> ").append(percent).append("%</td><td>")
                    .append(batch.finished()).append(" / ").append(batch.total()).append("</td><td>")
                    .append(batch.succeeded()).append("</td></tr>");
        }
        body.append("</table>");
        if (rows.isEmpty()) {
            body.append("<p>No batches yet.</p>");
        }
        return page(viewer, "Batches", body.toString());
    }

    static String submit(ConsoleViewer viewer, String error) {
        StringBuilder body = new StringBuilder("<h1>Submit a job</h1>");
        if (error != null) {
            body.append("<p class=\"error\" id=\"error\">").append(esc(error)).append("</p>");
        }
        body.append("<form method=\"post\" action=\"/console/submit\" id=\"submit-form\">")
                .append(csrf(viewer))
                .append(select("vmType", "VM type", vmTypes(), VmType.CODE_EXEC.wireName()))
                .append(select("language", "Language", languages(), Language.PYTHON.wireName()))
                .append(" <label>Timeout (ms) <input name=\"timeoutMs\" id=\"timeoutMs\" size=\"8\"></label>")
                .append("<p><textarea name=\"code\" id=\"code\" rows=\"14\">print(\"hello from kiff\")</textarea></p>")
                .append("<button type=\"submit\" id=\"run\">Submit</button></form>");
        return page(viewer, "Submit", body.toString());
    }

    static String job(ConsoleViewer viewer, JobRecord record) {
        Job job = record.job();
        JobResult state = record.state();
        StringBuilder body = new StringBuilder("<h1>Job ").append(job.id()).append("</h1><dl>");
        definition(body, "Status", "<span class=\"status " + state.status() + "\" id=\"status\">" + state.status()
                + "</span>" + (state.deadLettered() ? " (dead-lettered)" : ""));
        definition(body, "Tenant", esc(job.tenant()));
        definition(body, "VM type", esc(job.vmType().wireName()));
        definition(body, "Language", esc(job.language() == null ? "" : job.language().wireName()));
        if (job.batchId() != null) {
            definition(body, "Batch", "<a href=\"/console/jobs?batch=" + job.batchId() + "\">" + job.batchId()
                    + "</a>");
        }
        definition(body, "Limits", esc("timeout " + job.limits().timeoutMs() + " ms, memory "
                + job.limits().memoryMb() + " MB, cpus " + job.limits().cpus() + ", pids " + job.limits().pids()
                + ", output " + job.limits().outputBytes() + " bytes"));
        definition(body, "Attempts", String.valueOf(state.attempts()));
        definition(body, "Queued", time(state.timings().queuedAt()) + " UTC");
        definition(body, "Started", time(state.timings().startedAt()));
        definition(body, "Finished", time(state.timings().finishedAt()));
        definition(body, "Queue wait", state.timings().queueWaitMs() == null ? "" : state.timings().queueWaitMs()
                + " ms");
        definition(body, "Run time", state.timings().runTimeMs() == null ? "" : state.timings().runTimeMs() + " ms");
        definition(body, "Exit code", state.exitCode() == null ? "" : String.valueOf(state.exitCode()));
        definition(body, "Message", esc(state.message()));
        body.append("</dl><h2>Code</h2><pre id=\"code\">").append(esc(job.code())).append("</pre>");
        if (!state.attemptHistory().isEmpty()) {
            body.append("<h2>Attempts</h2><table><tr><th>#</th><th>Worker</th><th>Started</th><th>Finished</th>"
                    + "<th>Status</th><th>Reason</th></tr>");
            for (Attempt attempt : state.attemptHistory()) {
                body.append("<tr><td>").append(attempt.attempt()).append("</td><td>").append(esc(attempt.workerId()))
                        .append("</td><td>").append(time(attempt.startedAt())).append("</td><td>")
                        .append(time(attempt.finishedAt())).append("</td><td>").append(attempt.status())
                        .append("</td><td>").append(esc(attempt.reason())).append("</td></tr>");
            }
            body.append("</table>");
        }
        if (state.artifacts() != null && !state.artifacts().isEmpty()) {
            body.append("<h2>Artifacts</h2><ul>");
            for (ArtifactInfo artifact : state.artifacts()) {
                body.append("<li>").append(esc(artifact.name())).append(" (").append(artifact.sizeBytes())
                        .append(" bytes)</li>");
            }
            body.append("</ul><p>Download them with <code>GET /v1/jobs/").append(job.id())
                    .append("/artifacts/NAME</code>.</p>");
        }
        // The output as stored, then live while the job has not ended: the script replaces it with the stream
        // from the start (the stream replays what was sent before it opened). An ended job's page opens no
        // stream: its replayed events would show the job RUNNING again until the result came.
        body.append("<h2>Output</h2><pre id=\"output\"");
        if (!state.status().isTerminal()) {
            body.append(" data-events=\"/console/jobs/").append(job.id()).append("/events\"");
        }
        body.append(">").append(esc(nullToEmpty(state.stdout()))).append(esc(nullToEmpty(state.stderr())))
                .append("</pre><p id=\"live\"></p>");
        body.append("<script src=\"/console/console.js\"></script>");
        return page(viewer, "Job " + job.id(), body.toString());
    }

    static String sessions(ConsoleViewer viewer, List<SessionRecord> rows) {
        StringBuilder body = new StringBuilder("<h1>Sessions</h1><table id=\"sessions\"><tr><th>Session</th>"
                + "<th>VM type</th><th>State</th><th>Runs</th><th>Worker</th><th>Created</th><th>Last active</th>"
                + "<th>Ended</th><th>Reason</th></tr>");
        for (SessionRecord session : rows) {
            body.append("<tr class=\"session\" data-id=\"").append(session.id()).append("\"><td>")
                    .append(session.id()).append("</td><td>").append(esc(session.vmType().wireName()))
                    .append("</td><td class=\"status\">").append(session.state()).append("</td><td>")
                    .append(session.runs()).append("</td><td>").append(esc(session.workerId())).append("</td><td>")
                    .append(time(session.createdAt())).append("</td><td>").append(time(session.lastActiveAt()))
                    .append("</td><td>").append(time(session.endedAt())).append("</td><td>")
                    .append(esc(abbreviate(session.reason()))).append("</td></tr>");
        }
        body.append("</table>");
        if (rows.isEmpty()) {
            body.append("<p id=\"empty\">No sessions yet.</p>");
        }
        return page(viewer, "Sessions", body.toString());
    }

    static String tenants(ConsoleViewer viewer, List<TenantUsage> rows) {
        StringBuilder body = new StringBuilder("<h1>Tenants</h1><table id=\"tenants\"><tr><th>Tenant</th>"
                + "<th>Created</th><th>Unfinished jobs</th><th>Max concurrent jobs</th><th>Submissions/s</th>"
                + "<th>Max batch size</th><th>Max open sessions</th></tr>");
        for (TenantUsage tenant : rows) {
            body.append("<tr class=\"tenant\" data-id=\"").append(esc(tenant.id())).append("\"><td>")
                    .append(esc(tenant.id())).append("</td><td>").append(time(tenant.createdAt())).append("</td><td>")
                    .append(tenant.unfinishedJobs()).append("</td><td>").append(tenant.quotas().maxConcurrentJobs())
                    .append("</td><td>").append(tenant.quotas().submissionsPerSecond()).append("</td><td>")
                    .append(tenant.quotas().maxBatchSize()).append("</td><td>")
                    .append(tenant.quotas().maxOpenSessions()).append("</td></tr>");
        }
        body.append("</table><p>Create tenants and change quotas with <code>POST /v1/admin/tenants</code> and"
                + " <code>PATCH /v1/admin/tenants/{id}</code> (or <code>./kiff tenant create</code>).</p>");
        return page(viewer, "Tenants", body.toString());
    }

    /**
     * The scheduler's answers, one section each ({@code null} value: none configured; a value starting with
     * {@code "!"}: why it could not be read), rendered from their JSON as nested tables.
     */
    static String platform(ConsoleViewer viewer, Map<String, String> sections) {
        StringBuilder body = new StringBuilder("<h1>Platform</h1>");
        for (Map.Entry<String, String> section : sections.entrySet()) {
            String id = section.getKey().toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z]+", "-");
            body.append("<h2>").append(esc(section.getKey())).append("</h2><div id=\"").append(id).append("\">");
            String value = section.getValue();
            if (value == null) {
                body.append("<p>No scheduler is configured: set <code>KIFF_CONSOLE_SCHEDULER_URL</code>.</p>");
            } else if (value.startsWith("!")) {
                body.append("<p class=\"error\">").append(esc(value.substring(1))).append("</p>");
            } else {
                try {
                    JsonTables.render(JSON.readTree(value), body);
                } catch (RuntimeException e) {
                    body.append("<p class=\"error\">The scheduler's answer is not JSON.</p>");
                }
            }
            body.append("</div>");
        }
        return page(viewer, "Platform", body.toString());
    }

    private static final tools.jackson.databind.json.JsonMapper JSON =
            tools.jackson.databind.json.JsonMapper.builder().build();

    /** Follows the job's events: output appended as it arrives, the status updated, the stream closed at the end. */
    static final String SCRIPT = """
            (function () {
              var out = document.getElementById('output');
              if (!out || !out.hasAttribute('data-events') || !window.EventSource) { return; }
              var live = document.getElementById('live');
              var status = document.getElementById('status');
              var started = false;
              var source = new EventSource(out.getAttribute('data-events'));
              live.textContent = 'following live output…';
              function show(s) { status.textContent = s; status.className = 'status ' + s; }
              source.addEventListener('output', function (e) {
                var chunk = JSON.parse(e.data);
                if (!started) { out.textContent = ''; started = true; }
                out.appendChild(document.createTextNode(chunk.data));
              });
              source.addEventListener('status', function (e) { show(JSON.parse(e.data).status); });
              source.addEventListener('result', function (e) {
                var result = JSON.parse(e.data);
                show(result.status);
                if (!started) { out.textContent = (result.stdout || '') + (result.stderr || ''); }
                live.textContent = 'finished';
                source.close();
              });
            })();
            """;

    private static String jobTable(ConsoleViewer viewer, List<JobSummary> rows, String requeueToken) {
        StringBuilder table = new StringBuilder("<table id=\"jobs\"><tr><th>Job</th>");
        if (viewer.admin()) {
            table.append("<th>Tenant</th>");
        }
        table.append("<th>Status</th><th>VM type</th><th>Batch</th><th>Attempts</th><th>Submitted</th>"
                + "<th>Finished</th><th>Message</th>");
        if (requeueToken != null) {
            table.append("<th></th>");
        }
        table.append("</tr>");
        for (JobSummary row : rows) {
            table.append("<tr class=\"job\" data-id=\"").append(row.id()).append("\"><td><a href=\"/console/jobs/")
                    .append(row.id()).append("\">").append(row.id().toString(), 0, 8).append("</a></td>");
            if (viewer.admin()) {
                table.append("<td>").append(esc(row.tenant())).append("</td>");
            }
            table.append("<td class=\"status ").append(row.status()).append("\">").append(row.status())
                    .append("</td><td>").append(esc(row.vmType())).append("</td><td>")
                    .append(row.batchId() == null ? "" : "<a href=\"/console/jobs?batch=" + row.batchId() + "\">"
                            + row.batchId().toString().substring(0, 8) + "</a>")
                    .append("</td><td>").append(row.attempts()).append("</td><td>").append(time(row.submittedAt()))
                    .append("</td><td>").append(time(row.finishedAt()))
                    .append("</td><td>").append(esc(abbreviate(row.message()))).append("</td>");
            if (requeueToken != null) {
                table.append("<td><form class=\"inline\" method=\"post\" action=\"/console/dead-letters/")
                        .append(row.id()).append("/requeue\"><input type=\"hidden\" name=\"")
                        .append(ConsoleAuthentication.CSRF_FIELD).append("\" value=\"").append(requeueToken)
                        .append("\"><button type=\"submit\" class=\"requeue\">Requeue</button></form></td>");
            }
            table.append("</tr>");
        }
        table.append("</table>");
        if (rows.isEmpty()) {
            table.append("<p id=\"empty\">Nothing here.</p>");
        }
        return table.toString();
    }

    private static String pager(String path, Map<String, String> filter, int page, boolean more) {
        StringBuilder pager = new StringBuilder("<p class=\"pager\">");
        if (page > 0) {
            pager.append("<a id=\"previous\" href=\"").append(esc(pageLink(path, filter, page - 1)))
                    .append("\">&larr; newer</a> ");
        }
        pager.append("page ").append(page + 1);
        if (more) {
            pager.append(" <a id=\"next\" href=\"").append(esc(pageLink(path, filter, page + 1)))
                    .append("\">older &rarr;</a>");
        }
        return pager.append("</p>").toString();
    }

    private static String pageLink(String path, Map<String, String> filter, int page) {
        StringBuilder link = new StringBuilder(path).append("?page=").append(page);
        filter.forEach((name, value) -> {
            if (value != null) {
                link.append('&').append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        });
        return link.toString();
    }

    private static String page(ConsoleViewer viewer, String title, String content) {
        StringBuilder html = new StringBuilder("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<title>").append(esc(title)).append(" · Kiff</title><style>").append(STYLE)
                .append("</style></head><body><header><b>Kiff</b>");
        if (viewer != null) {
            html.append("<a href=\"/console/jobs\">Jobs</a><a href=\"/console/submit\">Submit</a>"
                    + "<a href=\"/console/batches\">Batches</a><a href=\"/console/dead-letters\">Dead letters</a>"
                    + "<a href=\"/console/sessions\">Sessions</a>");
            if (viewer.admin()) {
                html.append("<a href=\"/console/platform\">Platform</a><a href=\"/console/tenants\">Tenants</a>");
            }
            html.append("<form method=\"post\" action=\"/console/logout\">").append(csrf(viewer))
                    .append("<span id=\"who\">").append(viewer.admin() ? "admin" : esc(viewer.scope()))
                    .append("</span> <button type=\"submit\" id=\"logout\">Log out</button></form>");
        }
        return html.append("</header><main>").append(content).append("</main></body></html>").toString();
    }

    private static String csrf(ConsoleViewer viewer) {
        return "<input type=\"hidden\" name=\"" + ConsoleAuthentication.CSRF_FIELD + "\" value=\""
                + viewer.csrfToken() + "\">";
    }

    private static String select(String name, String label, List<String> options, String selected) {
        StringBuilder select = new StringBuilder(" <label>").append(label).append(" <select name=\"").append(name)
                .append("\" id=\"").append(name).append("\"><option value=\"\">any</option>");
        for (String option : options) {
            select.append("<option value=\"").append(esc(option)).append('"')
                    .append(option.equals(selected) ? " selected" : "").append('>').append(esc(option))
                    .append("</option>");
        }
        return select.append("</select></label>").toString();
    }

    private static void definition(StringBuilder body, String term, String html) {
        body.append("<dt>").append(term).append("</dt><dd>").append(html).append("</dd>");
    }

    private static List<String> enumNames(Enum<?>[] values) {
        return java.util.Arrays.stream(values).map(Enum::name).toList();
    }

    private static List<String> vmTypes() {
        return java.util.Arrays.stream(VmType.values()).map(VmType::wireName).toList();
    }

    private static List<String> languages() {
        return java.util.Arrays.stream(Language.values()).map(Language::wireName).toList();
    }

    private static String abbreviate(String text) {
        return text == null || text.length() <= 120 ? text : text.substring(0, 120) + "…";
    }

    private static String nullToEmpty(String text) {
        return text == null ? "" : text;
    }

    private static final java.time.format.DateTimeFormatter TIME = java.time.format.DateTimeFormatter
            .ofPattern("yyyy-MM-dd HH:mm:ss").withZone(java.time.ZoneOffset.UTC);

    /** A moment to the second, in UTC; empty when there is none. */
    static String time(java.time.Instant at) {
        return at == null ? "" : TIME.format(at);
    }

    /** HTML-escapes text for element content and double-quoted attributes. */
    static String esc(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder escaped = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '&' -> escaped.append("&amp;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }
}
