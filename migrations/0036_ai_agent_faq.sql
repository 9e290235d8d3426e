-- What an AI agent may answer when the guest asks (#17): `[closer_wire::AgentFaq]` as JSON,
-- [{"question", "answer"}], 0–30 of them. Anything else it promises a colleague's answer to.
ALTER TABLE ai_agents ADD COLUMN faq jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(faq) = 'array');
