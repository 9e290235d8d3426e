//! The people of an organization and the organization itself: sign-up, the user rows the API
//! shows, invitations by e-mail, switching accounts off, resetting a forgotten password, a
//! seller's photo on their booking page. SQL and rules live here; the handlers in `http/`
//! (`organizations`, `users`, `invitations`, `password_reset`, `photos`) parse, authorize and
//! serialize.

pub mod invitations;
pub mod organizations;
pub mod password_resets;
pub mod photos;
pub mod users;
