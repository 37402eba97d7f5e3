package dev.kiff.scheduler;

import dev.kiff.model.json.JobCodec;
import dev.kiff.core.scale.Decision;
import dev.kiff.core.scale.PoolScheduler;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /v1/scheduler/decisions}: the latest pool decisions with their inputs, newest first.
 * {@code GET /v1/pools}: whether this instance leads, the targets in force, and every live worker's pools.
 */
@RestController
public class ScalingController {

    private final PoolScheduler scheduler;
    private final KafkaFleetView fleet;
    private final KafkaLeadership leadership;
    private final JobCodec codec;

    public ScalingController(PoolScheduler scheduler, KafkaFleetView fleet, KafkaLeadership leadership,
            JobCodec codec) {
        this.scheduler = scheduler;
        this.fleet = fleet;
        this.leadership = leadership;
        this.codec = codec;
    }

    @GetMapping("/v1/scheduler/decisions")
    public ResponseEntity<byte[]> decisions(@RequestParam(defaultValue = "40") int limit) {
        List<Decision> recent = scheduler.recent();
        List<Decision> page = recent.subList(0, Math.max(0, Math.min(limit, recent.size())));
        return json(Map.of("instance", leadership.instanceId(), "leading", leadership.leading(),
                "decisions", page));
    }

    @GetMapping("/v1/pools")
    public ResponseEntity<byte[]> pools() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("instance", leadership.instanceId());
        body.put("leading", leadership.leading());
        body.put("targets", scheduler.targets());
        body.put("workers", fleet.liveWorkers());
        return json(body);
    }

    private ResponseEntity<byte[]> json(Object body) {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(codec.write(body));
    }
}
