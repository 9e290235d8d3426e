//! Speech-to-text. The embedded provider is Whisper base via whisper.cpp.

pub mod whisper;
