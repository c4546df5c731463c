//! The Go build info parser on arbitrary blobs; the input doubles as the memory image
//! that pre-1.18 pointers are followed into.
#![no_main]

use abiport::elf::buildinfo;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut blob = buildinfo::MAGIC.to_vec();
    blob.extend_from_slice(data);
    let read = |addr: u64, len: u64| -> Option<&[u8]> {
        let start = usize::try_from(addr % 4096).ok()?;
        data.get(start..start.checked_add(usize::try_from(len).ok()?)?)
    };
    let _ = buildinfo::parse(&blob, &read);
});
