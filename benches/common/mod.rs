//! What the benches share: the tree they measure.

use std::path::PathBuf;

/// `ABIPORT_BENCH_TREE`, else Debian's Go sources (`/usr/share/gocode/src`) when installed,
/// else the corpus.
pub fn tree() -> PathBuf {
    std::env::var_os("ABIPORT_BENCH_TREE")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let debian = PathBuf::from("/usr/share/gocode/src");
            if debian.is_dir() {
                debian
            } else {
                PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus")
            }
        })
}
