package dev.kiff.core.scale;

/**
 * How many warm slots one VM type should have, and why.
 *
 * @param steady the slots Little's law asks for: arrival rate × service time, plus headroom
 * @param drain  the extra slots that clear the backlog within the target wait
 */
public record PoolDecision(int target, int steady, int drain, String reason) {
}
