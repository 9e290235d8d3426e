-- A meeting type may be run by an AI agent (#17): every meeting booked on it is assigned to
-- that agent (`meetings.ai_agent_id`), and the booking page says who the prospect will talk
-- to. Deleting the agent leaves the type to its seller.
ALTER TABLE meeting_types ADD COLUMN ai_agent_id uuid REFERENCES ai_agents (id) ON DELETE SET NULL;
