package dev.kiff.api.webhook;

import dev.kiff.model.failure.TransientFailure;
import dev.kiff.core.webhook.RefusedWebhookTargetException;
import dev.kiff.core.webhook.WebhookTargets;
import dev.kiff.core.webhook.WebhookTransport;
import dev.kiff.spring.BackgroundLoops;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The {@link WebhookTransport} on plain sockets: HTTP/1.1, or HTTPS with the JDK's TLS layered on the same socket.
 * Sockets rather than {@code java.net.http.HttpClient}, because that client resolves the name itself and connects
 * wherever DNS answers at that moment: here the name is resolved once, every address judged by the
 * {@link WebhookTargets}, and the socket connected to exactly the address that was judged (and judged again once
 * connected), so a name that changes its answer in between (DNS rebinding) reaches nothing it should not.
 *
 * <p>Every try is bounded: the connection by {@code connectTimeout}, each read by {@code readTimeout}, the whole try
 * by {@code deadline} (the socket is closed when it passes, whatever it was doing), and the answer by size (its
 * head by {@link #MAX_HEAD_BYTES}, its body read up to {@link #MAX_BODY_BYTES} and dropped). A receiver that trickles
 * its answer byte by byte holds a sender for {@code deadline} at most. No redirect is followed.
 */
public final class SocketWebhookTransport implements WebhookTransport, AutoCloseable {

    /** Status line and headers of an answer: more is no receiver's honest answer. */
    static final int MAX_HEAD_BYTES = 16 * 1024;
    /** Body bytes read (and dropped) after the status is known; the rest is left unread when the socket closes. */
    static final int MAX_BODY_BYTES = 16 * 1024;

    private final WebhookTargets targets;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final Duration deadline;
    private final SSLSocketFactory tls;
    private final ScheduledExecutorService deadlines =
            Executors.newSingleThreadScheduledExecutor(BackgroundLoops.daemonThreads("kiff-webhook-deadline"));

    public SocketWebhookTransport(WebhookTargets targets, Duration connectTimeout, Duration readTimeout,
            Duration deadline, SSLSocketFactory tls) {
        this.targets = targets;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        this.deadline = deadline;
        this.tls = tls;
    }

    @Override
    public int post(URI url, Map<String, String> headers, byte[] body) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new RefusedWebhookTargetException("callbackUrl must be an http or https URL");
        }
        String host = url.getHost();
        if (host == null) {
            throw new RefusedWebhookTargetException("callbackUrl names no host");
        }
        int port = WebhookTargets.port(url);
        List<InetAddress> addresses;
        try {
            addresses = targets.resolveChecked(url);
        } catch (UnknownHostException e) {
            throw new TransientFailure("host " + host + " does not resolve", e);
        }
        InetAddress address = addresses.get(0);
        Socket socket = new Socket();
        AtomicBoolean expired = new AtomicBoolean();
        ScheduledFuture<?> guard = deadlines.schedule(() -> {
            expired.set(true);
            closeQuietly(socket);
        }, deadline.toMillis(), TimeUnit.MILLISECONDS);
        try {
            socket.connect(new InetSocketAddress(address, port), (int) connectTimeout.toMillis());
            // What the socket reached, judged once more: the address checked is the address used.
            targets.check(host, socket.getInetAddress(), socket.getPort());
            socket.setSoTimeout((int) readTimeout.toMillis());
            Socket channel = scheme.equals("https") ? secure(socket, host, port) : socket;
            OutputStream out = channel.getOutputStream();
            out.write(head(url, host, headers, body.length));
            out.write(body);
            out.flush();
            return readAnswer(channel.getInputStream());
        } catch (IOException e) {
            if (expired.get()) {
                throw new TransientFailure("no complete answer within the delivery deadline of " + deadline, e);
            }
            throw new TransientFailure(e.getClass().getSimpleName() + (e.getMessage() == null ? ""
                    : ": " + e.getMessage()), e);
        } finally {
            guard.cancel(false);
            closeQuietly(socket);
        }
    }

    private Socket secure(Socket socket, String host, int port) throws IOException {
        String name = bare(host);
        SSLSocket ssl = (SSLSocket) tls.createSocket(socket, name, port, true);
        SSLParameters parameters = ssl.getSSLParameters();
        // The certificate must be the named host's, as a browser would check it.
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        if (!isLiteral(name)) {
            parameters.setServerNames(List.of(new SNIHostName(name)));
        }
        ssl.setSSLParameters(parameters);
        ssl.startHandshake();
        return ssl;
    }

    private static byte[] head(URI url, String host, Map<String, String> headers, int length) {
        String target = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        if (url.getRawQuery() != null) {
            target += "?" + url.getRawQuery();
        }
        StringBuilder head = new StringBuilder();
        head.append("POST ").append(target).append(" HTTP/1.1\r\n");
        head.append("Host: ").append(host).append(url.getPort() > 0 ? ":" + url.getPort() : "").append("\r\n");
        head.append("User-Agent: Kiff-Webhooks\r\n");
        head.append("Content-Length: ").append(length).append("\r\n");
        head.append("Connection: close\r\n");
        headers.forEach((name, value) -> head.append(clean(name)).append(": ").append(clean(value)).append("\r\n"));
        head.append("\r\n");
        return head.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The status code; then up to {@link #MAX_BODY_BYTES} of a body of declared length, dropped. */
    private static int readAnswer(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the receiver closed the connection before its answer's head ended");
            }
            head.write(b);
            if (head.size() > MAX_HEAD_BYTES) {
                throw new IOException("answer's status line and headers exceed " + MAX_HEAD_BYTES + " bytes");
            }
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        String[] status = lines[0].split(" ", 3);
        int code;
        try {
            code = status.length >= 2 && status[0].startsWith("HTTP/") ? Integer.parseInt(status[1]) : -1;
        } catch (NumberFormatException e) {
            code = -1;
        }
        if (code < 100 || code > 999) {
            throw new IOException("not an HTTP answer");
        }
        long length = -1;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0 && lines[i].substring(0, colon).trim().equalsIgnoreCase("Content-Length")) {
                try {
                    length = Long.parseLong(lines[i].substring(colon + 1).trim());
                } catch (NumberFormatException e) {
                    length = -1;
                }
            }
        }
        if (length > 0 && length <= MAX_BODY_BYTES) {
            try {
                in.readNBytes((int) length);
            } catch (IOException e) {
                // The status is what counts; a body cut short changes nothing.
            }
        }
        return code;
    }

    private static String clean(String text) {
        if (text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("header text with a line break");
        }
        return text;
    }

    private static String bare(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static boolean isLiteral(String host) {
        return host.indexOf(':') >= 0 || host.matches("[0-9.]+");
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        deadlines.shutdownNow();
    }
}
