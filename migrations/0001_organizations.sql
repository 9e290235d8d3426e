-- Tenants. Every other table hangs off an organization so that every query can be scoped by
-- organization_id (a seller of org A must never read org B's rows).
CREATE TABLE organizations (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name        text NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 200),
    -- Used in public URLs; lower-case ASCII so links are stable and unambiguous.
    slug        text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$'),
    created_at  timestamptz NOT NULL DEFAULT now()
);
