package dev.kiff.model.batch;

import dev.kiff.model.job.InvalidJobException;
import dev.kiff.model.job.JobRequest;
import dev.kiff.model.job.Violation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A batch as a client submits it to {@code POST /v1/batches}: either {@code jobs}, or a {@code template} with one
 * {@code inputs} entry per job.
 *
 * @param callbackUrl where the batch is POSTed (signed) once all its jobs ended; each job may have its own too
 */
public record BatchRequest(List<JobRequest> jobs, JobRequest template, List<BatchInput> inputs, String callbackUrl) {

    /** A job of the batch, with the field path its violations are reported under. */
    public record Member(String path, JobRequest request) {
    }

    /**
     * The batch's jobs in order.
     *
     * @throws InvalidJobException when the request is neither form, or empty
     */
    public List<Member> members() {
        boolean listed = jobs != null;
        boolean templated = template != null || inputs != null;
        if (listed == templated) {
            throw InvalidJobException.of("jobs", "give either jobs, or a template with inputs");
        }
        List<Member> members = new ArrayList<>();
        if (listed) {
            for (int i = 0; i < jobs.size(); i++) {
                if (jobs.get(i) == null) {
                    throw InvalidJobException.of("jobs[" + i + "]", "must be a job, not null");
                }
                members.add(new Member("jobs[" + i + "]", jobs.get(i)));
            }
            return members;
        }
        if (template == null) {
            throw InvalidJobException.of("template", "is required with inputs");
        }
        if (inputs == null) {
            throw InvalidJobException.of("inputs", "is required with a template");
        }
        for (int i = 0; i < inputs.size(); i++) {
            BatchInput input = inputs.get(i);
            if (input == null) {
                throw InvalidJobException.of("inputs[" + i + "]", "must be an object, not null");
            }
            members.add(new Member("inputs[" + i + "]", new JobRequest(template.vmType(), template.language(),
                    template.code(), input.stdin() != null ? input.stdin() : template.stdin(),
                    merged(template.env(), input.env()), merged(template.files(), input.files()), template.limits(),
                    template.callbackUrl(), template.retry())));
        }
        return members;
    }

    private static Map<String, String> merged(Map<String, String> base, Map<String, String> extra) {
        if (extra == null) {
            return base;
        }
        Map<String, String> all = base == null ? new HashMap<>() : new HashMap<>(base);
        all.putAll(extra);
        return all;
    }

    /** Reports {@code violations} of a member under its path: {@code code} of the fourth job is {@code jobs[3].code}. */
    public static List<Violation> under(String path, List<Violation> violations) {
        return violations.stream()
                .map(v -> new Violation(v.field().equals("$") ? path
                        : v.field().startsWith("[") ? path + v.field() : path + "." + v.field(), v.message(),
                        v.tooLarge()))
                .toList();
    }
}
