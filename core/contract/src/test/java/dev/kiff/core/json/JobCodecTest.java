package dev.kiff.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.kiff.core.job.InvalidJobException;
import dev.kiff.core.job.Job;
import dev.kiff.core.job.JobFixtures;
import dev.kiff.core.job.JobMessage;
import dev.kiff.core.job.Violation;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JobCodecTest {

    private final JobCodec codec = new JobCodec();

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void roundTripsAJobMessageWithWireNamesAndIsoInstants() {
        Job job = JobFixtures.job("print(1)");
        String text = codec.writeString(job.toMessage());
        assertThat(text).contains("\"vmType\":\"code-exec\"").contains("\"language\":\"python\"")
                .contains("\"submittedAt\":\"2026-11-28T12:00:00Z\"");
        assertThat(codec.readMessage(json(text))).isEqualTo(job.toMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unknown top-level field|{\"vmType\":\"code-exec\",\"language\":\"python\",\"code\":\"1\",\"foo\":1}|foo",
        "unknown nested field|{\"limits\":{\"bogus\":1}}|limits.bogus",
        "unknown vmType|{\"vmType\":\"gpu\"}|vmType",
        "wrong limit type|{\"limits\":{\"timeoutMs\":\"abc\"}}|limits.timeoutMs",
        "malformed JSON|{\"vmType\":|$",
        "trailing content|{} {}|$",
    })
    void namesTheFieldOfEveryParseError(String what, String body, String field) {
        InvalidJobException e = catchThrowableOfType(InvalidJobException.class, () -> codec.readRequest(json(body)));
        assertThat(e.violations()).extracting(Violation::field).containsExactly(field);
    }

    @Test
    void listsTheAllowedValuesOfAnUnknownVmType() {
        InvalidJobException e = catchThrowableOfType(InvalidJobException.class,
                () -> codec.readRequest(json("{\"vmType\":\"gpu\"}")));
        assertThat(e.getMessage()).contains("code-exec, ml-agent, api-composition, data-processing");
    }

    @Test
    void refusesAnEmptyBody() {
        InvalidJobException e = catchThrowableOfType(InvalidJobException.class,
                () -> codec.readMessage(new byte[0]));
        assertThat(e.violations()).extracting(Violation::field).containsExactly("$");
    }

    @Test
    void writesEqualMapsToEqualBytesWhateverTheirOrder() {
        JobMessage a = codec.readMessage(json("{\"env\":{\"A\":\"1\",\"B\":\"2\"}}"));
        JobMessage b = codec.readMessage(json("{\"env\":{\"B\":\"2\",\"A\":\"1\"}}"));
        assertThat(codec.write(a)).isEqualTo(codec.write(b));
    }
}
