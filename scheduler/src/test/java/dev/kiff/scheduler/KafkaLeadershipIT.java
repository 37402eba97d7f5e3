package dev.kiff.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiff.core.topic.Topics;
import dev.kiff.spring.KafkaConnection;
import dev.kiff.testkit.SharedInfrastructure;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Leader election through the real broker's group protocol: exactly one leads, a standby takes over. */
class KafkaLeadershipIT {

    private static final Duration SESSION = Duration.ofSeconds(6);

    private KafkaLeadership first;
    private KafkaLeadership second;

    @BeforeAll
    static void leaderTopic() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()))) {
            admin.createTopics(List.of(new NewTopic(Topics.SCHEDULER_LEADER, 1, (short) 1))).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    private static KafkaConnection connection() {
        return new KafkaConnection(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()));
    }

    private static String bootstrap() {
        return SharedInfrastructure.springProperties().get("spring.kafka.bootstrap-servers");
    }

    @AfterEach
    void stopBoth() {
        for (KafkaLeadership leadership : new KafkaLeadership[] {first, second}) {
            if (leadership != null && leadership.isRunning()) {
                leadership.stop();
            }
        }
    }

    @Test
    void exactlyOneLeadsAndTheStandbyTakesOverWhenTheLeaderStops() {
        first = new KafkaLeadership(connection(), "scheduler-1", SESSION);
        second = new KafkaLeadership(connection(), "scheduler-2", SESSION);
        first.start();
        second.start();

        await().atMost(Duration.ofSeconds(30)).until(() -> first.leading() || second.leading());
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(15))
                .until(() -> first.leading() ^ second.leading());
        KafkaLeadership leader = first.leading() ? first : second;
        KafkaLeadership standby = leader == first ? second : first;

        leader.stop();

        assertThat(leader.leading()).isFalse();
        await().atMost(Duration.ofSeconds(30)).until(standby::leading);
    }
}
