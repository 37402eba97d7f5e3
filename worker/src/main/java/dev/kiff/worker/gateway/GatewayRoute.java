package dev.kiff.worker.gateway;

import java.util.Collection;
import java.util.regex.Pattern;

/**
 * Where a sandbox's request goes: a pure decision from its path, the bindings the job's VM type allows, and the
 * bindings the worker has configured.
 */
sealed interface GatewayRoute {

    Pattern ARTIFACT_NAME = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");
    String ARTIFACT_PREFIX = "/_kiff/artifacts/";

    /** Forward to {@code binding}, at {@code path} below its base URL. */
    record Forward(String binding, String path) implements GatewayRoute {
    }

    /** Store the body as the artifact {@code name}. */
    record StoreArtifact(String name) implements GatewayRoute {
    }

    /** Answer {@code status} without forwarding; {@code outcome} is the audit word. */
    record Refuse(String binding, int status, String outcome, String message) implements GatewayRoute {
    }

    static GatewayRoute of(String method, String path, Collection<String> allowed, Collection<String> configured,
            String vmType) {
        if (path.startsWith(ARTIFACT_PREFIX)) {
            String name = path.substring(ARTIFACT_PREFIX.length());
            if (!method.equals("PUT")) {
                return new Refuse("_kiff", 405, "bad-request", "artifacts are handed over with PUT");
            }
            if (name.length() > 255 || !ARTIFACT_NAME.matcher(name).matches() || name.startsWith(".")
                    || name.contains("/.")) {
                return new Refuse("_kiff", 400, "bad-request", "invalid artifact name '" + name + "'");
            }
            return new StoreArtifact(name);
        }
        int slash = path.indexOf('/', 1);
        String binding = slash < 0 ? path.substring(1) : path.substring(1, slash);
        String rest = slash < 0 ? "/" : path.substring(slash);
        if (binding.isEmpty() || rest.contains("/../") || rest.endsWith("/..")) {
            return new Refuse(binding, 400, "bad-request", "the path must be /<binding>/<path>");
        }
        if (!allowed.contains(binding)) {
            return new Refuse(binding, 403, "binding-not-allowed",
                    "binding '" + binding + "' is not allowed for vmType " + vmType);
        }
        if (!configured.contains(binding)) {
            return new Refuse(binding, 503, "binding-not-configured", "binding '" + binding + "' is not configured");
        }
        return new Forward(binding, rest);
    }
}
