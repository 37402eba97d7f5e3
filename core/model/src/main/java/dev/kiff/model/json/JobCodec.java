package dev.kiff.model.json;

import dev.kiff.model.batch.BatchProgress;
import dev.kiff.model.control.PoolTargets;
import dev.kiff.model.control.WorkerState;
import dev.kiff.model.job.ArtifactInfo;
import dev.kiff.model.job.DisplayItem;
import dev.kiff.model.session.Session;
import dev.kiff.model.session.SessionEvent;
import dev.kiff.model.session.SessionOpen;
import dev.kiff.model.session.SessionRequest;
import dev.kiff.model.session.SessionRunRequest;
import dev.kiff.model.job.InvalidJobException;
import java.util.List;
import tools.jackson.core.type.TypeReference;
import dev.kiff.model.batch.BatchRequest;
import dev.kiff.model.job.JobMessage;
import dev.kiff.model.output.LogChunk;
import dev.kiff.model.job.JobRequest;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.Violation;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one JSON mapping of the job contract. Strict on what a client sends the API: in a job, batch, session or
 * session-run request, unknown fields, missing primitives and trailing content are errors that name the field, so a
 * typo is never silently dropped. Tolerant on what Kiff itself produces (results, job messages on Kafka, log chunks,
 * batch progress, control records, session opens and events, stored artifact lists): unknown fields are skipped, so a reader keeps working while a newer writer adds optional
 * fields within contract version {@code v: 1} (a rolling upgrade, an older client on a newer server). Unknown enum
 * values stay errors in both: a reader cannot guess whether an unknown status is terminal, so a new one needs
 * {@code v: 2}. The API, the worker and the clients all read and write jobs through it.
 */
public final class JobCodec {

    /** Reads what a client sends the API, and writes everything. */
    private final JsonMapper mapper = base().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    /**
     * Reads what Kiff produces: a field this reader does not know yet is skipped, and a flag or count an older writer
     * did not send yet reads as false or 0, what it meant.
     */
    private final JsonMapper tolerant = base()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private static JsonMapper.Builder base() {
        return JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                // Equal jobs serialize to equal bytes, whatever order their maps came in (idempotency fingerprints).
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    }

    /** A job as a client submits it to {@code POST /v1/jobs}: strict. */
    public JobRequest readRequest(byte[] json) {
        return read(mapper, json, JobRequest.class);
    }

    /** A job message on a job topic; producers may be newer than this worker, so unknown fields are skipped. */
    public JobMessage readMessage(byte[] json) {
        return read(tolerant, json, JobMessage.class);
    }

    /** A result as published on {@code kiff.results} or answered by the API: unknown fields are skipped. */
    public JobResult readResult(byte[] json) {
        return read(tolerant, json, JobResult.class);
    }

    /** A batch as {@code GET /v1/batches/{id}} answers it: unknown fields are skipped. */
    public BatchProgress readBatchProgress(byte[] json) {
        return read(tolerant, json, BatchProgress.class);
    }

    /** A batch as a client submits it to {@code POST /v1/batches}: strict. */
    public BatchRequest readBatchRequest(byte[] json) {
        return read(mapper, json, BatchRequest.class);
    }

    public LogChunk readLogChunk(byte[] json) {
        return read(tolerant, json, LogChunk.class);
    }

    public WorkerState readWorkerState(byte[] json) {
        return read(tolerant, json, WorkerState.class);
    }

    public PoolTargets readPoolTargets(byte[] json) {
        return read(tolerant, json, PoolTargets.class);
    }

    /** A session as a client asks for it at {@code POST /v1/sessions}: strict. */
    public SessionRequest readSessionRequest(byte[] json) {
        return read(mapper, json, SessionRequest.class);
    }

    /** A run as a client sends it to {@code POST /v1/sessions/{id}/runs}: strict. */
    public SessionRunRequest readSessionRunRequest(byte[] json) {
        return read(mapper, json, SessionRunRequest.class);
    }

    /** A session open on {@code kiff.session-opens.<vmType>}: unknown fields are skipped. */
    public SessionOpen readSessionOpen(byte[] json) {
        return read(tolerant, json, SessionOpen.class);
    }

    /** A session's move on {@code kiff.session-events}: unknown fields are skipped. */
    public SessionEvent readSessionEvent(byte[] json) {
        return read(tolerant, json, SessionEvent.class);
    }

    /** A session as {@code GET /v1/sessions/{id}} answers it: unknown fields are skipped. */
    public Session readSession(byte[] json) {
        return read(tolerant, json, Session.class);
    }

    public List<DisplayItem> readDisplay(String json) {
        return tolerant.readValue(json, new TypeReference<List<DisplayItem>>() { });
    }

    public List<ArtifactInfo> readArtifactList(String json) {
        return tolerant.readValue(json, new TypeReference<List<ArtifactInfo>>() { });
    }

    public byte[] write(Object value) {
        return mapper.writeValueAsBytes(value);
    }

    public String writeString(Object value) {
        return mapper.writeValueAsString(value);
    }

    private static <T> T read(JsonMapper reader, byte[] json, Class<T> type) {
        if (json == null || json.length == 0) {
            throw InvalidJobException.of("$", "body is empty, expected a JSON object");
        }
        try {
            T value = reader.readValue(json, type);
            if (value == null) {
                throw InvalidJobException.of("$", "expected a JSON object, got null");
            }
            return value;
        } catch (JacksonException e) {
            throw new InvalidJobException(java.util.List.of(toViolation(e)));
        }
    }

    private static Violation toViolation(JacksonException e) {
        String field = "";
        for (JacksonException.Reference ref : e.getPath()) {
            field = ref.getPropertyName() != null
                    ? Violation.path(field, ref.getPropertyName())
                    : field + "[" + ref.getIndex() + "]";
        }
        if (field.isEmpty()) {
            field = "$";
        }
        if (e instanceof UnrecognizedPropertyException) {
            return Violation.invalid(field, "unknown field");
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof IllegalArgumentException && root.getMessage() != null) {
            return Violation.invalid(field, root.getMessage());
        }
        String message = e.getOriginalMessage();
        return Violation.invalid(field, field.equals("$") ? "malformed JSON: " + message : message);
    }
}
