//! Rules: one module per rule, each with its doc under `rules/<id>.md`.
//!
//! A rule sees one parsed file at a time through [`FileCtx`] (`crate::types`): the
//! syntactic view computed once per file (tree, references, resolved imports, parent
//! links, the syscall scan), the package index, and per-arch type inference, shared by
//! every rule. No rule imports another: shared knowledge lives in the layers below.

pub mod abi_struct_drift;
pub mod arch_allowlist;
pub mod arch_constant_literal;
pub mod arch_keyed_table;
pub mod base_image_platform;
pub mod build_arch_list;
pub mod build_file;
pub mod epoll_event_layout;
pub mod facts;
mod groovy_words;
mod held;
#[cfg(test)]
mod holding_tests;
pub mod impossible_goarch;
pub mod invalid_suppression;
pub mod kernel_struct_mirror;
mod literal_edit;
pub mod missing_asm;
mod platform;
pub mod raw_syscall_abi;
mod shell_words;
pub mod stale_abi_pin;
pub mod struct_field_width;
pub mod syscall_number_literal;
mod undefined_member;
pub mod undefined_on_arch;
pub mod unused_suppression;

use crate::edit::FixCtx;
use crate::finding::Finding;
use crate::index::{AbiImport, FileId, Index};
use crate::syntax::calls::mentions;
pub use crate::types::FileCtx;
use crate::walk::BuildFileKind;
use build_file::BuildFileCtx;
use std::sync::Arc;

/// Which packages' typed declarations a file's check reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum TypeNeed {
    None,
    /// Its own package and the packages the file imports.
    Direct,
    /// Its own package and everything it imports, transitively.
    Transitive,
}

/// Whether a rule can produce fixes (declared, and checked by the corpus harness).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixAvailability {
    None,
    Sometimes,
    Always,
}

/// Which top-level declarations a rule's check reads of a file (`Rule::bodies`): the
/// scan leaves a function's body, or a package-level `var`'s literals (composite or func),
/// out of the parse when no rule checking the file reads that declaration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Bodies {
    /// Every declaration: the file is parsed whole.
    All,
    /// Those holding one of these byte offsets (a function's signature counts): the tokens
    /// where the check can report. Checking one reads nothing of the other declarations:
    /// Go scopes locals and closures to their function, and package-level names (funcs'
    /// signatures, types, vars, consts) come from the index or from what is always parsed
    /// (signatures, types, consts, vars without their literals' insides). Fixes and
    /// fingerprints read the whole file. The syscall scan's constants (`FileScan::consts`)
    /// are the exception: read in every scope, a name declared twice unknown, so a rule
    /// reading them holds every declaration with a `const` too.
    Holding(Vec<usize>),
}

/// A fix builder: attaches fixes (or why there is none) to a rule's findings.
pub type FixBuilder = fn(&FixCtx<'_>, &mut [Finding]);

/// What a rule is, as data: its names and docs, what it fixes, and the cheap tests that
/// pick the files it reads (the trait's defaults use them; a rule with subtler needs
/// overrides `wants`/`wants_source` or `plan_source`).
pub struct RuleMeta {
    /// Kebab-case id; names the module, the doc, the corpus dir and the snapshots.
    pub id: &'static str,
    /// One line, lowercase, no period.
    pub summary: &'static str,
    /// The full Markdown doc (`rules/<id>.md`).
    pub doc: &'static str,
    pub fix: FixAvailability,
    /// The files the rule reads, from the header: those importing an ABI package in this
    /// sense (`None`: the rule's own `wants`).
    pub imports: Option<AbiImport>,
    /// A file is parsed for the rule only when its bytes contain one of these words
    /// (empty: the rule's own `wants_source` or `plan_source`, else every file `wants`
    /// kept).
    pub words: &'static [&'static str],
    /// The rule's fix builder (`<rule>_fix.rs`), run once every file was checked.
    pub fixer: Option<FixBuilder>,
}

pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;
    /// Cheap pre-parse test from the file's header: does this file need a full parse?
    /// None for a rule that reads build files.
    fn wants(&self, index: &Index, file: FileId) -> bool {
        self.build_file_kinds().is_empty()
            && self
                .meta()
                .imports
                .is_none_or(|how| index.file_imports_abi(file, how))
    }
    /// Whether to check `file` although it builds for no arch (its constraint never holds):
    /// for a rule that reports the constraint itself. Such a file belongs to no package.
    fn checks_unbuilt(&self, _index: &Index, _file: FileId) -> bool {
        false
    }
    /// Second cut with the source at hand (a token scan, no parse), for files `wants` kept.
    /// `src.mentions` of a rule's `words` is answered without reading the file again.
    /// Asked through [`Rule::plan_source`]'s default: a rule overriding that one answers
    /// there.
    fn wants_source(&self, _index: &Index, _file: FileId, src: &SourceView<'_>) -> bool {
        let words = self.meta().words;
        words.is_empty() || words.iter().any(|w| src.mentions(w))
    }
    /// The top-level declarations the check reads of a file `wants_source` kept (`src`
    /// its bytes): all of them unless the rule says which.
    fn bodies(&self, _index: &Index, _file: FileId, _src: &[u8]) -> Bodies {
        Bodies::All
    }
    /// Whether the check reads nothing of a file's tree but the top-level declarations
    /// holding its `bodies`' offsets (and imports), package-level names coming from the
    /// index's typed declarations: then, when every rule checking the file says so, the
    /// top-level declarations none holds are left out of its parse whole, not only the
    /// function bodies among them.
    fn reads_held_only(&self) -> bool {
        false
    }
    /// What the plan asks with the source at hand: `None` to drop the file, else whether
    /// the same token scan found its `bodies` (`Some(None)`: ask `bodies` when needed).
    /// `wants_source` by default; a rule whose prefilter finds the offsets its bodies hold
    /// says both at once rather than scanning the file twice.
    fn plan_source(
        &self,
        index: &Index,
        file: FileId,
        src: &SourceView<'_>,
    ) -> Option<Option<Bodies>> {
        self.wants_source(index, file, src).then_some(None)
    }
    /// Check one parsed Go file: nothing for a rule that reads build files only.
    fn check(&self, _cx: &FileCtx<'_>, _out: &mut Vec<Finding>) {}
    /// The file's findings from its tokens alone, when they are exactly those `check`
    /// would give on its tree: the file is then parsed only for the other rules that kept
    /// it (not at all without one), without the declarations only this rule read. `None`:
    /// check it on the tree.
    fn judge_tokens(&self, _index: &Index, _file: FileId, _src: &[u8]) -> Option<Vec<Finding>> {
        None
    }
    /// How much the type inference (`crate::types`) must know to check this file, which
    /// the rule wants: the scan collects those packages' typed declarations first.
    fn type_need(&self, _index: &Index, _file: FileId, _src: &[u8]) -> TypeNeed {
        TypeNeed::None
    }
    /// The fix builder: once every file was checked, attach fixes (or why there is none)
    /// to this rule's findings — those whose `rule` is this rule's id; the others, sorted
    /// with them, are there to read (an edit two rules share must cover both). It reads
    /// the findings' payloads and the trees the scan kept (`cx.file_syntax`), and may read
    /// other files (the declaring file, x/sys). Runs the rule's `fixer`, if any.
    fn fix(&self, cx: &FixCtx<'_>, findings: &mut [Finding]) {
        if let Some(build) = self.meta().fixer {
            build(cx, findings);
        }
    }
    /// The build files (Makefiles, scripts, Dockerfiles, go.mod…) the rule reads instead
    /// of Go: none for a Go rule. Such a rule's default `wants` keeps no Go file.
    fn build_file_kinds(&self) -> &'static [BuildFileKind] {
        &[]
    }
    /// Check one build file of a kind the rule reads; fixes are attached here (a build
    /// file has no tree for a fix phase to read).
    fn check_build_file(&self, _cx: &BuildFileCtx<'_>, _out: &mut Vec<Finding>) {}
}

