//! Property tests of the audio frame parser: arbitrary bytes never panic; every valid frame
//! round-trips; any single-byte corruption of the header or any length change is either
//! rejected or parsed into a frame that re-encodes to exactly those bytes.

use closer_wire::{AudioFrame, FRAME_SAMPLES};
use proptest::prelude::*;

fn frame() -> impl Strategy<Value = AudioFrame> {
    (
        "[a-zA-Z0-9_\\-èé]{1,20}",
        any::<u32>(),
        any::<u64>(),
        proptest::collection::vec(any::<i16>(), FRAME_SAMPLES),
    )
        .prop_map(|(identity, seq, capture_ms, samples)| AudioFrame { identity, seq, capture_ms, samples })
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..1200)) {
        let _ = AudioFrame::parse(&bytes);
    }

    #[test]
    fn valid_frames_round_trip(f in frame()) {
        prop_assert_eq!(AudioFrame::parse(&f.encode()), Ok(f));
    }

    #[test]
    fn corrupted_frames_are_rejected_or_exact(f in frame(), at in 0usize..40, value in any::<u8>(), cut in 0usize..700) {
        let mut bytes = f.encode();
        let i = at % bytes.len();
        bytes[i] = value;
        if let Ok(parsed) = AudioFrame::parse(&bytes) {
            prop_assert_eq!(parsed.encode(), bytes.clone());
        }
        bytes.truncate(bytes.len().saturating_sub(cut + 1));
        prop_assert!(AudioFrame::parse(&bytes).is_err());
    }
}
