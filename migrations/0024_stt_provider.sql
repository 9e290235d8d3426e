-- Live speech-to-text provider per organization, overridable per meeting. NULL inherits: a
-- meeting its organization's choice, an organization the server's configured default. Kept as
-- text with a CHECK (not an enum type) so adding a provider is one constraint change.
ALTER TABLE organizations ADD COLUMN stt_provider TEXT CHECK (stt_provider IN ('whisper', 'deepgram'));
ALTER TABLE meetings ADD COLUMN stt_provider TEXT CHECK (stt_provider IN ('whisper', 'deepgram'));
