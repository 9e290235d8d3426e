-- Whose microphone the copilot's job in a meeting receives now (participant identities), kept by
-- the job on its lease (#16): the seller, the managers and the tests see what the copilot hears,
-- whichever server process runs it (`GET /api/meetings/{id}/copilot`).
ALTER TABLE copilot_jobs ADD COLUMN listening text[] NOT NULL DEFAULT '{}';
