package dev.kiff.core.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RunnerFramesTest {

    /** Every call of the listener, in order. */
    private final List<String> events = new ArrayList<>();
    private final RunnerFrames frames = new RunnerFrames(new RecordingListener(events));

    private static byte[] frame(char kind, byte[] payload) {
        return ByteBuffer.allocate(5 + payload.length).put((byte) kind).putInt(payload.length).put(payload).array();
    }

    private static byte[] frame(char kind, String payload) {
        return frame(kind, payload.getBytes(StandardCharsets.UTF_8));
    }

    /** A header announcing {@code length} bytes, with no payload. */
    private static byte[] header(char kind, int length) {
        return ByteBuffer.allocate(5).put((byte) kind).putInt(length).array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** A whole runner session: ready, output on both streams (one of them non-ASCII), the exit. */
    private static final byte[] SESSION = concat(
            frame('R', "{\"v\":2}"),
            frame('O', "hello\n"),
            frame('E', "warn: ü 😀\n"),
            frame('O', ""),
            frame('X', "{\"exit\":0,\"maxRssKb\":9000,\"cpuMs\":12}"));

    private static final List<String> SESSION_EVENTS = List.of(
            "ready:{\"v\":2}",
            "stdout:hello\n",
            "stderr:warn: ü 😀\n",
            "stdout:",
            "exit:{\"exit\":0,\"maxRssKb\":9000,\"cpuMs\":12}");

    @Test
    void decodesSeveralFramesInOneChunk() {
        frames.feed(SESSION);

        assertThat(events).containsExactlyElementsOf(SESSION_EVENTS);
    }

    @Test
    void decodesTheSameWhenTheStreamIsSplitAtAnyByte() {
        for (int cut = 0; cut <= SESSION.length; cut++) {
            events.clear();
            RunnerFrames split = new RunnerFrames(new RecordingListener(events));

            split.feed(Arrays.copyOfRange(SESSION, 0, cut));
            split.feed(Arrays.copyOfRange(SESSION, cut, SESSION.length));

            assertThat(events).as("split at byte %d", cut).containsExactlyElementsOf(SESSION_EVENTS);
        }
    }

    @Test
    void decodesTheSameWhenTheStreamArrivesOneByteAtATime() {
        for (byte b : SESSION) {
            frames.feed(new byte[] {b});
        }

        assertThat(events).containsExactlyElementsOf(SESSION_EVENTS);
    }

    @Test
    void decodesTheSameWhenEveryPairOfCutsSplitsTheStreamInThree() {
        for (int first = 0; first <= SESSION.length; first++) {
            for (int second = first; second <= SESSION.length; second++) {
                List<String> seen = new ArrayList<>();
                RunnerFrames split = new RunnerFrames(new RecordingListener(seen));

                split.feed(Arrays.copyOfRange(SESSION, 0, first));
                split.feed(Arrays.copyOfRange(SESSION, first, second));
                split.feed(Arrays.copyOfRange(SESSION, second, SESSION.length));

                assertThat(seen).as("cuts at %d and %d", first, second).containsExactlyElementsOf(SESSION_EVENTS);
            }
        }
    }

    @Test
    void reportsNothingUntilAFrameIsComplete() {
        byte[] whole = frame('O', "abc");

        frames.feed(Arrays.copyOfRange(whole, 0, 4)); // part of the header
        frames.feed(Arrays.copyOfRange(whole, 4, 7)); // header and part of the payload
        assertThat(events).isEmpty();

        frames.feed(Arrays.copyOfRange(whole, 7, whole.length));
        assertThat(events).containsExactly("stdout:abc");
    }

    @Test
    void keepsAPayloadWhoseBytesAreAllValues() {
        byte[] binary = new byte[256];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) i;
        }
        List<byte[]> chunks = new ArrayList<>();
        RunnerFrames raw = new RunnerFrames(new RecordingListener(new ArrayList<>()) {
            @Override
            public void stdout(byte[] chunk) {
                chunks.add(chunk);
            }
        });

        byte[] stream = frame('O', binary);
        raw.feed(Arrays.copyOfRange(stream, 0, 100));
        raw.feed(Arrays.copyOfRange(stream, 100, stream.length));

        assertThat(chunks).singleElement().isEqualTo(binary);
    }

    @Test
    void decodesEmptyPayloadsOfEveryType() {
        frames.feed(concat(frame('R', ""), frame('O', ""), frame('E', ""), frame('X', "")));

        assertThat(events).containsExactly("ready:", "stdout:", "stderr:", "exit:");
    }

    @Test
    void anEmptyChunkChangesNothing() {
        byte[] whole = frame('O', "abc");
        frames.feed(new byte[0]);
        frames.feed(Arrays.copyOfRange(whole, 0, 2));
        frames.feed(new byte[0]);
        frames.feed(Arrays.copyOfRange(whole, 2, whole.length));
        frames.feed(new byte[0]);

        assertThat(events).containsExactly("stdout:abc");
    }

    @Test
    void acceptsAPayloadOfExactlyTheLargestFrame() {
        byte[] largest = new byte[RunnerFrames.MAX_PAYLOAD];
        Arrays.fill(largest, (byte) 'a');
        List<Integer> sizes = new ArrayList<>();
        RunnerFrames big = new RunnerFrames(new RecordingListener(events) {
            @Override
            public void stderr(byte[] chunk) {
                sizes.add(chunk.length);
            }
        });

        big.feed(frame('E', largest));

        assertThat(sizes).containsExactly(RunnerFrames.MAX_PAYLOAD);
        assertThat(events).isEmpty();
    }

    @Test
    void anUnknownFrameTypeBreaksTheStreamOnceAndStopsDecoding() {
        frames.feed(concat(frame('O', "before"), frame('Z', "x"), frame('O', "after")));
        frames.feed(frame('O', "later"));
        frames.feed(frame('Q', "again"));

        assertThat(events).containsExactly("stdout:before", "broken:unknown frame type " + (int) 'Z');
    }

    @Test
    void anUnknownFrameTypeSplitAcrossChunksBreaksTheStreamOnce() {
        byte[] stream = concat(frame('O', "before"), frame('Z', "xyz"), frame('X', "{}"));
        for (byte b : stream) {
            frames.feed(new byte[] {b});
        }

        assertThat(events).containsExactly("stdout:before", "broken:unknown frame type " + (int) 'Z');
    }

    @Test
    void anOversizeLengthBreaksTheStreamAsSoonAsTheHeaderArrives() {
        frames.feed(frame('O', "before"));
        frames.feed(header('O', RunnerFrames.MAX_PAYLOAD + 1)); // no payload needed to tell

        assertThat(events).containsExactly("stdout:before",
                "broken:frame of " + (RunnerFrames.MAX_PAYLOAD + 1) + " bytes");

        frames.feed(frame('O', "after"));
        frames.feed(header('O', Integer.MAX_VALUE));
        assertThat(events).hasSize(2);
    }

    @ParameterizedTest
    @ValueSource(ints = {0x80000000, 0xffffffff, 0x80000005})
    void aLengthWithTheTopBitSetBreaksTheStream(int length) {
        frames.feed(concat(frame('R', "{}"), header('O', length), frame('O', "after")));

        assertThat(events).containsExactly("ready:{}",
                "broken:frame of " + Integer.toUnsignedString(length) + " bytes");
    }

    @Test
    void anOversizeHeaderSplitAcrossChunksBreaksTheStreamOnce() {
        byte[] stream = concat(frame('O', "before"), header('E', Integer.MAX_VALUE), frame('O', "after"));
        for (byte b : stream) {
            frames.feed(new byte[] {b});
        }

        assertThat(events).containsExactly("stdout:before", "broken:frame of " + Integer.MAX_VALUE + " bytes");
    }

    /** Records every call as {@code kind:payload}, binary payloads decoded as UTF-8. */
    private static class RecordingListener implements RunnerFrames.Listener {
        private final List<String> events;

        RecordingListener(List<String> events) {
            this.events = events;
        }

        @Override
        public void ready(String json) {
            events.add("ready:" + json);
        }

        @Override
        public void stdout(byte[] chunk) {
            events.add("stdout:" + new String(chunk, StandardCharsets.UTF_8));
        }

        @Override
        public void stderr(byte[] chunk) {
            events.add("stderr:" + new String(chunk, StandardCharsets.UTF_8));
        }

        @Override
        public void exit(String json) {
            events.add("exit:" + json);
        }

        @Override
        public void broken(String reason) {
            events.add("broken:" + reason);
        }
    }
}
