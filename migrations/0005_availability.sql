-- A seller's bookable time: weekly rules and date exceptions in the seller's IANA time zone,
-- plus buffer, minimum notice and horizon. One row per seller; rules and exceptions are small
-- lists replaced as a whole (validated by the API), so they are jsonb.
CREATE TABLE availability (
    user_id             uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    organization_id     uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    time_zone           text NOT NULL,
    weekly              jsonb NOT NULL CHECK (jsonb_typeof(weekly) = 'array'),
    exceptions          jsonb NOT NULL CHECK (jsonb_typeof(exceptions) = 'array'),
    buffer_minutes      integer NOT NULL CHECK (buffer_minutes BETWEEN 0 AND 240),
    min_notice_minutes  integer NOT NULL CHECK (min_notice_minutes BETWEEN 0 AND 43200),
    horizon_days        integer NOT NULL CHECK (horizon_days BETWEEN 1 AND 365),
    updated_at          timestamptz NOT NULL DEFAULT now()
);
