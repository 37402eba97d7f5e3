package dev.kiff.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real single-node Kafka broker in KRaft mode (combined broker and controller), running in this JVM: Apache
 * Kafka's own {@link KafkaRaftServer}, configured as a one-machine production broker would be, on a port of our
 * choosing.
 */
public final class EmbeddedKafkaServer implements AutoCloseable {

    /** The broker's own principal, on its internal and controller listeners; a super user. */
    public static final String BROKER_USER = "kiff-broker";

    private final KafkaRaftServer server;
    private final int port;
    private final Path logDir;
    private final boolean deleteOnClose;
    /** In SCRAM mode, the loopback listener of the broker's own principal (inter-broker traffic, set-up); else -1. */
    private final int internalPort;
    private final String brokerPassword;

    private EmbeddedKafkaServer(KafkaRaftServer server, int port, Path logDir, boolean deleteOnClose,
            int internalPort, String brokerPassword) {
        this.server = server;
        this.port = port;
        this.logDir = logDir;
        this.deleteOnClose = deleteOnClose;
        this.internalPort = internalPort;
        this.brokerPassword = brokerPassword;
    }

    /**
     * Starts a broker on localhost:{@code port} (0 picks a free port). With a {@code dataDirectory} the topics outlive
     * the process; without one they live in a temporary folder removed on {@link #close()}.
     */
    public static EmbeddedKafkaServer start(int port, Path dataDirectory) {
        return start(port, dataDirectory, false);
    }

    /**
     * Starts a broker as {@link #start(int, Path)} does, but in SCRAM mode: clients connect to localhost:{@code port}
     * over SASL_PLAINTEXT with SCRAM-SHA-256 or SCRAM-SHA-512, as a user made with {@link #addScramUser}, and are
     * allowed only what ACLs grant them ({@link #grant}; KRaft's {@code StandardAuthorizer}, nothing allowed where no
     * ACL matches). The broker itself, and the set-up through this object, use a PLAIN-authenticated listener on
     * loopback with a password made at start and never written anywhere, as the only super user.
     */
    public static EmbeddedKafkaServer startWithScram(int port, Path dataDirectory) {
        return start(port, dataDirectory, true);
    }

