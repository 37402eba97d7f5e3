-- Issue 5: tenants with hashed API keys and quotas, batches, every run of a job, kept output, webhook deliveries.

CREATE TABLE tenants (
    id                     VARCHAR(64)  NOT NULL PRIMARY KEY,
    -- The key webhook deliveries are signed with (HMAC-SHA256); shown to the tenant, never logged.
    webhook_secret         VARCHAR(128) NOT NULL,
    max_concurrent_jobs    INTEGER      NOT NULL CHECK (max_concurrent_jobs > 0),
    submissions_per_second INTEGER      NOT NULL CHECK (submissions_per_second > 0),
    max_batch_size         INTEGER      NOT NULL CHECK (max_batch_size > 0),
    created_at             TIMESTAMP WITH TIME ZONE NOT NULL
);

-- API keys are stored as their SHA-256: a key is 256 random bits, so a fast hash cannot be brute-forced, and a
-- lookup by hash needs no per-row salt.
CREATE TABLE api_keys (
    key_hash   CHAR(64)    NOT NULL PRIMARY KEY,
    tenant     VARCHAR(64) NOT NULL REFERENCES tenants (id),
    -- The first characters of the key, to tell keys apart in listings without revealing them.
    prefix     VARCHAR(16) NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE batches (
    id           UUID         NOT NULL PRIMARY KEY,
    tenant       VARCHAR(64)  NOT NULL,
    size         INTEGER      NOT NULL,
    callback_url VARCHAR(2048),
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    -- Set once, by the conditional update that finds no unfinished job left: the batch-complete event fires once.
    completed_at TIMESTAMP WITH TIME ZONE,
    cancelled_at TIMESTAMP WITH TIME ZONE
);
CREATE INDEX batches_tenant_idx ON batches (tenant, created_at);

ALTER TABLE jobs ADD COLUMN batch_id UUID;
ALTER TABLE jobs ADD COLUMN batch_index INTEGER;
ALTER TABLE jobs ADD COLUMN callback_url VARCHAR(2048);
ALTER TABLE jobs ADD COLUMN max_attempts INTEGER NOT NULL DEFAULT 3;
ALTER TABLE jobs ADD COLUMN dead_lettered_at TIMESTAMP WITH TIME ZONE;
-- Numbers results in the order they were stored: the cursor of a tenant's result stream.
CREATE SEQUENCE job_result_seq;
ALTER TABLE jobs ADD COLUMN result_seq BIGINT;
CREATE INDEX jobs_batch_idx ON jobs (batch_id, batch_index) WHERE batch_id IS NOT NULL;
CREATE INDEX jobs_tenant_unfinished_idx ON jobs (tenant) WHERE status IN ('QUEUED', 'RUNNING');
CREATE INDEX jobs_tenant_result_seq_idx ON jobs (tenant, result_seq) WHERE result_seq IS NOT NULL;
CREATE INDEX jobs_dead_lettered_idx ON jobs (tenant, dead_lettered_at) WHERE dead_lettered_at IS NOT NULL;

-- Every run of a job: when and where it ran, and how it ended (QUEUED: the platform gave the run up).
CREATE TABLE job_attempts (
    job_id      UUID         NOT NULL,
    attempt     INTEGER      NOT NULL,
    worker_id   VARCHAR(128),
    started_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at TIMESTAMP WITH TIME ZONE,
    status      VARCHAR(16)  NOT NULL,
    reason      TEXT,
    PRIMARY KEY (job_id, attempt)
);

-- A job's output as it was streamed, in chunks (capped per run by the worker). BYTEA, not TEXT: output may hold NUL.
CREATE TABLE job_logs (
    job_id  UUID        NOT NULL,
    attempt INTEGER     NOT NULL,
    seq     INTEGER     NOT NULL,
    stream  VARCHAR(8)  NOT NULL,
    data    BYTEA       NOT NULL,
    at      TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (job_id, attempt, seq)
);

-- One row per webhook to send: at most one per job end and one per batch completion, whatever the redeliveries.
CREATE TABLE webhook_deliveries (
    id              UUID          NOT NULL PRIMARY KEY,
    tenant          VARCHAR(64)   NOT NULL,
    event           VARCHAR(32)   NOT NULL,
    job_id          UUID,
    batch_id        UUID,
    url             VARCHAR(2048) NOT NULL,
    payload         BYTEA         NOT NULL,
    status          VARCHAR(16)   NOT NULL CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED')),
    attempts        INTEGER       NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP WITH TIME ZONE NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    delivered_at    TIMESTAMP WITH TIME ZONE
);
CREATE UNIQUE INDEX webhook_deliveries_job_event_idx ON webhook_deliveries (event, job_id) WHERE job_id IS NOT NULL;
CREATE UNIQUE INDEX webhook_deliveries_batch_event_idx ON webhook_deliveries (event, batch_id)
    WHERE batch_id IS NOT NULL AND job_id IS NULL;
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'PENDING';

CREATE TABLE webhook_attempts (
    delivery_id UUID    NOT NULL REFERENCES webhook_deliveries (id),
    attempt     INTEGER NOT NULL,
    at          TIMESTAMP WITH TIME ZONE NOT NULL,
    status_code INTEGER,
    error       TEXT,
    duration_ms BIGINT  NOT NULL,
    PRIMARY KEY (delivery_id, attempt)
);
