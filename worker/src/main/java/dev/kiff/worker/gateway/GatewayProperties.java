package dev.kiff.worker.gateway;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The sandbox gateway ({@code kiff.gateway.*}): where its sockets live, what a job may send through it, and the
 * upstream services it forwards to.
 *
 * @param socketDirectory       where each job's socket directory is created (mounted into its sandbox at /run/kiff;
 *                              when the worker runs in a container, the same path on the host)
 * @param requestTimeout        the longest one request may take: reading it from the sandbox, and the upstream's
 *                              answer
 * @param connectTimeout        the longest connecting to an upstream may take
 * @param maxRequests           requests one job may make through its gateway
 * @param maxBytes              request plus response body bytes one job may move through its gateway
 * @param maxConnectionsPerJob  connections one job may hold open at once; more are answered 429 at once, and
 *                              counted as calls
 * @param maxArtifacts          files one job may hand over as artifacts (each upload counts, refused ones too)
 * @param maxArtifactBytes      artifact bytes one job may hand over in all
 * @param maxConnections        connections all jobs together may hold open at once (each holds a thread and a
 *                              buffer of {@code bufferSize} both ways); more are answered 503 at once
 * @param maxHeaderBytes        the largest request head (request line and headers) a job may send, and the most
 *                              of an upstream's response headers passed back
 * @param maxHeaders            the most header lines in one request or in the response passed back
 * @param bufferSize            the buffer each connection streams bodies through: no body is ever held whole,
 *                              except an artifact being handed over
 * @param artifactMemory        heap all open jobs' artifacts may hold together until their jobs end and they are
 *                              stored; an upload that would pass it is answered 503
 * @param auditQueue            gateway calls held for the audit writer; beyond it calls are counted, not kept
 * @param auditBatch            gateway calls the audit writer inserts in one statement
 * @param auditFlushInterval    how often the audit writer writes what is queued
 * @param refusalLogInterval    a job's refused calls are logged at WARN at most once per interval, with a count of
 *                              those in between
 * @param bindings              the upstream services by name (this is the service discovery): {@code ml},
 *                              {@code vectors}, {@code backend}, …; a VM type's catalogue entry says which it may use
 */
@Validated
@ConfigurationProperties("kiff.gateway")
public record GatewayProperties(
        @NotNull Path socketDirectory,
        @NotNull Duration requestTimeout,
        @NotNull Duration connectTimeout,
        @Min(0) int maxRequests,
        @NotNull DataSize maxBytes,
        @Min(1) int maxConnectionsPerJob,
        @Min(0) int maxArtifacts,
        @NotNull DataSize maxArtifactBytes,
        @Min(1) int maxConnections,
        @NotNull DataSize maxHeaderBytes,
        @Min(1) int maxHeaders,
        @NotNull DataSize bufferSize,
        @NotNull DataSize artifactMemory,
        @Min(1) int auditQueue,
        @Min(1) int auditBatch,
        @NotNull Duration auditFlushInterval,
        @NotNull Duration refusalLogInterval,
        Map<String, @Valid Binding> bindings) {

    public GatewayProperties {
        bindings = bindings == null ? Map.of() : Map.copyOf(bindings);
    }

    /**
     * One upstream.
     *
     * @param url              its base URL; a request for {@code /<name>/a/b?q} goes to {@code <url>/a/b?q}
     * @param credentialHeader the header that carries its credential
     * @param credential       the credential the gateway adds to every request (empty: none); the sandbox never
     *                         sees it
     */
    public record Binding(@NotNull URI url, @NotBlank String credentialHeader, String credential) {

        public Binding {
            credentialHeader = credentialHeader == null || credentialHeader.isBlank() ? "Authorization"
                    : credentialHeader;
        }
    }
}
