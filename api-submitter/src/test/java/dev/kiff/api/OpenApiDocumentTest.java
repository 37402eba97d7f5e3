package dev.kiff.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiff.api.web.AdminController;
import dev.kiff.model.batch.BatchInput;
import dev.kiff.model.batch.BatchProgress;
import dev.kiff.model.batch.BatchRequest;
import dev.kiff.model.job.ArtifactInfo;
import dev.kiff.model.job.DisplayItem;
import dev.kiff.model.session.Session;
import dev.kiff.model.session.SessionRequest;
import dev.kiff.model.session.SessionRunRequest;
import dev.kiff.model.session.SessionState;
import dev.kiff.model.session.SessionTransition;
import dev.kiff.model.job.Attempt;
import dev.kiff.model.job.JobRequest;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import dev.kiff.model.job.Language;
import dev.kiff.model.job.VmType;
import dev.kiff.core.tenant.Quotas;
import dev.kiff.core.webhook.WebhookAttempt;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The served OpenAPI document ({@code openapi.json}, {@code GET /v1/openapi.json}) against the code: every operation it
 * names is a request mapping of a controller and every mapping under {@code /v1} is documented; every schema it
 * names is either a model record (or enum), whose properties are the record's components, checked down through
 * nested records, lists, maps and enum values, or one of the views the controllers build by hand (listed below).
 */
class OpenApiDocumentTest {

    /**
     * Schema name → the model class it documents. Refer to the classes by simple name only: the wire model moves to
     * a module of its own, and then only these imports change.
     */
    private static final Map<String, Class<?>> MODEL = Map.ofEntries(
            Map.entry("VmType", VmType.class),
            Map.entry("Language", Language.class),
            Map.entry("JobStatus", JobStatus.class),
            Map.entry("JobRequest", JobRequest.class),
            Map.entry("JobResult", JobResult.class),
            Map.entry("Attempt", Attempt.class),
            Map.entry("Artifact", ArtifactInfo.class),
            Map.entry("DisplayItem", DisplayItem.class),
            Map.entry("SessionState", SessionState.class),
            Map.entry("SessionRequest", SessionRequest.class),
            Map.entry("SessionRunRequest", SessionRunRequest.class),
            Map.entry("Session", Session.class),
            Map.entry("SessionTransition", SessionTransition.class),
            Map.entry("BatchInput", BatchInput.class),
            Map.entry("BatchRequest", BatchRequest.class),
            Map.entry("Batch", BatchProgress.class),
            Map.entry("WebhookAttempt", WebhookAttempt.class),
            Map.entry("Quotas", Quotas.class),
            Map.entry("TenantCreate", AdminController.TenantCreation.class),
            Map.entry("TenantChange", AdminController.TenantChange.class));

    /**
     * Schemas of answers a controller builds by hand (a map, or a view of a record that leaves parts out): no record
     * to check them against, so they are named here, with where they are built, and a new schema must be placed in
     * one list or the other.
     */
    private static final Map<String, String> VIEWS = Map.ofEntries(
            Map.entry("JobAccepted", "JobController.submit"),
            Map.entry("RunAccepted", "SessionController.runAnswer"),
            Map.entry("SessionPage", "SessionController.list"),
            Map.entry("SessionRunsPage", "SessionController.runs"),
            Map.entry("SessionTransitionEvent", "SessionEventStream"),
            Map.entry("TenantQuotas", "AdminController.update"),
            Map.entry("Logs", "JobController.logs"),
            Map.entry("LogChunk", "JobController.logs: the record LogChunk without v, jobId and tenant"),
            Map.entry("StatusEvent", "JobEventStream"),
            Map.entry("OutputEvent", "JobEventStream"),
            Map.entry("BatchStatus", "BatchProgress.RUNNING and COMPLETED"),
            Map.entry("BatchAccepted", "BatchController.submit"),
            Map.entry("BatchJobsPage", "BatchController.jobs"),
            Map.entry("WebhookDelivery", "WebhookViews"),
            Map.entry("DeadLetter", "DeadLetterController"),
            Map.entry("DeadLetterPage", "DeadLetterController"),
            Map.entry("RequeuedJob", "TenantController.requeue: the JobResult (by reference) with its links"),
            Map.entry("TenantCreated", "AdminController.create"),
            Map.entry("Tenant", "TenantController"),
            Map.entry("Problem", "ProblemWriter"),
            Map.entry("WebhookEvent", "the webhook dispatcher's payload"));

    /**
     * What clients send, read strictly ({@code JobCodec.readRequest}, {@code readBatchRequest}: an unknown field is
     * refused with 400): their schemas, and the objects nested in them, must say {@code additionalProperties: false}.
     */
    private static final Set<Class<?>> STRICT = Set.of(JobRequest.class, BatchRequest.class, BatchInput.class,
            SessionRequest.class, SessionRunRequest.class);

