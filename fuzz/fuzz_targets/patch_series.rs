//! Patch series through `verify`: patch reading, mbox placement, `git apply` on a copy.
//! The body lives in the library (`abiport::fuzz::patch_series`), shared with the stable replay test.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| abiport::fuzz::patch_series(data));
