package dev.kiff.api.webhook;

import dev.kiff.core.webhook.HostResolver;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** The {@link HostResolver} of the JDK: the system's resolver (hosts file, DNS), as any connection would use. */
public final class InetAddressHostResolver implements HostResolver {

    @Override
    public List<InetAddress> resolve(String host) throws UnknownHostException {
        return List.of(InetAddress.getAllByName(host));
    }
}
