package dev.kiff.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

class SseParserTest {

    private final SseParser parser = new SseParser();

    private List<SseParser.Event> feed(String... lines) {
        List<SseParser.Event> events = new ArrayList<>();
        for (String line : lines) {
            events.add(parser.line(line));
        }
        return events.stream().filter(Objects::nonNull).toList();
    }

    @Test
    void joinsMultiLineDataAndSkipsComments() {
        assertThat(feed("\uFEFF: keep-alive", "id: 1.3", "event: output", "data: first", ": between", "data:second",
                "data", "")).containsExactly(new SseParser.Event("1.3", "output", "first\nsecond\n"));
    }

    @Test
    void keepsOnlyOneLeadingSpaceAndDefaultsTheType() {
        assertThat(feed("data:  two spaces", "")).containsExactly(new SseParser.Event("", "message", " two spaces"));
    }

    @Test
    void carriesTheIdToLaterEventsAndCountsItEvenWithoutData() {
        assertThat(feed("id: 7", "", "data: x", "")).containsExactly(new SseParser.Event("7", "message", "x"));
        assertThat(parser.lastEventId()).isEqualTo("7");
    }

    @Test
    void readsRetryOnlyWhenItIsDigitsAndIgnoresUnknownFields() {
        feed("retry: 2500", "retry: soon", "color: red", "");
        assertThat(parser.retry()).isEqualTo(Duration.ofMillis(2500));
    }

    @Test
    void dropsAnEventCutOffByTheConnectionAndResumesAfterTheLastWholeOne() {
        feed("id: 1.1", "event: output", "data: a", "", "id: 1.2", "event: output", "data: b");
        parser.reconnecting();
        assertThat(parser.lastEventId()).isEqualTo("1.1");
        assertThat(feed("data: c", "")).containsExactly(new SseParser.Event("1.1", "message", "c"));
    }
}
