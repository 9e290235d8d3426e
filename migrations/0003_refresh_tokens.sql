-- Rotating refresh tokens. Each login starts a family; each refresh marks the presented token
-- used and issues its successor in the same family. Presenting a used token again means it
-- was stolen (or replayed): the whole family is revoked.
CREATE TABLE refresh_tokens (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    family_id   uuid NOT NULL,
    -- SHA-256 of the token: a database leak does not leak usable tokens.
    token_hash  bytea NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    revoked_at  timestamptz
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
