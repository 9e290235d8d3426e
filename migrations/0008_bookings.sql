-- A prospect's booking of a seller's slot. The exclusion constraint makes two confirmed
-- bookings of one seller with overlapping time impossible, whatever the application does:
-- of N concurrent attempts on the same slot exactly one commits. `slot` spans the meeting
-- plus the seller's buffer after it, so the buffer is protected too.
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE bookings (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id    uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    seller_id          uuid NOT NULL REFERENCES users (id),
    meeting_type_id    uuid NOT NULL REFERENCES meeting_types (id),
    meeting_id         uuid NOT NULL UNIQUE REFERENCES meetings (id) ON DELETE CASCADE,
    slot               tstzrange NOT NULL CHECK (NOT isempty(slot)),
    status             text NOT NULL DEFAULT 'confirmed' CHECK (status IN ('confirmed', 'cancelled')),
    guest_name         text NOT NULL,
    guest_email        text NOT NULL,
    guest_company      text NOT NULL,
    guest_time_zone    text NOT NULL,
    -- SHA-256 of the secret in the cancel/reschedule link sent to the prospect.
    manage_token_hash  bytea NOT NULL UNIQUE,
    created_at         timestamptz NOT NULL DEFAULT now(),
    EXCLUDE USING gist (seller_id WITH =, slot WITH &&) WHERE (status = 'confirmed')
);