    /** Record components the document leaves out on purpose, as Record.component. */
    private static final Set<String> UNDOCUMENTED = Set.of();

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final JsonNode document = read();
    private final JsonNode schemas = document.path("components").path("schemas");

    @Test
    void documentsEveryMappingUnderV1AndNamesNoOtherOperation() {
        Set<String> mapped = new TreeSet<>();
        for (Class<?> controller : controllers()) {
            RequestMapping base = AnnotatedElementUtils.findMergedAnnotation(controller, RequestMapping.class);
            List<String> prefixes = base == null || base.path().length == 0 ? List.of("") : List.of(base.path());
            for (Method method : controller.getDeclaredMethods()) {
                RequestMapping mapping = AnnotatedElementUtils.findMergedAnnotation(method, RequestMapping.class);
                if (mapping == null) {
                    continue;
                }
                List<String> paths = mapping.path().length == 0 ? List.of("") : List.of(mapping.path());
                for (String prefix : prefixes) {
                    for (String path : paths) {
                        for (RequestMethod verb : mapping.method()) {
                            mapped.add(verb + " " + openApiPath(prefix + path));
                        }
                    }
                }
            }
        }
        mapped.removeIf(operation -> !operation.split(" ")[1].startsWith("/v1/"));

        Set<String> documented = new TreeSet<>();
        document.path("paths").properties().forEach(path -> path.getValue().propertyNames().forEach(verb -> {
            if (List.of("get", "put", "post", "delete", "patch", "head", "options").contains(verb)) {
                documented.add(verb.toUpperCase() + " " + path.getKey());
            }
        }));

        assertThat(documented).as("operations the document names, against the controllers' mappings")
                .containsExactlyInAnyOrderElementsOf(mapped);
    }

    @Test
    void placesEverySchemaAsAModelRecordOrAViewBuiltByAController() {
        Set<String> placed = new TreeSet<>(MODEL.keySet());
        placed.addAll(VIEWS.keySet());
        assertThat(schemas.propertyNames()).as("schemas of the document").containsExactlyInAnyOrderElementsOf(placed);
    }

    @Test
    void describesEveryModelRecordWithItsComponents() {
        List<String> mismatches = new ArrayList<>();
        MODEL.forEach((name, type) -> check(name, schemas.path(name), type, STRICT.contains(type), mismatches));
        assertThat(mismatches).as("where the document and the model differ").isEmpty();
    }

    @Test
    void everyReferenceNamesAPartOfTheDocument() {
        Set<String> references = new TreeSet<>();
        collectReferences(document, references);
        references.removeIf(ref -> ref.startsWith("#/") && !document.at(ref.substring(1)).isMissingNode());
        assertThat(references).as("references to nothing in the document").isEmpty();
    }

    private void check(String where, JsonNode schema, Type type, boolean strict, List<String> mismatches) {
        Class<?> raw = raw(type);
        JsonNode resolved = schema;
        if (schema.has("$ref")) {
            String name = referenced(schema);
            String wanted = schemaOf(raw);
            if (wanted != null && !wanted.equals(name)) {
                mismatches.add(where + ": refers to " + name + " for " + raw.getSimpleName() + " (" + wanted + ")");
                return;
            }
            if (wanted != null && !where.equals(wanted)) {
                return; // checked on its own
            }
            resolved = schemas.path(name);
        } else if (schemaOf(raw) != null && !where.equals(schemaOf(raw))) {
            mismatches.add(where + ": describes " + raw.getSimpleName() + " inline instead of referring to "
                    + schemaOf(raw));
            return;
        }
        resolved = nonNull(resolved);
        if (raw.isEnum()) {
            checkEnum(where, resolved, raw, mismatches);
        } else if (raw.isRecord()) {
            checkRecord(where, resolved, raw, strict, mismatches);
        } else if (Collection.class.isAssignableFrom(raw)) {
            expectType(where, resolved, "array", mismatches);
            check(where + "[]", resolved.path("items"), argument(type, 0), strict, mismatches);
        } else if (Map.class.isAssignableFrom(raw)) {
            expectType(where, resolved, "object", mismatches);
            if (resolved.path("additionalProperties").isObject()) {
                check(where + "{}", resolved.path("additionalProperties"), argument(type, 1), strict, mismatches);
            }
        } else if (raw == String.class || raw == UUID.class || raw == Instant.class) {
            expectType(where, resolved, "string", mismatches);
        } else if (raw == int.class || raw == Integer.class || raw == long.class || raw == Long.class) {
            expectType(where, resolved, "integer", mismatches);
        } else if (raw == double.class || raw == Double.class) {
            expectType(where, resolved, "number", mismatches);
        } else if (raw == boolean.class || raw == Boolean.class) {
            expectType(where, resolved, "boolean", mismatches);
        }
    }

