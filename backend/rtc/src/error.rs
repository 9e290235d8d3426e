use std::path::PathBuf;

/// Everything the binding can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The shared library could not be loaded or lacks a symbol (wrong file, missing
    /// `scripts/models` run, another version's library).
    #[error("cannot load LiveKit's FFI library {path}: {source}")]
    Load {
        /// The path that was tried.
        path: PathBuf,
        /// What the dynamic loader said.
        source: libloading::Error,
    },
    /// A message from the library did not decode: the library and the compiled protocol differ.
    #[error("liblivekit_ffi sent a message this binding cannot decode: {0}")]
    Decode(#[from] prost::DecodeError),
    /// The library answered a request with another request's response, or with none.
    #[error("liblivekit_ffi answered a {request} request with {got}")]
    UnexpectedResponse {
        /// The request kind sent.
        request: &'static str,
        /// What came back (`nothing` or the response variant).
        got: String,
    },
    /// The library or the server refused the operation (connection refused, bad token, publish
    /// failed...), with the library's message.
    #[error("LiveKit: {0}")]
    Rejected(String),
    /// The library stopped before answering (process shutting down).
    #[error("liblivekit_ffi stopped before answering")]
    Closed,
}
