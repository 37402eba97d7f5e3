package dev.kiff.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiff.api.ApiClient.Reply;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The web console in a real browser (headless Debian chromium through chromedriver) against the API on a random
 * port, the real broker and database, and a {@link StandInWorker} moving the jobs, so output arrives while the page
 * is open. Each test works as a tenant of its own, so the jobs of other tests never show up in its lists.
 */
class ConsoleBrowserIT extends ApiIntegrationTest {

    private static final Duration SEEN = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @RegisterExtension
    final HeadlessChromium chromium = new HeadlessChromium();

    private StandInWorker worker;
    private TestTenants.Made tenant;
    private ApiClient api;

    @DynamicPropertySource
    static void scheduler(DynamicPropertyRegistry registry) {
        registry.add("kiff.console.scheduler-url", () -> StandInScheduler.url().toString());
    }

    @BeforeEach
    void setUp() {
        worker = standInWorker();
        ListenersReady.hear(live, kafka, codec);
        tenant = TestTenants.create(port, "console");
        api = tenant.client(port);
    }

    private WebDriver browser() {
        return chromium.driver();
    }

    private String url(String path) {
        return "http://localhost:" + port + path;
    }

    /** Logs the browser in through the login form, as a person would. */
    private void logIn(String key) {
        browser().get(url("/console/jobs"));
        assertThat(browser().getCurrentUrl()).endsWith("/console/login");
        browser().findElement(By.id("key")).sendKeys(key);
        browser().findElement(By.id("login")).click();
        await().atMost(SEEN).until(() -> browser().getCurrentUrl().endsWith("/console/jobs"));
    }

    private String submit(String code) {
        Reply reply = api.postJob(JobRequests.python(code).json());
        assertThat(reply.status()).as(reply.toString()).isEqualTo(202);
        return reply.json().path("id").asString();
    }

    private List<String> listedJobs() {
        return browser().findElements(By.cssSelector("#jobs tr.job")).stream()
                .map(row -> row.getAttribute("data-id")).toList();
    }

    private String text(String id) {
        return browser().findElement(By.id(id)).getText();
    }

    /** A job that ran once, failed on the platform and ran out of its one attempt, as a worker records it. */
    private UUID deadLetter() {
        Reply reply = api.postJob(JobRequests.python("print('again')").with("retry", Map.of("maxAttempts", 1))
                .json());
        assertThat(reply.status()).as(reply.toString()).isEqualTo(202);
        UUID id = UUID.fromString(reply.json().path("id").asString());
        assertThat(jobs.markRunning(id, "worker-gone", clock.instant())).hasValue(1);
        assertThat(jobs.requeue(id, JobStatus.QUEUED, "the sandbox image is missing", clock.instant())).isTrue();
        assertThat(jobs.deadLetter(id, "the sandbox image is missing", clock.instant())).isTrue();
        return id;
    }

    @Test
    void logsInSubmitsAJobAndShowsItsOutputLiveAsItArrives() {
        logIn(tenant.apiKey());
        assertThat(text("who")).isEqualTo(tenant.id());

        browser().get(url("/console/submit"));
        WebElement code = browser().findElement(By.id("code"));
        code.clear();
        code.sendKeys("print('first'); print('second')");
        browser().findElement(By.id("run")).click();
        await().atMost(SEEN).until(() -> browser().getCurrentUrl().matches(".*/console/jobs/[0-9a-f-]{36}$"));
        String id = browser().getCurrentUrl().replaceAll(".*/console/jobs/", "");
        assertThat(jobs.find(UUID.fromString(id)).orElseThrow().job().code())
                .isEqualTo("print('first'); print('second')");
        assertThat(jobs.find(UUID.fromString(id)).orElseThrow().job().tenant()).isEqualTo(tenant.id());
        await().atMost(SEEN).until(() -> text("live").contains("following"));

        // The page stays open: what follows reaches it over the event stream, without a reload.
        StandInWorker.Run run = worker.start(id);
        await().atMost(SEEN).until(() -> text("status").equals("RUNNING"));
        run.stdout("first\n");
        await().atMost(SEEN).until(() -> text("output").equals("first"));
        run.stdout("second\n");
        await().atMost(SEEN).until(() -> text("output").equals("first\nsecond"));
        run.succeed();
        await().atMost(SEEN).until(() -> text("status").equals("SUCCEEDED") && text("live").equals("finished"));
    }

