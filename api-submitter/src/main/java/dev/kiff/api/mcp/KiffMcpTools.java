package dev.kiff.api.mcp;

import dev.kiff.api.results.ResultAwait;
import dev.kiff.core.gateway.ArtifactStore;
import dev.kiff.core.job.VmTypeCatalogue;
import dev.kiff.core.job.VmTypePolicy;
import dev.kiff.core.session.SessionBusyException;
import dev.kiff.core.session.SessionEndedException;
import dev.kiff.core.session.SessionNotFoundException;
import dev.kiff.core.submit.JobSubmitter;
import dev.kiff.core.tenant.QuotaExceededException;
import dev.kiff.core.tenant.Tenant;
import dev.kiff.model.failure.PermanentFailure;
import dev.kiff.model.failure.TransientFailure;
import dev.kiff.model.job.InvalidJobException;
import dev.kiff.model.job.JobRequest;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.Language;
import dev.kiff.model.job.Limits;
import dev.kiff.model.job.RequestedLimits;
import dev.kiff.model.job.VmType;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpStatelessServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;

/**
 * The tools of the MCP endpoint that need no session ({@link SessionTools} has the others): {@code run_code} (a one-shot job of any VM type, submitted
 * through the same {@link JobSubmitter} as {@code POST /v1/jobs}, so validation, quotas and dispatch are the
 * jobs') and {@code list_vm_types}. Every handler acts as the tenant the call's API key names and throws nothing: a
 * refusal or a failure is a tool result with {@code isError}, which the model reads.
 */
public final class KiffMcpTools {

    private static final Logger log = LoggerFactory.getLogger(KiffMcpTools.class);

    private final JobSubmitter submitter;
    private final ResultAwait results;
    private final VmTypeCatalogue catalogue;
    private final RunAnswers answers;
    private final Duration toolWait;

    public KiffMcpTools(JobSubmitter submitter, ResultAwait results, ArtifactStore artifacts,
            VmTypeCatalogue catalogue, McpProperties properties) {
        this.submitter = submitter;
        this.results = results;
        this.catalogue = catalogue;
        this.answers = new RunAnswers(artifacts);
        this.toolWait = properties.toolWait();
    }

    /** The tools, each with its JSON Schema; the SDK refuses arguments that break it before a handler runs. */
    public List<SyncToolSpecification> specifications() {
        return List.of(
                tool("run_code", """
                        Runs code once in a fresh Kiff sandbox of the given VM type and answers its exit status, \
                        stdout, stderr and any PNG files it wrote to /out as images. Nothing is kept between \
                        calls.""", runCodeSchema(), RunAnswers.outputSchema(), this::runCode),
                tool("list_vm_types", """
                        Lists the VM types code can run in: their languages, isolation, network and default and \
                        maximum limits.""", objectSchema(Map.of(), List.of()), this::listVmTypes));
    }

    private CallToolResult runCode(Tenant tenant, CallToolRequest call) {
        Map<String, Object> arguments = call.arguments();
        Long timeoutMs = number(arguments.get("timeoutMs"));
        JobRequest request = new JobRequest(VmType.fromWire((String) arguments.get("vmType")),
                Language.fromWire((String) arguments.get("language")), (String) arguments.get("code"),
                (String) arguments.get("stdin"), null, null,
                timeoutMs == null ? null : new RequestedLimits(timeoutMs, null, null, null, null));
        JobResult queued = submitter.submit(request, tenant, null).job();
        log.info("Job(id={}) submitted through MCP run_code by tenant {}", queued.id(), tenant.id());
        return answers.of(results.endedBlocking(queued.id(), tenant.id(), toolWait));
    }

    private CallToolResult listVmTypes(Tenant tenant, CallToolRequest call) {
        List<Map<String, Object>> types = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (VmType type : VmType.values()) {
            VmTypePolicy policy = catalogue.policy(type);
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", type.wireName());
            entry.put("languages", policy.languages().stream().map(Language::wireName).toList());
            entry.put("isolation", policy.runtime().equals("runsc") ? "gVisor (runsc)" : "container (runc)");
            entry.put("network", policy.network().wireName());
            entry.put("defaults", limits(policy.defaults()));
            entry.put("maximum", limits(policy.maximum()));
            types.add(entry);
            text.append(type.wireName()).append(": ").append(String.join(", ", policy.languages().stream()
                            .map(Language::wireName).toList()))
                    .append("; ").append(entry.get("isolation")).append(", network ").append(policy.network()
                            .wireName())
                    .append("; default timeout ").append(policy.defaults().timeoutMs()).append(" ms (at most ")
                    .append(policy.maximum().timeoutMs()).append("), memory ").append(policy.defaults().memoryMb())
                    .append(" MB (at most ").append(policy.maximum().memoryMb()).append(")\n");
        }
        return CallToolResult.builder().addTextContent(text.toString().strip())
                .structuredContent(Map.of("vmTypes", types)).isError(false).build();
    }

