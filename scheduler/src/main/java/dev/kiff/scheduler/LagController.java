package dev.kiff.scheduler;

import dev.kiff.model.json.JobCodec;
import dev.kiff.core.lag.LagMonitor;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /v1/lag}: the latest lag of every VM type's queue, and when it was read. */
@RestController
public class LagController {

    private final LagMonitor monitor;
    private final JobCodec codec;

    public LagController(LagMonitor monitor, JobCodec codec) {
        this.monitor = monitor;
        this.codec = codec;
    }

    @GetMapping("/v1/lag")
    public ResponseEntity<byte[]> lag() {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(codec.write(monitor.latest()));
    }
}
