package dev.kiff.model.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiff.model.job.DisplayItem;
import dev.kiff.model.job.InvalidJobException;
import dev.kiff.model.job.JobMessage;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import dev.kiff.model.job.Language;
import dev.kiff.model.job.Limits;
import dev.kiff.model.job.VmType;
import dev.kiff.model.json.JobCodec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SessionCodecTest {

    private final JobCodec codec = new JobCodec();

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void sessionRequestIsStrictAndNamesTheUnknownField() {
        assertThatThrownBy(() -> codec.readSessionRequest(json("{\"vmType\":\"code-exec\",\"idleTimout\":5}")))
                .isInstanceOfSatisfying(InvalidJobException.class, e -> assertThat(e.violations())
                        .anySatisfy(v -> assertThat(v.field()).isEqualTo("idleTimout")));
        SessionRequest request = codec.readSessionRequest(json(
                "{\"vmType\":\"data-processing\",\"idleTimeoutMs\":60000,\"env\":{\"A\":\"1\"}}"));
        assertThat(request.vmType()).isEqualTo(VmType.DATA_PROCESSING);
        assertThat(request.idleTimeoutMs()).isEqualTo(60_000L);
        assertThat(request.maxLifetimeMs()).isNull();
    }

    @Test
    void runRequestIsStrict() {
        assertThatThrownBy(() -> codec.readSessionRunRequest(json("{\"language\":\"python\",\"code\":\"1\",\"x\":1}")))
                .isInstanceOf(InvalidJobException.class);
        assertThat(codec.readSessionRunRequest(json("{\"language\":\"python\",\"code\":\"x += 1\"}")).language())
                .isEqualTo(Language.PYTHON);
    }

    @Test
    void openAndEventSkipFieldsANewerWriterAdded() {
        SessionOpen open = new SessionOpen(SessionOpen.VERSION, UUID.randomUUID(), "acme", VmType.CODE_EXEC,
                new Limits(1000, 256, 0.5, 64, 4096), Map.of("A", "1"), Map.of("a.txt", "x"), 60_000, 3_600_000,
                Instant.parse("2026-01-01T00:00:00Z"));
        String written = codec.writeString(open);
        assertThat(codec.readSessionOpen(json(written.replaceFirst("\\{", "{\"later\":true,")))).isEqualTo(open);

        SessionEvent event = new SessionEvent(SessionEvent.VERSION, open.sessionId(), "acme", SessionState.LOST,
                "worker stopped renewing", Instant.parse("2026-01-01T00:00:01Z"), "w1", null);
        String eventJson = codec.writeString(event);
        assertThat(codec.readSessionEvent(json(eventJson.replaceFirst("\\{", "{\"later\":[1],")))).isEqualTo(event);
    }

    @Test
    void aJobMessageWithoutASessionReadsAsAPlainJobAndOneWithItRoundTrips() {
        JobMessage plain = codec.readMessage(json(
                "{\"vmType\":\"code-exec\",\"language\":\"python\",\"code\":\"print(1)\"}"));
        assertThat(plain.session()).isNull();

        UUID session = UUID.randomUUID();
        JobMessage put = new JobMessage(1, UUID.randomUUID().toString(), "acme", VmType.CODE_EXEC, Language.PYTHON,
                "", null, null, null, null, Instant.parse("2026-01-01T00:00:00Z"), null, null, null,
                new SessionRef(session, SessionOp.PUT, "data/in.csv", "YSxiCg=="));
        JobMessage read = codec.readMessage(codec.write(put));
        assertThat(read.session()).isEqualTo(put.session());
        assertThat(codec.writeString(put)).contains("\"op\":\"put\"");
    }

    @Test
    void aResultWithoutSessionFieldsReadsWithNoSessionAndNoDisplay() {
        JobResult old = codec.readResult(json("{\"v\":1,\"id\":\"" + UUID.randomUUID()
                + "\",\"status\":\"SUCCEEDED\",\"attempts\":1}"));
        assertThat(old.sessionId()).isNull();
        assertThat(old.display()).isEmpty();

        UUID session = UUID.randomUUID();
        JobResult withDisplay = old.inSession(session, List.of(
                new DisplayItem("text/plain", "200", null, 3),
                new DisplayItem("image/png", null, "display/1.png", 1234)));
        JobResult read = codec.readResult(codec.write(withDisplay));
        assertThat(read.sessionId()).isEqualTo(session);
        assertThat(read.display()).isEqualTo(withDisplay.display());
        assertThat(read.status()).isEqualTo(JobStatus.SUCCEEDED);
    }

    @Test
    void sessionRefNeverLogsTheFileContent() {
        assertThat(new SessionRef(UUID.randomUUID(), SessionOp.PUT, "a.txt", "c2VjcmV0").toString())
                .doesNotContain("c2VjcmV0").contains("8 base64 chars");
    }
}
