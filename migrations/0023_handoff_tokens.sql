-- One-time handoff tokens: the desktop app opens a call in the system browser (its web view
-- has no WebRTC) already signed in, without putting a long-lived credential in a URL.
CREATE TABLE handoff_tokens (
    -- SHA-256 of the token, as for refresh tokens.
    token_hash  bytea PRIMARY KEY,
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz
);
CREATE INDEX handoff_tokens_expiry ON handoff_tokens (expires_at);