    private void checkRecord(String where, JsonNode schema, Class<?> record, boolean strict,
            List<String> mismatches) {
        // A schema with alternatives (the batch's two forms) documents the record by all of them together.
        List<JsonNode> forms = schema.has("oneOf") ? schema.path("oneOf").valueStream().toList() : List.of(schema);
        Map<String, JsonNode> properties = new LinkedHashMap<>();
        for (JsonNode form : forms) {
            form.path("properties").properties().forEach(p -> properties.putIfAbsent(p.getKey(), p.getValue()));
            JsonNode additional = form.path("additionalProperties");
            if (strict && !(additional.isBoolean() && !additional.asBoolean())) {
                mismatches.add(where + (form.has("title") ? " (" + form.path("title").asString() + ")" : "")
                        + ": accepts unknown properties, which the API refuses");
            }
            form.path("required").valueStream().map(JsonNode::asString).filter(r -> !form.path("properties").has(r))
                    .forEach(r -> mismatches.add(where + ": requires " + r + ", which it does not describe"));
        }
        Set<String> components = new LinkedHashSet<>();
        for (RecordComponent component : record.getRecordComponents()) {
            if (UNDOCUMENTED.contains(record.getSimpleName() + "." + component.getName())) {
                continue;
            }
            components.add(component.getName());
            JsonNode property = properties.get(component.getName());
            if (property == null) {
                mismatches.add(where + ": " + record.getSimpleName() + "." + component.getName()
                        + " is not described");
            } else {
                check(where + "." + component.getName(), property, component.getGenericType(), strict, mismatches);
            }
        }
        properties.keySet().stream().filter(p -> !components.contains(p)).forEach(p -> mismatches.add(
                where + ": describes " + p + ", which " + record.getSimpleName() + " does not have"));
    }

    private static void checkEnum(String where, JsonNode schema, Class<?> type, List<String> mismatches) {
        Set<String> values = new TreeSet<>();
        for (Object constant : type.getEnumConstants()) {
            values.add(JSON.valueToTree(constant).asString());
        }
        Set<String> documented = new TreeSet<>(schema.path("enum").valueStream().filter(v -> !v.isNull())
                .map(JsonNode::asString).toList());
        if (!documented.equals(values)) {
            mismatches.add(where + ": values " + documented + ", but " + type.getSimpleName() + " has " + values);
        }
    }

    private static void expectType(String where, JsonNode schema, String type, List<String> mismatches) {
        JsonNode declared = schema.path("type");
        boolean matches = declared.isArray() ? declared.valueStream().anyMatch(t -> t.asString().equals(type))
                : declared.asString().equals(type);
        if (!matches) {
            mismatches.add(where + ": type " + declared + ", but the model's is " + type);
        }
    }

    /** The one alternative of a nullable {@code oneOf}/{@code anyOf}, or the schema itself. */
    private JsonNode nonNull(JsonNode schema) {
        for (String key : List.of("oneOf", "anyOf")) {
            if (schema.has(key)) {
                List<JsonNode> alternatives = schema.path(key).valueStream()
                        .filter(a -> !"null".equals(a.path("type").asString())).toList();
                if (alternatives.size() == 1) {
                    JsonNode only = alternatives.get(0);
                    return only.has("$ref") ? schemas.path(referenced(only)) : only;
                }
            }
        }
        return schema;
    }

    private static String schemaOf(Class<?> type) {
        return MODEL.entrySet().stream().filter(e -> e.getValue() == type).map(Map.Entry::getKey).findFirst()
                .orElse(null);
    }

    private static String referenced(JsonNode schema) {
        String ref = schema.path("$ref").asString();
        return ref.substring(ref.lastIndexOf('/') + 1);
    }

    private static void collectReferences(JsonNode node, Set<String> into) {
        if (node.isObject() && node.has("$ref")) {
            into.add(node.path("$ref").asString());
        }
        if (node.isContainer()) {
            node.values().forEach(child -> collectReferences(child, into));
        }
    }

    private static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        return Object.class;
    }

    private static Type argument(Type type, int index) {
        return type instanceof ParameterizedType p ? p.getActualTypeArguments()[index] : Object.class;
    }

    /** A Spring path as OpenAPI writes it: {@code {*name}} and {@code {name:regex}} become {@code {name}}. */
    private static String openApiPath(String path) {
        return path.replaceAll("\\{\\*([^}]+)}", "{$1}").replaceAll("\\{([^}:]+):[^}]*}", "{$1}");
    }

    private static List<Class<?>> controllers() {
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(RestController.class));
        List<Class<?>> found = new ArrayList<>();
        for (BeanDefinition candidate : scanner.findCandidateComponents("dev.kiff.api")) {
            found.add(ClassUtils.resolveClassName(candidate.getBeanClassName(), null));
        }
        assertThat(found).as("controllers found").isNotEmpty();
        return found;
    }

    private static JsonNode read() {
        try (InputStream in = OpenApiDocumentTest.class.getResourceAsStream("/openapi.json")) {
            assertThat(in).as("openapi.json on the classpath").isNotNull();
            return JSON.readTree(in.readAllBytes());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
