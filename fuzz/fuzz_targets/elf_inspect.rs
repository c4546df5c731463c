//! Any byte string through the ELF reader: errors are fine, panics and hangs are not.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = abiport::elf::inspect(data);
});
