package dev.kiff.persistence;

import static dev.kiff.persistence.jooq.Tables.JOB_ARTIFACTS;

import dev.kiff.core.gateway.Artifact;
import dev.kiff.model.job.ArtifactInfo;
import dev.kiff.core.gateway.ArtifactStore;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jooq.DSLContext;

/** The {@link ArtifactStore} in PostgreSQL's {@code job_artifacts} table (content as bytea, capped by the gateway). */
public final class JooqArtifactStore implements ArtifactStore {

    private final DSLContext db;
    private final Clock clock;

    public JooqArtifactStore(DSLContext db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    @Override
    public void save(UUID jobId, List<Artifact> artifacts) {
        db.transaction(tx -> {
            DSLContext t = tx.dsl();
            t.deleteFrom(JOB_ARTIFACTS).where(JOB_ARTIFACTS.JOB_ID.eq(jobId)).execute();
            for (Artifact artifact : artifacts) {
                t.insertInto(JOB_ARTIFACTS)
                        .set(JOB_ARTIFACTS.JOB_ID, jobId)
                        .set(JOB_ARTIFACTS.NAME, artifact.name())
                        .set(JOB_ARTIFACTS.CONTENT, artifact.content())
                        .set(JOB_ARTIFACTS.SIZE_BYTES, (long) artifact.content().length)
                        .set(JOB_ARTIFACTS.CREATED_AT, clock.instant())
                        .execute();
            }
        });
    }

    @Override
    public List<ArtifactInfo> list(UUID jobId) {
        return db.select(JOB_ARTIFACTS.NAME, JOB_ARTIFACTS.SIZE_BYTES)
                .from(JOB_ARTIFACTS)
                .where(JOB_ARTIFACTS.JOB_ID.eq(jobId))
                .orderBy(JOB_ARTIFACTS.NAME)
                .fetch(row -> new ArtifactInfo(row.value1(), row.value2()));
    }

    @Override
    public Optional<Artifact> find(UUID jobId, String name) {
        return db.select(JOB_ARTIFACTS.NAME, JOB_ARTIFACTS.CONTENT)
                .from(JOB_ARTIFACTS)
                .where(JOB_ARTIFACTS.JOB_ID.eq(jobId).and(JOB_ARTIFACTS.NAME.eq(name)))
                .fetchOptional(row -> new Artifact(row.value1(), row.value2()));
    }
}
