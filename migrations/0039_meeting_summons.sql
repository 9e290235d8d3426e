-- A guest of an AI agent's call asking for the meeting's host to join now (#18): who asks,
-- through which agent, and until when they hold. All three or none.
ALTER TABLE meetings
    ADD COLUMN summoned_by    text,
    ADD COLUMN summoned_agent text,
    ADD COLUMN summoned_until timestamptz,
    ADD CONSTRAINT meetings_summons_whole
        CHECK ((summoned_by IS NULL) = (summoned_until IS NULL) AND (summoned_agent IS NULL) = (summoned_until IS NULL));
