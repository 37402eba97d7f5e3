package dev.kiff.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BackgroundLoopsTest {

    private static final Duration LONG = Duration.ofSeconds(30);

    @Test
    void closeLetsARunInProgressFinishUninterrupted() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean finished = new AtomicBoolean();
        AtomicBoolean interrupted = new AtomicBoolean();
        BackgroundLoops loops = new BackgroundLoops("test-loop", 1);
        loops.every("a long tick", Duration.ZERO, Duration.ofHours(1), () -> {
            running.countDown();
            try {
                release.await(LONG.toMillis(), TimeUnit.MILLISECONDS);
                finished.set(true);
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
        });
        assertThat(running.await(LONG.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

        CompletableFuture<Void> closing = CompletableFuture.runAsync(loops::close);
        await().atMost(LONG).until(() -> !loops.isRunning());
        release.countDown();
        closing.get(LONG.toMillis(), TimeUnit.MILLISECONDS);

        assertThat(interrupted).as("the run was interrupted").isFalse();
        assertThat(finished).isTrue();
    }

    @Test
    void startsNoRunAfterClose() {
        AtomicInteger runs = new AtomicInteger();
        BackgroundLoops loops = new BackgroundLoops("test-loop", 1);
        loops.every("a quick tick", Duration.ZERO, Duration.ofMillis(1), runs::incrementAndGet);
        await().atMost(LONG).until(() -> runs.get() > 0);

        loops.close();
        int afterClose = runs.get();

        await().during(Duration.ofMillis(200)).atMost(LONG).until(() -> runs.get() == afterClose);
    }

    @Test
    void keepsLoopingAfterARunFails() {
        AtomicInteger runs = new AtomicInteger();
        try (BackgroundLoops loops = new BackgroundLoops("test-loop", 1)) {
            loops.every("a failing tick", Duration.ZERO, Duration.ofMillis(20), () -> {
                runs.incrementAndGet();
                throw new IllegalStateException("a bad tick");
            });
            await().atMost(LONG).until(() -> runs.get() >= 3);
        }
    }
}
