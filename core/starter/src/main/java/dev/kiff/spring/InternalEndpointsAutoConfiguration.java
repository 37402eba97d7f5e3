package dev.kiff.spring;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The internal key in front of a worker's or scheduler's HTTP endpoints ({@code kiff.internal.enabled}), when one is
 * set. Without one, those endpoints rely on their loopback bind, and say so at start when bound elsewhere.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(OncePerRequestFilter.class)
@ConditionalOnProperty(prefix = "kiff.internal", name = "enabled", havingValue = "true")
@EnableConfigurationProperties(InternalEndpointProperties.class)
public class InternalEndpointsAutoConfiguration {

    private static final Logger log = LoggerFactory.getLogger(InternalEndpointsAutoConfiguration.class);

    @Bean
    FilterRegistrationBean<InternalKeyFilter> internalKey(InternalEndpointProperties properties,
            Environment environment) {
        String key = properties.key() == null ? "" : properties.key().trim();
        FilterRegistrationBean<InternalKeyFilter> registration =
                new FilterRegistrationBean<>(new InternalKeyFilter(key));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        if (key.isEmpty()) {
            registration.setEnabled(false);
            String address = environment.getProperty("server.address", "");
            if (!address.isEmpty() && !address.equals("127.0.0.1") && !address.equals("::1")
                    && !address.equals("localhost")) {
                log.warn("internal endpoints listen on {} without a key: anyone who reaches that address may call "
                        + "them; set KIFF_INTERNAL_KEY", address);
            }
        }
        return registration;
    }
}
