//! Linux GOARCHes that abiport knows, and sets of them as bitsets.
//!
//! Arch sets are bitsets so that one pass over a file answers for every
//! target at once (build constraints, declarations visible per arch).

use std::fmt;
use std::str::FromStr;

/// A Linux GOARCH with its own syscall ABI tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum Arch {
    I386 = 0,
    Amd64,
    Arm,
    Arm64,
    Loong64,
    Mips,
    Mipsle,
    Mips64,
    Mips64le,
    Ppc64,
    Ppc64le,
    Riscv64,
    S390x,
}

impl Arch {
    /// Every arch, in table order (also the sort order of output).
    pub const ALL: [Arch; 13] = [
        Arch::I386,
        Arch::Amd64,
        Arch::Arm,
        Arch::Arm64,
        Arch::Loong64,
        Arch::Mips,
        Arch::Mipsle,
        Arch::Mips64,
        Arch::Mips64le,
        Arch::Ppc64,
        Arch::Ppc64le,
        Arch::Riscv64,
        Arch::S390x,
    ];

    /// The GOARCH spelling.
    pub const fn name(self) -> &'static str {
        match self {
            Arch::I386 => "386",
            Arch::Amd64 => "amd64",
            Arch::Arm => "arm",
            Arch::Arm64 => "arm64",
            Arch::Loong64 => "loong64",
            Arch::Mips => "mips",
            Arch::Mipsle => "mipsle",
            Arch::Mips64 => "mips64",
            Arch::Mips64le => "mips64le",
            Arch::Ppc64 => "ppc64",
            Arch::Ppc64le => "ppc64le",
            Arch::Riscv64 => "riscv64",
            Arch::S390x => "s390x",
        }
    }

    pub const fn index(self) -> usize {
        self as usize
    }

    /// Pointer size in bytes.
    pub const fn ptr_size(self) -> u64 {
        match self {
            Arch::I386 | Arch::Arm | Arch::Mips | Arch::Mipsle => 4,
            _ => 8,
        }
    }

    pub const fn is_big_endian(self) -> bool {
        matches!(self, Arch::Mips | Arch::Mips64 | Arch::Ppc64 | Arch::S390x)
    }

    /// What `uname -m` prints on a Linux host of this arch (the first of
    /// [`Arch::uname_machines`]). The kernel names the ISA, not the byte order: both MIPS64
    /// byte orders print `mips64`.
    pub const fn uname_machine(self) -> &'static str {
        self.uname_machines()[0]
    }

    /// Every `uname -m` value a Linux host of this arch commonly prints, the usual first
    /// (a 32-bit ARM userland on an ARMv8 kernel prints `armv8l`).
    pub const fn uname_machines(self) -> &'static [&'static str] {
        match self {
            Arch::I386 => &["i686"],
            Arch::Amd64 => &["x86_64"],
            Arch::Arm => &["armv7l", "armv8l"],
            Arch::Arm64 => &["aarch64"],
            Arch::Loong64 => &["loongarch64"],
            Arch::Mips | Arch::Mipsle => &["mips"],
            Arch::Mips64 | Arch::Mips64le => &["mips64"],
            Arch::Ppc64 => &["ppc64"],
            Arch::Ppc64le => &["ppc64le"],
            Arch::Riscv64 => &["riscv64"],
            Arch::S390x => &["s390x"],
        }
    }

    /// Parse a GOARCH name; `None` for names abiport has no tables for.
    pub fn from_name(s: &str) -> Option<Arch> {
        Arch::ALL.iter().copied().find(|a| a.name() == s)
    }
}

impl fmt::Display for Arch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Error for an arch name abiport does not know; names the closest valid ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownArch {
    pub given: String,
    pub suggestions: Vec<&'static str>,
    /// Why a name that looks like an arch has no GOARCH (`powerpc`, MIPS n32).
    pub reason: Option<&'static str>,
}

impl fmt::Display for UnknownArch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown architecture `{}`", self.given)?;
        if let Some(why) = self.reason {
            write!(f, ": {why}")?;
        }
        if !self.suggestions.is_empty() {
            write!(f, " (did you mean {}?)", self.suggestions.join(", "))?;
        }
        Ok(())
    }
}

