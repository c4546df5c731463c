//! Per-arch constant files: a package-level `const sysGettid = 186` in `x_amd64.go`,
//! `178` in `x_arm64.go`, and a fallback `x_other.go` (`!amd64 && !arm64`) that gives
//! amd64's number to every other arch. The values come from the package index (the token
//! scanner's declarations), not from parsing the other files.

use super::{token, Scheme, META};
use crate::abi::values::{const_value, sys_names, sys_number};
use crate::abi::{self, table_source, Package};
use crate::arch::{Arch, ArchSet};
use crate::finding::Finding;
use crate::index::{ArchLiteral, FileId, Index, LiteralSite};
use crate::rules::facts::per_arch_values;
use crate::syntax::FileSyntax;
use crate::walk::file_name;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// What a per-arch constant's values are, per arch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Fact {
    /// A syscall number (`SYS_GETTID`).
    Syscall(&'static str),
    /// An ioctl request (`TIOCGWINSZ`).
    Ioctl(&'static str),
    /// The audit arch of the GOARCH (`AUDIT_ARCH_X86_64` on amd64).
    AuditArch,
}

/// Name prefixes of the ioctl requests whose values vary per arch (the `_IOC` encoding
/// differs on mips, powerpc and sparc; the old tty numbers too).
const IOCTL_PREFIXES: &[&str] = &[
    "TIOC",
    "TC",
    "TUN",
    "FIO",
    "BLK",
    "FS_IOC",
    "SIOC",
    "RTC_",
    "PERF_EVENT_IOC_",
    "LOOP_",
    "NS_GET",
    "HIDIOC",
    "EVIOC",
    "UI_",
    "WDIOC",
    "PPP",
    "VT_",
    "KD",
    "SECCOMP_IOCTL_",
    "PTP_",
    "RNDGET",
    "RNDADD",
    "RNDCLEAR",
    "RNDZAP",
];

impl Fact {
    pub(super) fn value(self, arch: Arch) -> Option<i128> {
        match self {
            Fact::Syscall(n) => sys_number(arch, n),
            Fact::Ioctl(n) => const_value(arch, n),
            Fact::AuditArch => const_value(arch, token(Scheme::Audit, arch)),
        }
    }

    /// The name the fact goes by on `arch`.
    fn name(self, arch: Arch) -> String {
        match self {
            Fact::Syscall(n) | Fact::Ioctl(n) => format!("`{n}`"),
            Fact::AuditArch => format!("the audit arch `{}`", token(Scheme::Audit, arch)),
        }
    }

    fn show(self, v: i128) -> String {
        match self {
            Fact::Syscall(_) => v.to_string(),
            Fact::Ioctl(_) | Fact::AuditArch => format!("{v:#x}"),
        }
    }

    fn same_everywhere(self, other: Fact) -> bool {
        Arch::ALL
            .into_iter()
            .all(|a| self.value(a) == other.value(a))
    }
}

/// The facts worth `v` on `arch`.
fn candidates(arch: Arch, v: i128, out: &mut Vec<Fact>) {
    out.extend(sys_names(arch, v).into_iter().map(Fact::Syscall));
    if let Some(names) = ioctls_by_value(arch).get(&v) {
        out.extend(names.iter().map(|n| Fact::Ioctl(n)));
    }
    if Fact::AuditArch.value(arch) == Some(v) {
        out.push(Fact::AuditArch);
    }
}

/// `arch`'s ioctl requests (names with an [`IOCTL_PREFIXES`] prefix) by value, in table
/// order (x/sys/unix, `syscall`, the kernel's), made on first use: [`identify`] asks for
/// every value of a literal, and a copy of x/sys at another import path declares
/// thousands (searching the tables each time was a tenth of a second on one).
fn ioctls_by_value(arch: Arch) -> &'static HashMap<i128, Vec<&'static str>> {
    static BY_ARCH: [OnceLock<HashMap<i128, Vec<&'static str>>>; Arch::ALL.len()] =
        [const { OnceLock::new() }; Arch::ALL.len()];
    BY_ARCH[arch.index()].get_or_init(|| {
        let lists = [
            Some(abi::table(arch, Package::Unix).consts),
            Some(abi::table(arch, Package::Syscall).consts),
            abi::kernel(arch).map(|k| k.consts),
        ];
        let mut by: HashMap<i128, Vec<&'static str>> = HashMap::new();
        for c in lists.into_iter().flatten().flat_map(|l| l.iter()) {
            if !IOCTL_PREFIXES.iter().any(|p| c.name.starts_with(p)) {
                continue;
            }
            if let Some(v) = c.value.as_int() {
                by.entry(v).or_default().push(c.name);
            }
        }
        by
    })
}

/// Whether `site`'s value is `fact`'s on some arch (copied from it, where it is wrong).
fn is_fact_somewhere(fact: Fact, site: &LiteralSite) -> bool {
    Arch::ALL
        .into_iter()
        .any(|a| fact.value(a) == Some(site.value))
}

/// Whether `fact` gives `site`'s value on every arch the site's file builds for.
fn explains(fact: Fact, site: &LiteralSite) -> bool {
    site.arches
        .iter()
        .all(|a| fact.value(a) == Some(site.value))
}

/// The one fact that explains the most declarations, when two or more of them with
/// different values agree with it entirely; `None` when none does or two unrelated facts
/// do equally well.
pub(super) fn identify(lit: &ArchLiteral) -> Option<Fact> {
    let sites: Vec<&LiteralSite> = lit.sites.iter().filter(|s| !s.arches.is_empty()).collect();
    let mut cands = Vec::new();
    for s in &sites {
        if let Some(a) = s.arches.iter().next() {
            candidates(a, s.value, &mut cands);
        }
    }
    cands.dedup();
    let mut best: Option<(Fact, usize)> = None;
    let mut tie = false;
    let mut seen: Vec<Fact> = Vec::new();
    for fact in cands {
        if seen.contains(&fact) {
            continue;
        }
        seen.push(fact);
        let mut values: Vec<i128> = sites
            .iter()
            .filter(|s| explains(fact, s))
            .map(|s| s.value)
            .collect();
        let n = values.len();
        values.sort_unstable();
        values.dedup();
        // Modem bits and flags (`TIOCM_ST` is 8) share the prefixes: a request is never
        // that small.
        let small = matches!(fact, Fact::Ioctl(_)) && values.iter().any(|v| *v < 0x100);
        if values.len() < 2 || small {
            continue;
        }
        match best {
            Some((_, m)) if m > n => {}
            Some((b, m)) if m == n => tie |= !b.same_everywhere(fact),
            _ => {
                best = Some((fact, n));
                tie = false;
            }
        }
    }
    if tie {
        return None;
    }
    let (fact, explained) = best?;
    // Small values coincide: goarch's `_PCQuantum` (1 on amd64, 4 on arm and ppc64) is
    // `SYS_WRITE` there, and "copied" on eight other arches. A table wrong on more files
    // than it is right is not that fact's.
    let copied = sites
        .iter()
        .filter(|s| !explains(fact, s) && is_fact_somewhere(fact, s))
        .count();
    (copied <= explained).then_some(fact)
}

/// What [`identify`] reads of a literal: its sites' arches and values, in order.
type SitesKey = Vec<(ArchSet, i128)>;

/// [`identify`] of `lit`, computed once per distinct literal (by what it reads, so no
/// answer outlives its index wrongly): the plan asks for every file declaring the name
/// and the check again, and each answer searches whole tables.
fn fact_of(lit: &ArchLiteral) -> Option<Fact> {
    type Facts = Mutex<HashMap<SitesKey, Arc<OnceLock<Option<Fact>>>>>;
    static FACTS: OnceLock<Facts> = OnceLock::new();
    let key: SitesKey = lit.sites.iter().map(|s| (s.arches, s.value)).collect();
    let cell = FACTS
        .get_or_init(Facts::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .entry(key)
        .or_default()
        .clone();
    *cell.get_or_init(|| identify(lit))
}

/// The targets `site` gives another value than `fact`'s: none unless the value is the
/// fact's on some other arch. A value copied from another arch is the mistake; a value
/// that is the fact on no arch means something else (socketcall's call numbers on 386 and
/// s390x beside the syscall numbers of the other arches).
fn wrong_arches(fact: Fact, site: &LiteralSite, targets: ArchSet) -> ArchSet {
    if !is_fact_somewhere(fact, site) {
        return ArchSet::EMPTY;
    }
    site.arches
        .intersect(targets)
        .iter()
        .filter(|a| fact.value(*a) != Some(site.value))
        .collect()
}

/// A declaration of this file whose value is wrong for some targets it builds for.
pub(super) struct WrongSite<'i> {
    pub lit: &'i ArchLiteral,
    pub site: &'i LiteralSite,
    pub fact: Fact,
    /// The targets the value is wrong for.
    pub wrong: ArchSet,
}

impl WrongSite<'_> {
    /// The one value every arch the file builds for needs, when they agree (then the
    /// literal can simply be replaced).
    pub(super) fn one_value(&self) -> Option<i128> {
        let mut need = self.site.arches.iter().map(|a| self.fact.value(a));
        let first = need.next()??;
        need.all(|v| v == Some(first)).then_some(first)
    }
}

/// The per-arch constants of `cx`'s file that give a target another value than the fact
/// their per-arch files agree on.
pub(super) fn wrong_sites<'i>(cx: &FileSyntax<'i>) -> Vec<WrongSite<'i>> {
    wrong_sites_in(cx.index, cx.file)
}

