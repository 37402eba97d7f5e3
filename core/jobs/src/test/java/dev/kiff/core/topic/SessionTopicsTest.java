package dev.kiff.core.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiff.model.job.VmType;
import org.junit.jupiter.api.Test;

class SessionTopicsTest {

    @Test
    void aWorkerIdBecomesALegalTopicName() {
        assertThat(Topics.sessionRuns("12345@host-a.example"))
                .matches("kiff\\.session-runs\\.12345_host-a\\.example-[0-9a-f]{12}");
        assertThat(Topics.sessionRuns("w1")).as("a legal id is kept as it is").isEqualTo("kiff.session-runs.w1");
    }

    @Test
    void longIdsAreCutAndStillTellApart() {
        String base = "w".repeat(300);
        String a = Topics.sessionRuns(base + "a");
        String b = Topics.sessionRuns(base + "b");

        assertThat(a).hasSizeLessThanOrEqualTo(249).startsWith("kiff.session-runs." + "w".repeat(200) + "-");
        assertThat(a).isNotEqualTo(b);
        assertThat(Topics.sessionRuns(base + "a")).as("stable").isEqualTo(a);
    }

    @Test
    void idsThatMapToTheSameCharactersStillGetTopicsOfTheirOwn() {
        assertThat(Topics.sessionRuns("a@b")).isNotEqualTo(Topics.sessionRuns("a#b"))
                .isNotEqualTo(Topics.sessionRuns("a_b"));
    }

    @Test
    void aWorkerIdIsRequired() {
        assertThatThrownBy(() -> Topics.sessionRuns("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Topics.sessionRuns(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void openTopicsCarryTheirVmType() {
        assertThat(Topics.sessionOpens(VmType.DATA_PROCESSING)).isEqualTo("kiff.session-opens.data-processing");
        assertThat(Topics.vmTypeOf("kiff.session-opens.code-exec")).isEqualTo(VmType.CODE_EXEC);
        assertThat(Topics.vmTypeOf("kiff.jobs.code-exec")).isEqualTo(VmType.CODE_EXEC);
        assertThat(Topics.vmTypeOf(Topics.SESSION_EVENTS)).isNull();
        assertThat(Topics.sessionOpenTopics()).hasSize(VmType.values().length);
    }
}
