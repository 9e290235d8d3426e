-- Call backs booked on the phone line (#18): the AI agent books the caller a slot of the
-- line's seller, so a booking may have the caller's phone number instead of an e-mail; the
-- call log keeps the booking its call made.
ALTER TABLE bookings ALTER COLUMN guest_email DROP NOT NULL;
ALTER TABLE bookings ADD COLUMN guest_phone text;
ALTER TABLE bookings ADD CONSTRAINT bookings_guest_reachable CHECK (guest_email IS NOT NULL OR guest_phone IS NOT NULL);
ALTER TABLE phone_calls ADD COLUMN booking_id uuid REFERENCES bookings (id) ON DELETE SET NULL;
