package dev.kiff.worker;

import dev.kiff.core.job.JobMessage;
import dev.kiff.core.job.Language;
import dev.kiff.core.job.RequestedLimits;
import dev.kiff.core.job.VmType;
import java.util.Map;
import java.util.UUID;

/** Builds job messages as an agent would publish them straight to a job topic. */
final class JobMessages {

    private String id = UUID.randomUUID().toString();
    private Language language = Language.PYTHON;
    private String code = "print(1)";
    private String stdin;
    private Map<String, String> files;
    private RequestedLimits limits;

    static JobMessages python(String code) {
        JobMessages builder = new JobMessages();
        builder.code = code;
        return builder;
    }

    static JobMessages bash(String code) {
        JobMessages builder = python(code);
        builder.language = Language.BASH;
        return builder;
    }

    JobMessages withoutId() {
        this.id = null;
        return this;
    }

    JobMessages stdin(String stdin) {
        this.stdin = stdin;
        return this;
    }

    JobMessages files(Map<String, String> files) {
        this.files = files;
        return this;
    }

    JobMessages timeoutMs(long timeoutMs) {
        limits = new RequestedLimits(timeoutMs, limits == null ? null : limits.memoryMb(), null, null,
                limits == null ? null : limits.outputBytes());
        return this;
    }

    JobMessages memoryMb(int memoryMb) {
        limits = new RequestedLimits(limits == null ? null : limits.timeoutMs(), memoryMb, null, null,
                limits == null ? null : limits.outputBytes());
        return this;
    }

    JobMessages outputBytes(int outputBytes) {
        limits = new RequestedLimits(limits == null ? null : limits.timeoutMs(),
                limits == null ? null : limits.memoryMb(), null, null, outputBytes);
        return this;
    }

    String id() {
        return id;
    }

    JobMessage build() {
        return new JobMessage(null, id, null, VmType.CODE_EXEC, language, code, stdin, null, files, limits, null);
    }
}
