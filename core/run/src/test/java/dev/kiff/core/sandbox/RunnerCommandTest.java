package dev.kiff.core.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiff.model.job.Language;
import dev.kiff.model.job.Limits;
import dev.kiff.model.json.JobCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The session lines exactly as the runner reads them (images/runner/kiff-runner, "sessions: a resident kernel"). */
class RunnerCommandTest {

    private final JobCodec codec = new JobCodec();

    @Test
    void anExecCarriesItsRunIdLanguageCodeStdinAndTimeLimit() {
        assertThat(json(RunnerCommand.exec("run-1", Language.PYTHON, "x += 1", null, 5000))).isEqualTo(
                "{\"op\":\"exec\",\"id\":\"run-1\",\"language\":\"python\",\"code\":\"x += 1\",\"stdin\":\"\","
                        + "\"timeoutMs\":5000,\"path\":null,\"data\":null}");
    }

    @Test
    void aPutCarriesItsContentAsBase64() {
        assertThat(json(RunnerCommand.put("run-2", "data/in.csv", "a,b\n".getBytes(StandardCharsets.UTF_8))))
                .isEqualTo("{\"op\":\"put\",\"id\":\"run-2\",\"language\":null,\"code\":null,\"stdin\":null,"
                        + "\"timeoutMs\":null,\"path\":\"data/in.csv\",\"data\":\"YSxiCg==\"}");
    }

    @Test
    void onlyAnExecRunsCode() {
        assertThat(RunnerCommand.exec("r", Language.BASH, "true", "", 1).runsCode()).isTrue();
        assertThat(RunnerCommand.get("r", "a").runsCode()).isFalse();
        assertThat(RunnerCommand.list("r", null).path()).isEmpty();
        assertThat(RunnerCommand.close().op()).isEqualTo("close");
    }

    @Test
    void theOpenLineIsAVersionOneEnvelopeWithASessionMember() {
        SessionSpec spec = new SessionSpec("s-1", new Limits(10_000, 256, 1.0, 64, 65_536), Map.of("A", "b"),
                Map.of("notes.txt", "hi"), Instant.ofEpochSecond(1_800_000_000L), Duration.ofMillis(1500));

        assertThat(json(SessionEnvelope.of(spec, 1_048_576))).isEqualTo(
                "{\"v\":1,\"session\":{\"id\":\"s-1\",\"deadline\":1800000000,\"interruptGraceMs\":1500},"
                        + "\"env\":{\"A\":\"b\"},\"files\":{\"notes.txt\":\"hi\"},\"floodBytes\":1048576}");
    }

    private String json(Object value) {
        return new String(codec.write(value), StandardCharsets.UTF_8);
    }
}
