-- Post-call processing of a meeting (`closer::recap::jobs`). A job exists for every meeting
-- that reached `ended`; the worker started by `serve` claims it under a lease, so a server
-- that stops (or crashes) mid-finalize leaves a job the next start picks up again.
CREATE TABLE finalize_jobs (
    meeting_id       uuid PRIMARY KEY REFERENCES meetings (id) ON DELETE CASCADE,
    -- pending → done, or pending → failed after the attempts ran out.
    status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    -- Claim lease of a worker; NULL when nobody holds it.
    locked_until     timestamptz,
    last_error       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    finished_at      timestamptz
);
CREATE INDEX finalize_jobs_due ON finalize_jobs (next_attempt_at) WHERE status = 'pending';
