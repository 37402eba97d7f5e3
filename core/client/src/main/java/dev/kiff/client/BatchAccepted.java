package dev.kiff.client;

import java.util.UUID;

/**
 * The answer to a batch submission: every job of the batch was accepted.
 *
 * @param size   how many jobs the batch holds
 * @param status {@code RUNNING} (or {@code COMPLETED})
 */
public record BatchAccepted(UUID id, int size, String status) {
}
