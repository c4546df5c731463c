//! Any byte string through the ELF reader: errors are fine, panics and hangs are not.
//! The body lives in the library (`abiport::fuzz::elf_inspect`), shared with the stable replay test.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| abiport::fuzz::elf_inspect(data));
