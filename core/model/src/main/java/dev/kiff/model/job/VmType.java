package dev.kiff.model.job;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.stream.Collectors;

/** The kind of sandbox a job runs in. Each VM type has its own Kafka topic, image and limits. */
public enum VmType {
    CODE_EXEC("code-exec"),
    ML_AGENT("ml-agent"),
    API_COMPOSITION("api-composition"),
    DATA_PROCESSING("data-processing");

    private final String wireName;

    VmType(String wireName) {
        this.wireName = wireName;
    }

    /** The name used in JSON, topic names and configuration, e.g. {@code code-exec}. */
    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static VmType fromWire(String name) {
        for (VmType type : values()) {
            if (type.wireName.equals(name)) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown vmType '" + name + "', expected one of " + allowed());
    }

    /** The wire names of all VM types, for a message that lists the choices. */
    public static String allowed() {
        return Arrays.stream(values()).map(VmType::wireName).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return wireName;
    }
}
