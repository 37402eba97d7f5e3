package dev.kiff.core.webhook;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** Turns a host name into the addresses it stands for now (DNS, hosts file); the only name lookup webhooks make. */
public interface HostResolver {

    /**
     * @return every address the name resolves to, never empty
     * @throws UnknownHostException when it resolves to nothing
     */
    List<InetAddress> resolve(String host) throws UnknownHostException;
}
