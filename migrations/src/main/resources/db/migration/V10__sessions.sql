-- Issue 13: sessions, a warm sandbox held for one tenant's agent across runs. Every run or file operation of a
-- session is a job row (jobs.session_id), so runs reuse results, logs, artifacts and cancellation unchanged.

CREATE TABLE sessions (
    id              UUID        NOT NULL PRIMARY KEY,
    tenant          VARCHAR(64) NOT NULL,
    vm_type         VARCHAR(32) NOT NULL,
    -- Every change is a conditional update (WHERE state IN the move's origins, as SessionState's table says), so one
    -- writer wins across API instances and workers.
    state           VARCHAR(16) NOT NULL
                    CHECK (state IN ('CREATING', 'READY', 'BUSY', 'IDLE', 'EXPIRED', 'DELETED', 'LOST')),
    reason          TEXT,
    -- Resolved limits, the names of env variables and initial files (never their values), as JSON.
    spec            JSON        NOT NULL,
    -- Idempotency-Key fingerprint, as jobs.request_hash.
    request_hash    VARCHAR(64),
    idle_timeout_ms BIGINT      NOT NULL CHECK (idle_timeout_ms > 0),
    max_lifetime_ms BIGINT      NOT NULL CHECK (max_lifetime_ms > 0),
    -- Set by the worker that claims the session; the API sends runs to run_topic and never recomputes it.
    worker_id       VARCHAR(128),
    run_topic       VARCHAR(249),
    current_run     UUID,
    runs            INTEGER     NOT NULL DEFAULT 0,
    -- How many moves the session made: the seq of its latest session_transitions row (1 is CREATING).
    transitions     INTEGER     NOT NULL DEFAULT 1,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    claimed_at      TIMESTAMP WITH TIME ZONE,
    ready_at        TIMESTAMP WITH TIME ZONE,
    last_active_at  TIMESTAMP WITH TIME ZONE,
    -- The claiming worker's lease, renewed while it holds the sandbox; a stale one ends the session LOST.
    heartbeat_at    TIMESTAMP WITH TIME ZONE,
    ended_at        TIMESTAMP WITH TIME ZONE,
    updated_at      TIMESTAMP WITH TIME ZONE NOT NULL
);
-- A tenant's open sessions: the quota count.
CREATE INDEX sessions_tenant_open_idx ON sessions (tenant) WHERE state IN ('CREATING', 'READY', 'BUSY', 'IDLE');
-- A worker's open sessions: its lease renewal and its start sweep.
CREATE INDEX sessions_worker_open_idx ON sessions (worker_id) WHERE state IN ('CREATING', 'READY', 'BUSY', 'IDLE');
-- The supervisor's scan for stale leases.
CREATE INDEX sessions_lease_idx ON sessions (heartbeat_at) WHERE state IN ('CREATING', 'READY', 'BUSY', 'IDLE');
-- The supervisor's scan for opens no worker claimed.
CREATE INDEX sessions_unclaimed_idx ON sessions (created_at) WHERE state = 'CREATING' AND worker_id IS NULL;
-- A tenant's listing, newest first.
CREATE INDEX sessions_tenant_created_idx ON sessions (tenant, created_at);
-- Retention of ended sessions.
CREATE INDEX sessions_ended_idx ON sessions (ended_at) WHERE state IN ('EXPIRED', 'DELETED', 'LOST');

-- Every move of a session, written by the same statement as the move: what the session's record and its event
-- stream show (seq is the SSE event id).
CREATE TABLE session_transitions (
    session_id UUID        NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    seq        INTEGER     NOT NULL,
    state      VARCHAR(16) NOT NULL,
    at         TIMESTAMP WITH TIME ZONE NOT NULL,
    reason     TEXT,
    run_id     UUID,
    PRIMARY KEY (session_id, seq)
);

ALTER TABLE jobs ADD COLUMN session_id UUID;
-- NULL: a code run; PUT | GET | LIST: a file operation of the session.
ALTER TABLE jobs ADD COLUMN session_op VARCHAR(8) CHECK (session_op IN ('PUT', 'GET', 'LIST'));
-- The run's display items (last expression, plots, a listing) as JSON.
ALTER TABLE jobs ADD COLUMN display JSON;
CREATE INDEX jobs_session_idx ON jobs (session_id, submitted_at) WHERE session_id IS NOT NULL;

ALTER TABLE tenants ADD COLUMN max_open_sessions INTEGER NOT NULL DEFAULT 5 CHECK (max_open_sessions >= 0);
