-- What a booking page says besides times (issue #22): the seller's introduction, kept with the
-- booking rules, and a description per meeting type. Both plain text, up to 500 characters.
ALTER TABLE availability ADD COLUMN intro text NOT NULL DEFAULT '' CHECK (length(intro) <= 500);
ALTER TABLE meeting_types ADD COLUMN description text NOT NULL DEFAULT '' CHECK (length(description) <= 500);
