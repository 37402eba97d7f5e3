package dev.kiff.model.batch;

import java.util.Map;

/**
 * One job of a batch given as a template plus inputs: what it changes of the template. {@code stdin} replaces the
 * template's; {@code env} and {@code files} are added to the template's (an entry of the same name wins).
 */
public record BatchInput(String stdin, Map<String, String> env, Map<String, String> files) {
}
