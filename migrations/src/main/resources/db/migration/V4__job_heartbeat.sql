-- A running job's lease: its worker refreshes heartbeat_at every few seconds while the job runs. A job delivered
-- again (after a rebalance or a worker's death) is run again only once its heartbeat is older than the lease, so a
-- job still running on a live worker is never run a second time.
ALTER TABLE jobs ADD COLUMN heartbeat_at TIMESTAMP WITH TIME ZONE;
CREATE INDEX jobs_running_heartbeat_idx ON jobs (heartbeat_at) WHERE status = 'RUNNING';
