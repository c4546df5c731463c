//! What the rules for porting blockers outside Go share (not a rule): the view of one
//! build file ([`BuildFileCtx`]), spans and findings in it, and the names Go, Debian,
//! `uname -m` and OCI platforms give an arch ([`arch_word`]).
//!
//! Build files are read as text, never parsed by tree-sitter: each rule reads the forms it
//! documents (`rules/<id>.md`) and stays silent on anything else.

use crate::arch::{Arch, ArchSet};
use crate::constraints::tags::KNOWN_OS;
use crate::constraints::CgoSet;
use crate::finding::{Anchor, Edit, Finding, Fix, Payload, Severity, Span};
use crate::index::FileId;
use crate::walk::BuildFileKind;
use std::path::PathBuf;

/// The `file` of a finding in a build file (not a Go file of the index).
pub const BUILD_FILE: FileId = FileId::MAX;

/// What the scan knows about the tree that a build-file rule may ask.
#[derive(Clone, Debug, Default)]
pub struct TreeFacts {
    pub root: PathBuf,
    /// The Go files importing `golang.org/x/sys/unix` (root-relative) and the arches each
    /// builds for under any judged cgo setting.
    pub xsys_users: Vec<(String, ArchSet)>,
    /// abiport.toml's `[[base-image]]` entries, as `[[image]]` TOML (base-image-platform).
    pub extra_base_images: Option<String>,
    /// Images read from disk (`--image-store`, `[[base-image]]` layouts), each under the
    /// references it is known by: base-image-platform's ground truth, before any table.
    pub local_images: Vec<crate::image::LocalImage>,
    /// The tree's Dockerfiles and Containerfiles (root-relative): the per-arch
    /// `Dockerfile.<arch>` sets a build may name (build-arch-list).
    pub dockerfiles: Vec<String>,
}

/// One build file as a rule sees it.
pub struct BuildFileCtx<'a> {
    pub kind: BuildFileKind,
    /// Root-relative, as findings name it.
    pub path: &'a str,
    pub src: &'a str,
    pub targets: ArchSet,
    pub reference: Arch,
    /// The cgo settings judged: build files do not vary by them.
    pub configs: CgoSet,
    pub tree: &'a TreeFacts,
    lines: Vec<usize>,
}

impl<'a> BuildFileCtx<'a> {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        kind: BuildFileKind,
        path: &'a str,
        src: &'a str,
        targets: ArchSet,
        reference: Arch,
        configs: CgoSet,
        tree: &'a TreeFacts,
    ) -> BuildFileCtx<'a> {
        let lines = crate::syntax::tree::line_starts(src.as_bytes());
        BuildFileCtx {
            kind,
            path,
            src,
            targets,
            reference,
            configs,
            tree,
            lines,
        }
    }

    /// The span of bytes `start..end`, with 1-based lines and byte columns.
    pub fn span(&self, start: usize, end: usize) -> Span {
        Span::from_offsets(&self.lines, start, end)
    }

    /// A finding of `rule` at `start..end`; `context` names where it sits without a line
    /// number (the variable, the key, the instruction), for its fingerprint.
    #[allow(clippy::too_many_arguments)]
    pub fn finding(
        &self,
        rule: &'static str,
        start: usize,
        end: usize,
        arches: ArchSet,
        context: &str,
        message: String,
        fact: String,
    ) -> Finding {
        let snippet = self.src.get(start..end).unwrap_or("");
        let snippet = snippet.split_whitespace().collect::<Vec<_>>().join(" ");
        Finding {
            rule,
            severity: Severity::Error,
            file: BUILD_FILE,
            path: self.path.to_string(),
            span: self.span(start, end),
            arches,
            configs: self.configs,
            message,
            fact,
            payload: Payload::None,
            no_fix: None,
            fix: None,
            anchor: Some(Anchor {
                code: format!("{context}\0{snippet}"),
                occurrence: 0,
            }),
        }
    }
}

/// How a list spells its arches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Spelling {
    /// GOARCH values: `amd64 arm64 mips64le`.
    Go,
    /// Debian architectures: `amd64 arm64 armhf ppc64el mips64el`.
    Debian,
    /// `uname -m` machine names: `x86_64 aarch64 mips64`.
    Uname,
    /// OCI platforms: `linux/amd64`, `linux/arm/v7`.
    Platform,
}

/// One word of a list read as an arch name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ArchWord {
    /// The Linux arches it names (empty for another OS's platform, `darwin/arm64`; two for
    /// `uname -m`'s `mips64`, which both MIPS64 byte orders print).
    pub arches: ArchSet,
    /// The spelling it proves (`amd64` reads as Go's; `armhf` only as Debian's).
    pub spelling: Spelling,
}

