//! The phone line's errors.

/// What can go wrong answering a call.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A socket could not be bound or used.
    #[error("network: {0}")]
    Io(#[from] std::io::Error),
    /// The SIP stack refused (binding its transport, sending a response).
    #[error("SIP: {0}")]
    Sip(String),
    /// The INVITE's body is not a usable session description.
    #[error("unusable SDP offer: {0}")]
    BadOffer(String),
    /// The offer's audio has neither PCMU nor PCMA.
    #[error("the offer has no G.711 codec (PCMU or PCMA)")]
    NoCommonCodec,
    /// The caller hung up before the call was answered.
    #[error("the caller hung up")]
    Ended,
}

impl Error {
    pub(crate) fn sip(e: rsipstack::Error) -> Error {
        Error::Sip(e.to_string())
    }
}
