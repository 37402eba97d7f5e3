package dev.kiff.api;

import dev.kiff.api.session.SessionProperties;
import dev.kiff.api.auth.ApiKeyAuthenticator;
import dev.kiff.api.auth.EarlyAuthenticationFilter;
import dev.kiff.api.web.BodyLimitFilter;
import dev.kiff.api.web.ProblemWriter;
import dev.kiff.model.json.JobCodec;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * The filters every request passes before Spring MVC reads its body: first who calls (so a caller without a key
 * costs no reading), then how much it may send.
 */
@Configuration(proxyBeanMethods = false)
public class RequestGuards {

    @Bean
    ProblemWriter problemWriter(JobCodec codec) {
        return new ProblemWriter(codec);
    }

    @Bean
    FilterRegistrationBean<EarlyAuthenticationFilter> earlyAuthentication(ApiKeyAuthenticator authenticator,
            ApiProperties properties, ProblemWriter problems) {
        FilterRegistrationBean<EarlyAuthenticationFilter> registration =
                new FilterRegistrationBean<>(new EarlyAuthenticationFilter(authenticator, properties, problems));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return registration;
    }

    @Bean
    FilterRegistrationBean<BodyLimitFilter> bodyLimit(ApiProperties properties, SessionProperties sessions,
            ProblemWriter problems) {
        FilterRegistrationBean<BodyLimitFilter> registration =
                new FilterRegistrationBean<>(new BodyLimitFilter(properties, sessions.maxFileSize(), problems));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 20);
        return registration;
    }
}