    private static EmbeddedKafkaServer start(int port, Path dataDirectory, boolean scram) {
        try {
            int brokerPort = port > 0 ? port : freePort();
            int controllerPort = freePort();
            boolean temporary = dataDirectory == null;
            Path logDir = temporary ? Files.createTempDirectory("kiff-kafka") : dataDirectory;
            Files.createDirectories(logDir);
            Properties config = new Properties();
            config.put("process.roles", "broker,controller");
            config.put("node.id", "1");
            config.put("controller.listener.names", "CONTROLLER");
            config.put("controller.quorum.voters", "1@localhost:" + controllerPort);
            int internalPort = -1;
            String brokerPassword = null;
            if (scram) {
                internalPort = freePort();
                brokerPassword = Uuid.randomUuid() + "-" + Uuid.randomUuid();
                scramListeners(config, brokerPort, internalPort, controllerPort, brokerPassword);
            } else {
                config.put("listeners", "PLAINTEXT://localhost:" + brokerPort + ",CONTROLLER://localhost:"
                        + controllerPort);
                config.put("advertised.listeners", "PLAINTEXT://localhost:" + brokerPort);
                config.put("inter.broker.listener.name", "PLAINTEXT");
                config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            }
            config.put("log.dirs", logDir.toString());
            // One node: every internal topic has one replica, and few partitions so the first consumer starts fast.
            config.put("offsets.topic.replication.factor", "1");
            config.put("offsets.topic.num.partitions", "4");
            config.put("transaction.state.log.replication.factor", "1");
            config.put("transaction.state.log.min.isr", "1");
            config.put("share.coordinator.state.topic.replication.factor", "1");
            config.put("share.coordinator.state.topic.min.isr", "1");
            config.put("group.initial.rebalance.delay.ms", "0");
            // Topics are created by the apps with their configured partitions; a typo must not create one.
            config.put("auto.create.topics.enable", "false");
            config.put("message.max.bytes", String.valueOf(4 * 1024 * 1024));
            new Formatter()
                    .setNodeId(1)
                    .setClusterId(clusterId(logDir))
                    .setDirectories(List.of(logDir.toString()))
                    .setMetadataLogDirectory(logDir.toString())
                    .setControllerListenerName("CONTROLLER")
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setIgnoreFormatted(true)
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .run();
            KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(config), Time.SYSTEM);
            server.startup();
            return new EmbeddedKafkaServer(server, brokerPort, logDir, temporary, internalPort, brokerPassword);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded Kafka broker", e);
        } catch (Exception e) {
            throw new IllegalStateException("could not start the embedded Kafka broker", e);
        }
    }

    /**
     * SCRAM mode's listeners. Clients: SCRAM only, the credentials kept in the cluster's metadata. The broker's own
     * traffic (to its controller, and to itself as a broker: transaction markers) cannot use SCRAM, whose users live
     * in the metadata the controller must first serve, so it uses PLAIN with a static user of this process.
     */
    private static void scramListeners(Properties config, int clientPort, int internalPort, int controllerPort,
            String brokerPassword) {
        config.put("listeners", "CLIENT://localhost:" + clientPort + ",INTERNAL://localhost:" + internalPort
                + ",CONTROLLER://localhost:" + controllerPort);
        config.put("advertised.listeners", "CLIENT://localhost:" + clientPort + ",INTERNAL://localhost:"
                + internalPort);
        config.put("listener.security.protocol.map",
                "CLIENT:SASL_PLAINTEXT,INTERNAL:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT");
        config.put("inter.broker.listener.name", "INTERNAL");
        config.put("sasl.enabled.mechanisms", "PLAIN");
        config.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
        config.put("sasl.mechanism.controller.protocol", "PLAIN");
        String plain = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + BROKER_USER
                + "\" password=\"" + brokerPassword + "\" user_" + BROKER_USER + "=\"" + brokerPassword + "\";";
        for (String listener : List.of("internal", "controller")) {
            config.put("listener.name." + listener + ".sasl.enabled.mechanisms", "PLAIN");
            config.put("listener.name." + listener + ".plain.sasl.jaas.config", plain);
        }
        config.put("listener.name.client.sasl.enabled.mechanisms", "SCRAM-SHA-256,SCRAM-SHA-512");
        for (String mechanism : List.of("scram-sha-256", "scram-sha-512")) {
            config.put("listener.name.client." + mechanism + ".sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        }
        config.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        config.put("super.users", "User:" + BROKER_USER);
        config.put("allow.everyone.if.no.acl.found", "false");
    }

    /**
     * Makes (or changes) a SCRAM user, for both SCRAM-SHA-256 and SCRAM-SHA-512, and returns once this broker
     * authenticates it. SCRAM mode only.
     */
    public void addScramUser(String name, String password) {
        try (Admin admin = Admin.create(superUserProperties())) {
            // One mechanism per request: the broker refuses two alterations of one user in the same request.
            for (ScramMechanism mechanism : List.of(ScramMechanism.SCRAM_SHA_256, ScramMechanism.SCRAM_SHA_512)) {
                List<UserScramCredentialAlteration> upsert = List.of(new UserScramCredentialUpsertion(name,
                        new ScramCredentialInfo(mechanism, 8192), password));
                admin.alterUserScramCredentials(upsert).all().get(30, TimeUnit.SECONDS);
            }
            // The controller has the credentials now; the broker that authenticates has them a moment later.
            awaitApplied("SCRAM user " + name, () -> admin.describeUserScramCredentials(List.of(name))
                    .description(name).get(10, TimeUnit.SECONDS).credentialInfos().size() == 2);
        } catch (Exception e) {
            throw new IllegalStateException("could not add the SCRAM user " + name, e);
        }
    }

    /** Adds ACLs, and returns once this broker enforces them. SCRAM mode only. */
    public void grant(Collection<AclBinding> acls) {
        try (Admin admin = Admin.create(superUserProperties())) {
            admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
            awaitApplied("ACLs", () -> admin.describeAcls(AclBindingFilter.ANY).values().get(10, TimeUnit.SECONDS)
                    .containsAll(acls));
        } catch (Exception e) {
            throw new IllegalStateException("could not add ACLs", e);
        }
    }

    /**
     * A client's connection properties as the given SCRAM user: {@code bootstrap.servers}, SASL_PLAINTEXT,
     * SCRAM-SHA-512.
     */
    public Map<String, Object> clientProperties(String user, String password) {
        return Map.of(
                "bootstrap.servers", bootstrapServers(),
                "security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username="
                        + quoted(user) + " password=" + quoted(password) + ";");
    }

    /** A JAAS option value, quoted with its quotes and backslashes escaped. */
    private static String quoted(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /** Properties of the broker's own super user on its internal loopback listener, for set-up. */
    private Map<String, Object> superUserProperties() {
        if (internalPort < 0) {
            throw new IllegalStateException("the broker does not run in SCRAM mode");
        }
        return Map.of(
                "bootstrap.servers", "localhost:" + internalPort,
                "security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", "PLAIN",
                "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                        + BROKER_USER + "\" password=\"" + brokerPassword + "\";");
    }

    private interface Check {
        boolean passes() throws Exception;
    }

    private static void awaitApplied(String what, Check check) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!check.passes()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + " not applied by the broker within 30 s");
            }
            TimeUnit.MILLISECONDS.sleep(50); // metadata reaches the broker within milliseconds
        }
    }

    /** The {@code bootstrap.servers} value of this broker, e.g. {@code localhost:9092}. */
    public String bootstrapServers() {
        return "localhost:" + port;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
        if (deleteOnClose) {
            try (var paths = Files.walk(logDir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The id of the cluster whose data {@code logDir} holds, so a restarted dev broker keeps its topics. */
    private static String clusterId(Path logDir) throws IOException {
        Path meta = logDir.resolve("meta.properties");
        if (Files.exists(meta)) {
            Properties properties = new Properties();
            try (var in = Files.newInputStream(meta)) {
                properties.load(in);
            }
            String id = properties.getProperty("cluster.id");
            if (id != null) {
                return id;
            }
        }
        return Uuid.randomUuid().toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
