package dev.kiff.core.job;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** What a VM type's sandboxes may reach. Neither policy gives a sandbox a network interface. */
public enum NetworkPolicy {
    /** Nothing at all. */
    NONE("none"),
    /** The VM type's service bindings, through the worker's gateway on a socket mounted into the sandbox. */
    GATEWAY("gateway");

    private final String wireName;

    NetworkPolicy(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static NetworkPolicy fromWire(String name) {
        for (NetworkPolicy policy : values()) {
            if (policy.wireName.equals(name)) {
                return policy;
            }
        }
        throw new IllegalArgumentException("unknown network policy '" + name + "', expected none or gateway");
    }
}
