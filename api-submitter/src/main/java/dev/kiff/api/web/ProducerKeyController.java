package dev.kiff.api.web;

import dev.kiff.model.json.JobCodec;
import dev.kiff.core.tenant.Tenant;
import dev.kiff.core.tenant.TenantProvisioner;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /v1/tenant/producer-key}: the caller's tenant gets a new producer key, for the job records its own
 * pipelines produce straight to Kafka; the old one stops working at once. Whoever holds the API key may already run
 * jobs as the tenant, so it may also have the key that proves the same on Kafka.
 */
@RestController
public class ProducerKeyController {

    private final TenantProvisioner provisioner;
    private final JobCodec codec;

    public ProducerKeyController(TenantProvisioner provisioner, JobCodec codec) {
        this.provisioner = provisioner;
        this.codec = codec;
    }

    /** The new key, shown this once. */
    @PostMapping("/v1/tenant/producer-key")
    public ResponseEntity<byte[]> rotate(Tenant tenant) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("tenant", tenant.id());
        answer.put("producerKey", provisioner.issueProducerKey(tenant.id()));
        answer.put("signatureHeader", "kiff-signature");
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(codec.write(answer));
    }
}
