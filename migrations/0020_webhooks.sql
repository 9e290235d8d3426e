-- CRM webhooks: endpoints per organization, a durable outbox of events, one delivery per
-- (event, endpoint) with its retry state, and a log of every attempt.
--
-- An event and its deliveries are inserted in the same transaction as the state change that
-- causes them (e.g. a meeting becoming `processed`), so a committed change always gets its
-- webhook and a rolled-back one never does. The worker (`closer::webhooks::worker`) claims due
-- deliveries with a lease (`locked_until`), so a crashed worker's claim expires and another
-- worker retries it.

CREATE TABLE webhook_endpoints (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id  uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    url              text NOT NULL CHECK (url ~ '^https?://' AND length(url) <= 2048),
    -- HMAC-SHA256 key of `X-Closer-Signature`; shown to the admin at creation and rotation.
    secret           text NOT NULL CHECK (length(secret) BETWEEN 16 AND 200),
    -- Event types delivered to this endpoint (e.g. `meeting.processed`).
    events           text[] NOT NULL CHECK (cardinality(events) >= 1),
    description      text NOT NULL DEFAULT '' CHECK (length(description) <= 200),
    active           boolean NOT NULL DEFAULT true,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_endpoints_org ON webhook_endpoints (organization_id);

-- The outbox: what happened, with the JSON body every endpoint receives.
CREATE TABLE webhook_events (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id  uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    event_type       text NOT NULL,
    -- Meeting the event is about, for finding its deliveries; NULL for endpoint tests.
    meeting_id       uuid REFERENCES meetings (id) ON DELETE SET NULL,
    payload          jsonb NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_events_org ON webhook_events (organization_id, created_at);
-- A meeting's life-cycle event is emitted once, however often the step causing it runs.
CREATE UNIQUE INDEX webhook_events_once ON webhook_events (meeting_id, event_type)
    WHERE event_type LIKE 'meeting.%';

-- One event to one endpoint. Its id is the `Idempotency-Key` header: the same on every retry
-- and redelivery, so a receiver can drop duplicates.
CREATE TABLE webhook_deliveries (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    event_id         uuid NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
    endpoint_id      uuid NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    -- pending → delivered, or pending → dead (dead letter: attempts exhausted or URL refused).
    status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead')),
    -- Attempts started (counted when claimed, so a crash mid-request still counts).
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    -- Claim lease of a worker; NULL when nobody holds it.
    locked_until     timestamptz,
    last_status_code integer,
    last_error       text,
    delivered_at     timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (event_id, endpoint_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, created_at);

-- The delivery log: one row per HTTP attempt.
CREATE TABLE webhook_attempts (
    id               bigserial PRIMARY KEY,
    delivery_id      uuid NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempt          integer NOT NULL,
    started_at       timestamptz NOT NULL,
    duration_ms      integer NOT NULL,
    -- HTTP status of the answer; NULL when none came (refused URL, connection error, timeout).
    status_code      integer,
    -- Why it failed (no secrets, no payload); NULL on success.
    error            text,
    -- First bytes of the receiver's answer, for debugging the integration.
    response_excerpt text
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, attempt);
