package dev.kiff.core.batch;

import dev.kiff.model.failure.PermanentFailure;
import java.util.UUID;

/** No batch with this id exists (for this tenant). */
public class BatchNotFoundException extends PermanentFailure {

    public BatchNotFoundException(UUID id) {
        super("no batch with id " + id);
    }
}
