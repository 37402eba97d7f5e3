package dev.kiff.worker;

import dev.kiff.model.job.JobMessage;
import dev.kiff.model.job.Language;
import dev.kiff.model.job.RequestedLimits;
import dev.kiff.model.job.RetryPolicy;
import dev.kiff.model.job.VmType;
import java.util.Map;
import java.util.UUID;

/** Builds job messages as an agent would publish them straight to a job topic. */
final class JobMessages {

    private String id = UUID.randomUUID().toString();
    private String tenant;
    private VmType vmType = VmType.CODE_EXEC;
    private Language language = Language.PYTHON;
    private String code = "print(1)";
    private String stdin;
    private Map<String, String> env;
    private Map<String, String> files;
    private Long timeoutMs;
    private Integer memoryMb;
    private Integer pids;
    private Integer outputBytes;
    private RetryPolicy retry;

    static JobMessages python(String code) {
        JobMessages builder = new JobMessages();
        builder.code = code;
        return builder;
    }

    /** Python that allocates 16 MiB blocks until something stops it, within {@code memoryMb}. */
    static JobMessages memoryBalloon(int memoryMb) {
        return python("""
                blocks = []
                while True:
                    blocks.append(bytearray(16 * 1024 * 1024))
                """).memoryMb(memoryMb);
    }

    static JobMessages bash(String code) {
        JobMessages builder = python(code);
        builder.language = Language.BASH;
        return builder;
    }

    static JobMessages node(String code) {
        JobMessages builder = python(code);
        builder.language = Language.NODE;
        return builder;
    }

    JobMessages withoutId() {
        this.id = null;
        return this;
    }

    JobMessages vmType(VmType vmType) {
        this.vmType = vmType;
        return this;
    }

    JobMessages stdin(String stdin) {
        this.stdin = stdin;
        return this;
    }

    JobMessages env(Map<String, String> env) {
        this.env = env;
        return this;
    }

    JobMessages files(Map<String, String> files) {
        this.files = files;
        return this;
    }

    JobMessages timeoutMs(long timeoutMs) {
        this.timeoutMs = timeoutMs;
        return this;
    }

    JobMessages memoryMb(int memoryMb) {
        this.memoryMb = memoryMb;
        return this;
    }

    JobMessages tenant(String tenant) {
        this.tenant = tenant;
        return this;
    }

    JobMessages pids(int pids) {
        this.pids = pids;
        return this;
    }

    JobMessages outputBytes(int outputBytes) {
        this.outputBytes = outputBytes;
        return this;
    }

    JobMessages retry(int maxAttempts, boolean onFailure) {
        this.retry = new RetryPolicy(maxAttempts, onFailure);
        return this;
    }

    String id() {
        return id;
    }

    JobMessage build() {
        return new JobMessage(null, id, tenant, vmType, language, code, stdin, env, files,
                new RequestedLimits(timeoutMs, memoryMb, null, pids, outputBytes), null, null, null, retry);
    }
}
