package dev.kiff.spring;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;

/**
 * Writes {@link KafkaSecurityProperties} into Spring Boot's {@link KafkaProperties} once they are bound, as common
 * client properties: every client built from them (Boot's producer, consumer and admin factories, the API's
 * transactional producer, the scheduler's admin, {@link KafkaConnection}) then authenticates the same way, from one
 * set of {@code KIFF_KAFKA_*} settings.
 */
final class KafkaSecurityApplier implements BeanPostProcessor {

    private final ObjectProvider<KafkaSecurityProperties> security;

    KafkaSecurityApplier(ObjectProvider<KafkaSecurityProperties> security) {
        this.security = security;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof KafkaProperties kafka) {
            KafkaSecurityProperties settings = security.getObject();
            if (settings.securityProtocol() != null) {
                // Also where Boot's connection details read the protocol from, so nothing sets it back.
                kafka.getSecurity().setProtocol(settings.securityProtocol());
            }
            // The common properties map goes on top of spring.kafka.security/ssl in every client Boot builds.
            kafka.getProperties().putAll(settings.clientProperties());
        }
        return bean;
    }
}
