-- Issue 11, fair dispatch: the API holds a tenant's jobs in this table, QUEUED but not yet on Kafka, while the
-- tenant has its window's worth of jobs published and unfinished, so one tenant's backlog never sits in the
-- partitions ahead of another tenant's jobs. The same columns make the insert-then-publish an outbox: a row whose
-- publish never completed (its publisher died) is published by the API's dispatcher once its claim runs out.

-- When the job's record was handed to Kafka; NULL while it waits in the backlog. Rows stored before this column,
-- and jobs that arrived from Kafka without the API (stored by a worker), are on Kafka already: the default says so.
ALTER TABLE jobs ADD COLUMN published_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP;
-- While published_at is NULL: until when an API instance (a submission, or a dispatcher) is publishing the job.
-- A claim that runs out without the publish completing leaves the job to the next dispatcher tick.
ALTER TABLE jobs ADD COLUMN publish_claim_expires_at TIMESTAMP WITH TIME ZONE;

-- The backlog, oldest first per tenant and VM type.
CREATE INDEX jobs_backlog_idx ON jobs (tenant, vm_type, submitted_at, batch_index)
    WHERE status = 'QUEUED' AND published_at IS NULL;
-- A tenant's published, unfinished jobs of one VM type: its open window.
CREATE INDEX jobs_in_flight_idx ON jobs (tenant, vm_type)
    WHERE status IN ('QUEUED', 'RUNNING') AND published_at IS NOT NULL;
