package dev.kiff.core.health;

/**
 * Asks one dependency of the platform (the database, the sandbox engine) whether it answers now, within a short
 * timeout of its own: a probe never waits as long as an ordinary call would.
 */
@FunctionalInterface
public interface DependencyProbe {

    /**
     * Returns when the dependency answered.
     *
     * @throws RuntimeException when it did not answer (its message says why)
     */
    void probe();
}
