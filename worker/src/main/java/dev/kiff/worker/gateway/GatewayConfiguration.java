package dev.kiff.worker.gateway;

import dev.kiff.core.gateway.GatewayAuditLog;
import dev.kiff.core.job.VmTypeCatalogue;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The sandbox gateway of this worker. */
@Configuration(proxyBeanMethods = false)
public class GatewayConfiguration {

    @Bean(destroyMethod = "close")
    UnixSocketSandboxGateway sandboxGateway(GatewayProperties properties, VmTypeCatalogue catalogue,
            GatewayAuditLog audit, Clock clock) {
        return new UnixSocketSandboxGateway(properties, catalogue, audit, clock);
    }
}
