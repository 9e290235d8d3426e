-- Playbooks: the checklist and objections (with battle cards) of one kind of meeting, stored
-- in the interchange format of `closer_wire::Playbook` (validated by the API before storing).
CREATE TABLE playbooks (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name            text NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 100),
    language        text NOT NULL CHECK (language ~ '^[a-z]{2}$'),
    checklist       jsonb NOT NULL CHECK (jsonb_typeof(checklist) = 'array'),
    objections      jsonb NOT NULL CHECK (jsonb_typeof(objections) = 'array'),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (organization_id, name)
);

-- Image or chart of a battle card, served back with its content type. 2 MiB cap, also
-- enforced by the API before the bytes reach the database.
CREATE TABLE battle_card_images (
    playbook_id     uuid NOT NULL REFERENCES playbooks (id) ON DELETE CASCADE,
    objection_key   text NOT NULL,
    content_type    text NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg', 'image/webp', 'image/gif', 'image/svg+xml')),
    data            bytea NOT NULL CHECK (octet_length(data) BETWEEN 1 AND 2097152),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (playbook_id, objection_key)
);
