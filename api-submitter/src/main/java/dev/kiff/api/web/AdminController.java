package dev.kiff.api.web;

import dev.kiff.api.ApiProperties;
import dev.kiff.api.auth.UnauthorizedException;
import dev.kiff.model.job.InvalidJobException;
import dev.kiff.model.json.JobCodec;
import dev.kiff.core.tenant.Quotas;
import dev.kiff.core.tenant.Tenant;
import dev.kiff.core.tenant.TenantProvisioner;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
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

    public record QuotaOverrides(Integer maxConcurrentJobs, Integer submissionsPerSecond, Integer maxBatchSize,
            Integer maxOpenSessions) {

        Quotas applyTo(Quotas quotas) {
            try {
                return quotas.with(maxConcurrentJobs, submissionsPerSecond, maxBatchSize, maxOpenSessions);
            } catch (IllegalArgumentException e) {
                throw InvalidJobException.of("quotas", e.getMessage());
            }
        }
    }

    /** What {@code PATCH /v1/admin/tenants/{id}} takes: the quotas to change; those left out stay as they are. */
    public record TenantChange(QuotaOverrides quotas) {
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
        Quotas quotas = o == null ? Quotas.DEFAULT : o.applyTo(Quotas.DEFAULT);
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

    /**
     * Changes a tenant's quotas ({@code maxOpenSessions} among them); answers the tenant's id and quotas as they are
     * now. 404 for a tenant that does not exist.
     */
    @PatchMapping(path = "/v1/admin/tenants/{id}", consumes = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<byte[]> update(@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false)
            String authorization, @PathVariable("id") String id, @RequestBody TenantChange change) {
        checkAdmin(authorization);
        if (change == null || change.quotas() == null) {
            throw InvalidJobException.of("quotas", "required: the quotas to change");
        }
        Tenant tenant = provisioner.updateQuotas(id, change.quotas()::applyTo);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", tenant.id());
        answer.put("quotas", tenant.quotas());
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(codec.write(answer));
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
