package dev.kiff.core.webhook;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The {@link WebhookTargetPolicy} applied to URLs: the host resolved through the {@link HostResolver} and every
 * address it resolves to judged. Checked when a job or batch is submitted, and again when each delivery connects,
 * since the name's answer can change in between (DNS rebinding).
 */
public final class WebhookTargets {

    private final WebhookTargetPolicy policy;
    private final HostResolver resolver;

    public WebhookTargets(WebhookTargetPolicy policy, HostResolver resolver) {
        this.policy = policy;
        this.resolver = resolver;
    }

    /** The port a URL reaches: its own, else its scheme's. */
    public static int port(URI url) {
        if (url.getPort() > 0) {
            return url.getPort();
        }
        return "https".equals(url.getScheme().toLowerCase(Locale.ROOT)) ? 443 : 80;
    }

    /**
     * Why a submitted {@code callbackUrl} is refused, or empty. A name that does not resolve now is let through: it
     * may resolve later, and the delivery checks again before it connects.
     */
    public Optional<String> refusalAtSubmission(URI url) {
        try {
            resolveChecked(url);
            return Optional.empty();
        } catch (RefusedWebhookTargetException e) {
            return Optional.of(e.getMessage());
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /**
     * The addresses to connect to for {@code url}, every one of them allowed.
     *
     * @throws RefusedWebhookTargetException when any address the host resolves to is refused: a name that answers
     *                                       a refused address among allowed ones is not trusted with any of them
     * @throws UnknownHostException          when the host resolves to nothing
     */
    public List<InetAddress> resolveChecked(URI url) throws UnknownHostException {
        String host = url.getHost();
        List<InetAddress> addresses = resolver.resolve(host);
        if (addresses.isEmpty()) {
            throw new UnknownHostException(host);
        }
        int port = port(url);
        for (InetAddress address : addresses) {
            check(host, address, port);
        }
        return addresses;
    }

    /** Checks the address a delivery is about to use, or has connected to. */
    public void check(String host, InetAddress address, int port) {
        Optional<String> refusal = policy.refusal(host, address, port);
        if (refusal.isPresent()) {
            throw new RefusedWebhookTargetException("callbackUrl host " + host + ": " + refusal.get());
        }
    }
}
