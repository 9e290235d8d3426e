-- A seller's photo, shown on their public booking page (#22). One per user; PNG, JPEG or WebP
-- (no SVG: the page is public and an SVG can carry script), at most 2 MiB.
CREATE TABLE user_photos (
    user_id      uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    content_type text NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg', 'image/webp')),
    data         bytea NOT NULL CHECK (length(data) BETWEEN 1 AND 2097152),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
