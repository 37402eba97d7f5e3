package dev.kiff.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiff.core.gateway.GatewayCall;
import dev.kiff.core.gateway.GatewaySession;
import dev.kiff.model.job.Job;
import dev.kiff.model.job.Language;
import dev.kiff.model.job.VmType;
import dev.kiff.core.job.VmTypeCatalogue;
import dev.kiff.worker.gateway.GatewayProperties;
import dev.kiff.worker.gateway.UnixSocketSandboxGateway;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

/**
 * The gateway of one job, over its real unix socket, in front of a real HTTP stand-in on loopback: bodies stream
 * both ways within the job's quotas, and every call counts, refused ones too.
 */
class UnixSocketSandboxGatewayTest {

    static final long MAX_BYTES = 4_000_000;

    @TempDir
    Path scratch;

    final StandInService upstream = StandInService.start();
    final List<GatewayCall> audited = new CopyOnWriteArrayList<>();
    final List<GatewaySession> sessions = new ArrayList<>();
    UnixSocketSandboxGateway gateway;

    @BeforeEach
    void openGateway() {
        GatewayProperties properties = new GatewayProperties(scratch.resolve("gateway"), Duration.ofSeconds(10),
                Duration.ofSeconds(2), 20, DataSize.ofBytes(MAX_BYTES), 2, 2, DataSize.ofKilobytes(1000), 4,
                DataSize.ofKilobytes(16), 100, DataSize.ofKilobytes(16), DataSize.ofKilobytes(1500), 1000, 100,
                Duration.ofMillis(50), Duration.ofSeconds(30),
                Map.of("ml", new GatewayProperties.Binding(URI.create(upstream.url()), "Authorization", "")));
        gateway = new UnixSocketSandboxGateway(properties, VmTypeCatalogue.builtIn(), audited::add,
                Clock.systemUTC());
    }

    @AfterEach
    void closeGateway() {
        sessions.forEach(GatewaySession::close);
        gateway.close();
        upstream.close();
    }

    @Test
    void streamsLargeAnswersWhole() throws Exception {
        GatewaySession session = open();
        Answer sized = exchange(session, "GET /ml/bulk/3000000 HTTP/1.1\r\nHost: kiff\r\n\r\n", 0, false);
        assertThat(sized.status()).isEqualTo(200);
        assertThat(sized.bodyBytes()).isEqualTo(3_000_000);
        assertThat(sized.complete()).isTrue();
        Answer chunked = exchange(session, "GET /ml/bulk/900000?chunked HTTP/1.1\r\nHost: kiff\r\n\r\n", 0, false);
        assertThat(chunked.status()).isEqualTo(200);
        assertThat(chunked.bodyBytes()).isEqualTo(900_000);
        assertThat(chunked.complete()).isTrue();
        assertThat(session.usage().requests()).isEqualTo(2);
        assertThat(session.usage().bytes()).isEqualTo(3_900_000);
    }

