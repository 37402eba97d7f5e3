package dev.kiff.worker.kafka;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Out-of-order acknowledgement: jobs taken from one partition end in any order, but Kafka keeps one committed offset
 * per partition. The committable offset is the lowest offset still in flight (or one past the highest taken when none
 * is), so a long job holds back only the commit of its partition, never the jobs behind it; after a crash, what was
 * in flight is delivered again.
 */
final class CompletedOffsets {

    private final Map<TopicPartition, Partition> partitions = new HashMap<>();

    synchronized void taken(TopicPartition partition, long offset) {
        Partition p = partitions.computeIfAbsent(partition, tp -> new Partition());
        p.inFlight.add(offset);
        p.highest = Math.max(p.highest, offset);
    }

    synchronized void done(TopicPartition partition, long offset) {
        Partition p = partitions.get(partition);
        if (p != null) {
            p.inFlight.remove(offset);
        }
    }

    /** The offsets that moved since the last call: what to commit now. */
    synchronized Map<TopicPartition, OffsetAndMetadata> committable() {
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        for (Map.Entry<TopicPartition, Partition> entry : partitions.entrySet()) {
            Partition p = entry.getValue();
            long next = p.inFlight.isEmpty() ? p.highest + 1 : p.inFlight.first();
            if (next > p.committed) {
                commit.put(entry.getKey(), new OffsetAndMetadata(next));
            }
        }
        return commit;
    }

    /** The broker took these commits. */
    synchronized void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((tp, offset) -> {
            Partition p = partitions.get(tp);
            if (p != null) {
                p.committed = Math.max(p.committed, offset.offset());
            }
        });
    }

    /** Jobs taken and not yet done, over all partitions. */
    synchronized int inFlight() {
        return partitions.values().stream().mapToInt(p -> p.inFlight.size()).sum();
    }

    /**
     * Partitions this consumer lost: their jobs still in flight finish here, but their offsets are the new owner's
     * now (it gets those jobs again and finds them running under a live lease or ended).
     */
    synchronized void forget(Collection<TopicPartition> lost) {
        lost.forEach(partitions::remove);
    }

    private static final class Partition {
        final TreeSet<Long> inFlight = new TreeSet<>();
        long highest = -1;
        long committed = -1;
    }
}
