-- Calls. The id is a random UUID v4 and doubles as the guest link `/meet/<id>` (122 random
-- bits: unguessable). The LiveKit room is named after it.
CREATE TABLE meetings (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id  uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    host_id          uuid NOT NULL REFERENCES users (id),
    playbook_id      uuid NOT NULL REFERENCES playbooks (id),
    title            text NOT NULL CHECK (length(trim(title)) BETWEEN 1 AND 200),
    starts_at        timestamptz NOT NULL,
    ends_at          timestamptz NOT NULL CHECK (ends_at > starts_at),
    -- scheduled → live → ended → processed; cancelled from scheduled.
    status           text NOT NULL DEFAULT 'scheduled'
                     CHECK (status IN ('scheduled', 'live', 'ended', 'processed', 'cancelled')),
    started_at       timestamptz,
    ended_at         timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX meetings_org_start ON meetings (organization_id, starts_at);
CREATE INDEX meetings_host_start ON meetings (host_id, starts_at);
