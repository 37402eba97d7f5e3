package dev.kiff.core.json;

import dev.kiff.core.batch.BatchProgress;
import dev.kiff.core.control.PoolTargets;
import dev.kiff.core.control.WorkerState;
import dev.kiff.core.gateway.ArtifactInfo;
import dev.kiff.core.job.InvalidJobException;
import java.util.List;
import tools.jackson.core.type.TypeReference;
import dev.kiff.core.batch.BatchRequest;
import dev.kiff.core.job.JobMessage;
import dev.kiff.core.output.LogChunk;
import dev.kiff.core.job.JobRequest;
import dev.kiff.core.job.JobResult;
import dev.kiff.core.job.Violation;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one JSON mapping of the job contract, strict on input: unknown fields, missing primitives and trailing content
 * are errors that name the field. The API, the worker and the clients all read and write jobs through it.
 */
public final class JobCodec {

    private final JsonMapper mapper = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            // Equal jobs serialize to equal bytes, whatever order their maps came in (idempotency fingerprints).
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    public JobRequest readRequest(byte[] json) {
        return read(json, JobRequest.class);
    }

    public JobMessage readMessage(byte[] json) {
        return read(json, JobMessage.class);
    }

    public JobResult readResult(byte[] json) {
        return read(json, JobResult.class);
    }

    /** A batch as {@code GET /v1/batches/{id}} answers it. */
    public BatchProgress readBatchProgress(byte[] json) {
        return read(json, BatchProgress.class);
    }

    public BatchRequest readBatchRequest(byte[] json) {
        return read(json, BatchRequest.class);
    }

    public LogChunk readLogChunk(byte[] json) {
        return read(json, LogChunk.class);
    }

    public WorkerState readWorkerState(byte[] json) {
        return read(json, WorkerState.class);
    }

    public PoolTargets readPoolTargets(byte[] json) {
        return read(json, PoolTargets.class);
    }

    public List<ArtifactInfo> readArtifactList(String json) {
        return mapper.readValue(json, new TypeReference<List<ArtifactInfo>>() { });
    }

    public byte[] write(Object value) {
        return mapper.writeValueAsBytes(value);
    }

    public String writeString(Object value) {
        return mapper.writeValueAsString(value);
    }

    private <T> T read(byte[] json, Class<T> type) {
        if (json == null || json.length == 0) {
            throw InvalidJobException.of("$", "body is empty, expected a JSON object");
        }
        try {
            T value = mapper.readValue(json, type);
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