    @Test
    void showsAnEndedJobAsStoredWithoutFollowingIt() {
        String done = submit("print('done')");
        worker.runToSuccess(done, "done\n");
        logIn(tenant.apiKey());

        browser().get(url("/console/jobs/" + done));

        // A stream opened here would replay the job's RUNNING event and show it running again for a moment.
        assertThat(browser().findElement(By.id("output")).getDomAttribute("data-events")).isNull();
        assertThat(text("status")).isEqualTo("SUCCEEDED");
        assertThat(text("output")).isEqualTo("done");
        assertThat(text("live")).isEmpty();
    }

    @Test
    void showsWhyASubmissionWasRefusedAndStoresNothing() {
        logIn(tenant.apiKey());
        browser().get(url("/console/submit"));
        browser().findElement(By.id("code")).clear();
        browser().findElement(By.id("timeoutMs")).sendKeys("1");
        browser().findElement(By.id("run")).click();
        await().atMost(SEEN).until(() -> !browser().findElements(By.id("error")).isEmpty());
        assertThat(text("error")).contains("code");
        browser().get(url("/console/jobs"));
        assertThat(listedJobs()).isEmpty();
    }

    @Test
    void filtersTheJobsByStatusVmTypeAndBatch() {
        String succeeded = submit("print('done')");
        worker.runToSuccess(succeeded, "done\n");
        String queued = submit("print('waits')");
        Reply batch = api.post("/v1/batches", """
                {"template":{"vmType":"data-processing","language":"python","code":"print(input())"},
                 "inputs":[{"stdin":"1"},{"stdin":"2"}]}""");
        assertThat(batch.status()).as(batch.toString()).isEqualTo(202);
        String batchId = batch.json().path("id").asString();
        logIn(tenant.apiKey());
        assertThat(listedJobs()).hasSize(4).contains(succeeded, queued);

        new Select(browser().findElement(By.id("status"))).selectByValue("SUCCEEDED");
        browser().findElement(By.id("apply")).click();
        await().atMost(SEEN).until(() -> browser().getCurrentUrl().contains("status=SUCCEEDED"));
        assertThat(listedJobs()).containsExactly(succeeded);

        new Select(browser().findElement(By.id("status"))).selectByValue("");
        new Select(browser().findElement(By.id("vmType"))).selectByValue("data-processing");
        browser().findElement(By.id("apply")).click();
        await().atMost(SEEN).until(() -> browser().getCurrentUrl().contains("vmType=data-processing"));
        assertThat(listedJobs()).hasSize(2).doesNotContain(succeeded, queued);

        browser().get(url("/console/batches"));
        browser().findElement(By.linkText(batchId)).click();
        await().atMost(SEEN).until(() -> browser().getCurrentUrl().contains("batch=" + batchId));
        assertThat(listedJobs()).hasSize(2).doesNotContain(succeeded, queued);
    }

