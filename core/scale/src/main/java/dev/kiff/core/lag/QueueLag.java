package dev.kiff.core.lag;

import dev.kiff.model.job.VmType;

/**
 * The queue of one VM type: how many job records wait on its topic beyond the workers' committed offsets.
 *
 * @param lag       sum over the topic's partitions of end offset minus committed offset
 * @param produced  sum of the partitions' end offsets: its growth between two reads is the arrivals
 * @param committed sum of the workers' committed offsets: lag that stays while this does not move has stalled
 */
public record QueueLag(VmType vmType, String topic, long lag, long produced, long committed) {
}
