package dev.kiff.core.job;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** Shared builders for the contract's unit tests. */
public final class JobFixtures {

    public static final Instant SUBMITTED_AT = Instant.parse("2026-11-28T12:00:00Z");
    public static final VmTypeCatalogue CATALOGUE = VmTypeCatalogue.builtIn();

    private JobFixtures() {
    }

    public static JobRequest python(String code) {
        return new JobRequest(VmType.CODE_EXEC, Language.PYTHON, code, null, null, null, null);
    }

    public static JobRequest withLimits(JobRequest request, RequestedLimits limits) {
        return new JobRequest(request.vmType(), request.language(), request.code(), request.stdin(), request.env(),
                request.files(), limits);
    }

    public static JobRequest withFiles(JobRequest request, Map<String, String> files) {
        return new JobRequest(request.vmType(), request.language(), request.code(), request.stdin(), request.env(),
                files, request.limits());
    }

    public static JobRequest withEnv(JobRequest request, Map<String, String> env) {
        return new JobRequest(request.vmType(), request.language(), request.code(), request.stdin(), env,
                request.files(), request.limits());
    }

    public static Job job(String code) {
        return new JobValidator(CATALOGUE).validate(python(code), UUID.randomUUID(), Job.DEFAULT_TENANT,
                SUBMITTED_AT);
    }
}
