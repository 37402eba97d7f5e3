package dev.kiff.api.web;

import dev.kiff.api.ApiProperties;
import dev.kiff.api.auth.UnauthorizedException;
import dev.kiff.model.job.InvalidJobException;
import dev.kiff.model.json.JobCodec;
import dev.kiff.core.tenant.Quotas;
import dev.kiff.core.tenant.TenantProvisioner;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/** {@code /v1/admin/tenants}: the operator makes tenants, with the admin key ({@code kiff.api.admin-key}). */
@RestController
public class AdminController {

    private final TenantProvisioner provisioner;
    private final ApiProperties properties;
    private final JobCodec codec;

    public AdminController(TenantProvisioner provisioner, ApiProperties properties, JobCodec codec) {
        this.provisioner = provisioner;
        this.properties = properties;
        this.codec = codec;
    }

    /** What {@code POST /v1/admin/tenants} takes; quotas left out take the defaults. */
    public record TenantCreation(String name, QuotaOverrides quotas) {
    }

    public record QuotaOverrides(Integer maxConcurrentJobs, Integer submissionsPerSecond, Integer maxBatchSize) {
    }

    /**
     * A new tenant and its API key, shown this once (only its hash is kept), and its producer key, which signs the
     * job records its own pipelines produce to Kafka.
     */
    @PostMapping(path = "/v1/admin/tenants", consumes = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<byte[]> create(@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false)
            String authorization, @RequestBody TenantCreation creation) {
        checkAdmin(authorization);
        QuotaOverrides o = creation.quotas();
        Quotas quotas;
        try {
            quotas = o == null ? Quotas.DEFAULT
                    : Quotas.DEFAULT.with(o.maxConcurrentJobs(), o.submissionsPerSecond(), o.maxBatchSize());
        } catch (IllegalArgumentException e) {
            throw InvalidJobException.of("quotas", e.getMessage());
        }
        TenantProvisioner.Provisioned made = provisioner.create(creation.name(), quotas);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", made.tenant().id());
        answer.put("name", made.tenant().id());
        answer.put("apiKey", made.key().value());
        answer.put("webhookSecret", made.tenant().webhookSecret());
        answer.put("producerKey", made.producerKey());
        answer.put("quotas", made.tenant().quotas());
        return ResponseEntity.status(HttpStatus.CREATED).contentType(MediaType.APPLICATION_JSON)
                .body(codec.write(answer));
    }

    private void checkAdmin(String authorization) {
        String adminKey = properties.adminKey();
        String given = authorization != null && authorization.startsWith("Bearer ")
                ? authorization.substring("Bearer ".length()).trim() : "";
        // Constant-time, so the key cannot be guessed a character at a time; no admin key set: no admin API.
        if (adminKey == null || adminKey.isBlank() || !MessageDigest.isEqual(
                adminKey.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8))) {
            throw new UnauthorizedException("the admin API needs 'Authorization: Bearer <admin key>'");
        }
    }
}
