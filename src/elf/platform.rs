//! Platforms (`linux/mips64le`), the per-arch ELF facts abiport checks against, and
//! platform labels in release file names.

use super::consts::*;
use crate::arch::{Arch, ArchName};
use crate::error::UserError;
use serde::Serialize;
use std::fmt;

/// `os/arch[/variant]`, as in `--expect` and OCI `platform` objects.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Platform {
    pub os: String,
    #[serde(serialize_with = "ser_arch")]
    pub arch: Arch,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
}

fn ser_arch<S: serde::Serializer>(a: &Arch, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(a.name())
}

impl Platform {
    pub fn linux(arch: Arch) -> Platform {
        Platform {
            os: "linux".into(),
            arch,
            variant: None,
        }
    }

    /// Parse `linux/mips64le`, `linux/arm/v7`, or a bare GOARCH (os defaults to linux).
    /// The arch may be any name [`Arch::parse_name`] knows (`linux/mips64el`, `armhf`);
    /// a GOARM level it implies is the variant unless one is given.
    pub fn parse(s: &str) -> Result<Platform, UserError> {
        Platform::parse_name(s).map(|(p, _)| p)
    }

    /// [`Platform::parse`], with what the arch name meant (for the note of an alias).
    pub fn parse_name(s: &str) -> Result<(Platform, ArchName), UserError> {
        let parts: Vec<&str> = s.trim().split('/').collect();
        let (os, arch, variant) = match parts.as_slice() {
            [arch] => ("linux", *arch, None),
            [os, arch] => (*os, *arch, None),
            [os, arch, v] => (*os, *arch, Some(v.to_string())),
            _ => {
                return Err(UserError::new(format!("invalid platform `{s}`"))
                    .with_help("write platforms as OS/ARCH, e.g. linux/mips64le"))
            }
        };
        let name = Arch::parse_name(arch)?;
        let variant = variant.or_else(|| name.oci_variant());
        Ok((
            Platform {
                os: os.to_string(),
                arch: name.arch,
                variant,
            },
            name,
        ))
    }

    /// Parse a comma separated `--expect` list; sorted, duplicates removed.
    pub fn parse_list(s: &str) -> Result<Vec<Platform>, UserError> {
        Platform::parse_list_names(s).map(|(v, _)| v)
    }

    /// [`Platform::parse_list`], with what each arch name meant.
    pub fn parse_list_names(s: &str) -> Result<(Vec<Platform>, Vec<ArchName>), UserError> {
        let (mut v, names): (Vec<Platform>, Vec<ArchName>) = s
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(Platform::parse_name)
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .unzip();
        if v.is_empty() {
            return Err(UserError::new("`--expect` names no platform")
                .with_help("e.g. --expect linux/mips64le or --expect linux/amd64,linux/arm64"));
        }
        v.sort();
        v.dedup();
        Ok((v, names))
    }

    /// Same os and arch; a variant counts only when both sides name one.
    pub fn matches(&self, other: &Platform) -> bool {
        self.os == other.os
            && self.arch == other.arch
            && match (&self.variant, &other.variant) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.os, self.arch)?;
        if let Some(v) = &self.variant {
            write!(f, "/{v}")?;
        }
        Ok(())
    }
}

/// What an arch's ELF files look like and what its kernels and loaders require.
pub struct ArchFacts {
    pub arch: Arch,
    pub machine: u16,
    pub class64: bool,
    pub big_endian: bool,
    /// Largest base page size a Linux kernel for this arch can run with; PT_LOAD
    /// segments must be aligned to it to load everywhere.
    pub max_page: u64,
    /// Every page size the kernel offers (Kconfig choices), for messages.
    pub page_sizes: &'static str,
    /// PT_INTERP values of glibc and musl for this arch.
    pub loaders: &'static [&'static str],
}

