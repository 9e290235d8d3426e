-- AI agents (#17): an organization's voices that run qualification calls, and the meetings
-- each is assigned to run.
CREATE TABLE ai_agents (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id  uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name             text NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 60),
    language         text NOT NULL CHECK (language IN ('en', 'it')),
    persona          text NOT NULL DEFAULT '' CHECK (length(persona) <= 4000),
    greeting         text NOT NULL,
    -- `[closer_wire::AgentQuestion]` as JSON: [{"text", "criterion"}], 1–20 of them.
    questions        jsonb NOT NULL CHECK (jsonb_typeof(questions) = 'array'),
    closing          text NOT NULL,
    handoff_owner_id uuid REFERENCES users (id) ON DELETE SET NULL,
    qualify_score    smallint NOT NULL DEFAULT 50 CHECK (qualify_score BETWEEN 0 AND 100),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ai_agents_org ON ai_agents (organization_id, name);

-- The agent that runs a meeting instead of (or before) a human seller; deleting the agent
-- leaves the meeting to its host.
ALTER TABLE meetings ADD COLUMN ai_agent_id uuid REFERENCES ai_agents (id) ON DELETE SET NULL;
