package dev.kiff.core.job;

import dev.kiff.model.job.InvalidJobException;
import dev.kiff.model.job.Job;
import dev.kiff.model.job.JobMessage;
import dev.kiff.model.job.JobRequest;
import dev.kiff.model.job.Language;
import dev.kiff.model.job.Limits;
import dev.kiff.model.job.RequestedLimits;
import dev.kiff.model.job.RetryPolicy;
import dev.kiff.model.job.Violation;
import dev.kiff.model.job.VmType;
import dev.kiff.core.webhook.WebhookTargets;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Turns what a client or an agent sent into a {@link Job}, or says every field that is wrong. The same rules hold for
 * the API and for jobs published straight to Kafka.
 */
public final class JobValidator {

    /** Size caps, in UTF-8 bytes. They keep a job well inside one Kafka record (the job topics allow 4 MiB). */
    public static final int MAX_CODE_BYTES = 128 * 1024;
    public static final int MAX_STDIN_BYTES = 128 * 1024;
    public static final int MAX_FILES_BYTES = 256 * 1024;
    public static final int MAX_FILES = 64;
    public static final int MAX_ENV_ENTRIES = 64;
    public static final int MAX_ENV_VALUE_BYTES = 8 * 1024;
    public static final int MAX_TENANT_LENGTH = 64;
    public static final int MAX_CALLBACK_URL_LENGTH = 2048;

    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    private static final Pattern TENANT = Pattern.compile("[a-z0-9][a-z0-9_-]*");

    private final VmTypeCatalogue catalogue;
    private final WebhookTargets webhookTargets;

    /** A validator that checks a {@code callbackUrl}'s form only (where no webhook is ever sent from). */
    public JobValidator(VmTypeCatalogue catalogue) {
        this(catalogue, null);
    }

    /**
     * @param webhookTargets where webhooks may go; a {@code callbackUrl} whose host is or resolves to a refused
     *                       address is invalid. Null checks the form only.
     */
    public JobValidator(VmTypeCatalogue catalogue, WebhookTargets webhookTargets) {
        this.catalogue = catalogue;
        this.webhookTargets = webhookTargets;
    }

    /** A job submitted through the API: the server chose its id, tenant and submission time. */
    public Job validate(JobRequest request, UUID id, String tenant, Instant submittedAt) {
        return validate(id, tenant, request.vmType(), request.language(), request.code(), request.stdin(),
                request.env(), request.files(), request.limits(), submittedAt, null, request.callbackUrl(),
                request.retry(), new ArrayList<>());
    }

    /**
     * A job read from a job topic. What the message leaves out comes from the record: {@code fallbackId} (the record
     * key when it is a UUID, else one derived from the record's position, so a redelivery maps to the same job) and
     * the record's timestamp.
     */
    public Job validate(JobMessage message, UUID fallbackId, Instant fallbackSubmittedAt) {
        List<Violation> violations = new ArrayList<>();
        if (message.v() != null && message.v() != JobMessage.VERSION) {
            violations.add(Violation.invalid("v", "unsupported contract version " + message.v()
                    + ", expected " + JobMessage.VERSION));
        }
        UUID id = fallbackId;
        if (message.id() != null) {
            try {
                id = UUID.fromString(message.id());
            } catch (IllegalArgumentException e) {
                violations.add(Violation.invalid("id", "not a UUID"));
            }
        }
        String tenant = message.tenant() != null ? message.tenant() : Job.DEFAULT_TENANT;
        if (tenant.length() > MAX_TENANT_LENGTH || !TENANT.matcher(tenant).matches()) {
            violations.add(Violation.invalid("tenant", "must match " + TENANT + " and be at most "
                    + MAX_TENANT_LENGTH + " characters"));
        }
        Instant submittedAt = message.submittedAt() != null ? message.submittedAt() : fallbackSubmittedAt;
        UUID batchId = null;
        if (message.batchId() != null) {
            try {
                batchId = UUID.fromString(message.batchId());
            } catch (IllegalArgumentException e) {
                violations.add(Violation.invalid("batchId", "not a UUID"));
            }
        }
        return validate(id, tenant, message.vmType(), message.language(), message.code(), message.stdin(),
                message.env(), message.files(), message.limits(), submittedAt, batchId, message.callbackUrl(),
                message.retry(), violations);
    }

    private Job validate(UUID id, String tenant, VmType vmType, Language language, String code, String stdin,
            Map<String, String> env, Map<String, String> files, RequestedLimits limits, Instant submittedAt,
            UUID batchId, String callbackUrl, RetryPolicy retry, List<Violation> violations) {
        if (vmType == null) {
            violations.add(Violation.invalid("vmType", "is required, one of " + VmType.allowed()));
        }
        if (language == null) {
            violations.add(Violation.invalid("language", "is required, one of python, node, bash"));
        }
        if (code == null || code.isBlank()) {
            violations.add(Violation.invalid("code", "is required and must not be blank"));
        } else {
            capBytes("code", code, MAX_CODE_BYTES, violations);
        }
        if (stdin != null) {
            capBytes("stdin", stdin, MAX_STDIN_BYTES, violations);
        }
        checkEnv(env, violations);
        checkFiles(files, violations);
        checkCallback(callbackUrl, violations);
        checkRetry(retry, violations);
        Limits resolved = null;
        if (vmType != null) {
            VmTypePolicy policy = catalogue.policy(vmType);
            if (language != null && !policy.languages().contains(language)) {
                violations.add(Violation.invalid("language", language + " is not available for vmType " + vmType
                        + ", which offers " + policy.languages()));
            }
            resolved = policy.resolve(limits, violations);
        }
        if (!violations.isEmpty()) {
            throw new InvalidJobException(violations);
        }
        return new Job(id, tenant, vmType, language, code, stdin == null ? "" : stdin,
                env == null ? Map.of() : env, files == null ? Map.of() : files, resolved, submittedAt, batchId,
                callbackUrl, retry);
    }

