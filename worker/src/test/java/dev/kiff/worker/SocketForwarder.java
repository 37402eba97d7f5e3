package dev.kiff.worker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A dependency's address as the worker under test sees it: every connection is relayed to the real one (the
 * embedded database on loopback, the Docker engine's socket), until the test {@link #cut() cuts} it. Then every
 * relayed connection is closed and new ones are refused, as when the dependency goes down, until it is
 * {@link #restore() restored} on the same address.
 */
final class SocketForwarder implements AutoCloseable {

    private final ProtocolFamily family;
    private final SocketAddress target;
    private SocketAddress listen;
    private ServerSocketChannel server;
    private final Set<SocketChannel> relayed = ConcurrentHashMap.newKeySet();
    /** The first line each client sent on a relayed connection (an HTTP request line), by its client side. */
    private final java.util.Map<SocketChannel, String> requests = new ConcurrentHashMap<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "kiff-test-forwarder");
        thread.setDaemon(true);
        return thread;
    });

    private SocketForwarder(ProtocolFamily family, SocketAddress listen, SocketAddress target) {
        this.family = family;
        this.listen = listen;
        this.target = target;
        restore();
        // Open until the JVM ends: the worker's context, closed after the test class, still talks through it.
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "kiff-test-forwarder-close"));
    }

    /** Relays a loopback port of its own to {@code targetPort} on loopback. */
    static SocketForwarder tcp(int targetPort) {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        return new SocketForwarder(StandardProtocolFamily.INET, new InetSocketAddress(loopback, 0),
                new InetSocketAddress(loopback, targetPort));
    }

    /** Relays the unix socket {@code listen} to the one at {@code target}. */
    static SocketForwarder unix(Path listen, Path target) {
        return new SocketForwarder(StandardProtocolFamily.UNIX, UnixDomainSocketAddress.of(listen),
                UnixDomainSocketAddress.of(target));
    }

    /** The loopback port it listens on (TCP only). */
    int port() {
        return ((InetSocketAddress) listen).getPort();
    }

    /** Connections relayed since it was made. */
    int accepted() {
        return accepted.get();
    }

    /** Closes every relayed connection and refuses new ones. */
    synchronized void cut() {
        try {
            server.close();
            if (listen instanceof UnixDomainSocketAddress unix) {
                Files.deleteIfExists(unix.getPath());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (SocketChannel channel : relayed) {
            quietlyClose(channel);
        }
    }

    /**
     * Closes the relayed connections whose first request line contains {@code request} (e.g. {@code "/attach"}: the
     * engine's streams to its containers), and only those, going on listening: what the worker sees when the engine
     * restarts at once with live-restore (its containers run on, every stream to them is lost).
     */
    void drop(String request) {
        requests.forEach((client, line) -> {
            if (line.contains(request)) {
                quietlyClose(client);
            }
        });
    }

    /** Listens again, on the same address; nothing when it listens already. */
    synchronized void restore() {
        if (server != null && server.isOpen()) {
            return;
        }
        try {
            if (listen instanceof UnixDomainSocketAddress unix) {
                Files.deleteIfExists(unix.getPath());
            }
            ServerSocketChannel channel = ServerSocketChannel.open(family);
            if (family == StandardProtocolFamily.INET) {
                channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            }
            channel.bind(listen);
            listen = channel.getLocalAddress();
            server = channel;
            threads.execute(() -> accept(channel));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void accept(ServerSocketChannel channel) {
        while (channel.isOpen()) {
            SocketChannel in;
            try {
                in = channel.accept();
            } catch (IOException e) {
                return; // cut
            }
            SocketChannel out;
            try {
                out = SocketChannel.open(target);
            } catch (IOException e) {
                quietlyClose(in);
                continue;
            }
            accepted.incrementAndGet();
            relayed.add(in);
            relayed.add(out);
            AtomicInteger directions = new AtomicInteger(2);
            threads.execute(() -> pump(in, out, directions, in));
            threads.execute(() -> pump(out, in, directions, null));
        }
    }

    /** Copies one direction; its end half-closes the other side, the end of both or a failure closes both. */
    private void pump(SocketChannel from, SocketChannel to, AtomicInteger directions, SocketChannel client) {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        try {
            while (from.read(buffer) >= 0) {
                buffer.flip();
                if (client != null && !requests.containsKey(client)) {
                    String start = new String(buffer.array(), 0, Math.min(buffer.limit(), 512),
                            java.nio.charset.StandardCharsets.ISO_8859_1);
                    requests.put(client, start.lines().findFirst().orElse(""));
                }
                while (buffer.hasRemaining()) {
                    to.write(buffer);
                }
                buffer.clear();
            }
            to.shutdownOutput();
            if (directions.decrementAndGet() == 0) {
                quietlyClose(from);
                quietlyClose(to);
            }
        } catch (IOException e) {
            quietlyClose(from);
            quietlyClose(to);
        }
    }

    private void quietlyClose(SocketChannel channel) {
        relayed.remove(channel);
        requests.remove(channel);
        try {
            channel.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public synchronized void close() {
        cut();
        threads.shutdownNow();
    }
}
