-- iCalendar SEQUENCE of a booking's invitation: raised on every reschedule or cancellation so
-- calendar clients update the event instead of adding another.
ALTER TABLE bookings ADD COLUMN sequence integer NOT NULL DEFAULT 0;
