package dev.kiff.core.lag;

import dev.kiff.core.job.VmType;

/**
 * The queue of one VM type: how many job records wait on its topic beyond the workers' committed offsets.
 *
 * @param lag sum over the topic's partitions of end offset minus committed offset
 */
public record QueueLag(VmType vmType, String topic, long lag) {
}
