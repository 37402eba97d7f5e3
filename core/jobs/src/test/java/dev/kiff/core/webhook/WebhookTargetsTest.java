package dev.kiff.core.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookTargetsTest {

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** Names answered from a table; any other name does not resolve. */
    private static final Map<String, List<InetAddress>> NAMES = Map.of(
            "public.example", List.of(ip("93.184.216.34")),
            "split.example", List.of(ip("93.184.216.34"), ip("127.0.0.1")),
            "metadata.example", List.of(ip("169.254.169.254")));

    private final WebhookTargets targets = new WebhookTargets(WebhookTargetPolicy.allowing(null), host -> {
        List<InetAddress> answer = NAMES.get(host);
        if (answer == null) {
            throw new UnknownHostException(host);
        }
        return answer;
    });

    @Test
    void refusesANameWhenAnyOfItsAddressesIsRefused() {
        assertThat(targets.refusalAtSubmission(URI.create("https://split.example/hook")))
                .hasValueSatisfying(why -> assertThat(why).contains("split.example").contains("127.0.0.1"));
        assertThat(targets.refusalAtSubmission(URI.create("http://metadata.example/latest")))
                .hasValueSatisfying(why -> assertThat(why).contains("link-local"));
        assertThatThrownBy(() -> targets.resolveChecked(URI.create("https://split.example/hook")))
                .isInstanceOf(RefusedWebhookTargetException.class);
    }

    @Test
    void acceptsAPublicNameAndOneThatDoesNotResolveYetAtSubmission() throws UnknownHostException {
        assertThat(targets.refusalAtSubmission(URI.create("https://public.example/hook"))).isEmpty();
        assertThat(targets.resolveChecked(URI.create("https://public.example/hook")))
                .containsExactly(ip("93.184.216.34"));
        // The delivery resolves again before connecting, and fails then if the answer is refused.
        assertThat(targets.refusalAtSubmission(URI.create("https://later.example/hook"))).isEmpty();
    }

    @Test
    void theHostAndPortOfAnAllowEntryAreThoseOfTheUrl() {
        WebhookTargets allowing = new WebhookTargets(WebhookTargetPolicy.allowing("metadata.example:8080"),
                host -> NAMES.get(host));
        assertThat(allowing.refusalAtSubmission(URI.create("http://metadata.example:8080/x"))).isEmpty();
        assertThat(allowing.refusalAtSubmission(URI.create("http://metadata.example/x"))).isPresent();
        assertThat(WebhookTargets.port(URI.create("https://a.example/x"))).isEqualTo(443);
        assertThat(WebhookTargets.port(URI.create("http://a.example/x"))).isEqualTo(80);
    }
}