    @Test
    void cutsOffAnAnswerOnceItPassesTheJobsByteQuota() throws Exception {
        GatewaySession session = open();
        Answer answer = exchange(session, "GET /ml/bulk/50000000?chunked HTTP/1.1\r\nHost: kiff\r\n\r\n", 0, false);
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.complete()).as("an answer cut off is not framed as complete").isFalse();
        assertThat(answer.bodyBytes()).isLessThanOrEqualTo(MAX_BYTES);
        assertThat(session.usage().bytes()).isLessThanOrEqualTo(MAX_BYTES + 16 * 1024);
    }

    @Test
    void refusesAnAnswerWhoseLengthPassesTheJobsByteQuota() throws Exception {
        GatewaySession session = open();
        Answer answer = exchange(session, "GET /ml/bulk/50000000 HTTP/1.1\r\nHost: kiff\r\n\r\n", 0, false);
        assertThat(answer.status()).isEqualTo(429);
        assertThat(answer.text()).contains("quota");
        assertThat(session.usage().bytes()).isZero();
    }

    @Test
    void stopsAnUploadOnceItPassesTheJobsByteQuota() throws Exception {
        GatewaySession session = open();
        Answer chunked = exchange(session, "PUT /ml/bulk/in HTTP/1.1\r\nHost: kiff\r\nTransfer-Encoding: chunked\r\n\r\n",
                50_000_000, true);
        assertThat(chunked.status()).isEqualTo(413);
        assertThat(upstream.bulkReceived()).isLessThanOrEqualTo(MAX_BYTES);
        Answer sized = exchange(session, "PUT /ml/bulk/in HTTP/1.1\r\nHost: kiff\r\nContent-Length: 50000000\r\n\r\n",
                50_000_000, false);
        assertThat(sized.status()).isEqualTo(413);
        assertThat(session.usage().requests()).isEqualTo(2);
        assertThat(session.usage().bytes()).isLessThanOrEqualTo(MAX_BYTES + 16 * 1024);
    }

    @Test
    void countsRefusedCallsAgainstTheJobsQuotaAndAuditsThemInBatches() throws Exception {
        GatewaySession session = open();
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            statuses.add(exchange(session, "GET /payments/charge HTTP/1.1\r\nHost: kiff\r\n\r\n", 0, false)
                    .status());
        }
        assertThat(statuses.subList(0, 20)).containsOnly(403);
        assertThat(statuses.subList(20, 25)).containsOnly(429);
        assertThat(session.usage().requests()).isEqualTo(25);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(audited).hasSize(25));
        assertThat(audited).extracting(GatewayCall::outcome).containsOnly("binding-not-allowed", "quota-exceeded");
    }

    @Test
    void answersConnectionsBeyondTheJobsLimitAtOnce() throws Exception {
        GatewaySession session = open();
        try (SocketChannel first = connect(session); SocketChannel second = connect(session)) {
            // Both hold their connection, sending nothing; the third is answered without being served.
            Answer third = exchange(session, "GET /ml/bulk/10 HTTP/1.1\r\nHost: kiff\r\n\r\n", 0, false);
            assertThat(third.status()).isEqualTo(429);
            assertThat(third.text()).contains("connections");
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(audited).extracting(GatewayCall::outcome)
                        .contains("connection-limit"));
        assertThat(session.usage().requests()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void takesArtifactsWithinTheJobsQuotaAndTheWorkersArtifactMemory() throws Exception {
        GatewaySession first = open();
        assertThat(upload(first, "a.bin", 800_000).status()).isEqualTo(201);
        GatewaySession second = open();
        // 800 kB of the worker's 1500 kB are held by the first job until it ends.
        assertThat(upload(second, "b.bin", 800_000).status()).isEqualTo(503);
        first.close();
        assertThat(first.artifacts()).singleElement().satisfies(a -> assertThat(a.content()).hasSize(800_000));
        assertThat(upload(second, "b.bin", 800_000).status()).isEqualTo(201);
        assertThat(upload(second, "c.bin", 300_000).status()).as("past the 2 uploads of the quota").isEqualTo(413);
        assertThat(second.usage().requests()).isEqualTo(3);
        assertThat(second.usage().bytes()).isEqualTo(800_000);
        GatewaySession third = open();
        assertThat(upload(third, "d.bin", 1_200_000).status()).as("past the 1000 kB of the quota").isEqualTo(413);
        Answer chunked = exchange(third, "PUT /_kiff/artifacts/e.bin HTTP/1.1\r\nHost: kiff\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n", 1000, true);
        assertThat(chunked.status()).isEqualTo(411);
    }

    GatewaySession open() throws IOException {
        UUID id = UUID.randomUUID();
        Path directory = Files.createDirectories(scratch.resolve(id.toString()));
        Job job = new Job(id, Job.DEFAULT_TENANT, VmType.ML_AGENT, Language.PYTHON, "", "", Map.of(), Map.of(), null,
                Instant.now());
        GatewaySession session = gateway.open(job, directory);
        sessions.add(session);
        return session;
    }

    static SocketChannel connect(GatewaySession session) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(session.directory().resolve(GatewaySession.SOCKET_NAME)));
        return channel;
    }

    Answer upload(GatewaySession session, String name, int size) throws IOException {
        return exchange(session, "PUT /_kiff/artifacts/" + name + " HTTP/1.1\r\nHost: kiff\r\nContent-Length: "
                + size + "\r\n\r\n", size, false);
    }

    /** What the gateway answered: its status, its body's length, and whether the body ended as its framing said. */
    record Answer(int status, long bodyBytes, boolean complete, String text) {
    }

    /** Sends the head, then {@code bodyBytes} of body (chunked or not) from another thread, and reads the answer. */
    static Answer exchange(GatewaySession session, String head, long bodyBytes, boolean chunked) throws IOException {
        try (SocketChannel channel = connect(session)) {
            InputStream in = Channels.newInputStream(channel);
            channel.write(ByteBuffer.wrap(head.getBytes(StandardCharsets.ISO_8859_1)));
            // A thread of its own, writing to the channel itself: a stream from Channels holds the channel's lock
            // while it waits to read, and the answer is read meanwhile.
            Thread sending = new Thread(() -> {
                byte[] buffer = new byte[64 * 1024];
                try {
                    for (long left = bodyBytes; left > 0; left -= buffer.length) {
                        int n = (int) Math.min(buffer.length, left);
                        if (chunked) {
                            write(channel, (Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                        }
                        ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
                        while (chunk.hasRemaining()) {
                            channel.write(chunk);
                        }
                        if (chunked) {
                            write(channel, "\r\n".getBytes(StandardCharsets.ISO_8859_1));
                        }
                    }
                    if (chunked) {
                        write(channel, "0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    }
                } catch (IOException e) {
                    // the gateway stopped reading: it answered already
                }
            }, "test-sender");
            sending.setDaemon(true);
            sending.start();
            return read(in);
        }
    }

    static void write(SocketChannel channel, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    static Answer read(InputStream in) throws IOException {
        String statusLine = line(in);
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        long length = -1;
        boolean chunked = false;
        for (String header; !(header = line(in)).isEmpty(); ) {
            String lower = header.toLowerCase();
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(header.substring(header.indexOf(':') + 1).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        long body = 0;
        boolean complete;
        byte[] buffer = new byte[64 * 1024];
        try {
            if (chunked) {
                complete = false;
                while (true) {
                    long size = Long.parseLong(line(in).trim(), 16);
                    if (size == 0) {
                        complete = true;
                        break;
                    }
                    for (long left = size; left > 0; ) {
                        int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                        if (n < 0) {
                            throw new IOException("cut off");
                        }
                        body += n;
                        left -= n;
                    }
                    line(in);
                }
            } else {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    if (text.size() < 4096) {
                        text.write(buffer, 0, Math.min(n, 4096));
                    }
                    body += n;
                }
                complete = length < 0 || body == length;
            }
        } catch (IOException | NumberFormatException e) {
            complete = false;
        }
        return new Answer(status, body, complete, text.toString(StandardCharsets.UTF_8));
    }

    static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                throw new IOException("closed");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }
}
