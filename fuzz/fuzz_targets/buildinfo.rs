//! The Go build info parser on arbitrary blobs (the input doubles as the memory image).
//! The body lives in the library (`abiport::fuzz::buildinfo`), shared with the stable replay test.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| abiport::fuzz::buildinfo(data));
