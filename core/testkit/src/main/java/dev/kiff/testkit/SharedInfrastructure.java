package dev.kiff.testkit;

/**
 * One broker and one database per test JVM, started on first use and stopped when the JVM exits: integration tests
 * share them and keep apart through unique job ids, so a module's whole suite pays the start-up once.
 */
public final class SharedInfrastructure {

    /**
     * The platform record key of every app the tests start (property {@code kiff.kafka.record-key}): records a test
     * publishes through an app's KafkaTemplate are signed with it, as Kiff's own are.
     */
    public static final String RECORD_KEY = "kiff-test-platform-record-key-0123456789";

    private static EmbeddedKafkaServer kafka;
    private static EmbeddedPostgresServer postgres;

    private SharedInfrastructure() {
    }

    public static synchronized EmbeddedKafkaServer kafka() {
        if (kafka == null) {
            kafka = EmbeddedKafkaServer.start(0, null);
            Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "kiff-test-kafka-stop"));
        }
        return kafka;
    }

    /**
     * The Spring properties that point an app at the shared broker and database, for a test's
     * {@code @DynamicPropertySource}: {@code SharedInfrastructure.springProperties().forEach((k, v) -> registry.add(k,
     * () -> v))}.
     */
    public static java.util.Map<String, String> springProperties() {
        return springProperties(kafka());
    }

    /** {@link #springProperties()}, with the app pointed at the given broker instead of the shared one. */
    public static java.util.Map<String, String> springProperties(EmbeddedKafkaServer broker) {
        return springProperties(broker.bootstrapServers());
    }

    /**
     * {@link #springProperties()}, with the app pointed at the broker at {@code bootstrapServers} (a
     * {@link KafkaBrokerContainer}'s) instead of the shared one.
     */
    public static java.util.Map<String, String> springProperties(String bootstrapServers) {
        return java.util.Map.of(
                "spring.kafka.bootstrap-servers", bootstrapServers,
                "spring.datasource.url", postgres().jdbcUrl(),
                "spring.datasource.username", postgres().username(),
                "spring.datasource.password", postgres().password(),
                "kiff.kafka.record-key", RECORD_KEY);
    }

    public static synchronized EmbeddedPostgresServer postgres() {
        if (postgres == null) {
            postgres = EmbeddedPostgresServer.start(0, null);
            Runtime.getRuntime().addShutdownHook(new Thread(postgres::close, "kiff-test-postgres-stop"));
        }
        return postgres;
    }
}
