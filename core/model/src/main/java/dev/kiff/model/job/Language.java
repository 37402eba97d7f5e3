package dev.kiff.model.job;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.stream.Collectors;

/** The interpreter that runs a job's code. */
public enum Language {
    PYTHON("python"),
    NODE("node"),
    BASH("bash");

    private final String wireName;

    Language(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static Language fromWire(String name) {
        for (Language language : values()) {
            if (language.wireName.equals(name)) {
                return language;
            }
        }
        throw new IllegalArgumentException("unknown language '" + name + "', expected one of "
                + Arrays.stream(values()).map(Language::wireName).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return wireName;
    }
}
