package dev.kiff.api.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiff.api.ApiProperties;
import dev.kiff.api.web.ProblemWriter;
import dev.kiff.model.json.JobCodec;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/**
 * Who may reach the API's actuator: this host's loopback, or anyone with the admin key; a tenant's key, or none, from
 * elsewhere gets 401. (The integration tests reach the API over loopback only, so the other side is shown here.) The
 * MCP endpoint takes a key even from loopback, for every method.
 */
class EarlyAuthenticationFilterTest {

    private static final String ADMIN_KEY = "admin-secret";

    // No tenant is ever looked up on these paths: the directory is never asked.
    private final EarlyAuthenticationFilter filter = new EarlyAuthenticationFilter(
            new ApiKeyAuthenticator(null, Clock.systemUTC(), Duration.ofSeconds(1)), properties(),
            new ProblemWriter(new JobCodec()));

    @Test
    void servesTheActuatorToLoopbackCallers() throws Exception {
        assertThat(status("127.0.0.1", null)).isEqualTo(200);
        assertThat(status("::1", null)).isEqualTo(200);
    }

    @Test
    void refusesTheActuatorToOtherAddressesWithoutTheAdminKey() throws Exception {
        assertThat(status("192.0.2.7", null)).isEqualTo(401);
        assertThat(status("192.0.2.7", "Bearer not-the-key")).isEqualTo(401);
        assertThat(status("192.0.2.7", "Bearer " + ADMIN_KEY)).isEqualTo(200);
    }

    @Test
    void refusesTheMcpEndpointWithoutAKeyWhateverTheMethod() throws Exception {
        for (String method : new String[] {"GET", "POST", "DELETE"}) {
            MockHttpServletRequest request = new MockHttpServletRequest(method, "/mcp");
            request.setRemoteAddr("127.0.0.1");
            MockHttpServletResponse response = new MockHttpServletResponse();
            MockFilterChain chain = new MockFilterChain();
            filter.doFilter(request, response, chain);
            assertThat(chain.getRequest()).as(method).isNull();
            assertThat(response.getStatus()).as(method).isEqualTo(401);
            assertThat(response.getHeader("WWW-Authenticate")).isEqualTo("Bearer realm=\"kiff\"");
        }
    }

    private int status(String remoteAddress, String authorization) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/actuator/metrics");
        request.setRemoteAddr(remoteAddress);
        if (authorization != null) {
            request.addHeader("Authorization", authorization);
        }
        MockHttpServletResponse response = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain();
        filter.doFilter(request, response, chain);
        return chain.getRequest() != null ? 200 : response.getStatus();
    }

    private static ApiProperties properties() {
        return new ApiProperties(null, null, null, null, null, null, ADMIN_KEY, null, null, null, null, null, null,
                null, null, 1, 1, 1, null, null);
    }
}
