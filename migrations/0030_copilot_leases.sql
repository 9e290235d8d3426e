-- The copilot's jobs across server processes (#16). Self-hosted livekit-server never dispatches
-- a job again when its worker dies (livekit/agents#1472), so the servers keep their own leases:
-- every worker renews the rows of the jobs it runs about once a second, and any server finding a
-- live meeting's row stale dispatches the copilot to its room again.

-- One row per meeting whose room has the copilot dispatched: written at dispatch (no worker
-- yet), taken by the job that runs it, deleted when the job ends with the call.
CREATE TABLE copilot_jobs (
    meeting_id   uuid PRIMARY KEY REFERENCES meetings (id) ON DELETE CASCADE,
    room         text NOT NULL,
    -- The agent dispatched (a deployment's `livekit_agent_name`): only its workers take it back.
    agent_name   text NOT NULL,
    -- LiveKit's ids of the worker registration and job running it; NULL until a job starts.
    worker_id    text,
    job_id       text,
    heartbeat_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX copilot_jobs_worker ON copilot_jobs (worker_id);

-- The registered workers, renewed about once a second with the jobs each runs: a worker offered
-- a job declines it while another live worker of its agent runs fewer (fair share).
CREATE TABLE copilot_workers (
    worker_id  text PRIMARY KEY,
    agent_name text NOT NULL,
    jobs       integer NOT NULL CHECK (jobs >= 0),
    seen_at    timestamptz NOT NULL DEFAULT now()
);