/// [`wrong_sites`] of `file`, from the package index alone: the declarations and their
/// values come from the token scanner, so the prefilter asks this before any parse.
pub(super) fn wrong_sites_in(index: &Index, file: FileId) -> Vec<WrongSite<'_>> {
    let mut out = Vec::new();
    let info = &index.files[file];
    if info.is_test {
        return out;
    }
    let targets = info.arches.intersect(index.targets);
    for lit in index.arch_literals_in(file) {
        let Some(fact) = fact_of(lit) else {
            continue;
        };
        for site in lit.sites.iter().filter(|s| s.file == file) {
            let wrong = wrong_arches(fact, site, targets);
            if !wrong.is_empty() {
                out.push(WrongSite {
                    lit,
                    site,
                    fact,
                    wrong,
                });
            }
        }
    }
    out
}

pub(super) fn check(cx: &FileSyntax<'_>, out: &mut Vec<Finding>) {
    for w in wrong_sites(cx) {
        let (name, v, fact) = (&w.lit.name, w.site.value, w.fact);
        let needs: Vec<(Arch, String)> = w
            .wrong
            .iter()
            .map(|a| (a, fact.value(a).map_or("absent".into(), |x| fact.show(x))))
            .collect();
        let what = match fact {
            Fact::AuditArch => "the audit arch".to_string(),
            _ => fact.name(Arch::Amd64),
        };
        let message = format!(
            "`{name}` is {} here for {}, but {what} is {}",
            fact.show(v),
            w.wrong,
            per_arch_values(&needs)
        );
        // Where the right values come from: the per-arch files that agree with the fact.
        let from: Vec<String> = w
            .lit
            .sites
            .iter()
            .filter(|s| s.file != cx.file && explains(fact, s))
            .map(|s| {
                format!(
                    "{} in {} ({})",
                    fact.show(s.value),
                    file_name(&cx.index.files[s.file].rel),
                    s.arches
                )
            })
            .collect();
        let source = match fact {
            Fact::Syscall(_) | Fact::Ioctl(_) => table_source(Package::Unix),
            Fact::AuditArch => "linux/audit.h; values from the x/sys tables",
        };
        let values = match fact {
            Fact::AuditArch => {
                let named: Vec<(Arch, String)> = w
                    .wrong
                    .iter()
                    .map(|a| {
                        let v = fact.value(a).map_or("absent".into(), |x| fact.show(x));
                        (a, format!("{} = {v}", fact.name(a)))
                    })
                    .collect();
                per_arch_values(&named)
            }
            _ => format!("{} is {}", fact.name(Arch::Amd64), per_arch_values(&needs)),
        };
        let fact_text = format!(
            "{values} ({source}); the per-arch files agree: {}; {} builds for {} and gives {}",
            from.join(", "),
            file_name(&cx.info().rel),
            w.site.arches,
            fact.show(v),
        );
        out.push(cx.finding_at(META.id, w.site.span, w.wrong, message, fact_text));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::tree::Span;

    fn lit(sites: &[(&[Arch], i128)]) -> ArchLiteral {
        ArchLiteral {
            package: 0,
            name: "x".into(),
            sites: sites
                .iter()
                .enumerate()
                .map(|(file, (arches, value))| LiteralSite {
                    file,
                    arches: arches.iter().copied().collect(),
                    value: *value,
                    span: Span {
                        start: 0,
                        end: 0,
                        line: 1,
                        column: 1,
                        end_line: 1,
                        end_column: 1,
                    },
                })
                .collect(),
        }
    }

    /// The facts of a value, as the tables give them searched one by one.
    fn searched(arch: Arch, v: i128) -> Vec<Fact> {
        let mut out: Vec<Fact> = Package::ALL
            .into_iter()
            .flat_map(|p| abi::table(arch, p).syscalls.iter())
            .filter(|c| c.value.as_int() == Some(v))
            .map(|c| Fact::Syscall(c.name))
            .collect();
        out.sort_unstable_by_key(|f| match f {
            Fact::Syscall(n) => *n,
            _ => "",
        });
        out.dedup();
        let lists = [
            Some(abi::table(arch, Package::Unix).consts),
            Some(abi::table(arch, Package::Syscall).consts),
            abi::kernel(arch).map(|k| k.consts),
        ];
        for c in lists.into_iter().flatten().flat_map(|l| l.iter()) {
            if c.value.as_int() == Some(v) && IOCTL_PREFIXES.iter().any(|p| c.name.starts_with(p)) {
                out.push(Fact::Ioctl(c.name));
            }
        }
        if Fact::AuditArch.value(arch) == Some(v) {
            out.push(Fact::AuditArch);
        }
        out
    }

    #[test]
    fn candidates_from_the_maps_are_the_tables_searched() {
        for arch in [Arch::Amd64, Arch::Mips64le, Arch::Ppc64] {
            let values: Vec<i128> = (abi::table(arch, Package::Unix).consts.iter())
                .chain(abi::table(arch, Package::Unix).syscalls.iter())
                .filter_map(|c| c.value.as_int())
                .chain([0, -1, 5000, 0x5413, 0x40087468, 0xc000003e])
                .collect();
            let mut found = 0;
            for v in values {
                let mut got = Vec::new();
                candidates(arch, v, &mut got);
                assert_eq!(got, searched(arch, v), "{arch} {v:#x}");
                found += usize::from(got.iter().any(|f| matches!(f, Fact::Ioctl(_))));
            }
            assert!(found > 100, "{arch}: {found} values name an ioctl");
        }
        // TIOCGWINSZ: 0x5413 on amd64, 0x40087468 on mips64le.
        let mut got = Vec::new();
        candidates(Arch::Mips64le, 0x40087468, &mut got);
        assert!(got.contains(&Fact::Ioctl("TIOCGWINSZ")), "{got:?}");
    }

    #[test]
    fn gettid_fallback_with_amd64s_number_is_wrong_on_mips64le() {
        let l = lit(&[
            (&[Arch::Amd64], 186),
            (&[Arch::Arm64], 178),
            (&[Arch::Mips64le, Arch::Riscv64], 186),
        ]);
        let fact = identify(&l).unwrap();
        assert_eq!(fact, Fact::Syscall("SYS_GETTID"));
        let targets: ArchSet = [Arch::Mips64le, Arch::Riscv64].into_iter().collect();
        assert_eq!(
            wrong_arches(fact, &l.sites[2], targets),
            [Arch::Mips64le, Arch::Riscv64].into_iter().collect()
        );
    }

    #[test]
    fn socketcall_numbers_are_no_syscall_numbers() {
        // x/net/internal/socket: sysRECVMMSG per arch, socketcall's 19 on 386.
        let l = lit(&[
            (&[Arch::Amd64], 0x12b),
            (&[Arch::Arm64], 0xf3),
            (&[Arch::I386], 19),
        ]);
        let fact = identify(&l).unwrap();
        assert_eq!(fact, Fact::Syscall("SYS_RECVMMSG"));
        assert!(wrong_arches(fact, &l.sites[2], ArchSet::single(Arch::I386)).is_empty());
    }

    #[test]
    fn sizes_are_no_ioctl_requests() {
        // sizeofIovec: 16 on 64-bit arches, 8 on mips; TIOCM_ST is 8, 0x10 on mips.
        let l = lit(&[(&[Arch::Amd64], 0x10), (&[Arch::Mips], 0x8)]);
        assert_eq!(identify(&l), None);
    }
}