impl std::error::Error for UnknownArch {}

/// What an arch name a user typed means: the GOARCH, and for another spelling (Debian's,
/// the kernel's `uname -m`, a GNU triplet's CPU) the name given and the GOARM/GOMIPS
/// level it implies. abiport's tables do not vary by those levels; `elf --expect` checks
/// a binary's GOARM against them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchName {
    pub arch: Arch,
    /// The name as given, when it is not the GOARCH spelling.
    pub alias: Option<String>,
    /// `GOARM=7` for `armhf`, `GOMIPS=softfloat` for a `…-gnusf` triplet.
    pub level: Option<&'static str>,
    /// A word of warning about a name that means another arch elsewhere.
    pub caveat: Option<&'static str>,
}

impl ArchName {
    /// What to say on stderr once about this name (given for `what`, e.g. `--arch`):
    /// `--arch mips64el means GOARCH=mips64le`; `None` for a plain GOARCH.
    pub fn note(&self, what: &str) -> Option<String> {
        let level = self.level.map(|l| format!(", {l}")).unwrap_or_default();
        match (&self.alias, self.caveat) {
            (Some(given), _) => Some(format!("{what} {given} means GOARCH={}{level}", self.arch)),
            (None, Some(caveat)) => Some(format!("{what} {}: {caveat}", self.arch)),
            (None, None) => None,
        }
    }

    /// The OCI platform variant the level names (`v7` for GOARM=7).
    pub fn oci_variant(&self) -> Option<String> {
        self.level
            .and_then(|l| l.strip_prefix("GOARM="))
            .map(|n| format!("v{n}"))
    }
}

/// Other names of the GOARCHes: Debian architectures, kernel (`uname -m`) machines and
/// GNU/OCI CPU names, with the GOARM level a name implies (Debian armhf is ARMv7
/// hard-float, armel ARMv5 soft-float).
const ALIASES: &[(&str, Arch, Option<&str>)] = &[
    ("x86_64", Arch::Amd64, None),
    ("x86-64", Arch::Amd64, None),
    ("x64", Arch::Amd64, None),
    ("i386", Arch::I386, None),
    ("i486", Arch::I386, None),
    ("i586", Arch::I386, None),
    ("i686", Arch::I386, None),
    ("x86", Arch::I386, None),
    ("aarch64", Arch::Arm64, None),
    ("armhf", Arch::Arm, Some("GOARM=7")),
    ("armel", Arch::Arm, Some("GOARM=5")),
    ("armv7l", Arch::Arm, Some("GOARM=7")),
    ("armv7", Arch::Arm, Some("GOARM=7")),
    ("armv6l", Arch::Arm, Some("GOARM=6")),
    ("armv6", Arch::Arm, Some("GOARM=6")),
    ("armv5tel", Arch::Arm, Some("GOARM=5")),
    ("armv5", Arch::Arm, Some("GOARM=5")),
    ("loongarch64", Arch::Loong64, None),
    ("mips64el", Arch::Mips64le, None),
    ("mipsel", Arch::Mipsle, None),
    ("ppc64el", Arch::Ppc64le, None),
    ("powerpc64le", Arch::Ppc64le, None),
    ("powerpc64", Arch::Ppc64, None),
];

/// `uname -m` prints `mips64`/`mips` on little-endian MIPS hosts too (the kernel names the
/// ISA, not the byte order). The Go meaning wins, since GOARCH is what abiport judges,
/// and the note says so.
const MIPS64_CAVEAT: &str = "big-endian; `uname -m` prints mips64 on little-endian hosts too \
     (Debian mips64el), which are GOARCH=mips64le";
const MIPS_CAVEAT: &str = "big-endian; `uname -m` prints mips on little-endian hosts too \
     (Debian mipsel), which are GOARCH=mipsle";

