//! The people of an organization: the user rows the API shows, invitations by e-mail, and
//! switching accounts off. SQL and rules live here; `http/users.rs` and `http/invitations.rs`
//! parse, authorize and serialize.

pub mod invitations;
pub mod users;
