-- The language a prospect booked in: their confirmation, reschedule and cancellation e-mails
-- are written in it (issue #22). Bookings made before this speak English, as they did.
ALTER TABLE bookings ADD COLUMN language text NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'it'));