/// The words of the rules' `words` lists, searched for once per file in the header pass
/// (which reads every file anyway), so that planning reads again only the files some rule
/// must see the bytes of. At most 64: one bit each in a file's [`Needles::hits`].
pub struct Needles {
    words: Vec<&'static str>,
    searcher: Option<WordSearch>,
    /// Per word: its bit and those of the words inside it (present wherever it is).
    implied: Vec<u64>,
}

impl Needles {
    pub fn new(rules: &[&'static dyn Rule]) -> Needles {
        Needles::with_words(&[], rules)
    }

    /// The rules' words after `first` (never dropped for the limit): the header pass
    /// looks for other words of its own in the same search.
    pub fn with_words(first: &[&'static str], rules: &[&'static dyn Rule]) -> Needles {
        let of_rules = rules.iter().flat_map(|r| r.meta().words).copied();
        Needles::of_words(first.iter().copied().chain(of_rules))
    }

    /// Whether `hits` (of [`Needles::hits`]) has `word`'s bit; false for a word that is
    /// no needle.
    pub fn hit(&self, hits: u64, word: &str) -> bool {
        self.words
            .iter()
            .position(|w| *w == word)
            .is_some_and(|i| hits & (1 << i) != 0)
    }

    fn of_words(all: impl Iterator<Item = &'static str>) -> Needles {
        let mut words: Vec<&'static str> = Vec::new();
        for w in all {
            if !w.is_empty() && !words.contains(&w) && words.len() < 64 {
                words.push(w);
            }
        }
        let searcher = (!words.is_empty()).then(|| WordSearch::new(&words));
        let implied = words
            .iter()
            .map(|outer| {
                words
                    .iter()
                    .enumerate()
                    .filter(|(_, inner)| outer.contains(*inner))
                    .fold(0u64, |bits, (i, _)| bits | 1 << i)
            })
            .collect();
        Needles {
            words,
            searcher,
            implied,
        }
    }

    /// Bit `i` set when `src` mentions word `i`.
    pub fn hits(&self, src: &[u8]) -> u64 {
        let Some(searcher) = &self.searcher else {
            return 0;
        };
        let all = if self.words.len() == 64 {
            u64::MAX
        } else {
            (1u64 << self.words.len()) - 1
        };
        let mut hits = 0u64;
        // Every word that occurs is found: the search resumes one byte after each match's
        // start, so an occurrence is either the leftmost-longest match at its start or a
        // prefix of that match (its bit then comes with `implied`).
        let mut at = 0;
        while let Some((pattern, start)) = searcher.find_at(src, at) {
            hits |= self.implied[pattern];
            if hits == all {
                break;
            }
            at = start + 1;
        }
        hits
    }
}

/// The needles' search: leftmost-longest, not overlapping (the overlapping search made
/// the header pass 5x slower).
enum WordSearch {
    /// SIMD (Teddy) over all the words at once, where the CPU has it. Asked for by name:
    /// for two or three words the automaton's own choice is a prefilter on their first
    /// bytes, and with a common one (`abiport:`'s `a`) the walk of `--rules
    /// kernel-struct-mirror` took twice the whole scan's.
    Packed(aho_corasick::packed::Searcher),
    Automaton(aho_corasick::AhoCorasick),
    /// One word (the suppression marker alone): memchr's substring search is faster.
    One(memchr::memmem::Finder<'static>),
}

impl WordSearch {
    fn new(words: &[&str]) -> WordSearch {
        if let [word] = words {
            return WordSearch::One(memchr::memmem::Finder::new(word.as_bytes()).into_owned());
        }
        let packed = aho_corasick::packed::Config::new()
            .match_kind(aho_corasick::packed::MatchKind::LeftmostLongest)
            .builder()
            .extend(words)
            .build();
        packed.map_or_else(|| WordSearch::automaton(words), WordSearch::Packed)
    }

    /// The automaton's search, where the CPU has no SIMD search.
    fn automaton(words: &[&str]) -> WordSearch {
        WordSearch::Automaton(
            aho_corasick::AhoCorasick::builder()
                .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                .build(words)
                .expect("a few short literal words"),
        )
    }