impl Arch {
    /// Parse a GOARCH or another common name of one (see [`ArchName`]): `mips64el`,
    /// `x86_64`, `armhf`, `mips64el-linux-gnuabi64`. Case is ignored.
    pub fn parse_name(given: &str) -> Result<ArchName, UnknownArch> {
        let s = given.trim().to_ascii_lowercase();
        let named = |arch: Arch, level: Option<&'static str>| ArchName {
            arch,
            alias: (given.trim() != arch.name()).then(|| given.trim().to_string()),
            level,
            caveat: None,
        };
        if let Some(a) = Arch::from_name(&s) {
            let mut n = named(a, None);
            n.caveat = match a {
                Arch::Mips64 => Some(MIPS64_CAVEAT),
                Arch::Mips => Some(MIPS_CAVEAT),
                _ => None,
            };
            return Ok(n);
        }
        if let Some(&(_, a, level)) = ALIASES.iter().find(|(n, _, _)| *n == s) {
            return Ok(named(a, level));
        }
        if let Some(parsed) = triplet(&s) {
            return parsed
                .map(|(a, level)| named(a, level))
                .map_err(|reason| UnknownArch {
                    given: given.to_string(),
                    suggestions: Vec::new(),
                    reason: Some(reason),
                });
        }
        Err(UnknownArch {
            given: given.to_string(),
            suggestions: suggest(&s),
            reason: None,
        })
    }
}

/// A GNU triplet `cpu-[vendor-]linux-abi` (`mips64el-linux-gnuabi64`,
/// `arm-linux-gnueabihf`, `x86_64-unknown-linux-gnu`): `None` when `s` is not one.
fn triplet(s: &str) -> Option<Result<(Arch, Option<&'static str>), &'static str>> {
    let parts: Vec<&str> = s.split('-').collect();
    if parts.len() < 2 || !parts[1..].iter().any(|p| p.starts_with("linux")) {
        return None;
    }
    let (cpu, abi) = (parts[0], *parts.last()?);
    if abi.ends_with("n32") || abi.contains("x32") {
        return Some(Err(
            "its ABI (n32, x32: 64-bit registers, 32-bit pointers) has no GOARCH",
        ));
    }
    let soft = abi.ends_with("sf");
    let arch = if cpu == "arm" || cpu.starts_with("armv") {
        let armhf = abi.ends_with("eabihf");
        let level = match cpu {
            c if c.starts_with("armv7") => "GOARM=7",
            c if c.starts_with("armv6") => "GOARM=6",
            c if c.starts_with("armv5") => "GOARM=5",
            _ if armhf => "GOARM=7",
            _ => "GOARM=5",
        };
        return Some(Ok((Arch::Arm, Some(level))));
    } else if cpu == "powerpc" || cpu == "ppc" {
        return Some(Err("32-bit PowerPC has no Linux GOARCH"));
    } else if let Some(a) = Arch::from_name(cpu) {
        a
    } else if let Some(&(_, a, _)) = ALIASES.iter().find(|(n, _, _)| *n == cpu) {
        a
    } else {
        return None;
    };
    let level = match arch {
        Arch::Mips | Arch::Mipsle if soft => Some("GOMIPS=softfloat"),
        Arch::Mips64 | Arch::Mips64le if soft => Some("GOMIPS64=softfloat"),
        _ => None,
    };
    Some(Ok((arch, level)))
}

/// Arch family and byte order a name hints at, for ranking suggestions.
fn hints(s: &str) -> (Option<&'static str>, Option<bool>) {
    let family = if s.contains("mips") || s.contains("mpis") || s.contains("misp") {
        Some("mips")
    } else if s.contains("ppc") || s.contains("pow") {
        Some("ppc")
    } else if s.contains("arm") || s.contains("aarch") || s.contains("arch64") {
        Some("arm")
    } else if s.contains("x86") || s.contains("amd") || s.contains("86") {
        Some("x86")
    } else if s.contains("risc") || s.contains("rv") {
        Some("riscv")
    } else if s.contains("s390") || s.contains("390") {
        Some("s390")
    } else if s.contains("loong") {
        Some("loong")
    } else {
        None
    };
    let little = s.contains("el") || s.contains("le");
    let big = s.contains("eb") || s.contains("be");
    let endian = match (little, big) {
        (true, false) => Some(false),
        (false, true) => Some(true),
        _ => None,
    };
    (family, endian)
}

fn family(a: Arch) -> &'static str {
    match a {
        Arch::I386 | Arch::Amd64 => "x86",
        Arch::Arm | Arch::Arm64 => "arm",
        Arch::Loong64 => "loong",
        Arch::Mips | Arch::Mipsle | Arch::Mips64 | Arch::Mips64le => "mips",
        Arch::Ppc64 | Arch::Ppc64le => "ppc",
        Arch::Riscv64 => "riscv",
        Arch::S390x => "s390",
    }
}