/// Debian's architecture names that Go does not use, with the GOARCH each means.
const DEBIAN_ONLY: &[(&str, Arch)] = &[
    ("i386", Arch::I386),
    ("armhf", Arch::Arm),
    ("armel", Arch::Arm),
    ("ppc64el", Arch::Ppc64le),
    ("mips64el", Arch::Mips64le),
    ("mipsel", Arch::Mipsle),
];

/// `uname -m` names that Go does not use, with the GOARCH each means.
const UNAME_ONLY: &[(&str, Arch)] = &[
    ("x86_64", Arch::Amd64),
    ("aarch64", Arch::Arm64),
    ("armv7l", Arch::Arm),
    ("armv6l", Arch::Arm),
    ("i686", Arch::I386),
    ("loongarch64", Arch::Loong64),
];

/// The arch a word of a list names, if it names one.
pub fn arch_word(word: &str) -> Option<ArchWord> {
    if let Some((os, rest)) = word.split_once('/') {
        if !KNOWN_OS.contains(&os) {
            return None;
        }
        let (arch, variant) = rest.split_once('/').unwrap_or((rest, ""));
        if !variant.is_empty() && !variant.chars().all(|c| c.is_ascii_alphanumeric()) {
            return None;
        }
        let a = Arch::from_name(arch)?;
        let arches = if os == "linux" {
            ArchSet::single(a)
        } else {
            ArchSet::EMPTY
        };
        return Some(ArchWord {
            arches,
            spelling: Spelling::Platform,
        });
    }
    if let Some(a) = Arch::from_name(word) {
        return Some(ArchWord {
            arches: ArchSet::single(a),
            spelling: Spelling::Go,
        });
    }
    if let Some((_, a)) = DEBIAN_ONLY.iter().find(|(n, _)| *n == word) {
        return Some(ArchWord {
            arches: ArchSet::single(*a),
            spelling: Spelling::Debian,
        });
    }
    if let Some((_, a)) = UNAME_ONLY.iter().find(|(n, _)| *n == word) {
        return Some(ArchWord {
            arches: ArchSet::single(*a),
            spelling: Spelling::Uname,
        });
    }
    None
}

/// Whether `src` holds one of the names [`arch_word`] and [`uname_arches`] read as an arch
/// (a GOARCH, a Debian or a `uname -m` name, inside an OCI platform or not): a file
/// without one holds no list of arches, and is not tokenized for one (most scripts and
/// Makefiles of a tree; their tokenizing was most of the build files' time).
pub fn mentions_arch_name(src: &str) -> bool {
    static NAMES: std::sync::OnceLock<aho_corasick::AhoCorasick> = std::sync::OnceLock::new();
    NAMES
        .get_or_init(|| {
            let mut names: Vec<&str> = Arch::ALL.iter().map(|a| a.name()).collect();
            names.extend(Arch::ALL.iter().flat_map(|a| a.uname_machines()));
            names.extend(DEBIAN_ONLY.iter().chain(UNAME_ONLY).map(|(n, _)| *n));
            aho_corasick::AhoCorasick::new(names).expect("a few short literal names")
        })
        .is_match(src)
}

/// The arches a `uname -m` value names: `mips64` and `mips` are printed by both byte
/// orders of their arch.
pub fn uname_arches(word: &str) -> Option<ArchSet> {
    match word {
        "mips64" => Some(ArchSet::single(Arch::Mips64).union(ArchSet::single(Arch::Mips64le))),
        "mips" => Some(ArchSet::single(Arch::Mips).union(ArchSet::single(Arch::Mipsle))),
        _ => arch_word(word)
            .filter(|w| w.spelling != Spelling::Platform)
            .map(|w| w.arches),
    }
}

/// What `uname -m` prints on a Linux host of `arch`.
pub fn uname_name(arch: Arch) -> &'static str {
    arch.uname_machine()
}

/// Debian's name for `arch`.
pub fn debian_name(arch: Arch) -> &'static str {
    DEBIAN_ONLY
        .iter()
        .find(|(n, a)| *a == arch && *n != "armel")
        .map_or(arch.name(), |(n, _)| n)
}

/// `arch` in `spelling` (`None` for `uname -m`, where `mips64` names both byte orders).
pub fn spell(arch: Arch, spelling: Spelling) -> Option<String> {
    match spelling {
        Spelling::Go => Some(arch.name().to_string()),
        Spelling::Debian => Some(debian_name(arch).to_string()),
        Spelling::Platform => Some(format!("linux/{}", arch.name())),
        Spelling::Uname => None,
    }
}

