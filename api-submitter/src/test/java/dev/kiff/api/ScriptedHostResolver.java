package dev.kiff.api;

import dev.kiff.api.webhook.InetAddressHostResolver;
import dev.kiff.core.webhook.HostResolver;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.context.annotation.Primary;
import org.springframework.stereotype.Component;

/**
 * The webhooks' {@link HostResolver} in every API test context: the system's, except for names a test scripted, which
 * answer their scripted addresses one lookup after another (the last one for good), as a DNS server that rebinds a
 * name would. A component scanned into every context rather than a bean of one test's: the dispatchers of all
 * contexts alive in the JVM share the database and any of them may send a delivery, so all must resolve alike.
 */
@Component
@Primary
class ScriptedHostResolver implements HostResolver {

    private static final Map<String, Deque<List<InetAddress>>> SCRIPT = new ConcurrentHashMap<>();

    private final HostResolver system = new InetAddressHostResolver();

    /** {@code host} answers {@code first} to the next lookup, then {@code then} to every later one. */
    static void rebind(String host, InetAddress first, InetAddress then) {
        Deque<List<InetAddress>> answers = new ArrayDeque<>();
        answers.add(List.of(first));
        answers.add(List.of(then));
        SCRIPT.put(host.toLowerCase(Locale.ROOT), answers);
    }

    @Override
    public List<InetAddress> resolve(String host) throws UnknownHostException {
        Deque<List<InetAddress>> answers = SCRIPT.get(host.toLowerCase(Locale.ROOT));
        if (answers == null) {
            return system.resolve(host);
        }
        synchronized (answers) {
            return answers.size() > 1 ? answers.poll() : answers.peek();
        }
    }
}
