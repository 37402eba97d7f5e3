package dev.kiff.api;

import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/** Builds {@code POST /v1/jobs} bodies: a valid python job by default, changed one field at a time. */
final class JobRequests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Map<String, Object> fields = new LinkedHashMap<>();

    private JobRequests() {
        fields.put("vmType", "code-exec");
        fields.put("language", "python");
        fields.put("code", "print(1)");
    }

    static JobRequests python(String code) {
        return new JobRequests().with("code", code);
    }

    static String valid() {
        return python("print(1)").json();
    }

    JobRequests with(String field, Object value) {
        fields.put(field, value);
        return this;
    }

    JobRequests without(String field) {
        fields.remove(field);
        return this;
    }

    String json() {
        return JSON.writeValueAsString(fields);
    }
}
