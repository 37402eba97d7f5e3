package dev.kiff.spring;

import dev.kiff.model.failure.TransientFailure;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.kafka.KafkaException;

/**
 * Waits for the broker to acknowledge a send. Every Kiff record that matters (a job, a result, a dead letter) is
 * only counted as sent once the broker has it; anything else is a {@link TransientFailure} naming what was sent.
 */
public final class BrokerAcknowledgement {

    private BrokerAcknowledgement() {
    }

    /**
     * @param send the send, started with a {@code KafkaTemplate}
     * @param what what was sent, for the failure's message ({@code "the result of Job(id=…)"})
     */
    public static void await(CompletableFuture<?> send, Duration timeout, String what) {
        try {
            send.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientFailure("interrupted while sending " + what, e);
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            throw new TransientFailure("the broker did not take " + what + " within " + timeout, e);
        }
    }

    /** As {@link #await}, for a send that may already have failed while it was being started. */
    public static void send(java.util.function.Supplier<CompletableFuture<?>> send, Duration timeout, String what) {
        CompletableFuture<?> started;
        try {
            started = send.get();
        } catch (KafkaException e) {
            throw new TransientFailure("the broker did not take " + what + " within " + timeout, e);
        }
        await(started, timeout, what);
    }
}
