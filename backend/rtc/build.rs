//! Generates the FFI protocol's message types from `proto/livekit_ffi.fds`, the FileDescriptorSet
//! that `scripts/prepare_models.py` extracts from the pinned `livekit` wheel (which ships protoc's
//! Python output, not `.proto` files). Compiling a descriptor set needs no `protoc`.
use prost::Message;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = "proto/livekit_ffi.fds";
    println!("cargo:rerun-if-changed={path}");
    let fds = prost_types::FileDescriptorSet::decode(std::fs::read(path)?.as_slice())?;
    prost_build::Config::new().compile_fds(fds)?;
    Ok(())
}