    /// The word matched leftmost-longest at or after `at`, and where it starts.
    fn find_at(&self, src: &[u8], at: usize) -> Option<(usize, usize)> {
        let m = match self {
            WordSearch::One(f) => return Some((0, at + f.find(&src[at..])?)),
            WordSearch::Packed(p) => p.find_in(src, aho_corasick::Span::from(at..src.len()))?,
            WordSearch::Automaton(a) => a.find(aho_corasick::Input::new(src).range(at..))?,
        };
        Some((m.pattern().as_usize(), m.start()))
    }
}

/// A candidate file as `wants_source` sees it: which of the [`Needles`] it mentions is
/// known from the header pass; its bytes are read on first ask.
pub struct SourceView<'a> {
    needles: &'a Needles,
    hits: u64,
    load: &'a (dyn Fn() -> Option<Arc<Vec<u8>>> + Sync),
    bytes: std::sync::OnceLock<Option<Arc<Vec<u8>>>>,
}

impl<'a> SourceView<'a> {
    pub fn new(
        needles: &'a Needles,
        hits: u64,
        load: &'a (dyn Fn() -> Option<Arc<Vec<u8>>> + Sync),
    ) -> SourceView<'a> {
        SourceView {
            needles,
            hits,
            load,
            bytes: std::sync::OnceLock::new(),
        }
    }

    /// Whether the file mentions `word`: from the header pass's hits when it is a needle,
    /// else by reading the file.
    pub fn mentions(&self, word: &str) -> bool {
        match self.needles.words.iter().position(|w| *w == word) {
            Some(i) => self.hits & (1 << i) != 0,
            None => mentions(self.bytes(), word),
        }
    }

    /// The file's bytes, read now if not yet (empty when it cannot be read).
    pub fn bytes(&self) -> &[u8] {
        self.bytes
            .get_or_init(|| {
                let loaded = (self.load)();
                // The token passes of the rules' prefilters lex the file once.
                if let Some(src) = &loaded {
                    crate::lexer::offer_source(src);
                }
                loaded
            })
            .as_deref()
            .map_or(&[], |b| b.as_slice())
    }

    /// The bytes when they were read.
    pub fn into_loaded(self) -> Option<Arc<Vec<u8>>> {
        self.bytes.into_inner().flatten()
    }
}

