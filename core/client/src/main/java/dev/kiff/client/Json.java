package dev.kiff.client;

import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the API's envelopes (submission answers, pages, problems, SSE status data). Lenient on purpose: the server may
 * add envelope fields without breaking deployed clients. The contract's own types (results, batch progress) are read
 * by {@link dev.kiff.model.json.JobCodec}, which is just as tolerant of fields it does not know.
 */
final class Json {

    static final JsonMapper MAPPER = JsonMapper.builder().build();

    private Json() {
    }

    static JsonNode tree(byte[] body) {
        return MAPPER.readTree(body);
    }

    static JsonNode tree(String body) {
        return MAPPER.readTree(body);
    }

    static byte[] bytes(JsonNode node) {
        return MAPPER.writeValueAsBytes(node);
    }

    /** The text of {@code name}, or null when it is absent or JSON null. */
    static String text(JsonNode node, String name) {
        JsonNode value = node.get(name);
        return value == null || value.isNull() ? null : value.asString();
    }

    static UUID uuid(JsonNode node, String name) {
        String text = text(node, name);
        return text == null ? null : UUID.fromString(text);
    }
}
