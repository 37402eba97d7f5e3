package dev.kiff.api.mcp;

import dev.kiff.api.ApiProperties;
import dev.kiff.api.results.ResultWaiters;
import dev.kiff.core.gateway.ArtifactStore;
import dev.kiff.core.job.VmTypeCatalogue;
import dev.kiff.core.submit.JobSubmitter;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpStatelessSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStatelessServerTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/**
 * The MCP endpoint at {@code /mcp}: the official SDK's <em>stateless</em> streamable-HTTP servlet. Each POST is
 * answered with JSON and no {@code Mcp-Session-Id} is kept in this instance's memory, so any API instance can answer
 * any call and a restart loses nothing (Kiff's own state is in Postgres). The servlet sits behind the same filters as
 * the REST API: {@link dev.kiff.api.auth.EarlyAuthenticationFilter} authenticates every request with the tenant's
 * bearer key, and {@link dev.kiff.api.web.BodyLimitFilter} caps the body at {@code kiff.api.max-body-size}.
 */
@Configuration(proxyBeanMethods = false)
public class McpConfiguration {

    static final String ENDPOINT = "/mcp";
    /** Time beyond the tool wait for the SDK to answer: the wait is the bound, this only keeps it from cutting in. */
    private static final Duration ANSWER_MARGIN = Duration.ofSeconds(10);

    @Bean
    KiffMcpTools kiffMcpTools(JobSubmitter submitter, ResultWaiters waiters, ArtifactStore artifacts,
            VmTypeCatalogue catalogue, McpProperties properties) {
        return new KiffMcpTools(submitter, waiters, artifacts, catalogue, properties);
    }

    @Bean
    HttpServletStatelessServerTransport mcpTransport(ApiProperties properties) {
        return HttpServletStatelessServerTransport.builder()
                // A mapper of its own: the protocol's JSON owes nothing to the job codec's settings.
                .jsonMapper(new JacksonMcpJsonMapper(JsonMapper.builder().build()))
                .messageEndpoint(ENDPOINT)
                .contextExtractor(McpTenant::context)
                // The same cap as BodyLimitFilter's, checked again by the SDK as it reads.
                .maxRequestSize((int) Math.min(Integer.MAX_VALUE, properties.maxBodySize().toBytes()))
                .build();
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
            McpProperties properties) {
        String version = McpConfiguration.class.getPackage().getImplementationVersion();
        return McpServer.sync(transport)
                .serverInfo("kiff", version == null ? "dev" : version)
                .instructions("Kiff runs untrusted code in sandboxes. list_vm_types tells what each VM type offers; "
                        + "run_code runs a program once and answers its output.")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
                // The servlet blocks its request thread anyway: run the handler there, no hop to another pool.
                .immediateExecution(true)
                .requestTimeout(properties.toolWait().plus(ANSWER_MARGIN))
                .tools(tools.specifications())
                .build();
    }
}
