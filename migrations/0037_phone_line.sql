-- The phone line (#18): numbers calls arrive at, each answered by the AI agent of a meeting
-- type, and the log of the calls. A number is one organization's: E.164 is globally unique.
CREATE TABLE phone_numbers (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id  uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    number           text NOT NULL UNIQUE CHECK (number ~ '^\+[0-9]{6,15}$'),
    meeting_type_id  uuid NOT NULL REFERENCES meeting_types (id) ON DELETE CASCADE,
    created_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE phone_calls (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id  uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    -- Kept as called: the number may be removed from the line later.
    number           text NOT NULL,
    caller           text NOT NULL,
    meeting_id       uuid REFERENCES meetings (id) ON DELETE SET NULL,
    lead_id          uuid REFERENCES leads (id) ON DELETE SET NULL,
    outcome          text NOT NULL DEFAULT 'in_progress'
                     CHECK (outcome IN ('in_progress', 'completed', 'abandoned', 'failed')),
    started_at       timestamptz NOT NULL DEFAULT now(),
    answered_at      timestamptz,
    ended_at         timestamptz
);
CREATE INDEX phone_calls_by_org ON phone_calls (organization_id, started_at DESC);
