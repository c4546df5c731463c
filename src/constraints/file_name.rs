//! File-name constraints: `name_GOOS.go`, `name_GOARCH.go`, `name_GOOS_GOARCH.go`, each
//! optionally followed by `_test` (go/build `goodOSArchFile`).

use super::tags::{is_known_arch, is_known_os, tag_arches};
use super::BuildConfig;
use crate::arch::{Arch, ArchSet};

/// Files the go command never reads: names starting with `_` or `.`.
pub fn is_ignored_name(file_name: &str) -> bool {
    file_name.starts_with('_') || file_name.starts_with('.')
}

/// Whether this is a test file (`*_test.go`).
pub fn is_test_name(file_name: &str) -> bool {
    file_name.ends_with("_test.go")
}

/// The arches a file's name allows (ALL when the name carries no known GOOS/GOARCH suffix).
pub fn name_arches(cfg: &BuildConfig, file_name: &str) -> ArchSet {
    // Everything from the first `.` on is the extension(s).
    let stem = file_name.split('.').next().unwrap_or("");
    // Only the part after the first `_` counts: `linux.go` is not constrained (Go 1.4+).
    let Some(underscore) = stem.find('_') else {
        return ArchSet::ALL;
    };
    let mut parts: Vec<&str> = stem[underscore + 1..].split('_').collect();
    if parts.last() == Some(&"test") {
        parts.pop();
    }
    match parts.as_slice() {
        [.., os, arch] if is_known_os(cfg, os) && is_known_arch(arch) => {
            tag_arches(cfg, os).intersect(tag_arches(cfg, arch))
        }
        [.., last] if is_known_os(cfg, last) || is_known_arch(last) => tag_arches(cfg, last),
        _ => ArchSet::ALL,
    }
}

/// The GOARCH a file name restricts the file to (`x_amd64.go`, `x_linux_arm64_test.go`),
/// including GOARCHes abiport has no tables for (`x_ppc.go`).
pub fn name_arch(file_name: &str) -> Option<&str> {
    let stem = file_name.strip_suffix(".go")?;
    let stem = stem.strip_suffix("_test").unwrap_or(stem);
    let (_, last) = stem.rsplit_once('_')?;
    is_known_arch(last).then_some(last)
}

/// Whether the file name confines the file to linux (`x_linux.go`, `x_linux_amd64.go`).
pub fn name_is_linux(file_name: &str) -> bool {
    let stem = file_name.strip_suffix(".go").unwrap_or(file_name);
    let stem = stem.strip_suffix("_test").unwrap_or(stem);
    let parts: Vec<&str> = stem.split('_').collect();
    let n = parts.len();
    (n >= 2 && parts[n - 1] == "linux")
        || (n >= 3 && parts[n - 2] == "linux" && Arch::from_name(parts[n - 1]).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arches(name: &str) -> ArchSet {
        let cfg = BuildConfig {
            cgo: false,
            go_minor: 22,
            tags: vec![],
        };
        name_arches(&cfg, name)
    }

    fn one(a: Arch) -> ArchSet {
        ArchSet::single(a)
    }

    #[test]
    fn goos_goarch_suffixes() {
        assert_eq!(arches("file.go"), ArchSet::ALL);
        assert_eq!(arches("file_linux.go"), ArchSet::ALL);
        assert_eq!(arches("file_mips64le.go"), one(Arch::Mips64le));
        assert_eq!(arches("file_linux_mips64le.go"), one(Arch::Mips64le));
        assert_eq!(arches("file_linux_mips64le_test.go"), one(Arch::Mips64le));
        assert_eq!(arches("file_mips64le_test.go"), one(Arch::Mips64le));
        assert_eq!(arches("file_linux_test.go"), ArchSet::ALL);
        assert_eq!(arches("zerrors_linux_386.go"), one(Arch::I386));
        assert_eq!(arches("file_windows.go"), ArchSet::EMPTY);
        assert_eq!(arches("file_windows_amd64.go"), ArchSet::EMPTY);
        assert_eq!(arches("file_darwin_test.go"), ArchSet::EMPTY);
        assert_eq!(arches("file_android.go"), ArchSet::EMPTY);
        assert_eq!(arches("file_ppc.go"), ArchSet::EMPTY);
        assert_eq!(arches("file_wasm.go"), ArchSet::EMPTY);
        assert_eq!(arches("file_sparc64.go"), ArchSet::EMPTY);
        assert_eq!(arches("file_linux_sparc64.go"), ArchSet::EMPTY);
        assert_eq!(arches("file_wasip1.go"), ArchSet::EMPTY);
        assert_eq!(arches("file_wasip1_wasm.go"), ArchSet::EMPTY);
    }

    #[test]
    fn names_that_are_not_suffixes() {
        // `unix` is a build tag, not a file-name suffix.
        assert_eq!(arches("file_unix.go"), ArchSet::ALL);
        assert_eq!(arches("file_bsd.go"), ArchSet::ALL);
        // Go 1.4+: no prefix before the `_`, nothing constrains.
        assert_eq!(arches("linux.go"), ArchSet::ALL);
        assert_eq!(arches("windows.go"), ArchSet::ALL);
        assert_eq!(arches("amd64.go"), ArchSet::ALL);
        assert_eq!(arches("windows_test.go"), ArchSet::ALL);
        // `_test` is stripped only once and only at the end.
        assert_eq!(arches("file_test_windows.go"), ArchSet::EMPTY);
        assert_eq!(arches("file_windows_test_test.go"), ArchSet::ALL);
        // The GOOS must come right before the GOARCH.
        assert_eq!(arches("file_amd64_linux.go"), ArchSet::ALL);
        assert_eq!(arches("file_arm64_mips64le.go"), one(Arch::Mips64le));
        // Anything after the first dot is extension.
        assert_eq!(arches("file_windows.pb.go"), ArchSet::EMPTY);
        assert_eq!(arches("file.windows.go"), ArchSet::ALL);
    }

    #[test]
    fn ignored_and_test_names() {
        assert!(is_ignored_name("_x.go"));
        assert!(is_ignored_name(".x.go"));
        assert!(!is_ignored_name("x_.go"));
        assert!(is_test_name("x_test.go"));
        assert!(!is_test_name("x_test.go.orig"));
        assert!(!is_test_name("test.go"));
    }

    #[test]
    fn arch_and_linux_by_name() {
        assert_eq!(name_arch("x_ppc.go"), Some("ppc"));
        assert_eq!(name_arch("x_linux.go"), None);
        assert_eq!(name_arch("amd64.go"), None);
        assert_eq!(name_arch("x_arm64_test.go"), Some("arm64"));
        assert!(name_is_linux("x_linux.go") && name_is_linux("x_linux_amd64_test.go"));
        assert!(!name_is_linux("linux.go") && !name_is_linux("x_linux_ppc.go"));
    }
}
