package dev.kiff.core.job;

import dev.kiff.model.job.Job;
import dev.kiff.model.job.JobMessage;
import dev.kiff.model.job.JobRequest;
import dev.kiff.model.job.Language;
import dev.kiff.model.job.RequestedLimits;
import dev.kiff.model.job.RetryPolicy;
import dev.kiff.model.job.VmType;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The one test builder of the contract's jobs: starts from a small valid Python job on {@code code-exec} and lets a
 * test change only what it is about, then hands it out as a {@link JobRequest}, a {@link JobMessage} or a validated
 * {@link Job}.
 */
public final class Jobs {

    public static final Instant SUBMITTED_AT = Instant.parse("2026-11-28T12:00:00Z");
    public static final VmTypeCatalogue CATALOGUE = VmTypeCatalogue.builtIn();

    private Integer v;
    private String id;
    private String tenant;
    private VmType vmType = VmType.CODE_EXEC;
    private Language language = Language.PYTHON;
    private String code = "print(1)";
    private String stdin;
    private Map<String, String> env;
    private Map<String, String> files;
    private RequestedLimits limits;
    private Instant submittedAt;
    private String callbackUrl;
    private RetryPolicy retry;

    private Jobs() {
    }

    /** A valid job: {@code print(1)} in Python on {@code code-exec}, everything else left out. */
    public static Jobs job() {
        return new Jobs();
    }

    public static Jobs job(String code) {
        return new Jobs().code(code);
    }

    public Jobs v(Integer version) {
        this.v = version;
        return this;
    }

    public Jobs id(UUID id) {
        return id(id.toString());
    }

    /** The id as a message carries it, which need not be a UUID. */
    public Jobs id(String id) {
        this.id = id;
        return this;
    }

    public Jobs tenant(String tenant) {
        this.tenant = tenant;
        return this;
    }

    public Jobs vmType(VmType vmType) {
        this.vmType = vmType;
        return this;
    }

    public Jobs language(Language language) {
        this.language = language;
        return this;
    }

    public Jobs code(String code) {
        this.code = code;
        return this;
    }

    public Jobs stdin(String stdin) {
        this.stdin = stdin;
        return this;
    }

    /** Adds one variable; a {@code null} value is kept, to test its rejection. */
    public Jobs env(String name, String value) {
        if (env == null) {
            env = new LinkedHashMap<>();
        }
        env.put(name, value);
        return this;
    }

    /** Adds one input file, in order; a {@code null} content is kept, to test its rejection. */
    public Jobs file(String name, String content) {
        if (files == null) {
            files = new LinkedHashMap<>();
        }
        files.put(name, content);
        return this;
    }

    public Jobs limits(RequestedLimits limits) {
        this.limits = limits;
        return this;
    }

    public Jobs submittedAt(Instant submittedAt) {
        this.submittedAt = submittedAt;
        return this;
    }

    /** Where the job's result is POSTed once it ends. */
    public Jobs callbackUrl(String callbackUrl) {
        this.callbackUrl = callbackUrl;
        return this;
    }

    /** How often the job may run; left out, the default policy applies. */
    public Jobs retry(RetryPolicy retry) {
        this.retry = retry;
        return this;
    }

    public JobRequest request() {
        return new JobRequest(vmType, language, code, stdin, env, files, limits, callbackUrl, retry);
    }

    public JobMessage message() {
        return new JobMessage(v, id, tenant, vmType, language, code, stdin, env, files, limits, submittedAt, null,
                callbackUrl, retry);
    }

    /** The job as the API would accept it, under {@code id} (a random one when none was set). */
    public Job build() {
        UUID uuid = id == null ? UUID.randomUUID() : UUID.fromString(id);
        return new JobValidator(CATALOGUE).validate(request(), uuid, tenant == null ? Job.DEFAULT_TENANT : tenant,
                submittedAt == null ? SUBMITTED_AT : submittedAt);
    }
}
