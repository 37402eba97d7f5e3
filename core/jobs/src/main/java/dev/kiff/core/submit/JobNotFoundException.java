package dev.kiff.core.submit;

import dev.kiff.model.failure.PermanentFailure;
import java.util.UUID;

/** No job with this id exists (for this tenant). */
public class JobNotFoundException extends PermanentFailure {

    public JobNotFoundException(UUID id) {
        super("no job with id " + id);
    }

    /** The job exists but the thing asked of it does not. */
    public JobNotFoundException(UUID id, String what) {
        super(what + " for job " + id);
    }
}
