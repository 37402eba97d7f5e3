package dev.kiff.core.batch;

import dev.kiff.model.batch.Batch;
import dev.kiff.core.dispatch.InMemoryJobBacklog;
import dev.kiff.model.job.Job;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import dev.kiff.core.port.InMemoryJobRepository;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A {@link BatchRepository} in memory whose jobs live in an {@link InMemoryJobRepository}, as a batch's jobs live
 * with all jobs in the database: a job ended there counts as ended here. Not thread-safe.
 */
public final class InMemoryBatchRepository implements BatchRepository {

    private final InMemoryJobRepository jobs;
    private final InMemoryJobBacklog backlog;
    private final Map<UUID, Batch> batches = new LinkedHashMap<>();
    private final Map<UUID, List<UUID>> members = new LinkedHashMap<>();

    public InMemoryBatchRepository(InMemoryJobRepository jobs) {
        this(jobs, null);
    }

    /** @param backlog where the batch's jobs are held until published, as the database one holds them; or null */
    public InMemoryBatchRepository(InMemoryJobRepository jobs, InMemoryJobBacklog backlog) {
        this.jobs = jobs;
        this.backlog = backlog;
    }

    /** Every batch stored, in the order they were. */
    public List<Batch> all() {
        return List.copyOf(batches.values());
    }

    /** The ids of the batch's jobs, in their order. */
    public List<UUID> jobIds(UUID batchId) {
        return List.copyOf(members.getOrDefault(batchId, List.of()));
    }

    @Override
    public void insert(Batch batch, List<Job> batchJobs) {
        if (batches.containsKey(batch.id())) {
            throw new IllegalStateException(batch + " is stored already");
        }
        batches.put(batch.id(), batch);
        List<UUID> ids = new ArrayList<>();
        for (Job job : batchJobs) {
            if (!jobs.insertQueued(job, null)) {
                throw new IllegalStateException(job + " is stored already");
            }
            ids.add(job.id());
        }
        members.put(batch.id(), ids);
        if (backlog != null) {
            backlog.holdAll(batchJobs);
        }
    }

    @Override
    public Optional<Batch> find(UUID id) {
        return Optional.ofNullable(batches.get(id));
    }

    @Override
    public Map<JobStatus, Integer> counts(UUID id) {
        Map<JobStatus, Integer> counts = new EnumMap<>(JobStatus.class);
        for (UUID job : jobIds(id)) {
            counts.merge(jobs.state(job).status(), 1, Integer::sum);
        }
        return counts;
    }

    @Override
    public List<BatchMember> members(UUID id, JobStatus status, int afterIndex, int limit) {
        List<UUID> ids = jobIds(id);
        List<BatchMember> page = new ArrayList<>();
        for (int i = afterIndex + 1; i < ids.size() && page.size() < limit; i++) {
            JobResult state = jobs.find(ids.get(i)).orElseThrow().state();
            if (status == null || state.status() == status) {
                page.add(new BatchMember(i, state));
            }
        }
        return page;
    }

    @Override
    public boolean markCompleted(UUID id, Instant at) {
        Batch batch = batches.get(id);
        Map<JobStatus, Integer> counts = counts(id);
        if (batch == null || batch.completedAt() != null
                || counts.getOrDefault(JobStatus.QUEUED, 0) + counts.getOrDefault(JobStatus.RUNNING, 0) > 0) {
            return false;
        }
        batches.put(id, new Batch(id, batch.tenant(), batch.size(), batch.callbackUrl(), batch.createdAt(), at,
                batch.cancelledAt()));
        return true;
    }

    @Override
    public List<UUID> cancelQueued(UUID id, String reason, Instant at) {
        Batch batch = batches.get(id);
        if (batch == null) {
            return List.of();
        }
        batches.put(id, new Batch(id, batch.tenant(), batch.size(), batch.callbackUrl(), batch.createdAt(),
                batch.completedAt(), at));
        return jobIds(id).stream().filter(job -> jobs.cancel(job, JobStatus.QUEUED, reason, at)).toList();
    }

    @Override
    public List<UUID> running(UUID id) {
        return jobIds(id).stream().filter(job -> jobs.state(job).status() == JobStatus.RUNNING).toList();
    }

    @Override
    public void reject(UUID id, String reason, Instant at) {
        jobIds(id).forEach(job -> jobs.reject(job, reason, at));
    }
}
