package dev.kiff.core.exec;

import java.util.Locale;

/**
 * Why a job was dead-lettered, as a category: a metric's label must take few values, while the reason stored with
 * the dead letter is free text (an exception's message, a worker's name).
 */
public enum DeadLetterReason {
    /** The platform could not run it within the delivery's tries (engine, database or broker failures). */
    PLATFORM_FAILURE,
    /** Its retry policy's attempts were used up before this delivery. */
    ATTEMPTS_EXHAUSTED,
    /** Its worker abandoned its run (died, or restarted) and no attempt was left to run it again. */
    ABANDONED;

    /** The label value, e.g. {@code attempts-exhausted}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