    @Test
    void requeuesADeadLetterWhichThenRunsAgain() {
        UUID id = deadLetter();
        logIn(tenant.apiKey());
        browser().get(url("/console/dead-letters"));
        assertThat(listedJobs()).containsExactly(id.toString());

        browser().findElement(By.cssSelector("tr.job[data-id='" + id + "'] button.requeue")).click();
        await().atMost(SEEN).until(() -> browser().getCurrentUrl().endsWith("/console/jobs/" + id));
        assertThat(text("status")).isEqualTo("QUEUED");
        JobResult state = jobs.find(id).orElseThrow().state();
        assertThat(state.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(state.deadLettered()).isFalse();

        // It has an attempt again (it had used its only one) and runs to its end on a worker.
        worker.runToSuccess(id.toString(), "again\n");
        assertThat(jobs.find(id).orElseThrow().state().status()).isEqualTo(JobStatus.SUCCEEDED);
        browser().get(url("/console/dead-letters"));
        assertThat(listedJobs()).isEmpty();
    }

    @Test
    void refusesARequeueWithoutTheFormsToken() {
        UUID id = deadLetter();
        // The browser's own cookie, sent as a page of another site would make the browser send it (were SameSite
        // ignored): the form without its token.
        assertThat(postForm("/console/dead-letters/" + id + "/requeue", "", tenant.apiKey())).isEqualTo(403);
        assertThat(postForm("/console/dead-letters/" + id + "/requeue", "csrf=0123abcd", tenant.apiKey()))
                .isEqualTo(403);
        assertThat(jobs.find(id).orElseThrow().state().deadLettered()).isTrue();
    }

    @Test
    void showsATenantNoneOfAnotherTenantsJobs() {
        String theirs = submit("print('private')");
        TestTenants.Made other = TestTenants.create(port, "console-other");
        logIn(other.apiKey());
        assertThat(listedJobs()).doesNotContain(theirs);

        browser().get(url("/console/jobs/" + theirs));
        assertThat(text("message")).isEqualTo("No such job.");
        assertThat(browser().getPageSource()).doesNotContain("private");
        Cookie cookie = browser().manage().getCookieNamed("kiff_console");
        Reply events = new ApiClient(port, null).get("/console/jobs/" + theirs + "/events",
                Map.of("Cookie", cookie.getName() + "=" + cookie.getValue()));
        assertThat(events.status()).isEqualTo(404);
        UUID theirDeadLetter = deadLetter();
        assertThat(postForm("/console/dead-letters/" + theirDeadLetter + "/requeue", "csrf=" + csrfOnPage(),
                cookie.getValue())).isEqualTo(409);
        assertThat(jobs.find(theirDeadLetter).orElseThrow().state().deadLettered()).isTrue();

        // The admin key sees every tenant's jobs.
        browser().manage().deleteAllCookies();
        logIn(ApiClient.ADMIN_KEY);
        assertThat(text("who")).isEqualTo("admin");
        browser().get(url("/console/jobs/" + theirs));
        assertThat(text("code")).isEqualTo("print('private')");
    }

    @Test
    void keepsTheKeyFromScriptsAndTheRestApiFromTheCookie() {
        String id = submit("print(1)");
        logIn(tenant.apiKey());
        Cookie cookie = browser().manage().getCookieNamed("kiff_console");
        assertThat(cookie.isHttpOnly()).isTrue();
        assertThat(cookie.getSameSite()).isEqualTo("Strict");
        assertThat(cookie.getPath()).isEqualTo("/console");
        assertThat((Object) ((org.openqa.selenium.JavascriptExecutor) browser()).executeScript(
                "return document.cookie")).isEqualTo("");

        Reply rest = new ApiClient(port, null).get("/v1/jobs/" + id, Map.of("Cookie", "kiff_console="
                + tenant.apiKey()));
        assertThat(rest.status()).isEqualTo(401);
    }

    @Test
    void showsTheAdminTheFleetFromTheSchedulerAndEveryTenantsQuotas() {
        logIn(ApiClient.ADMIN_KEY);
        browser().get(url("/console/platform"));
        assertThat(text("warm-pools-per-worker")).contains("worker-a", "worker-b", "code-exec");
        assertThat(text("lag-per-vm-type")).contains("code-exec", "17");
        assertThat(text("scheduler-decisions")).contains("lag 17 over 5 jobs per warm sandbox: scale up");

        browser().get(url("/console/tenants"));
        WebElement row = browser().findElement(By.cssSelector("#tenants tr.tenant[data-id='" + tenant.id() + "']"));
        assertThat(row.getText()).contains("20000", "50");
        // Quotas, never secrets.
        assertThat(browser().getPageSource()).doesNotContain(tenant.webhookSecret());
    }

    @Test
    void showsATenantNeitherTheFleetNorTheOtherTenants() {
        TestTenants.Made other = TestTenants.create(port, "console-other");
        logIn(tenant.apiKey());
        assertThat(browser().findElements(By.linkText("Tenants"))).isEmpty();
        browser().get(url("/console/tenants"));
        assertThat(browser().getPageSource()).doesNotContain(other.id());
        assertThat(text("message")).contains("admin");
        browser().get(url("/console/platform"));
        assertThat(browser().getPageSource()).doesNotContain("worker-a");
    }

    @Test
    void listsTheTenantsOwnSessions() {
        // No worker opens sessions here: ?wait=0s answers CREATING now rather than after the default wait.
        Reply mine = api.post("/v1/sessions?wait=0s", "{\"vmType\":\"code-exec\"}");
        assertThat(mine.status()).as(mine.toString()).isBetween(200, 202);
        TestTenants.Made other = TestTenants.create(port, "console-other");
        Reply theirs = other.client(port).post("/v1/sessions?wait=0s", "{\"vmType\":\"code-exec\"}");
        assertThat(theirs.status()).as(theirs.toString()).isBetween(200, 202);
        logIn(tenant.apiKey());
        browser().get(url("/console/sessions"));
        List<String> listed = browser().findElements(By.cssSelector("#sessions tr.session")).stream()
                .map(row -> row.getAttribute("data-id")).toList();
        assertThat(listed).containsExactly(mine.json().path("id").asString());
    }

    @Test
    void refusesALoginWithAKeyThatIsNotValid() {
        browser().get(url("/console/login"));
        browser().findElement(By.id("key")).sendKeys("kiff_not_a_key");
        browser().findElement(By.id("login")).click();
        await().atMost(SEEN).until(() -> !browser().findElements(By.id("error")).isEmpty());
        browser().get(url("/console/jobs"));
        assertThat(browser().getCurrentUrl()).endsWith("/console/login");
    }

    /** Every page once, as a tenant and as the admin, saved to target/console-screenshots to be looked at. */
    @Test
    void rendersEveryPage() {
        UUID deadLetter = deadLetter();
        String done = submit("for i in range(3):\n    print('line', i)");
        worker.runToSuccess(done, "line 0\nline 1\nline 2\n");
        api.post("/v1/batches", """
                {"template":{"vmType":"code-exec","language":"python","code":"print(input())"},
                 "inputs":[{"stdin":"1"},{"stdin":"2"},{"stdin":"3"}]}""");
        browser().get(url("/console/login"));
        chromium.save("login");
        logIn(tenant.apiKey());
        Reply session = api.post("/v1/sessions?wait=0s", "{\"vmType\":\"code-exec\"}");
        assertThat(session.status()).as(session.toString()).isBetween(200, 202);
        for (String page : List.of("jobs", "submit", "batches", "dead-letters", "sessions", "jobs/" + done,
                "jobs/" + deadLetter)) {
            browser().get(url("/console/" + page));
            assertThat(browser().findElement(By.id("who")).getText()).isEqualTo(tenant.id());
            chromium.save("tenant-" + page.replace('/', '-').replaceAll("-[0-9a-f-]{36}$", "-detail"
                    + (page.endsWith(deadLetter.toString()) ? "-dead" : "")));
        }
        browser().manage().deleteAllCookies();
        logIn(ApiClient.ADMIN_KEY);
        for (String page : List.of("jobs", "batches", "dead-letters", "platform", "tenants")) {
            browser().get(url("/console/" + page));
            chromium.save("admin-" + page);
        }
    }

    /** A form POST carrying the console cookie {@code key}, as a browser would send it; answers the status. */
    private int postForm(String path, String form, String key) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Cookie", "kiff_console=" + key)
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build();
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String csrfOnPage() {
        return browser().findElement(By.cssSelector("input[name='csrf']")).getAttribute("value");
    }
}
