-- Leads (#17): the prospects a team works, created by hand or by an AI agent after its call,
-- with their BANT assessment and the meetings they took part in. The contact fields are what
-- the lead gave to be contacted on (booking form, console); call text in `bant` is redacted.
CREATE TABLE leads (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name            text NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 200),
    company         text NOT NULL DEFAULT '' CHECK (length(company) <= 200),
    -- Lower-cased by the API; one lead per address and organization, so creating it again
    -- (a second call with the same guest) finds the first.
    email           text CHECK (email = lower(email)),
    phone           text,
    stage           text NOT NULL DEFAULT 'new'
                    CHECK (stage IN ('new', 'qualified', 'disqualified', 'handed_off', 'won', 'lost')),
    -- `closer_wire::Bant` as JSON: {"budget": {"score", "evidence", "meeting_id"} | null, …}.
    bant            jsonb NOT NULL DEFAULT '{}',
    owner_id        uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX leads_org_email ON leads (organization_id, email) WHERE email IS NOT NULL;
CREATE INDEX leads_org_updated ON leads (organization_id, updated_at DESC);

CREATE TABLE lead_meetings (
    lead_id    uuid NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
    meeting_id uuid NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    linked_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (lead_id, meeting_id)
);