/// Up to 3 GOARCHes an unknown name may mean, best first: each GOARCH is scored by its
/// closest spelling (its name or an alias: `x86_46` is near `x86_64`, so amd64), then
/// ranked with the family and byte order the name hints at first (a `mips64el`-like
/// typo gives mips64le before mips64), then by bitness.
fn suggest(s: &str) -> Vec<&'static str> {
    let spellings = Arch::ALL
        .iter()
        .map(|a| (a.name(), *a))
        .chain(ALIASES.iter().map(|&(n, a, _)| (n, a)));
    let mut best: Vec<(f64, Arch)> = Vec::new();
    for (name, arch) in spellings {
        if crate::suggest::closest(s, [name], 1).is_empty() {
            continue;
        }
        let score = strsim::jaro_winkler(s, name);
        match best.iter_mut().find(|(_, a)| *a == arch) {
            Some(slot) => slot.0 = slot.0.max(score),
            None => best.push((score, arch)),
        }
    }
    let (fam, endian) = hints(s);
    // `64`, or its digits swapped (`mips46el`).
    let wide = s.contains('6') && s.contains('4');
    let rank = |a: Arch| {
        (
            fam.is_some_and(|f| f == family(a)),
            endian.is_some_and(|big| big == a.is_big_endian()),
            wide == (a.ptr_size() == 8),
        )
    };
    best.sort_by(|x, y| {
        rank(y.1)
            .cmp(&rank(x.1))
            .then(y.0.total_cmp(&x.0))
            .then(x.1.cmp(&y.1))
    });
    best.into_iter().take(3).map(|(_, a)| a.name()).collect()
}

impl FromStr for Arch {
    type Err = UnknownArch;
    /// A GOARCH or another name of one ([`Arch::parse_name`]).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Arch::parse_name(s).map(|n| n.arch)
    }
}

/// A set of arches as a bitset.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ArchSet(u16);

impl ArchSet {
    pub const EMPTY: ArchSet = ArchSet(0);
    pub const ALL: ArchSet = ArchSet((1 << 13) - 1);

    pub const fn single(a: Arch) -> ArchSet {
        ArchSet(1 << a as u16)
    }
    pub const fn bits(self) -> u16 {
        self.0
    }
    pub const fn from_bits(bits: u16) -> ArchSet {
        ArchSet(bits & Self::ALL.0)
    }
    pub const fn contains(self, a: Arch) -> bool {
        self.0 & (1 << a as u16) != 0
    }
    pub fn insert(&mut self, a: Arch) {
        self.0 |= 1 << a as u16;
    }
    pub fn remove(&mut self, a: Arch) {
        self.0 &= !(1 << a as u16);
    }
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }
    pub const fn len(self) -> usize {
        self.0.count_ones() as usize
    }
    pub const fn union(self, o: ArchSet) -> ArchSet {
        ArchSet(self.0 | o.0)
    }
    pub const fn intersect(self, o: ArchSet) -> ArchSet {
        ArchSet(self.0 & o.0)
    }
    pub const fn minus(self, o: ArchSet) -> ArchSet {
        ArchSet(self.0 & !o.0)
    }
    pub const fn complement(self) -> ArchSet {
        ArchSet(!self.0 & Self::ALL.0)
    }
    /// Arches in table order.
    pub fn iter(self) -> impl Iterator<Item = Arch> {
        Arch::ALL.into_iter().filter(move |a| self.contains(*a))
    }
    /// Parse `mips64le,arm64` or `all` (other names of arches too: `mips64el,aarch64`).
    pub fn parse_list(s: &str) -> Result<ArchSet, UnknownArch> {
        ArchSet::parse_names(s).map(|(set, _)| set)
    }

    /// [`ArchSet::parse_list`], with what each name meant (for the notes of aliases).
    pub fn parse_names(s: &str) -> Result<(ArchSet, Vec<ArchName>), UnknownArch> {
        let mut set = ArchSet::EMPTY;
        let mut names = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            if part == "all" {
                set = ArchSet::ALL;
            } else {
                let name = Arch::parse_name(part)?;
                set.insert(name.arch);
                names.push(name);
            }
        }
        Ok((set, names))
    }
    pub fn names(self) -> Vec<&'static str> {
        self.iter().map(Arch::name).collect()
    }
}