/// How the target's names read in a message: "mips64le (Debian: mips64el, `uname -m`:
/// mips64)".
pub fn names_of(arch: Arch) -> String {
    let mut other = Vec::new();
    if debian_name(arch) != arch.name() {
        other.push(format!("Debian: {}", debian_name(arch)));
    }
    if uname_name(arch) != arch.name() {
        other.push(format!("`uname -m`: {}", uname_name(arch)));
    }
    if other.is_empty() {
        arch.name().to_string()
    } else {
        format!("{} ({})", arch.name(), other.join(", "))
    }
}

/// One item of a list in a build file: its text without quotes, and where it is (with
/// its quotes, when it has its own).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub text: String,
    pub start: usize,
    pub end: usize,
    pub quote: Option<char>,
}

/// A list whose items all name arches, with at least two Linux arches, that lacks some
/// targets.
#[derive(Clone, Debug)]
pub struct ArchList {
    pub items: Vec<Item>,
    pub present: ArchSet,
    pub missing: ArchSet,
    pub spelling: Spelling,
}

/// Judge a list: `Some` when every item names an arch, at least two Linux arches are
/// named, and some target is not.
pub fn judge_list(items: &[Item], targets: ArchSet) -> Option<ArchList> {
    if items.len() < 2 {
        return None;
    }
    let mut present = ArchSet::EMPTY;
    let mut spellings = Vec::new();
    for it in items {
        let w = arch_word(&it.text)?;
        present = present.union(w.arches);
        spellings.push(w.spelling);
    }
    // A name both Go and Debian use reads as Go's; one name only Debian or uname uses
    // decides the list's spelling.
    let spelling = [Spelling::Platform, Spelling::Debian, Spelling::Uname]
        .into_iter()
        .find(|s| spellings.contains(s))
        .unwrap_or(Spelling::Go);
    if spelling == Spelling::Uname {
        // `mips64` in a uname list stands for both byte orders.
        for it in items {
            if let Some(a) = uname_arches(&it.text) {
                present = present.union(a);
            }
        }
    }
    let missing = targets.minus(present);
    (present.len() >= 2 && !missing.is_empty()).then(|| ArchList {
        items: items.to_vec(),
        present,
        missing,
        spelling,
    })
}

