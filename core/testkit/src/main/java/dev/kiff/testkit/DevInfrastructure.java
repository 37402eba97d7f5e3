package dev.kiff.testkit;

import java.io.IOException;
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
 */
public final class DevInfrastructure {

    private static final Logger log = LoggerFactory.getLogger(DevInfrastructure.class);

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
        EmbeddedPostgresServer postgres = "off".equals(args[2]) ? null
                : EmbeddedPostgresServer.start(Integer.parseInt(args[2]), dataDir.resolve("postgres"));
        boolean scram = "on".equals(System.getenv("KIFF_DEV_KAFKA_SCRAM"));
        EmbeddedKafkaServer kafka = "off".equals(args[1]) ? null
                : scram ? EmbeddedKafkaServer.startWithScram(Integer.parseInt(args[1]), dataDir.resolve("kafka"))
                : EmbeddedKafkaServer.start(Integer.parseInt(args[1]), dataDir.resolve("kafka"));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("stopping the embedded infrastructure");
            if (kafka != null) {
                kafka.close();
            }
            if (postgres != null) {
                postgres.close();
            }
            stopped.countDown();
        }, "kiff-dev-infrastructure-stop"));
        StringBuilder env = new StringBuilder();
        if (kafka != null) {
            env.append("KIFF_KAFKA_BOOTSTRAP=").append(kafka.bootstrapServers()).append('\n');
            log.info("Kafka broker (KRaft) at {}", kafka.bootstrapServers());
            if (scram) {
                env.append(scramUsers(kafka));
                log.info("Kafka broker in SCRAM mode: SASL_PLAINTEXT, SCRAM-SHA-256/512, ACLs on");
            }
        }
        if (postgres != null) {
            env.append("KIFF_DB_URL=jdbc:postgresql://localhost:").append(postgres.port()).append("/postgres\n")
                    .append("KIFF_DB_USER=").append(postgres.username()).append('\n')
                    .append("KIFF_DB_PASSWORD=").append(postgres.password()).append('\n');
            log.info("PostgreSQL at localhost:{}", postgres.port());
        }
        // Owner-only (it may hold the Kafka passwords), and whole when it appears: ./kiff reads it as soon as it exists.
        Path written = Files.createTempFile(envFile.toAbsolutePath().getParent(), "infra", ".env",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(written, env.toString());
        Files.move(written, envFile, StandardCopyOption.ATOMIC_MOVE);
        stopped.await();
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
