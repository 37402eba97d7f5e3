package dev.kiff.api.mcp;

import dev.kiff.api.ApiProperties;
import dev.kiff.api.results.ResultAwait;
import dev.kiff.api.session.SessionFiles;
import dev.kiff.api.session.SessionProperties;
import dev.kiff.api.session.SessionWaiters;
import dev.kiff.api.web.BodyLimitFilter;
import dev.kiff.core.gateway.ArtifactStore;
import dev.kiff.core.job.VmTypeCatalogue;
import dev.kiff.core.session.SessionService;
import dev.kiff.core.submit.JobSubmitter;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpStatelessSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStatelessServerTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.stream.Stream;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/**
 * The MCP endpoint at {@code /mcp}: the official SDK's <em>stateless</em> streamable-HTTP servlet. Each POST is
 * answered with JSON and no {@code Mcp-Session-Id} is kept in this instance's memory, so any API instance can answer
 * any call and a restart loses nothing (Kiff's own state is in Postgres). The servlet sits behind the same filters as
 * the REST API: {@link dev.kiff.api.auth.EarlyAuthenticationFilter} authenticates every request with the tenant's
 * bearer key, and {@link BodyLimitFilter} caps the body at {@link BodyLimitFilter#mcpLimit} (large enough for an
 * {@code upload_file} of {@code kiff.sessions.max-file-size}, base64; the SDK's own cap sits just below it, see
 * {@link #sdkCap}).
 */
@Configuration(proxyBeanMethods = false)
public class McpConfiguration {

    static final String ENDPOINT = "/mcp";
    /** Time beyond the tool wait for the SDK to answer: the wait is the bound, this only keeps it from cutting in. */
    private static final Duration ANSWER_MARGIN = Duration.ofSeconds(10);
    /** How much the SDK's servlet reads of a body at a time (HttpServletRequestUtils.readBody, SDK 2.1.0). */
    private static final int SDK_READ_SIZE = 8192;

    @Bean
    KiffMcpTools kiffMcpTools(JobSubmitter submitter, ResultAwait results, ArtifactStore artifacts,
            VmTypeCatalogue catalogue, McpProperties properties) {
        return new KiffMcpTools(submitter, results, artifacts, catalogue, properties);
    }

    @Bean
    SessionTools sessionTools(SessionService sessions, SessionWaiters created, SessionFiles files,
            ResultAwait results, VmTypeCatalogue catalogue, ArtifactStore artifacts, McpProperties properties) {
        return new SessionTools(sessions, created, files, results, catalogue, new RunAnswers(artifacts), properties);
    }

    @Bean
    HttpServletStatelessServerTransport mcpTransport(ApiProperties properties, SessionProperties sessions) {
        return HttpServletStatelessServerTransport.builder()
                // A mapper of its own: the protocol's JSON owes nothing to the job codec's settings.
                .jsonMapper(new JacksonMcpJsonMapper(JsonMapper.builder().build()))
                .messageEndpoint(ENDPOINT)
                .contextExtractor(McpTenant::context)
                .maxRequestSize(sdkCap(BodyLimitFilter.mcpLimit(properties, sessions.maxFileSize())))
                .build();
    }

    /**
     * The SDK's own body cap, one read of the SDK below BodyLimitFilter's ({@link BodyLimitFilter#mcpLimit}). The SDK
     * reads the body 8 KiB at a time and answers 413 once it holds more than its cap; BodyLimitFilter's stream fails
     * the read past its cap with an exception the SDK takes for an unexpected error (a 500 with the exception in
     * the body). With the SDK's cap a read below, a body too large is always the SDK's 413 first.
     */
    static int sdkCap(long filterCap) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, filterCap - SDK_READ_SIZE - 1));
    }

    @Bean
    ServletRegistrationBean<HttpServletStatelessServerTransport> mcpServlet(
            HttpServletStatelessServerTransport transport) {
        // An exact mapping: it takes precedence over Spring MVC's "/".
        ServletRegistrationBean<HttpServletStatelessServerTransport> registration =
                new ServletRegistrationBean<>(transport, ENDPOINT);
        registration.setName("kiffMcp");
        registration.setAsyncSupported(true);
        return registration;
    }

    @Bean(destroyMethod = "close")
    McpStatelessSyncServer mcpServer(HttpServletStatelessServerTransport transport, KiffMcpTools tools,
            SessionTools sessionTools, McpProperties properties) {
        String version = McpConfiguration.class.getPackage().getImplementationVersion();
        return McpServer.sync(transport)
                .serverInfo("kiff", version == null ? "dev" : version)
                .instructions("Kiff runs untrusted code in sandboxes. list_vm_types tells what each VM type offers; "
                        + "run_code runs a program once and answers its output. For work in steps, create_session "
                        + "holds a sandbox whose Python variables and /workspace files last across run_in_session "
                        + "calls; close_session ends it.")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
                // The servlet blocks its request thread anyway: run the handler there, no hop to another pool.
                .immediateExecution(true)
                .requestTimeout(properties.toolWait().plus(ANSWER_MARGIN))
                .tools(Stream.concat(tools.specifications().stream(), sessionTools.specifications().stream())
                        .toList())
                .build();
    }
}
