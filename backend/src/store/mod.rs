//! Storage: PostgreSQL for relational state, MongoDB for documents (segments, events, analytics).

pub mod documents;
pub mod relational;
