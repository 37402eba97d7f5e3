package dev.kiff.core.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.kiff.model.output.LogChunk;
import dev.kiff.model.job.Job;
import dev.kiff.core.job.Jobs;
import dev.kiff.core.time.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LiveOutputTest {

    private static final Instant NOW = Instant.parse("2026-11-28T12:00:01Z");

    private final Job first = Jobs.job().build();
    private final Job second = Jobs.job().build();
    private final InMemoryLogStore store = new InMemoryLogStore();
    private final List<LogChunk> published = new ArrayList<>();
    private final LiveOutput live = new LiveOutput(store, published::addAll, new MutableClock(NOW), 1024, 1 << 20);

    private static void stdout(OutputRecorder recorder, String text) {
        recorder.output(false, text.getBytes(StandardCharsets.UTF_8));
    }

    /** The job's output as kept, after its start chunk. */
    private List<String> kept(Job job) {
        return store.read(job.id(), 1, 0).stream().map(LogChunk::data).toList();
    }

    @Test
    void aTickFlushesEveryOpenRecorder() {
        stdout(live.open(first, 1), "one");
        stdout(live.open(second, 1), "two");

        live.tick();

        assertThat(kept(first)).containsExactly("one");
        assertThat(kept(second)).containsExactly("two");
    }

    @Test
    void closingFlushesTheRestAndATickNoLongerFlushesIt() {
        OutputRecorder recorder = live.open(first, 1);
        stdout(recorder, "last words");
        byte[] e = "é".getBytes(StandardCharsets.UTF_8);
        recorder.output(false, new byte[] {e[0]});

        live.close(recorder);
        stdout(recorder, "after close");
        live.tick();

        assertThat(kept(first)).containsExactly("last words\uFFFD");
    }

    @Test
    void aTickGoesOnFlushingTheOthersWhenOneAnnouncementFails() {
        LiveOutput failingForFirst = new LiveOutput(store, chunks -> {
            if (chunks.get(0).jobId().equals(first.id())) {
                throw new IllegalStateException("broker away");
            }
            published.addAll(chunks);
        }, new MutableClock(NOW), 1024, 1 << 20);
        stdout(failingForFirst.open(first, 1), "one");
        stdout(failingForFirst.open(second, 1), "two");

        assertThatCode(failingForFirst::tick).doesNotThrowAnyException();

        assertThat(published).filteredOn(c -> c.seq() > 0).extracting(LogChunk::data).containsExactly("two");
        assertThat(kept(first)).containsExactly("one");
    }
}
