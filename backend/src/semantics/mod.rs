//! Sentence semantics: a multilingual sentence encoder (EN + IT and 14 more languages) used to
//! match what is said against playbook examples.

pub mod encoder;
