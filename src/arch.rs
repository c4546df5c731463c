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
}

impl fmt::Display for UnknownArch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown architecture `{}`", self.given)?;
        if !self.suggestions.is_empty() {
            write!(f, " (did you mean {}?)", self.suggestions.join(", "))?;
        }
        Ok(())
    }
}

impl std::error::Error for UnknownArch {}

impl FromStr for Arch {
    type Err = UnknownArch;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Arch::from_name(s).ok_or_else(|| UnknownArch {
            given: s.to_string(),
            suggestions: crate::suggest::closest(s, Arch::ALL.iter().map(|a| a.name()), 3),
        })
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
    /// Parse `mips64le,arm64` or `all`.
    pub fn parse_list(s: &str) -> Result<ArchSet, UnknownArch> {
        let mut set = ArchSet::EMPTY;
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            if part == "all" {
                set = ArchSet::ALL;
            } else {
                set.insert(part.parse()?);
            }
        }
        Ok(set)
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
        let e = ArchSet::parse_list("mips64el").unwrap_err();
        assert!(e.suggestions.contains(&"mips64le"), "{e}");
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
