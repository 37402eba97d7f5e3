-- What the run that gave a job its result consumed, as the sandbox measured it (dev.kiff.core.job.ResourceUsage).
-- Written when the job completes; all null when no run ended in its result (queued, running, cancelled, rejected,
-- dead-lettered) or the sandbox could not measure it. Plain columns, not JSON, so usage can be summed per tenant.
ALTER TABLE jobs ADD COLUMN cpu_ms BIGINT;          -- CPU time, user + system, in milliseconds
ALTER TABLE jobs ADD COLUMN peak_memory_mb BIGINT;  -- largest resident set of any of the job's processes, in MiB
ALTER TABLE jobs ADD COLUMN output_bytes BIGINT;    -- stdout + stderr written, before truncation (not the limit)
ALTER TABLE jobs ADD COLUMN gateway_calls INTEGER;  -- requests made through the gateway, refused ones included
ALTER TABLE jobs ADD COLUMN gateway_bytes BIGINT;   -- bytes of those requests and their responses
