//! Binary audio frames: what the ingest WebSocket takes (recorded calls fed by tools and
//! tests) and what the copilot agent makes of each subscribed microphone.
//!
//! One WebSocket binary message = one frame = 20 ms of one participant's audio:
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0 | 2 | magic `"CF"` (0x43 0x46) |
//! | 2 | 1 | version, `1` |
//! | 3 | 1 | `L` = length of the participant identity in bytes, 1–64 |
//! | 4 | 4 | sequence number, u32 little-endian, per participant, +1 per frame |
//! | 8 | 8 | capture timestamp, u64 little-endian, ms since the Unix epoch (sender's clock) |
//! | 16 | L | participant identity, UTF-8 (the LiveKit identity) |
//! | 16+L | 640 | samples: 320 × i16 little-endian, 16 kHz mono (20 ms) |

/// Magic bytes that open every frame.
pub const FRAME_MAGIC: [u8; 2] = *b"CF";
/// Current layout version.
pub const FRAME_VERSION: u8 = 1;
/// Sample rate of the payload, Hz.
pub const FRAME_SAMPLE_RATE: u32 = 16_000;
/// Samples per frame: 20 ms at 16 kHz.
pub const FRAME_SAMPLES: usize = 320;
/// Bytes before the identity.
pub const FRAME_FIXED_HEADER: usize = 16;
/// Longest identity accepted, bytes.
pub const FRAME_MAX_IDENTITY: usize = 64;

/// A parsed frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AudioFrame {
    /// LiveKit identity of the speaker.
    pub identity: String,
    /// Per-participant sequence number.
    pub seq: u32,
    /// Capture time, ms since the Unix epoch on the sender's clock.
    pub capture_ms: u64,
    /// 320 samples of 16 kHz mono audio.
    pub samples: Vec<i16>,
}

/// Why a frame was rejected; the ingest socket closes with this as the reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FrameError {
    /// Shorter than the fixed header, or than the header plus identity plus payload.
    Truncated { len: usize },
    /// Longer than header + identity + 640 bytes.
    TooLong { len: usize },
    /// Does not start with `"CF"`.
    BadMagic,
    /// Unknown layout version.
    UnsupportedVersion(u8),
    /// Identity length 0 or above 64.
    BadIdentityLength(u8),
    /// Identity is not UTF-8.
    IdentityNotUtf8,
}

impl std::fmt::Display for FrameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FrameError::Truncated { len } => write!(f, "frame truncated ({len} bytes)"),
            FrameError::TooLong { len } => write!(f, "frame too long ({len} bytes)"),
            FrameError::BadMagic => write!(f, "bad magic"),
            FrameError::UnsupportedVersion(v) => write!(f, "unsupported frame version {v}"),
            FrameError::BadIdentityLength(l) => write!(f, "identity length {l} not in 1..=64"),
            FrameError::IdentityNotUtf8 => write!(f, "identity is not UTF-8"),
        }
    }
}

impl std::error::Error for FrameError {}

impl AudioFrame {
    /// Parses one binary message. Never panics, whatever the input.
    ///
    /// Errors: [`FrameError`] naming the first problem found.
    pub fn parse(bytes: &[u8]) -> Result<Self, FrameError> {
        if bytes.len() < FRAME_FIXED_HEADER {
            return Err(FrameError::Truncated { len: bytes.len() });
        }
        if bytes[0..2] != FRAME_MAGIC {
            return Err(FrameError::BadMagic);
        }
        if bytes[2] != FRAME_VERSION {
            return Err(FrameError::UnsupportedVersion(bytes[2]));
        }
        let id_len = bytes[3];
        if id_len == 0 || usize::from(id_len) > FRAME_MAX_IDENTITY {
            return Err(FrameError::BadIdentityLength(id_len));
        }
        let payload_at = FRAME_FIXED_HEADER + usize::from(id_len);
        let expected = payload_at + FRAME_SAMPLES * 2;
        if bytes.len() < expected {
            return Err(FrameError::Truncated { len: bytes.len() });
        }
        if bytes.len() > expected {
            return Err(FrameError::TooLong { len: bytes.len() });
        }
        let seq = u32::from_le_bytes(bytes[4..8].try_into().expect("4 bytes"));
        let capture_ms = u64::from_le_bytes(bytes[8..16].try_into().expect("8 bytes"));
        let identity = std::str::from_utf8(&bytes[FRAME_FIXED_HEADER..payload_at])
            .map_err(|_| FrameError::IdentityNotUtf8)?
            .to_owned();
        let samples = bytes[payload_at..]
            .chunks_exact(2)
            .map(|pair| i16::from_le_bytes([pair[0], pair[1]]))
            .collect();
        Ok(Self { identity, seq, capture_ms, samples })
    }

    /// Encodes the frame (the inverse of [`parse`](Self::parse)).
    ///
    /// Panics if `identity` is empty or longer than 64 bytes, or `samples` is not 320 long:
    /// callers build frames from their own validated data.
    pub fn encode(&self) -> Vec<u8> {
        let id = self.identity.as_bytes();
        assert!((1..=FRAME_MAX_IDENTITY).contains(&id.len()), "identity length");
        assert_eq!(self.samples.len(), FRAME_SAMPLES, "samples per frame");
        let mut out = Vec::with_capacity(FRAME_FIXED_HEADER + id.len() + FRAME_SAMPLES * 2);
        out.extend_from_slice(&FRAME_MAGIC);
        out.push(FRAME_VERSION);
        out.push(id.len() as u8);
        out.extend_from_slice(&self.seq.to_le_bytes());
        out.extend_from_slice(&self.capture_ms.to_le_bytes());
        out.extend_from_slice(id);
        for sample in &self.samples {
            out.extend_from_slice(&sample.to_le_bytes());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame() -> AudioFrame {
        AudioFrame {
            identity: "guest-è".into(),
            seq: 7,
            capture_ms: 1_700_000_000_123,
            samples: (0..320).map(|i| (i * 100 - 16000) as i16).collect(),
        }
    }

    #[test]
    fn round_trip() {
        assert_eq!(AudioFrame::parse(&frame().encode()).unwrap(), frame());
    }

    #[test]
    fn every_truncation_and_extension_is_rejected() {
        let bytes = frame().encode();
        for len in 0..bytes.len() {
            assert!(AudioFrame::parse(&bytes[..len]).is_err(), "accepted {len} bytes");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(AudioFrame::parse(&longer), Err(FrameError::TooLong { len: longer.len() }));
    }

    #[test]
    fn header_fields_are_checked() {
        let bytes = frame().encode();
        let mut bad = bytes.clone();
        bad[0] = b'X';
        assert_eq!(AudioFrame::parse(&bad), Err(FrameError::BadMagic));
        let mut bad = bytes.clone();
        bad[2] = 9;
        assert_eq!(AudioFrame::parse(&bad), Err(FrameError::UnsupportedVersion(9)));
        let mut bad = bytes.clone();
        bad[3] = 0;
        assert_eq!(AudioFrame::parse(&bad), Err(FrameError::BadIdentityLength(0)));
        let mut bad = bytes;
        bad[16] = 0xff;
        assert_eq!(AudioFrame::parse(&bad), Err(FrameError::IdentityNotUtf8));
    }
}