impl FromIterator<Arch> for ArchSet {
    fn from_iter<T: IntoIterator<Item = Arch>>(iter: T) -> Self {
        let mut s = ArchSet::EMPTY;
        for a in iter {
            s.insert(a);
        }
        s
    }
}

impl fmt::Display for ArchSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.names().join(", "))
    }
}

impl fmt::Debug for ArchSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ArchSet[{}]", self.names().join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for a in Arch::ALL {
            assert_eq!(Arch::from_name(a.name()), Some(a));
        }
        assert_eq!(ArchSet::ALL.len(), 13);
    }

    #[test]
    fn parse_list_and_suggest() {
        let s = ArchSet::parse_list("mips64le,arm64").unwrap();
        assert_eq!(s.names(), vec!["arm64", "mips64le"]);
        assert_eq!(ArchSet::parse_list("all").unwrap(), ArchSet::ALL);
        let (s, names) = ArchSet::parse_names("mips64el, aarch64,amd64").unwrap();
        assert_eq!(s.names(), vec!["amd64", "arm64", "mips64le"]);
        let notes: Vec<_> = names.iter().filter_map(|n| n.note("--arch")).collect();
        assert_eq!(
            notes,
            [
                "--arch mips64el means GOARCH=mips64le",
                "--arch aarch64 means GOARCH=arm64"
            ]
        );
    }

    fn meaning(s: &str) -> (&'static str, Option<&'static str>) {
        let n = Arch::parse_name(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        (n.arch.name(), n.level)
    }

    #[test]
    fn every_alias_means_its_goarch() {
        let cases: &[(&str, &str, Option<&str>)] = &[
            // Debian architectures.
            ("mips64el", "mips64le", None),
            ("mipsel", "mipsle", None),
            ("ppc64el", "ppc64le", None),
            ("armhf", "arm", Some("GOARM=7")),
            ("armel", "arm", Some("GOARM=5")),
            ("i386", "386", None),
            ("amd64", "amd64", None),
            ("arm64", "arm64", None),
            ("s390x", "s390x", None),
            ("riscv64", "riscv64", None),
            ("loong64", "loong64", None),
            // Kernel / uname -m machines.
            ("x86_64", "amd64", None),
            ("aarch64", "arm64", None),
            ("loongarch64", "loong64", None),
            ("mips64", "mips64", None),
            ("mips", "mips", None),
            ("ppc64le", "ppc64le", None),
            ("ppc64", "ppc64", None),
            ("i686", "386", None),
            ("armv7l", "arm", Some("GOARM=7")),
            ("armv6l", "arm", Some("GOARM=6")),
            // GNU triplets.
            ("mips64el-linux-gnuabi64", "mips64le", None),
            ("mips64-linux-gnuabi64", "mips64", None),
            ("mipsel-linux-gnu", "mipsle", None),
            ("mips-linux-gnu", "mips", None),
            ("x86_64-linux-gnu", "amd64", None),
            ("x86_64-unknown-linux-musl", "amd64", None),
            ("i686-linux-gnu", "386", None),
            ("aarch64-linux-gnu", "arm64", None),
            ("arm-linux-gnueabihf", "arm", Some("GOARM=7")),
            ("arm-linux-gnueabi", "arm", Some("GOARM=5")),
            ("powerpc64le-linux-gnu", "ppc64le", None),
            ("powerpc64-linux-gnu", "ppc64", None),
            ("s390x-linux-gnu", "s390x", None),
            ("riscv64-linux-gnu", "riscv64", None),
            ("loongarch64-linux-gnu", "loong64", None),
            ("mipsel-linux-gnusf", "mipsle", Some("GOMIPS=softfloat")),
            ("X86_64", "amd64", None),
        ];
        for &(given, arch, level) in cases {
            assert_eq!(meaning(given), (arch, level), "{given}");
        }
        // Only a spelling other than the GOARCH's is noted; mips64 carries its caveat.
        assert_eq!(Arch::parse_name("mips64le").unwrap().note("--arch"), None);
        let m = Arch::parse_name("mips64").unwrap().note("--arch").unwrap();
        assert!(m.contains("uname -m") && m.contains("mips64le"), "{m}");
        assert_eq!(
            Arch::parse_name("armhf").unwrap().note("--ref").unwrap(),
            "--ref armhf means GOARCH=arm, GOARM=7"
        );
        assert_eq!(
            Arch::parse_name("armhf").unwrap().oci_variant().as_deref(),
            Some("v7")
        );
        // Triplets with no GOARCH say why.
        let e = Arch::parse_name("mips64el-linux-gnuabin32").unwrap_err();
        assert!(e.to_string().contains("n32"), "{e}");
        assert!(Arch::parse_name("powerpc-linux-gnu").is_err());
    }

    #[test]
    fn suggestions_rank_family_and_byte_order_first() {
        let first = |s: &str| Arch::parse_name(s).unwrap_err().suggestions;
        // mips64el-like typos: the little-endian arch first.
        for typo in [
            "mips64eel",
            "mips64ell",
            "mpis64el",
            "mips46el",
            "mips64-el",
        ] {
            let got = first(typo);
            assert_eq!(got.first(), Some(&"mips64le"), "{typo}: {got:?}");
            if let Some(i) = got.iter().position(|a| *a == "mips64") {
                assert!(i > 0, "{typo}: {got:?}");
            }
        }
        assert_eq!(first("mipsbe64").first(), Some(&"mips64"));
        // x86_64-like typos.
        for typo in ["x86_46", "x8664", "x86_64_", "x68_64"] {
            assert_eq!(first(typo).first(), Some(&"amd64"), "{typo}");
        }
        assert_eq!(first("aarch46").first(), Some(&"arm64"));
        assert_eq!(first("ppc64lee").first(), Some(&"ppc64le"));
        assert!(first("zzzz").is_empty());
    }

    #[test]
    fn uname_machines_name_their_arch() {
        for a in Arch::ALL {
            for m in a.uname_machines().iter().filter(|m| **m != "armv8l") {
                let parsed = Arch::parse_name(m)
                    .unwrap_or_else(|e| panic!("{m}: {e}"))
                    .arch;
                // The kernel names the ISA: little-endian MIPS hosts print the big-endian name.
                let same_isa = match a {
                    Arch::Mips64le => Arch::Mips64,
                    Arch::Mipsle => Arch::Mips,
                    other => other,
                };
                assert_eq!(parsed, same_isa, "{m}");
            }
        }
        assert_eq!(Arch::Mips64le.uname_machine(), "mips64");
        assert_eq!(Arch::Arm.uname_machines(), ["armv7l", "armv8l"]);
    }

    #[test]
    fn set_algebra() {
        let a = ArchSet::single(Arch::Amd64).union(ArchSet::single(Arch::Mips64le));
        assert!(a.contains(Arch::Mips64le));
        assert_eq!(
            a.minus(ArchSet::single(Arch::Amd64)),
            ArchSet::single(Arch::Mips64le)
        );
        assert_eq!(a.complement().len(), 11);
    }
}