impl ArchList {
    /// The list as written (items only).
    pub fn shown(&self) -> String {
        self.items
            .iter()
            .map(|i| i.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    pub fn start(&self) -> usize {
        self.items[0].start
    }

    pub fn end(&self) -> usize {
        self.items[self.items.len() - 1].end
    }

    /// The edit appending the missing arches after the last item, in the list's spelling,
    /// separator and quoting; `None` for a `uname -m` list.
    pub fn append(&self, src: &str) -> Option<Edit> {
        let n = self.items.len();
        let (prev, last) = (&self.items[n - 2], &self.items[n - 1]);
        let sep = without_comment(src.get(prev.end..last.start)?);
        let mut text = String::new();
        for a in self.missing.iter() {
            let name = spell(a, self.spelling)?;
            text.push_str(&sep);
            match last.quote {
                Some(q) => text.push_str(&format!("{q}{name}{q}")),
                None => text.push_str(&name),
            }
        }
        Some(Edit::insert(last.end, text))
    }

    /// The fix appending the missing arches.
    pub fn fix(&self, src: &str) -> Option<Fix> {
        let edit = self.append(src)?;
        let names: Vec<String> = self
            .missing
            .iter()
            .filter_map(|a| spell(a, self.spelling))
            .collect();
        Some(Fix::safe(
            format!("add {} to the arch list", names.join(", ")),
            vec![edit],
        ))
    }
}

/// A separator spanning lines without the comment that ends its first line
/// (`, // amd64 hosts\n    ` → `,\n    `): appended items get no copy of it.
fn without_comment(sep: &str) -> String {
    let Some(nl) = sep.rfind('\n') else {
        return sep.to_string();
    };
    match sep[..nl].find("//").or_else(|| sep[..nl].find('#')) {
        Some(c) => format!("{}{}", sep[..c].trim_end(), &sep[nl..]),
        None => sep.to_string(),
    }
}

/// Split `text` (at byte `base` of the file) into items at whitespace, commas and
/// backslash-newlines, stripping each item's own quotes. `None` when a quote is left
/// open.
pub fn split_items(text: &str, base: usize, seps: &[char]) -> Option<Vec<Item>> {
    let mut items = Vec::new();
    let b = text.as_bytes();
    let mut i = 0;
    let is_sep = |c: u8| c.is_ascii_whitespace() || seps.contains(&(c as char)) || c == b'\\';
    while i < b.len() {
        if is_sep(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        let quote = matches!(b[i], b'"' | b'\'').then(|| b[i] as char);
        if let Some(q) = quote {
            let close = text[i + 1..].find(q)? + i + 1;
            items.push(Item {
                text: text[i + 1..close].to_string(),
                start: base + start,
                end: base + close + 1,
                quote,
            });
            i = close + 1;
            continue;
        }
        while i < b.len() && !is_sep(b[i]) {
            i += 1;
        }
        items.push(Item {
            text: text[start..i].to_string(),
            start: base + start,
            end: base + i,
            quote: None,
        });
    }
    Some(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(names: &str) -> ArchSet {
        ArchSet::parse_list(names).unwrap()
    }

    /// Every name a list's word is read as holds a name the prefilter looks for; a file
    /// with no such name (another word that merely looks alike) is skipped.
    #[test]
    fn every_arch_word_is_a_mentioned_arch_name() {
        let mut words: Vec<String> = Vec::new();
        for a in Arch::ALL {
            words.push(a.name().to_string());
            words.push(format!("linux/{}", a.name()));
            words.push(format!("darwin/{}/v8", a.name()));
            words.extend(a.uname_machines().iter().map(|m| m.to_string()));
        }
        words.extend(
            DEBIAN_ONLY
                .iter()
                .chain(UNAME_ONLY)
                .map(|(n, _)| n.to_string()),
        );
        // (`armv8l`, which a 32-bit ARM userland on ARMv8 prints, is not read as one.)
        words.retain(|w| arch_word(w).is_some() || uname_arches(w).is_some());
        assert!(words.len() > 3 * Arch::ALL.len(), "{words:?}");
        for w in &words {
            assert!(mentions_arch_name(&format!("ARCHES := {w} x\n")), "{w}");
        }
        assert!(!mentions_arch_name(
            "#!/bin/sh\nset -e\ngo build ./...\nX86 ARM64 mip\n"
        ));
    }

    #[test]
    fn words_and_spellings() {
        assert_eq!(arch_word("mips64el").unwrap().spelling, Spelling::Debian);
        assert_eq!(arch_word("amd64").unwrap().spelling, Spelling::Go);
        assert_eq!(arch_word("x86_64").unwrap().arches, set("amd64"));
        let p = arch_word("linux/arm/v7").unwrap();
        assert_eq!((p.arches, p.spelling), (set("arm"), Spelling::Platform));
        assert!(arch_word("darwin/arm64").unwrap().arches.is_empty());
        assert!(arch_word("linux").is_none());
        assert!(arch_word("amd64.go").is_none());
        assert_eq!(uname_arches("mips64").unwrap(), set("mips64,mips64le"));
        assert_eq!(debian_name(Arch::Mips64le), "mips64el");
        assert_eq!(debian_name(Arch::Arm), "armhf");
    }

    #[test]
    fn lists_are_judged_and_appended_in_their_spelling() {
        let src = "linux/amd64,linux/arm64";
        let items = split_items(src, 0, &[',']).unwrap();
        let list = judge_list(&items, set("mips64le")).unwrap();
        let e = list.append(src).unwrap();
        assert_eq!((e.start, e.text.as_str()), (src.len(), ",linux/mips64le"));
        let src = "amd64 armhf arm64";
        let items = split_items(src, 0, &[]).unwrap();
        let list = judge_list(&items, set("mips64le,riscv64")).unwrap();
        assert_eq!(list.append(src).unwrap().text, " mips64el riscv64");
        let src = r#"["amd64", "arm64"]"#;
        let items = split_items(&src[1..src.len() - 1], 1, &[',']).unwrap();
        let list = judge_list(&items, set("mips64le")).unwrap();
        assert_eq!(list.append(src).unwrap().text, r#", "mips64le""#);
        // A comment between the last two items is not copied.
        assert_eq!(without_comment(", // x86\n  "), ",\n  ");
        assert_eq!(without_comment(" \\\n\t"), " \\\n\t");
        // One Linux arch, another word, or the target present: not a list to report.
        let judge = |s: &str| judge_list(&split_items(s, 0, &[',']).unwrap(), set("mips64le"));
        assert!(judge("linux/amd64,darwin/arm64").is_none());
        assert!(judge("amd64 arm64 $(EXTRA)").is_none());
        assert!(judge("amd64 arm64 mips64el").is_none());
        assert!(judge("x86_64 aarch64 mips64").is_none());
        assert!(judge("x86_64 aarch64")
            .unwrap()
            .append("x86_64 aarch64")
            .is_none());
    }
}
