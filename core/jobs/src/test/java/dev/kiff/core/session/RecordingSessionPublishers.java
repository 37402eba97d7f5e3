package dev.kiff.core.session;

import dev.kiff.model.failure.TransientFailure;
import dev.kiff.model.job.JobMessage;
import dev.kiff.model.session.SessionEvent;
import dev.kiff.model.session.SessionOpen;
import java.util.ArrayList;
import java.util.List;

/**
 * The session command and event publishers in memory: they remember what was sent, and the broker can be made to
 * refuse the next command.
 */
public final class RecordingSessionPublishers implements SessionCommandPublisher, SessionEventPublisher {

    /** A command sent to a run topic. */
    public record Sent(String topic, JobMessage command) {
    }

    private final List<SessionOpen> opens = new ArrayList<>();
    private final List<Sent> sent = new ArrayList<>();
    private final List<SessionEvent> events = new ArrayList<>();
    private boolean refuseNext;

    public synchronized void refuseNext() {
        refuseNext = true;
    }

    public synchronized List<SessionOpen> opens() {
        return List.copyOf(opens);
    }

    public synchronized List<Sent> sent() {
        return List.copyOf(sent);
    }

    public synchronized List<SessionEvent> events() {
        return List.copyOf(events);
    }

    @Override
    public synchronized void open(SessionOpen open) {
        refuseIfAsked();
        opens.add(open);
    }

    @Override
    public synchronized void send(String runTopic, JobMessage command) {
        refuseIfAsked();
        sent.add(new Sent(runTopic, command));
    }

    @Override
    public synchronized void publish(SessionEvent event) {
        events.add(event);
    }

    private void refuseIfAsked() {
        if (refuseNext) {
            refuseNext = false;
            throw new TransientFailure("broker did not acknowledge in time");
        }
    }
}
