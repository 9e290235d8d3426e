-- What a seller offers on the booking page, each bound to a playbook.
CREATE TABLE meeting_types (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id   uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    seller_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    slug              text NOT NULL CHECK (slug ~ '^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$'),
    title             text NOT NULL CHECK (length(trim(title)) BETWEEN 1 AND 100),
    duration_minutes  integer NOT NULL CHECK (duration_minutes BETWEEN 5 AND 480),
    playbook_id       uuid NOT NULL REFERENCES playbooks (id),
    active            boolean NOT NULL DEFAULT true,
    created_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (seller_id, slug)
);
