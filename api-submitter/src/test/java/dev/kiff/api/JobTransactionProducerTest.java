package dev.kiff.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobTransactionProducerTest {

    @Test
    void abandonedTransactionsTimeOutOnTheBrokerWhenTheirRecordsWouldHave() {
        Map<String, Object> producer = ApiConfiguration.jobTransactionProducer(new HashMap<>(Map.of(
                "bootstrap.servers", "localhost:9092")), Duration.ofSeconds(10));

        assertThat(producer).containsEntry("delivery.timeout.ms", "30000")
                .containsEntry("transaction.timeout.ms", "30000")
                .containsEntry("max.block.ms", "10000")
                .containsEntry("bootstrap.servers", "localhost:9092");
    }
}
