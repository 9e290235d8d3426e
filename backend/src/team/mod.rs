//! The people of an organization: the user rows the API shows, invitations by e-mail,
//! switching accounts off, resetting a forgotten password. SQL and rules live here;
//! `http/users.rs`, `http/invitations.rs` and `http/password_reset.rs` parse, authorize and
//! serialize.

pub mod invitations;
pub mod password_resets;
pub mod users;
