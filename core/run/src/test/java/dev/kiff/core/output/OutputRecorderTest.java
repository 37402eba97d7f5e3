package dev.kiff.core.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.tuple;

import dev.kiff.model.output.LogChunk;
import dev.kiff.model.job.Job;
import dev.kiff.core.job.Jobs;
import dev.kiff.core.time.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class OutputRecorderTest {

    private static final Instant NOW = Instant.parse("2026-11-28T12:00:01Z");

    private final Job job = Jobs.job().tenant("acme").build();
    private final MutableClock clock = new MutableClock(NOW);
    private final InMemoryLogStore store = new InMemoryLogStore();
    private final List<LogChunk> published = new ArrayList<>();

    private OutputRecorder open(int chunkChars, long capBytes) {
        return new LiveOutput(store, published::addAll, clock, chunkChars, capBytes).open(job, 1);
    }

    private OutputRecorder open() {
        return open(1024, 1 << 20);
    }

    private static void stdout(OutputRecorder recorder, String text) {
        recorder.output(false, text.getBytes(StandardCharsets.UTF_8));
    }

    private static void stderr(OutputRecorder recorder, String text) {
        recorder.output(true, text.getBytes(StandardCharsets.UTF_8));
    }

    /** The run's output as kept, after its start chunk. */
    private List<LogChunk> kept() {
        return store.read(job.id(), 1, 0);
    }

    private String keptText(String stream) {
        return String.join("", kept().stream().filter(c -> c.stream().equals(stream)).map(LogChunk::data).toList());
    }

    @Test
    void keepsAndAnnouncesTheStartOfTheRunAsChunkZeroWithItsFirstFlush() {
        OutputRecorder recorder = open();
        assertThat(published).as("the start costs the job no write of its own").isEmpty();

        recorder.flush();

        LogChunk start = new LogChunk(LogChunk.VERSION, job.id(), "acme", 1, 0, LogChunk.START, "", NOW);
        assertThat(store.read(job.id(), 0, -1)).containsExactly(start);
        assertThat(published).containsExactly(start);
    }

    @Test
    void coalescesConsecutiveWritesToOneStreamIntoOneChunk() {
        OutputRecorder recorder = open();
        stdout(recorder, "hello ");
        stdout(recorder, "world\n");
        clock.advance(Duration.ofMillis(300));

        recorder.flush();

        assertThat(kept()).containsExactly(new LogChunk(LogChunk.VERSION, job.id(), "acme", 1, 1, LogChunk.STDOUT,
                "hello world\n", NOW.plusMillis(300)));
    }

    @Test
    void keepsTheOrderOfInterleavedStdoutAndStderrAcrossFlushes() {
        OutputRecorder recorder = open();
        stdout(recorder, "a");
        stderr(recorder, "b");
        stdout(recorder, "c");
        recorder.flush();
        stderr(recorder, "d");
        recorder.flush();

        assertThat(kept()).extracting(LogChunk::seq, LogChunk::stream, LogChunk::data).containsExactly(
                tuple(1, LogChunk.STDOUT, "a"), tuple(2, LogChunk.STDERR, "b"), tuple(3, LogChunk.STDOUT, "c"),
                tuple(4, LogChunk.STDERR, "d"));
    }

    @Test
    void flushingWithNothingNewKeepsAndAnnouncesNothing() {
        OutputRecorder recorder = open();
        recorder.flush();
        published.clear();

        recorder.flush();

        assertThat(kept()).isEmpty();
        assertThat(published).isEmpty();
    }

    @Test
    void splitsOutputIntoChunksOfAtMostChunkChars() {
        OutputRecorder recorder = open(4, 1 << 20);
        stdout(recorder, "abcdefghij");

        recorder.flush();

        assertThat(kept()).extracting(LogChunk::seq, LogChunk::data)
                .containsExactly(tuple(1, "abcd"), tuple(2, "efgh"), tuple(3, "ij"));
    }

    @Test
    void neverSplitsACharacterOutsideTheBasicPlaneBetweenTwoChunks() {
        OutputRecorder recorder = open(4, 1 << 20);
        stdout(recorder, "abc\uD83D\uDE00d");

        recorder.flush();

        assertThat(kept()).extracting(LogChunk::data).containsExactly("abc", "\uD83D\uDE00d");
    }

    @Test
    void joinsATwoByteCharacterSplitBetweenTwoWrites() {
        OutputRecorder recorder = open();
        byte[] bytes = "café!".getBytes(StandardCharsets.UTF_8); // é is C3 A9
        recorder.output(false, Arrays.copyOfRange(bytes, 0, 4)); // "caf" and the lead byte of é
        recorder.flush();
        recorder.output(false, Arrays.copyOfRange(bytes, 4, bytes.length));
        recorder.flush();

        assertThat(kept()).extracting(LogChunk::data).containsExactly("caf", "é!");
    }

    @Test
    void joinsAFourByteCharacterSplitOverThreeWrites() {
        OutputRecorder recorder = open();
        byte[] emoji = "\uD83D\uDE00".getBytes(StandardCharsets.UTF_8); // F0 9F 98 80
        recorder.output(true, Arrays.copyOfRange(emoji, 0, 1));
        recorder.flush();
        recorder.output(true, Arrays.copyOfRange(emoji, 1, 3));
        recorder.flush();
        recorder.output(true, Arrays.copyOfRange(emoji, 3, 4));
        recorder.flush();

        assertThat(kept()).extracting(LogChunk::stream, LogChunk::data)
                .containsExactly(tuple(LogChunk.STDERR, "\uD83D\uDE00"));
    }

    @Test
    void keepsASplitCharacterOfOneStreamWhileTheOtherStreamWrites() {
        OutputRecorder recorder = open();
        byte[] e = "é".getBytes(StandardCharsets.UTF_8);
        recorder.output(false, new byte[] {e[0]});
        stderr(recorder, "warn");
        recorder.output(false, new byte[] {e[1]});
        recorder.flush();

        assertThat(kept()).extracting(LogChunk::stream, LogChunk::data)
                .containsExactly(tuple(LogChunk.STDERR, "warn"), tuple(LogChunk.STDOUT, "é"));
    }

    @Test
    void stopsRecordingAtTheCapWithOneNoticeAndNothingAfterIt() {
        OutputRecorder recorder = open(1024, 10);
        stdout(recorder, "12345678");
        stdout(recorder, "abcdef");
        stderr(recorder, "more");
        recorder.flush();
        stdout(recorder, "and more");
        recorder.finish();

        assertThat(kept()).extracting(LogChunk::stream).containsExactly(LogChunk.STDOUT, LogChunk.NOTICE);
        assertThat(keptText(LogChunk.STDOUT)).isEqualTo("12345678ab");
        assertThat(keptText(LogChunk.NOTICE)).contains("cap of 10 bytes");
    }

    @Test
    void stopsAtTheCapWhenAWriteEndsExactlyOnIt() {
        OutputRecorder recorder = open(1024, 4);
        stdout(recorder, "1234");
        stdout(recorder, "5");
        stdout(recorder, "6");
        recorder.finish();

        assertThat(kept()).extracting(LogChunk::stream, LogChunk::data).first()
                .isEqualTo(tuple(LogChunk.STDOUT, "1234"));
        assertThat(kept()).extracting(LogChunk::stream).containsExactly(LogChunk.STDOUT, LogChunk.NOTICE);
    }

    @Test
    void aCapThatCutsACharacterRecordsNeitherHalfOfItNorAnythingAfterTheNotice() {
        OutputRecorder recorder = open(1024, 3);
        stdout(recorder, "abé"); // 4 bytes: the cap falls between the two bytes of é

        recorder.finish();

        assertThat(kept()).extracting(LogChunk::stream, LogChunk::data).first()
                .isEqualTo(tuple(LogChunk.STDOUT, "ab"));
        assertThat(kept()).extracting(LogChunk::stream).containsExactly(LogChunk.STDOUT, LogChunk.NOTICE);
        assertThat(kept()).extracting(LogChunk::data).noneMatch(data -> data.contains("\uFFFD"));
    }

    @Test
    void keepsEachChunkBeforeItIsAnnounced() {
        List<LogChunk> announced = new ArrayList<>();
        LogPublisher checking = chunks -> {
            assertThat(store.read(job.id(), 0, -1)).containsAll(chunks);
            announced.addAll(chunks);
        };
        OutputRecorder recorder = new LiveOutput(store, checking, clock, 1024, 1 << 20).open(job, 1);
        stdout(recorder, "out");
        stderr(recorder, "err");

        recorder.flush();

        assertThat(announced).extracting(LogChunk::seq).containsExactly(0, 1, 2);
    }

    @Test
    void aFailingStoreNeitherThrowsOutOfAFlushNorLetsAnythingBeAnnounced() {
        LogStore failing = new LogStore() {
            @Override
            public void append(List<LogChunk> chunks) {
                throw new IllegalStateException("database away");
            }

            @Override
            public List<LogChunk> read(UUID jobId, int afterAttempt, int afterSeq) {
                return List.of();
            }
        };
        OutputRecorder recorder = new LiveOutput(failing, published::addAll, clock, 1024, 1 << 20).open(job, 1);
        stdout(recorder, "lost");

        assertThatCode(recorder::flush).doesNotThrowAnyException();
        assertThat(published).isEmpty();
    }
}
