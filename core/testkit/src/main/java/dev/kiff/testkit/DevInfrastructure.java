package dev.kiff.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default infrastructure of {@code ./kiff dev}: a KRaft broker and a PostgreSQL server on fixed local
 * ports. It writes their addresses to an env file once both accept connections, then runs until it is stopped.
 *
 * <p>Arguments: {@code <env-file> <kafka-port> <postgres-port> <data-dir>}; a port of {@code off} leaves that server
 * out (an external one is configured instead). Topics and jobs are kept in the data directory across restarts.
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
        EmbeddedKafkaServer kafka = "off".equals(args[1]) ? null
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
        }
        if (postgres != null) {
            env.append("KIFF_DB_URL=jdbc:postgresql://localhost:").append(postgres.port()).append("/postgres\n")
                    .append("KIFF_DB_USER=").append(postgres.username()).append('\n')
                    .append("KIFF_DB_PASSWORD=").append(postgres.password()).append('\n');
            log.info("PostgreSQL at localhost:{}", postgres.port());
        }
        Files.writeString(envFile, env.toString());
        stopped.await();
    }
}
