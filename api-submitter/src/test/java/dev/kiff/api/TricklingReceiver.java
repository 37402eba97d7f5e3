package dev.kiff.api;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A hostile webhook receiver on a loopback address: accepts every connection and starts an answer it never finishes,
 * one byte of a header every {@code 100 ms}, so no read ever waits long enough to time out. Only a bound on a try's
 * whole time frees the sender. With {@code silent}, it accepts and never writes at all (a listener that must not be
 * reached: {@link #accepted()} says whether it was).
 */
final class TricklingReceiver implements AutoCloseable {

    private final ServerSocket server;
    private final boolean silent;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final ScheduledExecutorService trickle = Executors.newScheduledThreadPool(2);

    private TricklingReceiver(InetAddress address, boolean silent) {
        this.silent = silent;
        try {
            server = new ServerSocket();
            server.bind(new InetSocketAddress(address, 0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        trickle.execute(this::accept);
        if (!silent) {
            trickle.scheduleWithFixedDelay(this::dripOne, 100, 100, TimeUnit.MILLISECONDS);
        }
    }

    /** Trickles its answers, on 127.0.0.1. */
    static TricklingReceiver trickling() {
        return new TricklingReceiver(InetAddress.getLoopbackAddress(), false);
    }

    /** Says nothing, on {@code address} (a loopback one). */
    static TricklingReceiver silentOn(InetAddress address) {
        return new TricklingReceiver(address, true);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                accepted.incrementAndGet();
                if (!silent) {
                    socket.getOutputStream().write("HTTP/1.1 200 OK\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
                }
                open.add(socket);
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void dripOne() {
        for (Socket socket : open) {
            try {
                OutputStream out = socket.getOutputStream();
                out.write('a');
                out.flush();
            } catch (IOException e) {
                open.remove(socket);
            }
        }
    }

    int port() {
        return server.getLocalPort();
    }

    String url() {
        return "http://127.0.0.1:" + port() + "/hooks/slow";
    }

    /** Connections accepted so far. */
    int accepted() {
        return accepted.get();
    }

    @Override
    public void close() {
        trickle.shutdownNow();
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (Socket socket : open) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
