package dev.kiff.core.port;

import dev.kiff.model.job.Job;
import java.util.ArrayList;
import java.util.List;

/** A {@link JobPublisher} that remembers what it published, and can be told to fail the next publication. */
public final class RecordingJobPublisher implements JobPublisher {

    private final List<Job> published = new ArrayList<>();
    private RuntimeException nextFailure;

    public List<Job> published() {
        return List.copyOf(published);
    }

    public void failNextWith(RuntimeException failure) {
        this.nextFailure = failure;
    }

    @Override
    public void publish(Job job) {
        publishAll(List.of(job));
    }

    @Override
    public void publishAll(List<Job> jobs) {
        if (nextFailure != null) {
            RuntimeException failure = nextFailure;
            nextFailure = null;
            throw failure;
        }
        published.addAll(jobs);
    }
}