/// For fix builders that need only each finding's own file: call `build` once per file
/// holding findings of rule `id`, with the file's view as its check had it (its tree grown
/// whole) and the findings of that file (every rule's; sorted findings keep a file's
/// together). Files run in parallel.
pub(crate) fn fix_per_file(
    cx: &FixCtx<'_>,
    findings: &mut [Finding],
    id: &str,
    build: impl Fn(&FileCtx<'_>, &mut [Finding]) + Sync + Send,
) {
    fix_files(cx, findings, id, true, build)
}

/// [`fix_per_file`] for builders that read only what the check read, the finding's own
/// declaration (and the declarations the check's rules hold): they get the check's tree,
/// not one grown whole (a reparse of the file; 30 ms for one of x/sys's `ztypes` files).
/// The declarations no rule holds may be missing from it (`Rule::reads_held_only`).
pub(crate) fn fix_per_file_checked(
    cx: &FixCtx<'_>,
    findings: &mut [Finding],
    id: &str,
    build: impl Fn(&FileCtx<'_>, &mut [Finding]) + Sync + Send,
) {
    fix_files(cx, findings, id, false, build)
}

fn fix_files(
    cx: &FixCtx<'_>,
    findings: &mut [Finding],
    id: &str,
    whole: bool,
    build: impl Fn(&FileCtx<'_>, &mut [Finding]) + Sync + Send,
) {
    use rayon::prelude::*;
    findings
        .par_chunk_by_mut(|a, b| a.file == b.file)
        .for_each(|chunk| {
            if !chunk.iter().any(|f| f.rule == id) {
                return;
            }
            let file = chunk[0].file;
            let syntax = if whole {
                cx.file_syntax(file)
            } else {
                cx.checked_syntax(file)
            };
            if let Some(syntax) = syntax {
                build(&FileCtx::new(&syntax), chunk);
            }
        });
}

/// The fix phase: every rule's fix builder over the sorted findings, in the order given.
pub fn build_fixes(rules: &[&'static dyn Rule], cx: &FixCtx<'_>, findings: &mut [Finding]) {
    for rule in rules {
        rule.fix(cx, findings);
    }
}

/// Every rule, in id order.
pub static RULES: &[&dyn Rule] = &[
    &abi_struct_drift::AbiStructDrift,
    &arch_allowlist::ArchAllowlist,
    &arch_constant_literal::ArchConstantLiteral,
    &arch_keyed_table::ArchKeyedTable,
    &base_image_platform::BaseImagePlatform,
    &build_arch_list::BuildArchList,
    &epoll_event_layout::EpollEventLayout,
    &impossible_goarch::ImpossibleGoarch,
    &invalid_suppression::InvalidSuppression,
    &kernel_struct_mirror::KernelStructMirror,
    &missing_asm::MissingAsm,
    &raw_syscall_abi::RawSyscallAbi,
    &stale_abi_pin::StaleAbiPin,
    &struct_field_width::StructFieldWidth,
    &syscall_number_literal::SyscallNumberLiteral,
    &undefined_on_arch::UndefinedOnArch,
    &unused_suppression::UnusedSuppression,
];

/// Whether one of `rules` reads the tree's `.s` files (the scan reads them only then).
pub fn reads_assembly(rules: &[&'static dyn Rule]) -> bool {
    rules.iter().any(|r| r.meta().id == missing_asm::META.id)
}

/// Whether one of `rules` filters files by the tree's types (whose fields vary by arch,
/// or that lead to a value of a type some target lacks a member of): the scan then lexes
/// them before planning (`Index::local_width_of`, `Index::set_reach`).
pub fn reads_local_types(rules: &[&'static dyn Rule]) -> bool {
    rules.iter().any(|r| {
        r.meta().id == struct_field_width::META.id || r.meta().id == undefined_on_arch::META.id
    })
}

/// Whether one of `rules` compares the tree's copies of the table packages with the
/// tables before parsing them (abi-struct-drift's prefilter): the scan then lexes the
/// copies' typed declarations before planning (`Index::set_copy_types`).
pub fn reads_copy_types(rules: &[&'static dyn Rule]) -> bool {
    rules
        .iter()
        .any(|r| r.meta().id == abi_struct_drift::META.id)
}

pub fn by_id(id: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|r| r.meta().id == id)
}

pub fn ids() -> impl Iterator<Item = &'static str> {
    RULES.iter().map(|r| r.meta().id)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The header pass's hits answer `mentions` exactly as a search of the bytes does, for
    /// every rule's words (one inside another too), without reading the file again.
    #[test]
    fn needle_hits_answer_as_the_bytes_do() {
        let needles = Needles::new(RULES);
        assert!(needles.words.contains(&"GOARCH") && needles.words.contains(&"SYS_"));
        let sources: [&[u8]; 6] = [
            b"",
            b"package p\n",
            b"package p\nvar _ = runtime.GOARCH == \"mips64le\"\n",
            b"package p\n// AUDIT_ARCH_X86_64 SCMP_ARCH_MIPSEL64 unix.EpollEvent{}\n",
            b"package p\nfunc f() { syscall.Syscall(unix.SYS_EPOLL_WAIT, 0, 0, 0) }\n",
            b"package p\nvar m = map[string]int{\"GOOS\": 1} // epoll_event epollEvent Uname \"uname\"\n",
        ];
        for src in sources {
            let hits = needles.hits(src);
            let load = || -> Option<Arc<Vec<u8>>> { panic!("read again for a needle") };
            let view = SourceView::new(&needles, hits, &load);
            for w in RULES.iter().flat_map(|r| r.meta().words) {
                assert_eq!(
                    view.mentions(w),
                    mentions(src, w),
                    "{w} in {:?}",
                    String::from_utf8_lossy(src)
                );
            }
        }
    }

    /// Words inside and across each other: every one found exactly when it occurs.
    #[test]
    fn overlapping_needles_are_all_found() {
        let needles = Needles::of_words(["ab", "abc", "bcd", "c", "cab", "SYS_", "S"].into_iter());
        let texts: [&[u8]; 7] = [
            b"abcd",
            b"xcabx",
            b"abab",
            b"bc",
            b"SYS",
            b"xSYS_",
            b"aabbccabcd",
        ];
        for src in texts {
            let hits = needles.hits(src);
            for (i, w) in needles.words.iter().enumerate() {
                assert_eq!(
                    hits & (1 << i) != 0,
                    mentions(src, w),
                    "{w} in {:?}",
                    String::from_utf8_lossy(src)
                );
            }
        }
    }

    /// Each way of searching (one word, the packed SIMD search, the automaton where the
    /// CPU has no SIMD search) finds every word exactly where it occurs, in texts shorter
    /// and longer than the SIMD search's block.
    #[test]
    fn every_search_finds_what_occurs() {
        let long = format!("{}Syscall abiport:{}SYS_", " a".repeat(40), "x".repeat(70));
        let texts: [&[u8]; 6] = [
            b"",
            b"a",
            b"abiport:",
            b"RawSyscall6",
            b"// aaaa abiport abiport:ignore",
            long.as_bytes(),
        ];
        let sets: [&[&'static str]; 3] = [
            &["abiport:"],
            &["abiport:", "Syscall"],
            &["abiport:", "Syscall", "SYS_", "Sys", "a"],
        ];
        for words in sets {
            let chosen = Needles::of_words(words.iter().copied());
            match chosen.searcher {
                Some(WordSearch::One(_)) => assert_eq!(words.len(), 1),
                Some(WordSearch::Packed(_)) => assert!(words.len() > 1),
                // Only where the CPU has no SIMD search.
                Some(WordSearch::Automaton(_)) => {
                    #[cfg(target_arch = "x86_64")]
                    assert!(!std::arch::is_x86_feature_detected!("ssse3"));
                }
                None => panic!("no search for {words:?}"),
            }
            let mut automaton = Needles::of_words(words.iter().copied());
            automaton.searcher = Some(WordSearch::automaton(words));
            for src in texts {
                let hits = automaton.hits(src);
                for (i, w) in words.iter().enumerate() {
                    assert_eq!(hits & (1 << i) != 0, mentions(src, w), "{w}");
                }
                assert_eq!(chosen.hits(src), hits, "{words:?} in {src:?}");
            }
        }
    }

    /// The header pass's own words come first and are found beside every rule's words,
    /// inside them or not.
    #[test]
    fn words_before_the_rules_are_kept_and_found() {
        let needles = Needles::with_words(&["abiport:"], RULES);
        assert_eq!(needles.words[0], "abiport:");
        for (src, marker) in [
            (&b"x := unix.SYS_READ // abiport:ignore"[..], true),
            (b"//abiport:", true),
            (b"// abiport ignore: unix.Stat_t", false),
        ] {
            let hits = needles.hits(src);
            assert_eq!(needles.hit(hits, "abiport:"), marker);
            for w in &needles.words {
                assert_eq!(needles.hit(hits, w), mentions(src, w), "{w}");
            }
        }
        assert!(!needles.hit(u64::MAX, "not a needle"));
    }

    /// A word that is no rule's needle is looked for in the bytes, read on first ask.
    #[test]
    fn other_words_read_the_file() {
        let needles = Needles::new(RULES);
        let src: &[u8] = b"package p\nfunc f() {}\n";
        let load = || Some(Arc::new(src.to_vec()));
        let view = SourceView::new(&needles, needles.hits(src), &load);
        assert!(view.mentions("func") && !view.mentions("const"));
        assert_eq!(view.into_loaded().as_deref().map(Vec::as_slice), Some(src));
    }
}
