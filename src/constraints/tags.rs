//! What one build tag means for GOOS=linux, as the set of GOARCHes where it is true.
//!
//! Mirrors go/build's `matchTag` for `Context{GOOS: "linux", GOARCH: each, Compiler: "gc"}`.

use super::BuildConfig;
use crate::arch::{Arch, ArchSet};

/// Every GOOS the go command knows (go/build `knownOS`, Go 1.19 list plus `wasip1`),
/// for file-name suffixes. Lists of older toolchains are not modelled, except `wasip1`.
pub const KNOWN_OS: &[&str] = &[
    "aix",
    "android",
    "darwin",
    "dragonfly",
    "freebsd",
    "hurd",
    "illumos",
    "ios",
    "js",
    "linux",
    "nacl",
    "netbsd",
    "openbsd",
    "plan9",
    "solaris",
    "wasip1",
    "windows",
    "zos",
];

/// Every GOARCH the go command has ever known (go/build `knownArch`).
pub const KNOWN_ARCH: &[&str] = &[
    "386",
    "amd64",
    "amd64p32",
    "arm",
    "armbe",
    "arm64",
    "arm64be",
    "loong64",
    "mips",
    "mipsle",
    "mips64",
    "mips64le",
    "mips64p32",
    "mips64p32le",
    "ppc",
    "ppc64",
    "ppc64le",
    "riscv",
    "riscv64",
    "s390",
    "s390x",
    "sparc",
    "sparc64",
    "wasm",
];

/// Whether `s` is a GOOS file-name suffix for this toolchain: `wasip1` only from Go 1.21
/// (before, `x_wasip1.go` is an ordinary file name and builds on linux).
pub fn is_known_os(cfg: &BuildConfig, s: &str) -> bool {
    KNOWN_OS.contains(&s) && (s != "wasip1" || cfg.go_minor >= 21)
}

pub fn is_known_arch(s: &str) -> bool {
    KNOWN_ARCH.contains(&s)
}

/// The arches (all with GOOS=linux) on which build tag `name` is satisfied.
pub fn tag_arches(cfg: &BuildConfig, name: &str) -> ArchSet {
    // User tags first: `-tags` makes a tag true whatever it is (even `ignore` or `windows`).
    // `boringcrypto` is an alias of `goexperiment.boringcrypto` for -tags matching too.
    let alias = if name == "boringcrypto" {
        "goexperiment.boringcrypto"
    } else {
        name
    };
    if cfg.tags.iter().any(|t| t == name || t == alias) {
        return ArchSet::ALL;
    }
    match name {
        "linux" | "gc" => return ArchSet::ALL,
        // The `unix` tag exists since Go 1.19.
        "unix" if cfg.go_minor >= 19 => return ArchSet::ALL,
        "cgo" => {
            return if cfg.cgo {
                ArchSet::ALL
            } else {
                ArchSet::EMPTY
            }
        }
        _ => {}
    }
    if let Some(arch) = Arch::from_name(name) {
        return ArchSet::single(arch);
    }
    if let Some(minor) = release_tag_minor(name) {
        return if minor >= 1 && minor <= cfg.go_minor {
            ArchSet::ALL
        } else {
            ArchSet::EMPTY
        };
    }
    if let Some((arch, feature)) = name.split_once('.') {
        if let Some(arch) = Arch::from_name(arch) {
            return if has_default_feature(arch, feature, cfg.go_minor) {
                ArchSet::single(arch)
            } else {
                ArchSet::EMPTY
            };
        }
    }
    // android, gccgo, ignore, other GOOSes and GOARCHes, goexperiment.*: false.
    ArchSet::EMPTY
}

/// `go1.N` → N, spelled exactly as the go command spells release tags (no leading zero).
fn release_tag_minor(name: &str) -> Option<u32> {
    let digits = name.strip_prefix("go1.")?;
    if digits.is_empty()
        || !digits.bytes().all(|b| b.is_ascii_digit())
        || (digits.len() > 1 && digits.starts_with('0'))
    {
        return None;
    }
    digits.parse().ok()
}

