package dev.kiff.core.port;

import dev.kiff.model.job.JobResult;
import java.util.ArrayList;
import java.util.List;

/** A {@link ResultPublisher} that remembers what it published, and can be told to fail the next publication. */
public final class RecordingResultPublisher implements ResultPublisher {

    private final List<JobResult> published = new ArrayList<>();
    private RuntimeException nextFailure;

    public List<JobResult> published() {
        return List.copyOf(published);
    }

    public void failNextWith(RuntimeException failure) {
        this.nextFailure = failure;
    }

    @Override
    public void publish(JobResult result) {
        if (nextFailure != null) {
            RuntimeException failure = nextFailure;
            nextFailure = null;
            throw failure;
        }
        published.add(result);
    }
}
