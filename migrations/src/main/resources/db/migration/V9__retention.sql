-- Retention (kiff.retention.*): the purge looks rows up by age, oldest first, in small batches. Each index serves
-- one of its queries, so a batch reads only the rows it deletes rather than scanning a table that only grows.

-- Finished jobs by when they ended; queued and running ones are never purged and stay out of the index.
CREATE INDEX jobs_finished_idx ON jobs (finished_at)
    WHERE status IN ('SUCCEEDED', 'FAILED', 'TIMED_OUT', 'OOM_KILLED', 'CANCELLED', 'ERROR', 'REJECTED');
CREATE INDEX job_logs_at_idx ON job_logs (at);
CREATE INDEX job_artifacts_created_idx ON job_artifacts (created_at);
CREATE INDEX gateway_calls_at_idx ON gateway_calls (at);
-- Deliveries that are done (pending ones are kept, and have their own index for sending).
CREATE INDEX webhook_deliveries_done_idx ON webhook_deliveries (created_at) WHERE status <> 'PENDING';