    private static Map<String, Object> limits(Limits limits) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("timeoutMs", limits.timeoutMs());
        map.put("memoryMb", limits.memoryMb());
        map.put("cpus", limits.cpus());
        map.put("pids", limits.pids());
        map.put("outputBytes", limits.outputBytes());
        return map;
    }

    private static Map<String, Object> runCodeSchema() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("vmType", Map.of("type", "string", "enum", wireNames(VmType.values()),
                "description", "the kind of sandbox; list_vm_types tells what each offers"));
        properties.put("language", Map.of("type", "string", "enum", wireNames(Language.values())));
        properties.put("code", Map.of("type", "string", "description", "the program to run"));
        properties.put("stdin", Map.of("type", "string", "description", "what the program reads on stdin"));
        properties.put("timeoutMs", Map.of("type", "integer", "minimum", 1,
                "description", "the run's time limit; the VM type's default when absent"));
        return objectSchema(properties, List.of("vmType", "language", "code"));
    }

    private static List<String> wireNames(Enum<?>[] values) {
        return Arrays.stream(values).map(Object::toString).toList();
    }

    static Map<String, Object> objectSchema(Map<String, Object> properties, List<String> required) {
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", properties);
        if (!required.isEmpty()) {
            schema.put("required", required);
        }
        schema.put("additionalProperties", false);
        return schema;
    }

    private static Long number(Object value) {
        return value instanceof Number n ? n.longValue() : null;
    }

    /** A tool whose handler acts for the call's tenant; see {@link #guarded}. */
    static SyncToolSpecification tool(String name, String description, Map<String, Object> inputSchema,
            BiFunction<Tenant, CallToolRequest, CallToolResult> handler) {
        return tool(name, description, inputSchema, null, handler);
    }

    /**
     * As {@link #tool(String, String, Map, BiFunction)}, with the schema of the structured content the tool answers
     * (null: none). The SDK checks every answer that is not an error against it.
     */
    static SyncToolSpecification tool(String name, String description, Map<String, Object> inputSchema,
            Map<String, Object> outputSchema, BiFunction<Tenant, CallToolRequest, CallToolResult> handler) {
        McpSchema.Tool.Builder tool = McpSchema.Tool.builder(name, inputSchema).description(description);
        if (outputSchema != null) {
            tool.outputSchema(outputSchema);
        }
        return new SyncToolSpecification(tool.build(), guarded(name, handler));
    }

    /**
     * Runs a handler for the call's tenant, and turns whatever stops it into a tool error the model can act on. A
     * context without a tenant is refused (fail closed: the endpoint's authentication did not run).
     */
    static BiFunction<McpTransportContext, CallToolRequest, CallToolResult> guarded(String name,
            BiFunction<Tenant, CallToolRequest, CallToolResult> handler) {
        return (context, call) -> {
            Optional<Tenant> tenant = McpTenant.of(context);
            if (tenant.isEmpty()) {
                log.error("MCP tool {} called without an authenticated tenant; refused", name);
                return error("not authenticated: send your API key as 'Authorization: Bearer <key>'");
            }
            try {
                return handler.apply(tenant.get(), call);
            } catch (SessionNotFoundException e) {
                log.warn("MCP tool {} refused for tenant {}: {}", name, tenant.get().id(), e.getMessage());
                return error("not found: " + e.getMessage());
            } catch (SessionBusyException e) {
                log.warn("MCP tool {} refused for tenant {}: {}", name, tenant.get().id(), e.getMessage());
                return error(e.getMessage() + "; try again in " + Math.max(1, e.retryAfter().toSeconds()) + " s");
            } catch (SessionEndedException e) {
                log.warn("MCP tool {} refused for tenant {}: {}", name, tenant.get().id(), e.getMessage());
                return error(e.getMessage() + "; create a new session");
            } catch (InvalidJobException e) {
                log.warn("MCP tool {} refused for tenant {}: {}", name, tenant.get().id(), e.getMessage());
                return error("invalid request: " + e.getMessage());
            } catch (QuotaExceededException e) {
                log.warn("MCP tool {} refused for tenant {}: {}", name, tenant.get().id(), e.getMessage());
                return error(e.getMessage() + "; nothing was run; try again in "
                        + Math.max(1, e.retryAfter().toSeconds()) + " s");
            } catch (DataAccessResourceFailureException | TransientDataAccessException e) {
                log.error("MCP tool {} failed, the database is unavailable: {}", name, e.getMessage());
                return error("Kiff's database is unavailable; try again");
            } catch (TransientFailure e) {
                log.error("MCP tool {} failed for tenant {}: {}", name, tenant.get().id(), e.getMessage());
                return error("Kiff could not take the request now (" + e.getMessage() + "); try again");
            } catch (PermanentFailure | IllegalArgumentException e) {
                log.warn("MCP tool {} refused for tenant {}: {}", name, tenant.get().id(), e.getMessage());
                return error(e.getMessage());
            } catch (RuntimeException e) {
                log.error("MCP tool {} failed for tenant {}", name, tenant.get().id(), e);
                return error("internal error in Kiff; the failure is logged");
            }
        };
    }

    static CallToolResult error(String message) {
        return CallToolResult.builder().addTextContent(message).isError(true).build();
    }
}
