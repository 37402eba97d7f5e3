package dev.kiff.api.auth;

import dev.kiff.core.tenant.Tenant;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

/**
 * Gives every handler that takes a {@link Tenant} the caller's tenant, or answers 401: an endpoint is protected by
 * asking for the tenant, and cannot forget to check it.
 */
public final class TenantArgumentResolver implements HandlerMethodArgumentResolver {

    private final ApiKeyAuthenticator authenticator;

    public TenantArgumentResolver(ApiKeyAuthenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.getParameterType() == Tenant.class;
    }

    @Override
    public Tenant resolveArgument(MethodParameter parameter, ModelAndViewContainer mav, NativeWebRequest request,
            WebDataBinderFactory binders) {
        return authenticator.authenticate(request.getHeader(HttpHeaders.AUTHORIZATION));
    }
}
