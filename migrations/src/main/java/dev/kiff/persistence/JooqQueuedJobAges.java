package dev.kiff.persistence;

import static dev.kiff.persistence.jooq.Tables.JOBS;

import dev.kiff.core.dispatch.QueuedJobAges;
import dev.kiff.model.job.JobStatus;
import dev.kiff.model.job.VmType;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.Record2;
import org.jooq.impl.DSL;

/**
 * {@link QueuedJobAges} in the jobs table: the least {@code submitted_at} of the QUEUED rows per VM type, found
 * through the status index (QUEUED rows are few: those waiting, not the history).
 */
public final class JooqQueuedJobAges implements QueuedJobAges {

    private final DSLContext db;

    public JooqQueuedJobAges(DSLContext db) {
        this.db = db;
    }

    @Override
    public Map<VmType, Instant> oldestQueued() {
        Map<VmType, Instant> oldest = new EnumMap<>(VmType.class);
        for (Record2<String, Instant> row : db.select(JOBS.VM_TYPE, DSL.min(JOBS.SUBMITTED_AT))
                .from(JOBS)
                .where(JOBS.STATUS.eq(JobStatus.QUEUED))
                .groupBy(JOBS.VM_TYPE)
                .fetch()) {
            // A type this version no longer knows has no gauge to show it.
            Arrays.stream(VmType.values()).filter(t -> t.wireName().equals(row.value1())).findFirst()
                    .ifPresent(type -> oldest.put(type, row.value2()));
        }
        return oldest;
    }
}
