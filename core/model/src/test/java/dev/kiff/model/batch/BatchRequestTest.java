package dev.kiff.model.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.kiff.model.job.InvalidJobException;
import dev.kiff.model.job.JobRequest;
import dev.kiff.model.job.Language;
import dev.kiff.model.job.RetryPolicy;
import dev.kiff.model.job.Violation;
import dev.kiff.model.job.VmType;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BatchRequestTest {

    private final JobRequest first = python("print(1)");
    private final JobRequest second = python("print(2)");
    private final JobRequest template = new JobRequest(VmType.CODE_EXEC, Language.PYTHON,
            "import os; print(os.environ['N'])", "template stdin", Map.of("N", "0", "MODE", "fast"),
            Map.of("data.csv", "a,b"), null, "https://hooks.example.com/job", new RetryPolicy(2, true));

    private static JobRequest python(String code) {
        return new JobRequest(VmType.CODE_EXEC, Language.PYTHON, code, null, null, null, null);
    }

    private static List<String> fieldsOf(BatchRequest request) {
        return catchThrowableOfType(request::members, InvalidJobException.class).violations().stream()
                .map(Violation::field).toList();
    }

    @Test
    void listsTheJobsFormInOrderUnderTheirPlaces() {
        List<BatchRequest.Member> members = new BatchRequest(List.of(first, second), null, null, null).members();

        assertThat(members).containsExactly(new BatchRequest.Member("jobs[0]", first),
                new BatchRequest.Member("jobs[1]", second));
    }

    @Test
    void makesOneJobPerInputFromTheTemplate() {
        BatchInput changed = new BatchInput("own stdin", Map.of("N", "1", "EXTRA", "x"), Map.of("more.txt", "m"));
        BatchInput unchanged = new BatchInput(null, null, null);

        List<BatchRequest.Member> members = new BatchRequest(null, template, List.of(changed, unchanged), null)
                .members();

        assertThat(members).extracting(BatchRequest.Member::path).containsExactly("inputs[0]", "inputs[1]");
        JobRequest merged = members.get(0).request();
        assertThat(merged.stdin()).isEqualTo("own stdin");
        assertThat(merged.env()).isEqualTo(Map.of("N", "1", "MODE", "fast", "EXTRA", "x"));
        assertThat(merged.files()).isEqualTo(Map.of("data.csv", "a,b", "more.txt", "m"));
        assertThat(merged.code()).isEqualTo(template.code());
        assertThat(merged.callbackUrl()).isEqualTo(template.callbackUrl());
        assertThat(merged.retry()).isEqualTo(template.retry());
        assertThat(members.get(1).request()).isEqualTo(template);
    }

    @Test
    void refusesBothFormsAndNeitherUnderJobs() {
        BatchInput input = new BatchInput(null, null, null);

        assertThat(fieldsOf(new BatchRequest(List.of(first), template, List.of(input), null))).containsExactly("jobs");
        assertThat(fieldsOf(new BatchRequest(null, null, null, null))).containsExactly("jobs");
    }

    @Test
    void namesTheMissingHalfOfTheTemplateForm() {
        assertThat(fieldsOf(new BatchRequest(null, template, null, null))).containsExactly("inputs");
        assertThat(fieldsOf(new BatchRequest(null, null, List.of(new BatchInput(null, null, null)), null)))
                .containsExactly("template");
    }

    @Test
    void namesANullMemberByItsPlace() {
        assertThat(fieldsOf(new BatchRequest(Arrays.asList(first, null), null, null, null)))
                .containsExactly("jobs[1]");
        assertThat(fieldsOf(new BatchRequest(null, template, Arrays.asList((BatchInput) null), null)))
                .containsExactly("inputs[0]");
    }
}
