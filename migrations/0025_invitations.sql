-- Inviting people into an organization by e-mail, and switching accounts off.
--
-- An invitation carries the role the admin chose; the invitee picks their own name, password
-- and booking slug when accepting. Only the SHA-256 of its token is stored (as for refresh and
-- handoff tokens): the link in the e-mail is the only copy.
CREATE TABLE invitations (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    email           text NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
    role            text NOT NULL CHECK (role IN ('admin', 'manager', 'seller')),
    -- ISO 639-1 of the e-mail and the acceptance page.
    language        text NOT NULL CHECK (language IN ('en', 'it')),
    token_hash      bytea NOT NULL UNIQUE,
    invited_by      uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL,
    accepted_at     timestamptz,
    revoked_at      timestamptz
);
-- One open invitation per address and organization: inviting again replaces it.
CREATE UNIQUE INDEX invitations_open ON invitations (organization_id, email)
    WHERE accepted_at IS NULL AND revoked_at IS NULL;

-- A deactivated user cannot sign in or refresh; their meetings, recaps and booking history stay.
ALTER TABLE users ADD COLUMN deactivated_at timestamptz;
