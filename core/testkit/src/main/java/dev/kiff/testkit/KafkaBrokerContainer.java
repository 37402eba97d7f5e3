package dev.kiff.testkit;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.wait.strategy.LogMessageWaitStrategy;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A real Kafka broker in a container, for the tests where the broker must go away and come back: it runs in a
 * process of its own, and {@link #restart()} stops it as an operator would (SIGTERM, a clean shutdown) and starts
 * the same container again, with the same data and at the same address. Everywhere else the in-process
 * {@link EmbeddedKafkaServer} is the faster choice.
 *
 * <p>It is Testcontainers' Kafka module on the locally built image {@value #DEFAULT_IMAGE}
 * ({@code images/platform/build.sh kafka}, which {@code ./kiff test} runs), declared a compatible substitute for
 * {@code apache/kafka} and never pulled: no registry is needed. Where none is reachable Ryuk cannot be pulled
 * either, so the build turns it off (failsafe's {@code TESTCONTAINERS_RYUK_DISABLED}, from the Maven property
 * {@code testcontainers.ryuk.disabled}) and Testcontainers removes its containers when the JVM exits. With a
 * registry, {@code -Dkiff.test.kafka-image=apache/kafka:4.1.2} names the official image instead (not tried here:
 * no registry).
 */
public final class KafkaBrokerContainer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaBrokerContainer.class);

    /** The image unless the system property {@code kiff.test.kafka-image} names another. */
    public static final String DEFAULT_IMAGE = "kiff/kafka:4.1.2";

    /** What the broker logs when it serves: once per start (the container's log keeps every start's lines). */
    private static final String SERVING = ".*Transitioning from RECOVERY to RUNNING.*";
    private static final int KAFKA_PORT = 9092;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration DOCKER_CALL_TIMEOUT = Duration.ofSeconds(30);
    /**
     * SIGTERM to the broker's JVM, found by its main class. Not {@code docker stop}: the container's first process
     * is Testcontainers' start script, and a first process ignores the SIGTERM it has no handler for, so {@code docker
     * stop} would wait out its grace period and kill the broker. The pattern's brackets keep this very command from
     * matching itself.
     */
    private static final String STOP_BROKER = "for process in /proc/[0-9]*; do"
            + " if grep -qa 'kafka[.]Kafka' \"$process/cmdline\" 2>/dev/null;"
            + " then kill -TERM \"${process#/proc/}\"; fi; done";

    /** Runs the blocking Docker calls, so that each has a time limit; daemon threads, so none holds the JVM up. */
    private static final ExecutorService DOCKER_CALLS = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "kiff-test-kafka-container");
        thread.setDaemon(true);
        return thread;
    });

    private final KafkaContainer container;
    /** How often the broker has started, which is how often the container's log says it serves once it does. */
    private int starts;

    private KafkaBrokerContainer(KafkaContainer container) {
        this.container = container;
    }

    /**
     * Starts a broker of the caller's own, published on a free port of the host's loopback, and returns once it
     * serves. Testcontainers removes it when the JVM exits (or {@link #close()} does), not when the test class
     * ends: the Spring context that talks to it is closed after the class.
     */
    public static KafkaBrokerContainer start() {
        DockerImageName image = DockerImageName.parse(System.getProperty("kiff.test.kafka-image", DEFAULT_IMAGE))
                .asCompatibleSubstituteFor("apache/kafka");
        try {
            // The first call of the JVM also finds the engine and agrees on an API version with it.
            bounded("looking for the image " + image, DOCKER_CALL_TIMEOUT, () -> DockerClientFactory.instance().client()
                    .inspectImageCmd(image.asCanonicalNameString()).exec());
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof NotFoundException) {
                throw new IllegalStateException("the Kafka image " + image + " is missing: build it with"
                        + " `images/platform/build.sh kafka` (./kiff test does)", e);
            }
            throw e;
        }
        int port = freeLoopbackPort();
        KafkaContainer container = new LoopbackKafkaContainer(image)
                .withImagePullPolicy(name -> false)
                .withLabel("dev.kiff.testkit", "kafka-broker")
                // As EmbeddedKafkaServer and the compose broker are configured: the apps create their topics.
                .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
                .withEnv("KAFKA_MESSAGE_MAX_BYTES", String.valueOf(4 * 1024 * 1024))
                .withEnv("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR", "1")
                .withEnv("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR", "1")
                .withStartupTimeout(START_TIMEOUT);
        // A fixed host port, so that the address the broker advertises still holds after a restart (a random one
        // would change when the container starts again); on loopback only.
        container.setPortBindings(List.of(InetAddress.getLoopbackAddress().getHostAddress() + ":" + port + ":"
                + KAFKA_PORT));
        KafkaBrokerContainer broker = new KafkaBrokerContainer(container);
        bounded("starting the Kafka container", START_TIMEOUT.plus(DOCKER_CALL_TIMEOUT), () -> {
            container.start();
            return null;
        });
        broker.starts = 1;
        return broker;
    }

    /** The {@code bootstrap.servers} value of this broker, e.g. {@code 127.0.0.1:41234}; the same after a restart. */
    public String bootstrapServers() {
        return container.getBootstrapServers();
    }

    /**
     * Stops the broker cleanly and starts it again in the same container, on the same port with the same data, as
     * an operator's restart would: its clients lose their connections meanwhile and must ride it out. Returns once
     * it serves again.
     */
    public synchronized void restart() {
        DockerClient docker = container.getDockerClient();
        String id = container.getContainerId();
        long began = System.nanoTime();
        bounded("stopping the broker", STOP_TIMEOUT, () -> {
            String exec = docker.execCreateCmd(id).withCmd("sh", "-c", STOP_BROKER).exec().getId();
            docker.execStartCmd(exec).exec(new ResultCallback.Adapter<>()).awaitCompletion();
            // The container ends when the broker has shut down: its start script has nothing left to run.
            return docker.waitContainerCmd(id).exec(new WaitContainerResultCallback()).awaitStatusCode();
        });
        long stopped = System.nanoTime();
        bounded("starting the broker's container again", DOCKER_CALL_TIMEOUT, () -> {
            docker.startContainerCmd(id).exec();
            return null;
        });
        starts++;
        new LogMessageWaitStrategy().withRegEx(SERVING).withTimes(starts).withStartupTimeout(START_TIMEOUT)
                .waitUntilReady(container);
        log.info("Kafka broker at {} restarted: stopped in {} ms, serving again {} ms later", bootstrapServers(),
                (stopped - began) / 1_000_000, (System.nanoTime() - stopped) / 1_000_000);
    }

    /** Removes the container and its data. */
    @Override
    public synchronized void close() {
        if (container.getContainerId() != null) {
            bounded("removing the Kafka container", STOP_TIMEOUT, () -> {
                container.stop();
                return null;
            });
        }
    }

    /**
     * {@code call} on another thread, given up after {@code limit}: a Docker engine that stops answering fails the
     * test instead of hanging it.
     */
    private static <T> T bounded(String what, Duration limit, Callable<T> call) {
        Future<T> result = DOCKER_CALLS.submit(call);
        try {
            return result.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            result.cancel(true);
            throw new IllegalStateException(what + ": not done within " + limit.toSeconds() + " s", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(what + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            result.cancel(true);
            Thread.currentThread().interrupt();
            throw new IllegalStateException(what + ": interrupted", e);
        }
    }

    private static int freeLoopbackPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on loopback", e);
        }
    }

    /**
     * The module's container, reached on the host's loopback, where its port is published. Testcontainers would
     * otherwise name the Docker bridge's gateway when the tests themselves run in a container, an address that
     * reaches the broker only through a port published on every interface.
     */
    private static final class LoopbackKafkaContainer extends KafkaContainer {

        LoopbackKafkaContainer(DockerImageName image) {
            super(image);
        }

        @Override
        public String getHost() {
            return InetAddress.getLoopbackAddress().getHostAddress();
        }
    }
}
