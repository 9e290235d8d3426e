-- Who was admitted to a meeting (a LiveKit identity), with the guest's AI-consent choice and
-- when it was made, plus join/leave times reported by LiveKit webhooks.
CREATE TABLE participants (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    meeting_id    uuid NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    identity      text NOT NULL,
    role          text NOT NULL CHECK (role IN ('host', 'guest', 'shadow')),
    display_name  text NOT NULL,
    user_id       uuid REFERENCES users (id),
    ai_consent    text CHECK (ai_consent IN ('accepted', 'declined')),
    consent_at    timestamptz,
    joined_at     timestamptz,
    left_at       timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (meeting_id, identity),
    CHECK (role <> 'guest' OR (ai_consent IS NOT NULL AND consent_at IS NOT NULL))
);

-- LiveKit webhook deliveries recorded on the meeting (deduplicated by LiveKit's event id:
-- LiveKit retries deliveries).
CREATE TABLE meeting_events (
    id          text PRIMARY KEY,
    meeting_id  uuid NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    kind        text NOT NULL,
    identity    text,
    at          timestamptz NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX meeting_events_meeting ON meeting_events (meeting_id, at);
