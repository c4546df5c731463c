//! OCI image layouts (directory, tar, tar.gz, raw archive) built from the input.
//! The body lives in the library (`abiport::fuzz::oci_layout`), shared with the stable replay test.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| abiport::fuzz::oci_layout(data));
