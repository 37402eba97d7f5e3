package dev.kiff.model.session;

import dev.kiff.model.job.Language;

/**
 * A run in a session, as a client sends it to {@code POST /v1/sessions/{id}/runs}. {@code language} and {@code code}
 * are required; unknown fields are rejected.
 *
 * @param timeoutMs how long this run may take; null takes the session's limit, and more than it is refused
 */
public record SessionRunRequest(Language language, String code, String stdin, Long timeoutMs) {
}
