package dev.kiff.spring;

import dev.kiff.core.session.SessionEventPublisher;
import dev.kiff.core.topic.Topics;
import dev.kiff.model.json.JobCodec;
import dev.kiff.model.session.SessionEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * The {@link SessionEventPublisher} on {@code kiff.session-events}, keyed by session id, platform-signed by the
 * template's interceptor. Both the API and the worker publish through it.
 *
 * <p>It does not wait for the broker's acknowledgement. An event is a hint whose move is already stored, and the
 * publishers sit on a run's path (the API's BUSY, the worker's IDLE before the run's result): waiting there added a
 * broker round trip to every session run. A failure is logged; watchers read the store.
 */
public final class KafkaSessionEventPublisher implements SessionEventPublisher {

    private static final Logger log = LoggerFactory.getLogger(KafkaSessionEventPublisher.class);

    private final KafkaTemplate<String, byte[]> kafka;
    private final JobCodec codec;

    public KafkaSessionEventPublisher(KafkaTemplate<String, byte[]> kafka, JobCodec codec) {
        this.kafka = kafka;
        this.codec = codec;
    }

    @Override
    public void publish(SessionEvent event) {
        try {
            kafka.send(Topics.SESSION_EVENTS, event.sessionId().toString(), codec.write(event))
                    .whenComplete((sent, failure) -> {
                        if (failure != null) {
                            log.warn("Session(id={}) moved to {} but its event was not published: {}",
                                    event.sessionId(), event.state(), failure.toString());
                        }
                    });
        } catch (RuntimeException e) {
            // The broker's metadata was not there within max.block.ms: the move stands all the same.
            log.warn("Session(id={}) moved to {} but its event was not published: {}", event.sessionId(),
                    event.state(), e.toString());
        }
    }
}