/// Architecture feature tags (`amd64.v1`, `mips64le.hardfloat`, …) that Go 1.21+ sets from
/// GOAMD64/GOARM/GOMIPS/GOPPC64/… at their cross-compilation defaults.
fn has_default_feature(arch: Arch, feature: &str, go_minor: u32) -> bool {
    if go_minor < 21 {
        return false;
    }
    match arch {
        Arch::I386 => feature == "sse2",
        Arch::Amd64 => feature == "v1",
        // cmd/dist's conservative GOARM default when cross-compiling is 7.
        Arch::Arm => matches!(feature, "5" | "6" | "7"),
        Arch::Arm64 => go_minor >= 23 && feature == "v8.0",
        Arch::Mips | Arch::Mipsle | Arch::Mips64 | Arch::Mips64le => feature == "hardfloat",
        Arch::Ppc64 | Arch::Ppc64le => feature == "power8",
        Arch::Riscv64 => go_minor >= 23 && feature == "rva20u64",
        Arch::Loong64 | Arch::S390x => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> BuildConfig {
        BuildConfig {
            cgo: false,
            go_minor: 22,
            tags: vec![],
        }
    }

    #[test]
    fn os_and_compiler_tags() {
        let c = cfg();
        for t in ["linux", "unix", "gc", "go1.1", "go1.22"] {
            assert_eq!(tag_arches(&c, t), ArchSet::ALL, "{t}");
        }
        for t in [
            "android",
            "gccgo",
            "ignore",
            "windows",
            "darwin",
            "cgo",
            "go1.23",
            "go1.01",
            "go1.",
            "go1",
            "go2.0",
            "go1.0",
            "wasm",
            "ppc",
            "goexperiment.loopvar",
            "boringcrypto",
        ] {
            assert_eq!(tag_arches(&c, t), ArchSet::EMPTY, "{t}");
        }
    }

    #[test]
    fn toolchain_dependent_names() {
        let old = BuildConfig {
            go_minor: 18,
            ..cfg()
        };
        assert_eq!(tag_arches(&old, "unix"), ArchSet::EMPTY);
        assert!(!is_known_os(&old, "wasip1"));
        assert!(is_known_os(&cfg(), "wasip1"));
        assert!(is_known_os(&old, "ios"));
    }

    #[test]
    fn arch_tags_are_single_bits() {
        let c = cfg();
        for a in Arch::ALL {
            assert_eq!(tag_arches(&c, a.name()), ArchSet::single(a));
        }
    }

    #[test]
    fn cgo_and_user_tags() {
        let c = BuildConfig {
            cgo: true,
            go_minor: 22,
            tags: vec!["ignore".into(), "netgo".into(), "boringcrypto".into()],
        };
        assert_eq!(tag_arches(&c, "cgo"), ArchSet::ALL);
        assert_eq!(tag_arches(&c, "ignore"), ArchSet::ALL);
        assert_eq!(tag_arches(&c, "netgo"), ArchSet::ALL);
        assert_eq!(tag_arches(&c, "goexperiment.boringcrypto"), ArchSet::EMPTY);
        assert_eq!(tag_arches(&c, "boringcrypto"), ArchSet::ALL);
    }

    #[test]
    fn feature_tags() {
        let c = cfg();
        assert_eq!(tag_arches(&c, "amd64.v1"), ArchSet::single(Arch::Amd64));
        assert_eq!(tag_arches(&c, "amd64.v2"), ArchSet::EMPTY);
        assert_eq!(
            tag_arches(&c, "mips64le.hardfloat"),
            ArchSet::single(Arch::Mips64le)
        );
        assert_eq!(tag_arches(&c, "arm64.v8.0"), ArchSet::EMPTY); // Go 1.23+
        let old = BuildConfig {
            go_minor: 20,
            ..cfg()
        };
        assert_eq!(tag_arches(&old, "amd64.v1"), ArchSet::EMPTY);
    }
}
