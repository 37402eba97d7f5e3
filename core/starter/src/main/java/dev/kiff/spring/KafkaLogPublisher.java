package dev.kiff.spring;

import dev.kiff.model.json.JobCodec;
import dev.kiff.model.output.LogChunk;
import dev.kiff.core.output.LogPublisher;
import dev.kiff.core.topic.Topics;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * The {@link LogPublisher} on {@code kiff.logs}, keyed by job id so a job's chunks stay in order on one partition.
 * Fire and forget: a chunk the broker loses is still in the job's kept log, which watchers read on (re)connect.
 */
public final class KafkaLogPublisher implements LogPublisher {

    private static final Logger log = LoggerFactory.getLogger(KafkaLogPublisher.class);

    private final KafkaTemplate<String, byte[]> kafka;
    private final JobCodec codec;

    public KafkaLogPublisher(KafkaTemplate<String, byte[]> kafka, JobCodec codec) {
        this.kafka = kafka;
        this.codec = codec;
    }

    @Override
    public void publish(List<LogChunk> chunks) {
        for (LogChunk chunk : chunks) {
            kafka.send(Topics.LOGS, chunk.jobId().toString(), codec.write(chunk)).whenComplete((sent, failure) -> {
                if (failure != null) {
                    log.warn("Job(id={}) output chunk {}.{} not announced: {}", chunk.jobId(), chunk.attempt(),
                            chunk.seq(), failure.getMessage());
                }
            });
        }
    }
}
