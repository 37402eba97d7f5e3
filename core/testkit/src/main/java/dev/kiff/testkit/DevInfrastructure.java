package dev.kiff.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.acl.AclBinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default infrastructure of {@code ./kiff dev}: a KRaft broker and a PostgreSQL server on fixed local
 * ports. It writes their addresses to an env file once both accept connections, then runs until it is stopped.
 *
 * <p>Arguments: {@code <env-file> <kafka-port> <postgres-port> <data-dir>}; a port of {@code off} leaves that server
 * out (an external one is configured instead). Topics and jobs are kept in the data directory across restarts.
 *
 * <p>With {@code KIFF_DEV_KAFKA_SCRAM=on} the broker runs in SCRAM mode ({@link EmbeddedKafkaServer#startWithScram}):
 * the API, the workers and the schedulers each get a SCRAM user with only their {@link ServiceAcls}, and an operator
 * user for {@code ./kiff kafka} may read and write the Kiff topics. The passwords are made at each start and written
 * to the env file (which only its owner can read).
 *
 * <p>On a unix socket beside the env file ({@value #CONTROL_SOCKET}) it takes "stop kafka", "start kafka", "stop
 * postgres" and "start postgres": {@code ./kiff chaos} restarts the broker and stops the database with them, as an
 * operator would, while the apps run on.
 */
public final class DevInfrastructure {

    private static final Logger log = LoggerFactory.getLogger(DevInfrastructure.class);
    /** The control socket's name, beside the env file. */
    static final String CONTROL_SOCKET = "infra.sock";

    private DevInfrastructure() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length != 4) {
            System.err.println("usage: DevInfrastructure <env-file> <kafka-port> <postgres-port> <data-dir>");
            System.exit(2);
        }
        Path envFile = Path.of(args[0]);
        Files.deleteIfExists(envFile);
        Path dataDir = Path.of(args[3]);
        Files.createDirectories(dataDir);
        boolean scram = "on".equals(System.getenv("KIFF_DEV_KAFKA_SCRAM"));
        Servers servers = new Servers("off".equals(args[1]) ? -1 : Integer.parseInt(args[1]),
                "off".equals(args[2]) ? -1 : Integer.parseInt(args[2]), dataDir, scram);
        servers.start("postgres");
        servers.start("kafka");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("stopping the embedded infrastructure");
            servers.stop("kafka");
            servers.stop("postgres");
            stopped.countDown();
        }, "kiff-dev-infrastructure-stop"));
        StringBuilder env = new StringBuilder();
        if (servers.kafka != null) {
            env.append("KIFF_KAFKA_BOOTSTRAP=").append(servers.kafka.bootstrapServers()).append('\n');
            log.info("Kafka broker (KRaft) at {}", servers.kafka.bootstrapServers());
            if (scram) {
                env.append(scramUsers(servers.kafka));
                log.info("Kafka broker in SCRAM mode: SASL_PLAINTEXT, SCRAM-SHA-256/512, ACLs on");
            }
        }
        if (servers.postgres != null) {
            env.append("KIFF_DB_URL=jdbc:postgresql://localhost:").append(servers.postgres.port())
                    .append("/postgres\n")
                    .append("KIFF_DB_USER=").append(servers.postgres.username()).append('\n')
                    .append("KIFF_DB_PASSWORD=").append(servers.postgres.password()).append('\n');
            log.info("PostgreSQL at localhost:{}", servers.postgres.port());
        }
        Path control = envFile.toAbsolutePath().getParent().resolve(CONTROL_SOCKET);
        servers.listen(control);
        // Owner-only (it may hold the Kafka passwords), and whole when it appears: ./kiff reads it as soon as it exists.
        Path written = Files.createTempFile(envFile.toAbsolutePath().getParent(), "infra", ".env",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(written, env.toString());
        Files.move(written, envFile, StandardCopyOption.ATOMIC_MOVE);
        stopped.await();
    }

    /**
     * The broker and the database, each stopped and started again on request: on the same port, with the same data,
     * so the apps reconnect to what they knew. A restarted broker in SCRAM mode keeps its users and ACLs (they live in
     * its metadata log), so the apps' passwords stay valid.
     */
    private static final class Servers {

        private final int kafkaPort;
        private final int postgresPort;
        private final Path dataDir;
        private final boolean scram;
        private volatile EmbeddedKafkaServer kafka;
        private volatile EmbeddedPostgresServer postgres;

        Servers(int kafkaPort, int postgresPort, Path dataDir, boolean scram) {
            this.kafkaPort = kafkaPort;
            this.postgresPort = postgresPort;
            this.dataDir = dataDir;
            this.scram = scram;
        }

        synchronized String start(String server) {
            switch (server) {
                case "kafka" -> {
                    if (kafkaPort < 0 || kafka != null) {
                        return kafkaPort < 0 ? "error: no embedded broker here" : "ok: kafka already runs";
                    }
                    kafka = scram ? EmbeddedKafkaServer.startWithScram(kafkaPort, dataDir.resolve("kafka"))
                            : EmbeddedKafkaServer.start(kafkaPort, dataDir.resolve("kafka"));
                }
                case "postgres" -> {
                    if (postgresPort < 0 || postgres != null) {
                        return postgresPort < 0 ? "error: no embedded database here" : "ok: postgres already runs";
                    }
                    postgres = EmbeddedPostgresServer.start(postgresPort, dataDir.resolve("postgres"));
                }
                default -> {
                    return "error: unknown server " + server + " (kafka, postgres)";
                }
            }
            return "ok: " + server + " started";
        }

        synchronized String stop(String server) {
            switch (server) {
                case "kafka" -> {
                    if (kafka != null) {
                        kafka.close();
                        kafka = null;
                    }
                }
                case "postgres" -> {
                    if (postgres != null) {
                        postgres.close();
                        postgres = null;
                    }
                }
                default -> {
                    return "error: unknown server " + server + " (kafka, postgres)";
                }
            }
            return "ok: " + server + " stopped";
        }

        /**
         * Answers "stop kafka", "start kafka", "stop postgres", "start postgres" (one command a line, one answer
         * line each) on a unix socket that only this user can reach: what {@code ./kiff chaos} breaks the platform
         * with, from outside its apps.
         */
        void listen(Path socket) throws IOException {
            Files.deleteIfExists(socket);
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
            Thread thread = new Thread(() -> {
                while (server.isOpen()) {
                    try (SocketChannel client = server.accept();
                            BufferedReader in = new BufferedReader(new InputStreamReader(
                                    Channels.newInputStream(client), StandardCharsets.UTF_8));
                            Writer out = new OutputStreamWriter(Channels.newOutputStream(client),
                                    StandardCharsets.UTF_8)) {
                        for (String line = in.readLine(); line != null; line = in.readLine()) {
                            out.write(answer(line.trim()) + "\n");
                            out.flush();
                        }
                    } catch (IOException | RuntimeException e) {
                        log.warn("control command failed", e);
                    }
                }
            }, "kiff-dev-infrastructure-control");
            thread.setDaemon(true);
            thread.start();
        }

        private String answer(String command) {
            String[] words = command.split("\\s+");
            if (words.length != 2) {
                return "error: expected 'stop|start kafka|postgres'";
            }
            log.info("control: {}", command);
            try {
                return switch (words[0]) {
                    case "stop" -> stop(words[1]);
                    case "start" -> start(words[1]);
                    default -> "error: unknown command " + words[0] + " (stop, start)";
                };
            } catch (RuntimeException e) {
                log.error("control: {} failed", command, e);
                return "error: " + e.getMessage();
            }
        }
    }

    /**
     * Makes a SCRAM user for each service and one for the operator, grants them their ACLs, and returns the env lines
     * that say how to connect as each: the protocol and mechanism, {@code KIFF_DEV_KAFKA_<SERVICE>_PASSWORD} for the
     * services ({@code ./kiff} hands each app its own), and the operator as {@code KIFF_KAFKA_USERNAME} and
     * {@code KIFF_KAFKA_PASSWORD}.
     */
    private static String scramUsers(EmbeddedKafkaServer kafka) {
        StringBuilder env = new StringBuilder()
                .append("KIFF_KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT\n")
                .append("KIFF_KAFKA_SASL_MECHANISM=SCRAM-SHA-512\n");
        Map<String, List<AclBinding>> services = new LinkedHashMap<>();
        services.put("api", ServiceAcls.api("kiff-api"));
        services.put("worker", ServiceAcls.worker("kiff-worker"));
        services.put("scheduler", ServiceAcls.scheduler("kiff-scheduler"));
        services.put("operator", ServiceAcls.operator("kiff-operator"));
        services.forEach((service, acls) -> {
            String password = UUID.randomUUID().toString();
            kafka.addScramUser("kiff-" + service, password);
            kafka.grant(acls);
            env.append("KIFF_DEV_KAFKA_").append(service.toUpperCase(Locale.ROOT)).append("_PASSWORD=")
                    .append(password).append('\n');
        });
        env.append("KIFF_KAFKA_USERNAME=kiff-operator\n")
                .append("KIFF_KAFKA_PASSWORD=${KIFF_DEV_KAFKA_OPERATOR_PASSWORD}\n");
        return env.toString();
    }
}
