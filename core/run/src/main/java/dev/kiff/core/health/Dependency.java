package dev.kiff.core.health;

/** A part of the platform a worker cannot run jobs without; while one is unavailable, the worker waits for it. */
public enum Dependency {
    /** The database every job's state and result is stored in. */
    DATABASE("database"),
    /** The engine that runs the sandboxes (the Docker engine). */
    SANDBOX_ENGINE("sandbox engine");

    private final String label;

    Dependency(String label) {
        this.label = label;
    }

    /** How logs name it. */
    public String label() {
        return label;
    }
}
