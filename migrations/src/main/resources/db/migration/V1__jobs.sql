-- One row per job: what was submitted, where it stands, and once terminal, how it ended.
-- The status moves only along dev.kiff.core.job.JobStatus's transition table, through conditional updates.
CREATE TABLE jobs (
    id               UUID         NOT NULL PRIMARY KEY,
    tenant           VARCHAR(64)  NOT NULL,
    vm_type          VARCHAR(32)  NOT NULL,
    language         VARCHAR(16)  NOT NULL,
    -- The job message as published (contract v1): code, stdin, env, files, resolved limits.
    -- JSON rather than JSONB: JSONB refuses the \u0000 escape that a job's text may carry.
    spec             JSON         NOT NULL,
    -- Fingerprint of the request behind an Idempotency-Key (the key itself maps to the id).
    request_hash     VARCHAR(64),
    status           VARCHAR(16)  NOT NULL,
    attempts         INTEGER      NOT NULL DEFAULT 0,
    worker_id        VARCHAR(128),
    submitted_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    started_at       TIMESTAMP WITH TIME ZONE,
    finished_at      TIMESTAMP WITH TIME ZONE,
    exit_code        INTEGER,
    stdout           TEXT,
    stdout_truncated BOOLEAN      NOT NULL DEFAULT FALSE,
    stderr           TEXT,
    stderr_truncated BOOLEAN      NOT NULL DEFAULT FALSE,
    message          TEXT,
    updated_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT jobs_status_known CHECK (status IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT',
                                                  'OOM_KILLED', 'CANCELLED', 'ERROR', 'REJECTED'))
);

CREATE INDEX jobs_status_idx ON jobs (status);
CREATE INDEX jobs_tenant_submitted_idx ON jobs (tenant, submitted_at);
