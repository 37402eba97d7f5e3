package dev.kiff.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The broker in a container (the local kiff/kafka image through Testcontainers' Kafka module) is a broker its
 * clients can ride a restart on: after {@link KafkaBrokerContainer#restart()} it is at the same address, with the
 * records it had, and takes new ones.
 */
class KafkaBrokerContainerIT {

    private static final String TOPIC = "kiff.testkit.restart";
    private static KafkaBrokerContainer broker;

    @BeforeAll
    static void startBroker() {
        broker = KafkaBrokerContainer.start();
    }

    @AfterAll
    static void removeBroker() {
        broker.close();
    }

    @Test
    void keepsItsAddressAndItsRecordsAcrossARestart() throws Exception {
        String address = broker.bootstrapServers();
        assertThat(address).startsWith("127.0.0.1:");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, address))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        send(address, "before");

        broker.restart();

        assertThat(broker.bootstrapServers()).isEqualTo(address);
        send(address, "after");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, address,
                ConsumerConfig.GROUP_ID_CONFIG, "kiff-testkit-restart",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(Set.of(TOPIC));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
                return values.size() >= 2;
            });
        }
        assertThat(values).containsExactly("before", "after");
    }

    private static void send(String address, String value) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, address,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(TOPIC, value)).get(60, TimeUnit.SECONDS);
        }
    }
}