/// One row per arch: machine, class, byte order, page sizes, loaders.
///
/// Page sizes: Linux `arch/*/Kconfig` (`PAGE_SIZE_*` / `ARM64_*K_PAGES` choices).
/// Loaders: glibc `sysdeps/unix/sysv/linux/*/ldconfig.h` / `shlib-versions`
/// (`ld.so` names) and musl `ld-musl-$ARCH$SUBARCH.so.1`.
pub static ARCH_FACTS: [ArchFacts; 13] = [
    ArchFacts {
        arch: Arch::I386,
        machine: EM_386,
        class64: false,
        big_endian: false,
        max_page: 4 << 10,
        page_sizes: "4K",
        loaders: &["/lib/ld-linux.so.2", "/lib/ld-musl-i386.so.1"],
    },
    ArchFacts {
        arch: Arch::Amd64,
        machine: EM_X86_64,
        class64: true,
        big_endian: false,
        max_page: 4 << 10,
        page_sizes: "4K",
        loaders: &["/lib64/ld-linux-x86-64.so.2", "/lib/ld-musl-x86_64.so.1"],
    },
    ArchFacts {
        arch: Arch::Arm,
        machine: EM_ARM,
        class64: false,
        big_endian: false,
        max_page: 4 << 10,
        page_sizes: "4K",
        loaders: &[
            "/lib/ld-linux-armhf.so.3",
            "/lib/ld-linux.so.3",
            "/lib/ld-musl-armhf.so.1",
            "/lib/ld-musl-arm.so.1",
        ],
    },
    ArchFacts {
        arch: Arch::Arm64,
        machine: EM_AARCH64,
        class64: true,
        big_endian: false,
        max_page: 64 << 10,
        page_sizes: "4K, 16K, 64K",
        loaders: &["/lib/ld-linux-aarch64.so.1", "/lib/ld-musl-aarch64.so.1"],
    },
    ArchFacts {
        arch: Arch::Loong64,
        machine: EM_LOONGARCH,
        class64: true,
        big_endian: false,
        max_page: 64 << 10,
        page_sizes: "4K, 16K, 64K",
        loaders: &[
            "/lib64/ld-linux-loongarch-lp64d.so.1",
            "/lib/ld-musl-loongarch64.so.1",
        ],
    },
    ArchFacts {
        arch: Arch::Mips,
        machine: EM_MIPS,
        class64: false,
        big_endian: true,
        max_page: 64 << 10,
        page_sizes: "4K, 8K, 16K, 32K, 64K",
        loaders: &[
            "/lib/ld.so.1",
            "/lib/ld-musl-mips.so.1",
            "/lib/ld-musl-mips-sf.so.1",
        ],
    },
    ArchFacts {
        arch: Arch::Mipsle,
        machine: EM_MIPS,
        class64: false,
        big_endian: false,
        max_page: 64 << 10,
        page_sizes: "4K, 8K, 16K, 32K, 64K",
        loaders: &[
            "/lib/ld.so.1",
            "/lib/ld-musl-mipsel.so.1",
            "/lib/ld-musl-mipsel-sf.so.1",
        ],
    },
    ArchFacts {
        arch: Arch::Mips64,
        machine: EM_MIPS,
        class64: true,
        big_endian: true,
        max_page: 64 << 10,
        page_sizes: "4K, 8K, 16K, 32K, 64K",
        loaders: &["/lib64/ld.so.1", "/lib/ld-musl-mips64.so.1"],
    },
    ArchFacts {
        arch: Arch::Mips64le,
        machine: EM_MIPS,
        class64: true,
        big_endian: false,
        max_page: 64 << 10,
        page_sizes: "4K, 8K, 16K, 32K, 64K",
        loaders: &["/lib64/ld.so.1", "/lib/ld-musl-mips64el.so.1"],
    },
    ArchFacts {
        arch: Arch::Ppc64,
        machine: EM_PPC64,
        class64: true,
        big_endian: true,
        max_page: 64 << 10,
        page_sizes: "4K, 64K",
        loaders: &["/lib64/ld64.so.1", "/lib/ld-musl-powerpc64.so.1"],
    },
    ArchFacts {
        arch: Arch::Ppc64le,
        machine: EM_PPC64,
        class64: true,
        big_endian: false,
        max_page: 64 << 10,
        page_sizes: "4K, 64K",
        loaders: &["/lib64/ld64.so.2", "/lib/ld-musl-powerpc64le.so.1"],
    },
    ArchFacts {
        arch: Arch::Riscv64,
        machine: EM_RISCV,
        class64: true,
        big_endian: false,
        max_page: 4 << 10,
        page_sizes: "4K",
        loaders: &[
            "/lib/ld-linux-riscv64-lp64d.so.1",
            "/lib/ld-linux-riscv64-lp64.so.1",
            "/lib/ld-musl-riscv64.so.1",
            "/lib/ld-musl-riscv64-sf.so.1",
        ],
    },
    ArchFacts {
        arch: Arch::S390x,
        machine: EM_S390,
        class64: true,
        big_endian: true,
        max_page: 4 << 10,
        page_sizes: "4K",
        loaders: &["/lib/ld64.so.1", "/lib/ld-musl-s390x.so.1"],
    },
];

pub fn facts(arch: Arch) -> &'static ArchFacts {
    &ARCH_FACTS[arch.index()]
}

/// The GOARCH an ELF header describes, if abiport knows it.
pub fn arch_of(machine: u16, class64: bool, big_endian: bool) -> Option<Arch> {
    ARCH_FACTS
        .iter()
        .find(|f| f.machine == machine && f.class64 == class64 && f.big_endian == big_endian)
        .map(|f| f.arch)
}

/// Every arch whose loader list holds `interp`.
pub fn loader_arches(interp: &str) -> Vec<Arch> {
    ARCH_FACTS
        .iter()
        .filter(|f| f.loaders.contains(&interp))
        .map(|f| f.arch)
        .collect()
}

