package dev.kiff.core.gateway;

import java.nio.file.Path;
import java.util.List;

/** One job's gateway, open while its sandbox runs. */
public interface GatewaySession extends AutoCloseable {

    /** Name of the socket file inside {@link #directory()}. */
    String SOCKET_NAME = "gateway.sock";
    /** Where {@link #directory()} is mounted inside the sandbox. */
    String SANDBOX_DIRECTORY = "/run/kiff";

    /** The host directory that holds the socket, to be mounted into the sandbox at {@link #SANDBOX_DIRECTORY}. */
    Path directory();

    /** The service bindings this job may call: each is reachable at {@code /<name>/...} through the socket. */
    List<String> bindings();

    /** The files the job handed over as artifacts (from its {@code /out}), within the artifact caps. */
    List<Artifact> artifacts();

    /** What the job used of its quotas so far. */
    GatewayUsage usage();

    /** Stops accepting connections and removes the socket (not its directory). Idempotent. */
    @Override
    void close();
}
