package dev.kiff.worker.gateway;

import dev.kiff.core.gateway.GatewayAuditLog;
import dev.kiff.core.job.VmTypeCatalogue;
import dev.kiff.worker.metrics.MeteredGatewayAuditLog;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.HashSet;
import java.util.Set;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The sandbox gateway of this worker. */
@Configuration(proxyBeanMethods = false)
public class GatewayConfiguration {

    @Bean(destroyMethod = "close")
    UnixSocketSandboxGateway sandboxGateway(GatewayProperties properties, VmTypeCatalogue catalogue,
            GatewayAuditLog audit, Clock clock, MeterRegistry meters) {
        // The artifact store (_kiff) is a binding every sandbox has.
        Set<String> bindings = new HashSet<>(properties.bindings().keySet());
        bindings.add(UnixSocketGatewaySession.KIFF);
        return new UnixSocketSandboxGateway(properties, catalogue, new MeteredGatewayAuditLog(audit, bindings, meters),
                clock);
    }
}