    /** Whether {@code tenant} is a valid tenant name, as jobs carry it. */
    public static boolean validTenant(String tenant) {
        return tenant != null && tenant.length() <= MAX_TENANT_LENGTH && TENANT.matcher(tenant).matches();
    }

    /**
     * A webhook target: {@link #checkCallbackUrl its form}, then, when this validator knows the
     * {@link WebhookTargets}, the addresses its host stands for now.
     */
    public void checkCallback(String callbackUrl, List<Violation> violations) {
        int before = violations.size();
        checkCallbackUrl(callbackUrl, violations);
        if (callbackUrl == null || webhookTargets == null || violations.size() > before) {
            return;
        }
        webhookTargets.refusalAtSubmission(URI.create(callbackUrl))
                .ifPresent(why -> violations.add(Violation.invalid("callbackUrl", why)));
    }

    /** A webhook target's form: an absolute http(s) URL with a host, without credentials in it. */
    public static void checkCallbackUrl(String callbackUrl, List<Violation> violations) {
        if (callbackUrl == null) {
            return;
        }
        if (callbackUrl.length() > MAX_CALLBACK_URL_LENGTH) {
            violations.add(Violation.tooLarge("callbackUrl", "at most " + MAX_CALLBACK_URL_LENGTH + " characters"));
            return;
        }
        try {
            URI uri = new URI(callbackUrl);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                violations.add(Violation.invalid("callbackUrl", "must be an http or https URL"));
            } else if (uri.getHost() == null) {
                violations.add(Violation.invalid("callbackUrl", "must name a host"));
            } else if (uri.getUserInfo() != null) {
                violations.add(Violation.invalid("callbackUrl", "must not carry credentials"));
            }
        } catch (URISyntaxException e) {
            violations.add(Violation.invalid("callbackUrl", "is not a URL: " + e.getReason()));
        }
    }

    private static void checkRetry(RetryPolicy retry, List<Violation> violations) {
        if (retry != null && retry.maxAttempts() != null
                && (retry.maxAttempts() < 1 || retry.maxAttempts() > RetryPolicy.MAX_ATTEMPTS)) {
            violations.add(Violation.invalid("retry.maxAttempts", "must be 1 to " + RetryPolicy.MAX_ATTEMPTS));
        }
    }

    /** Environment variables of a job or a session: names, reserved prefix, NUL, sizes. */
    public static void checkEnv(Map<String, String> env, List<Violation> violations) {
        if (env == null) {
            return;
        }
        if (env.size() > MAX_ENV_ENTRIES) {
            violations.add(Violation.tooLarge("env", "at most " + MAX_ENV_ENTRIES + " variables"));
            return;
        }
        env.forEach((name, value) -> {
            String field = Violation.path("env", name);
            if (!ENV_NAME.matcher(name).matches()) {
                violations.add(Violation.invalid(field, "name must match " + ENV_NAME));
            } else if (name.startsWith("KIFF_")) {
                violations.add(Violation.invalid(field, "names starting with KIFF_ are reserved"));
            }
            if (value == null) {
                violations.add(Violation.invalid(field, "value must be a string"));
            } else {
                if (value.indexOf('\0') >= 0) {
                    violations.add(Violation.invalid(field, "value must not contain NUL"));
                }
                capBytes(field, value, MAX_ENV_VALUE_BYTES, violations);
            }
        });
    }

    /** Initial files of a job or a session: {@link FileNames}, count and total size. */
    public static void checkFiles(Map<String, String> files, List<Violation> violations) {
        if (files == null) {
            return;
        }
        if (files.size() > MAX_FILES) {
            violations.add(Violation.tooLarge("files", "at most " + MAX_FILES + " files"));
            return;
        }
        long total = 0;
        for (Map.Entry<String, String> file : files.entrySet()) {
            String name = file.getKey();
            String field = Violation.path("files", name);
            FileNames.violation(field, name).ifPresent(violations::add);
            if (file.getValue() == null) {
                violations.add(Violation.invalid(field, "content must be a string"));
            } else {
                total += file.getValue().getBytes(StandardCharsets.UTF_8).length;
            }
        }
        if (total > MAX_FILES_BYTES) {
            violations.add(Violation.tooLarge("files", total + " bytes in all exceed the cap of " + MAX_FILES_BYTES));
        }
    }

    private static void capBytes(String field, String value, int cap, List<Violation> violations) {
        int bytes = value.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > cap) {
            violations.add(Violation.tooLarge(field, bytes + " bytes exceed the cap of " + cap));
        }
    }
}
