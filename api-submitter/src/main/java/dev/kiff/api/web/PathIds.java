package dev.kiff.api.web;

import dev.kiff.model.job.InvalidJobException;
import java.util.UUID;

/** Ids in request paths: a UUID, or a 400 naming the {@code id} that is not one. */
final class PathIds {

    private PathIds() {
    }

    /** @param what what the id names ("job", "batch"), for the message */
    static UUID parse(String id, String what) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw InvalidJobException.of("id", "'" + id + "' is not a " + what + " id (a UUID)");
        }
    }
}
