package dev.kiff.worker;

import dev.kiff.core.session.SessionCommandPublisher;
import dev.kiff.core.topic.Topics;
import dev.kiff.model.job.JobMessage;
import dev.kiff.model.job.Language;
import dev.kiff.model.job.RequestedLimits;
import dev.kiff.model.job.VmType;
import dev.kiff.model.json.JobCodec;
import dev.kiff.model.session.SessionOpen;
import dev.kiff.model.session.SessionRequest;
import dev.kiff.model.session.SessionRunRequest;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Session commands as the API publishes them: opens on {@code kiff.session-opens.<type>} and commands on the holding
 * worker's run topic, keyed by session id, through the app's template, whose interceptor signs every record with the
 * platform key (as the API's {@code KafkaSessionCommandPublisher} does). With {@code SessionService} on top, a test
 * drives sessions exactly as the API would. Also builds the requests.
 */
final class SessionMessages implements SessionCommandPublisher {

    private final KafkaTemplate<String, byte[]> kafka;
    private final JobCodec codec;

    SessionMessages(KafkaTemplate<String, byte[]> kafka, JobCodec codec) {
        this.kafka = kafka;
        this.codec = codec;
    }

    @Override
    public void open(SessionOpen open) {
        send(Topics.sessionOpens(open.vmType()), open.sessionId().toString(), codec.write(open));
    }

    @Override
    public void send(String runTopic, JobMessage command) {
        send(runTopic, command.session().id().toString(), codec.write(command));
    }

    private void send(String topic, String key, byte[] value) {
        try {
            kafka.send(topic, key, value).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the broker did not take the record for " + topic, e);
        }
    }

    /** A session of the type with the type's default limits. */
    static SessionRequest session(VmType type) {
        return new SessionRequest(type, null, null, null, Map.of("SESSION_TEST", "from-the-open"), Map.of());
    }

    /** A session that expires after {@code idleTimeoutMs} without a run. */
    static SessionRequest idleFor(VmType type, long idleTimeoutMs) {
        return new SessionRequest(type, null, idleTimeoutMs, null, Map.of(), Map.of());
    }

    /** A session whose sandbox holds at most {@code pids} processes. */
    static SessionRequest withPids(VmType type, int pids) {
        return new SessionRequest(type, new RequestedLimits(null, null, null, pids, null), null, null, Map.of(),
                Map.of());
    }

    static SessionRunRequest python(String code) {
        return new SessionRunRequest(Language.PYTHON, code, null, null);
    }

    static SessionRunRequest bash(String code, long timeoutMs) {
        return new SessionRunRequest(Language.BASH, code, null, timeoutMs);
    }
}