const OSES: [&str; 3] = ["linux", "android", "windows"];
const LABEL_SEPS: [char; 4] = ['_', '-', '.', '/'];

/// The platform a release path names: `hello_linux_mips64le`, `hello-linux-arm64.tar.gz`,
/// `dist/linux/mips64le/hello`, `linux_armv7`. Case-insensitive; longest arch name wins
/// so `mips64le` is never read as `mips64`.
pub fn label_from_path(path: &str) -> Option<Platform> {
    let lower = path.to_ascii_lowercase();
    let mut aliases: Vec<(&str, Arch)> = crate::arch::Arch::ALL
        .iter()
        .map(|a| (a.name(), *a))
        .chain([
            ("x86_64", Arch::Amd64),
            ("aarch64", Arch::Arm64),
            ("i386", Arch::I386),
            ("i686", Arch::I386),
            ("mips64el", Arch::Mips64le),
            ("mipsel", Arch::Mipsle),
            ("ppc64el", Arch::Ppc64le),
            ("armhf", Arch::Arm),
            ("armel", Arch::Arm),
            ("loongarch64", Arch::Loong64),
        ])
        .collect();
    aliases.sort_by_key(|(n, _)| std::cmp::Reverse(n.len()));
    // the last label in the path wins: `linux_amd64/tools/hello_linux_arm64` is arm64
    let mut best: Option<(usize, Platform)> = None;
    for os in OSES {
        for (start, _) in lower.match_indices(os) {
            if start > 0 && !lower[..start].ends_with(LABEL_SEPS) {
                continue;
            }
            let rest = &lower[start + os.len()..];
            let Some(sep) = rest.chars().next().filter(|c| LABEL_SEPS.contains(c)) else {
                continue;
            };
            let rest = &rest[sep.len_utf8()..];
            for (name, arch) in &aliases {
                let Some(after) = rest.strip_prefix(name) else {
                    continue;
                };
                let (variant, after) = split_variant(after);
                if after.is_empty() || after.starts_with(LABEL_SEPS) {
                    let p = Platform {
                        os: os.to_string(),
                        arch: *arch,
                        variant,
                    };
                    if best.as_ref().is_none_or(|(s, _)| start >= *s) {
                        best = Some((start, p));
                    }
                    break;
                }
            }
        }
    }
    best.map(|(_, p)| p)
}

/// `v7` right after the arch (`armv7`), or `_v7` / `-v7` / `/v7` (`arm_v7`, `linux/arm/v7`).
fn split_variant(after: &str) -> (Option<String>, &str) {
    let body = after.strip_prefix(LABEL_SEPS).unwrap_or(after);
    if let Some(digits) = body.strip_prefix('v') {
        let n = digits.bytes().take_while(u8::is_ascii_digit).count();
        let tail = &digits[n..];
        if n > 0 && (tail.is_empty() || tail.starts_with(LABEL_SEPS)) {
            return (Some(format!("v{}", &digits[..n])), tail);
        }
    }
    (None, after)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_table_is_in_arch_order() {
        for (i, f) in ARCH_FACTS.iter().enumerate() {
            assert_eq!(f.arch.index(), i);
            assert_eq!(f.class64, f.arch.ptr_size() == 8, "{}", f.arch);
            assert_eq!(f.big_endian, f.arch.is_big_endian(), "{}", f.arch);
        }
    }

    #[test]
    fn labels() {
        let l = |s: &str| label_from_path(s).map(|p| p.to_string());
        assert_eq!(l("hello_linux_mips64le").as_deref(), Some("linux/mips64le"));
        assert_eq!(l("hello_linux_mips64").as_deref(), Some("linux/mips64"));
        assert_eq!(
            l("hello-Linux-x86_64.tar.gz").as_deref(),
            Some("linux/amd64")
        );
        assert_eq!(
            l("dist/linux/arm/v7/hello").as_deref(),
            Some("linux/arm/v7")
        );
        assert_eq!(l("hello_linux_armv6").as_deref(), Some("linux/arm/v6"));
        assert_eq!(
            l("dist/linux/ppc64le/hello").as_deref(),
            Some("linux/ppc64le")
        );
        assert_eq!(
            l("x_linux_amd64/hello_linux_arm64").as_deref(),
            Some("linux/arm64")
        );
        assert_eq!(l("hello_linux_mips64lex"), None);
        assert_eq!(l("unlinux_amd64"), None);
        assert_eq!(l("hello"), None);
    }

    #[test]
    fn parse_platforms() {
        let v = Platform::parse_list("linux/mips64le, linux/amd64,linux/amd64").unwrap();
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].arch, Arch::Amd64);
        assert!(Platform::parse("linux/mips64el").unwrap().arch == Arch::Mips64le);
        assert!(Platform::parse("a/b/c/d").is_err());
    }
}
