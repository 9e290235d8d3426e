-- People of an organization. E-mail is the login name, unique across the whole service
-- (case-insensitively) so login needs no organization picker.
CREATE TABLE users (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    email           text NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
    display_name    text NOT NULL CHECK (length(trim(display_name)) BETWEEN 1 AND 100),
    role            text NOT NULL CHECK (role IN ('admin', 'manager', 'seller')),
    -- PHC string of an argon2id hash (parameters and salt included).
    password_hash   text NOT NULL,
    -- Public booking page `/book/<slug>`; same rule as organization slugs.
    slug            text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$'),
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (email)
);
CREATE INDEX users_organization ON users (organization_id);
