//! Which names can bring a value of some types into a file, known before any parse: the
//! types themselves, and every declaration the type inference can read whose type leads
//! to one (a struct with such a field, a func or method returning one, a typed var, a
//! named type over one), of the tables and of the tree's lexed declarations, to a fixed
//! point. A file that spells none of these names holds no expression the inference types
//! as one of them: an expression's type comes from a name it spells (a conversion, a
//! literal, an assertion, a declaration) or from a declaration elsewhere, which then is
//! one of these. Names resolve as Go scopes them (a package's own names, `q.N` through
//! the declaring file's imports); methods by name alone, as a selector spells them. Each
//! name carries which seeds it leads to ([`Seeds`]), so that a field is kept only where a
//! name leads to a struct in which that field differs.

use super::decls::{ItemKind, TypedItem};
use super::name_filter::NameFilter;
use super::{FileId, Index, Target};
use crate::abi;
use crate::arch::{Arch, ArchSet};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use std::sync::Arc;

/// Which of the seed types a name can bring a value of: for `struct-field-width`, one bit
/// per table struct whose fields differ (past the 255th they share the last), then one per
/// tree's own type declared per arch (`LocalWidth::types`; past the last bit they share
/// it); for the member check, any bit.
pub type Seeds = ethnum::U256;

/// The names that can bring a value of some types into a file, with which.
#[derive(Default)]
pub struct Reach {
    /// Package-level names (types, funcs, vars) and the packages declaring them.
    names: FxHashMap<String, Vec<(Target, Seeds)>>,
    /// Methods returning such a value.
    methods: FxHashMap<String, Seeds>,
    /// The packages of the tree declaring one of `names`.
    declaring: FxHashSet<super::PkgId>,
    /// Over `names` and `methods`: most identifiers are neither (no hash lookup then).
    filter: NameFilter,
}

/// [`Reach`] for the rules that read it.
#[derive(Default)]
pub struct Reaches {
    /// Types whose fields may differ by arch (`struct-field-width`).
    pub width: Reach,
    /// Types with a member some target lacks (`undefined-on-arch`'s member check).
    pub members: Reach,
    /// `EpollEvent`, of the tables and of every package of the tree declaring one
    /// (`epoll-event-layout`: its layout differs by arch though no field of the
    /// reference's does).
    pub epoll_event: Reach,
    /// Per field name, the table structs of `width` in which it differs by arch.
    width_fields: FxHashMap<&'static str, Seeds>,
}

impl Reaches {
    /// The table structs of [`Reaches::width`] whose field `name` differs by arch.
    pub fn width_field(&self, name: &str) -> Seeds {
        self.width_fields.get(name).copied().unwrap_or(Seeds::ZERO)
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Key<'a> {
    Decl(Target, &'a str),
    Method(&'a str),
}

/// A declaration that leads to a seed when one of the names its type spells does.
struct Entry<'a> {
    key: Key<'a>,
    words: Vec<Key<'a>>,
}

impl Reach {
    fn from_map(keys: FxHashMap<Key<'_>, Seeds>) -> Reach {
        let mut out = Reach::default();
        for (k, seeds) in keys {
            match k {
                Key::Decl(t, n) => {
                    if let Target::Local(p) = t {
                        out.declaring.insert(p);
                    }
                    out.names.entry(n.to_string()).or_default().push((t, seeds))
                }
                Key::Method(m) => {
                    *out.methods.entry(m.to_string()).or_default() |= seeds;
                }
            }
        }
        out.filter = NameFilter::new(
            out.names
                .keys()
                .chain(out.methods.keys())
                .map(String::as_str),
        );
        out
    }

    /// The seeds the names `src`, a file of the tree, spells can bring (unqualified in
    /// its own package or through a dot import, `q.N` through its imports, a method), per
    /// top-level function of `src` (its signature and body; none known when the file's
    /// brackets do not close as Go's would) and for the rest of the file; good for
    /// [`Mentions::at`] at `offsets` alone: only the functions holding one of them are
    /// read (with the code outside every function), each lexed on its own. An offset
    /// outside every function needs them all.
    pub fn mentions_at(
        &self,
        index: &Index,
        file: FileId,
        src: &[u8],
        offsets: &[usize],
    ) -> Mentions {
        let funcs: Vec<(usize, usize)> = crate::lexer::top_blocks(src)
            .unwrap_or_default()
            .iter()
            .filter(|b| src[b.decl..].starts_with(b"func"))
            .map(|b| (b.decl, b.end))
            .collect();
        let mut out = Mentions {
            rest: Seeds::ZERO,
            per_func: vec![Seeds::ZERO; funcs.len()],
            funcs,
        };
        let names = Names::of(index, file);
        let mut needed = vec![false; out.funcs.len()];
        for &off in offsets {
            match out.func_at(off) {
                Some(i) => needed[i] = true,
                None => needed.iter_mut().for_each(|n| *n = true),
            }
        }
        // The functions and the gaps between them start at the top level: each is lexed
        // as it would be in the whole file.
        let mut from = 0;
        for (i, &(start, end)) in out.funcs.iter().enumerate() {
            let rest = &mut out.rest;
            self.each_mention(&names, src, from..start.max(from), |_, s| *rest |= s);
            if needed[i] {
                let seeds = &mut out.per_func[i];
                self.each_mention(&names, src, start..end, |_, s| *seeds |= s);
            }
            from = end;
        }
        let rest = &mut out.rest;
        self.each_mention(&names, src, from..src.len(), |_, s| *rest |= s);
        out
    }

    /// Calls `f(offset, seeds)` for each name `src[range]` spells that brings some seeds.
    fn each_mention(
        &self,
        names: &Names,
        src: &[u8],
        range: std::ops::Range<usize>,
        mut f: impl FnMut(usize, Seeds),
    ) {
        crate::lexer::for_each_ident_next_in(src, range.clone(), |n, selected, _, at| {
            let seeds = self.ident_seeds(names, n, selected);
            if seeds != 0 {
                f(at, seeds);
            }
        });
        crate::lexer::for_each_selector_in(src, range, |q, n, at| {
            let seeds = self.selector_seeds(names, q, n);
            if seeds != 0 {
                f(at, seeds);
            }
        });
    }

    /// The seeds identifier `n` brings: a method when `selected`, else a name of the
    /// file's own package or of a dot import.
    fn ident_seeds(&self, names: &Names, n: &str, selected: bool) -> Seeds {
        if !self.filter.may_contain(n) {
            return Seeds::ZERO;
        }
        if selected {
            return self.methods.get(n).copied().unwrap_or(Seeds::ZERO);
        }
        let Some(ts) = self.names.get(n) else {
            return Seeds::ZERO;
        };
        ts.iter()
            .filter(|(t, _)| Some(*t) == names.own || names.dotted.contains(t))
            .fold(Seeds::ZERO, |all, (_, s)| all | s)
    }

    /// The seeds `q.n` brings through the file's import `q`.
    fn selector_seeds(&self, names: &Names, q: &str, n: &str) -> Seeds {
        if !self.filter.may_contain(n) {
            return Seeds::ZERO;
        }
        let Some(ts) = self.names.get(n) else {
            return Seeds::ZERO;
        };
        let mut seeds = Seeds::ZERO;
        for (_, t) in names.bindings.iter().filter(|(a, _)| a == q) {
            for (t2, s) in ts {
                if Some(*t2) == *t {
                    seeds |= *s;
                }
            }
        }
        seeds
    }

    /// Whether package `p` of the tree declares a name that can bring such a value.
    pub fn declared_in(&self, p: super::PkgId) -> bool {
        self.declaring.contains(&p)
    }

    /// The [`SkimMentions`] of `file`.
    pub fn skim(&self, index: &Index, file: FileId) -> SkimMentions<'_> {
        SkimMentions {
            reach: self,
            names: Names::of(index, file),
        }
    }
}

/// [`Reach`] over the words [`crate::lexer::skim::any_ident`] meets in one file: the seeds
/// each can bring, a superset of what [`Reach::mentions_at`] finds there (no tokens).
pub struct SkimMentions<'r> {
    reach: &'r Reach,
    names: Names,
}

impl SkimMentions<'_> {
    pub fn seeds(&self, id: &crate::lexer::skim::Ident<'_>) -> Seeds {
        let own = self.reach.ident_seeds(&self.names, id.name, id.selected);
        match id.qualifier {
            Some(q) => own | self.reach.selector_seeds(&self.names, q, id.name),
            None => own,
        }
    }
}

/// How a file's names lead to packages: its own, its dot imports, its import bindings.
struct Names {
    own: Option<Target>,
    dotted: Vec<Target>,
    bindings: Vec<(String, Option<Target>)>,
}

impl Names {
    fn of(index: &Index, file: FileId) -> Names {
        Names {
            own: index.file_package[file].map(Target::Local),
            dotted: index.dot_imports(file),
            bindings: index.import_bindings(file),
        }
    }
}

/// The seeds a file's names bring, per top-level function: a value reaches an expression
/// inside a function only through a name that function spells (a parameter's or the
/// receiver's type, a call, a conversion, an assertion, a package-level var) or through
/// the file's package-level declarations, which the rest of the file holds.
pub struct Mentions {
    /// Spelled outside every top-level function.
    rest: Seeds,
    /// Each function declaration's span, `func` keyword to closing brace, in file order.
    funcs: Vec<(usize, usize)>,
    per_func: Vec<Seeds>,
}

impl Mentions {
    fn func_at(&self, at: usize) -> Option<usize> {
        let i = self.funcs.partition_point(|&(start, _)| start <= at);
        i.checked_sub(1).filter(|&i| at < self.funcs[i].1)
    }

    /// The seeds that can reach an expression at offset `at`: those its function and the
    /// package-level declarations spell; outside a function (a package-level `var`'s
    /// func literal), the whole file's.
    pub fn at(&self, at: usize) -> Seeds {
        match self.func_at(at) {
            Some(i) => self.rest | self.per_func[i],
            None => self.per_func.iter().fold(self.rest, |all, s| all | s),
        }
    }
}

/// The entries of the typed declarations [`Index::set_reach`] closes over: computed
/// apart (`Index::reach_entries`), beside the local widths the closure's seeds need.
pub struct ReachEntries<'i> {
    tables: Arc<super::tables::TableFacts>,
    entries: Vec<Entry<'i>>,
}

impl Index {
    /// The entries of the typed declarations of every file of the packages importing an
    /// ABI package (those the inference reads), for [`Index::set_reach`]. Needs no local
    /// widths: run beside [`Index::local_width_of`].
    pub fn reach_entries<'i>(&self, items: &[(FileId, &'i [TypedItem])]) -> ReachEntries<'i> {
        ReachEntries {
            tables: self.table_facts().clone(),
            entries: items
                .par_iter()
                .flat_map_iter(|&(file, list)| self.file_entries(file, list))
                .collect(),
        }
    }

    /// Record [`Reaches`] from `reach_entries`, after the local widths are set.
    pub fn set_reach(&mut self, ReachEntries { tables, entries }: ReachEntries<'_>) {
        let tables = &tables.reach;
        let mut width_seeds = tables.width.clone();
        if let Some(local) = &self.local_width {
            for (p, types) in local.types.iter().enumerate() {
                let keys = types
                    .iter()
                    .map(|(t, bit)| (Key::Decl(Target::Local(p), t.as_str()), *bit));
                width_seeds.extend(keys);
            }
        }
        let member_seeds = tables.members.clone();
        // Every package's own `EpollEvent`: a key no declaration has brings nothing.
        let mut epoll_seeds = tables.epoll_event.clone();
        epoll_seeds.extend(
            (0..self.packages.len())
                .map(|p| (Key::Decl(Target::Local(p), EPOLL_EVENT), Seeds::ONE)),
        );
        let by_word = by_word(&entries);
        // Three closures over the same entries, side by side (one thread's serial work,
        // the other core idle).
        let (width, (members, epoll_event)) = rayon::join(
            || closure(&entries, &by_word, width_seeds),
            || {
                rayon::join(
                    || closure(&entries, &by_word, member_seeds),
                    || closure(&entries, &by_word, epoll_seeds),
                )
            },
        );
        self.reach = Some(Reaches {
            width: Reach::from_map(width),
            members: Reach::from_map(members),
            epoll_event: Reach::from_map(epoll_event),
            width_fields: tables.width_fields.clone(),
        });
    }

    /// The entries of a file's typed declarations, the names their types spell resolved
    /// through the file's imports.
    fn file_entries<'i>(&self, file: FileId, list: &'i [TypedItem]) -> Vec<Entry<'i>> {
        let Some(p) = self.file_package[file] else {
            return Vec::new();
        };
        let bindings = self.import_bindings(file);
        let dotted = self.dot_imports(file);
        let resolve = |q: Option<&'i str>, n: &'i str, out: &mut Vec<Key<'i>>| match q {
            None => {
                out.push(Key::Decl(Target::Local(p), n));
                out.extend(dotted.iter().map(|t| Key::Decl(*t, n)));
            }
            Some(q) => {
                if let Some((_, Some(t))) = bindings.iter().find(|(a, _)| a == q) {
                    out.push(Key::Decl(*t, n));
                }
            }
        };
        let mut out = Vec::new();
        for it in list {
            let mut words = Vec::new();
            let key = item_texts(Target::Local(p), it, |text| {
                qualified_words(text, |q, n| resolve(q, n, &mut words));
            });
            if !words.is_empty() {
                out.push(Entry { key, words });
            }
        }
        out
    }
}

/// The struct [`Reaches::epoll_event`] follows.
const EPOLL_EVENT: &str = "EpollEvent";

/// The tables' part of [`Reaches`]: the seeds of the tables and every table name that
/// leads to one (the tables never name the tree's), computed once per reference arch
/// and targets.
pub(super) struct TableReach {
    width: Vec<(Key<'static>, Seeds)>,
    members: Vec<(Key<'static>, Seeds)>,
    epoll_event: Vec<(Key<'static>, Seeds)>,
    width_fields: FxHashMap<&'static str, Seeds>,
}

/// [`TableReach`] for `reference` and `targets` (made once per process:
/// [`super::tables::facts`]).
pub(super) fn table_reach(reference: Arch, targets: ArchSet) -> TableReach {
    let entries = table_entries(reference, targets);
    let (width, width_fields) = width_seeds(reference, targets);
    let members = member_seeds(reference, targets);
    let epoll_event: Vec<(Key<'static>, Seeds)> = abi::Package::ALL
        .into_iter()
        .map(|pkg| (Key::Decl(Target::Table(pkg), EPOLL_EVENT), Seeds::ONE))
        .collect();
    let by_word = by_word(&entries);
    TableReach {
        width: closure(&entries, &by_word, width).into_iter().collect(),
        members: closure(&entries, &by_word, members).into_iter().collect(),
        epoll_event: closure(&entries, &by_word, epoll_event)
            .into_iter()
            .collect(),
        width_fields,
    }
}

/// The tables' structs with a field that differs between the reference and a target
/// (another type or size, or missing: as `Index::width_tokens`), one bit each, and the
/// named types over them with their bits; and per such field, the bits of its structs.
fn width_seeds(
    reference: Arch,
    targets: ArchSet,
) -> (Vec<(Key<'static>, Seeds)>, FxHashMap<&'static str, Seeds>) {
    let mut bits: FxHashMap<&'static str, Seeds> = FxHashMap::default();
    let mut fields: FxHashMap<&'static str, Seeds> = FxHashMap::default();
    for (s, f) in super::tables::differing_fields(reference, targets) {
        let next = bits.len().min(Seeds::BITS as usize - 2) as u32;
        let bit = *bits.entry(s).or_insert(Seeds::ONE << next);
        *fields.entry(f).or_default() |= bit;
    }
    // Named types over those structs, on any of the arches (to a fixed point).
    loop {
        let mut changed = false;
        for pkg in abi::Package::ALL {
            for arch in std::iter::once(reference).chain(targets.iter()) {
                for n in abi::table(arch, pkg).types {
                    let Some((_, m)) = super::width::type_name(n.ty) else {
                        continue;
                    };
                    let Some(&from) = bits.get(m) else {
                        continue;
                    };
                    let have = bits.entry(n.name).or_default();
                    if *have | from != *have {
                        *have |= from;
                        changed = true;
                    }
                }
            }
        }
        if !changed {
            break;
        }
    }
    let seeds = abi::Package::ALL
        .into_iter()
        .flat_map(|pkg| {
            bits.iter()
                .map(move |(n, b)| (Key::Decl(Target::Table(pkg), n), *b))
        })
        .collect();
    (seeds, fields)
}

/// The tables' structs with a field or method some target lacks.
fn member_seeds(reference: Arch, targets: ArchSet) -> Vec<(Key<'static>, Seeds)> {
    let structs: FxHashSet<&'static str> = super::tables::missing_members(reference, targets)
        .map(|(s, _)| s)
        .collect();
    abi::Package::ALL
        .into_iter()
        .flat_map(|pkg| {
            structs
                .iter()
                .map(move |s| (Key::Decl(Target::Table(pkg), s), Seeds::ONE))
        })
        .collect()
}

/// Per word, the entries whose type spells it. Words no entry or seed is keyed by (a type
/// parameter, a name from outside the tree) are never asked for: kept rather than sifted
/// out (a set of every key to sift by cost more than the words it dropped).
fn by_word<'a>(entries: &[Entry<'a>]) -> FxHashMap<Key<'a>, Vec<usize>> {
    let mut by_word: FxHashMap<Key<'a>, Vec<usize>> = FxHashMap::default();
    for (i, e) in entries.iter().enumerate() {
        for w in &e.words {
            by_word.entry(*w).or_default().push(i);
        }
    }
    by_word
}

/// The tables' structs (by their fields), funcs and methods (by their results), named
/// types and vars, of the reference and the targets.
fn table_entries(reference: Arch, targets: ArchSet) -> Vec<Entry<'static>> {
    let mut out = Vec::new();
    for pkg in abi::Package::ALL {
        let at = Target::Table(pkg);
        let words = |ty: &'static str| {
            let mut out = Vec::new();
            qualified_words(ty, |q, n| {
                if q.is_none() {
                    out.push(Key::Decl(at, n));
                }
            });
            out
        };
        for arch in std::iter::once(reference).chain(targets.iter()) {
            let t = abi::table(arch, pkg);
            for s in t.structs {
                out.push(Entry {
                    key: Key::Decl(at, s.name),
                    words: s.fields.iter().flat_map(|f| words(f.ty)).collect(),
                });
            }
            for f in t.funcs {
                let key = match f.name.split_once('.') {
                    Some((_, m)) => Key::Method(m),
                    None => Key::Decl(at, f.name),
                };
                out.push(Entry {
                    key,
                    words: f.results.iter().flat_map(|p| words(p.ty)).collect(),
                });
            }
            for n in t.types.iter().chain(t.vars) {
                out.push(Entry {
                    key: Key::Decl(at, n.name),
                    words: words(n.ty),
                });
            }
        }
    }
    out.retain(|e| !e.words.is_empty());
    out
}

/// A tree declaration's key, and `f` called with the texts of its type: a func or method
/// by its results (a parameter's value stays in the function, whose file spells its
/// type), anything else by its whole type.
fn item_texts<'i>(own: Target, it: &'i TypedItem, mut f: impl FnMut(&'i str)) -> Key<'i> {
    match &it.kind {
        ItemKind::Struct(fields) => fields.iter().for_each(|x| f(&x.ty)),
        ItemKind::Named(t) | ItemKind::Alias(t) | ItemKind::Var(Some(t)) => f(t),
        ItemKind::Func(sig) => sig.results.iter().for_each(|r| f(r)),
        ItemKind::Var(None) | ItemKind::Const(_) => {}
    }
    match it.name.split_once('.') {
        Some((_, m)) => Key::Method(m),
        None => Key::Decl(own, &it.name),
    }
}

/// Calls `f` with the names a type's text spells and their qualifier, but Go's
/// predeclared types and type keywords: `map[string]*unix.Stat_t` → unix.Stat_t.
fn qualified_words<'a>(ty: &'a str, mut f: impl FnMut(Option<&'a str>, &'a str)) {
    let name_byte = crate::syntax::tree::is_word_byte;
    let b = ty.as_bytes();
    let end_of = |mut i: usize| {
        while i < b.len() && name_byte(b[i]) {
            i += 1;
        }
        i
    };
    let mut i = 0;
    while i < b.len() {
        if !name_byte(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        i = end_of(i);
        if b[start].is_ascii_digit() {
            continue;
        }
        let word = &ty[start..i];
        let selects = b.get(i) == Some(&b'.')
            && b.get(i + 1)
                .is_some_and(|&c| name_byte(c) && !c.is_ascii_digit());
        if selects {
            let from = i + 1;
            i = end_of(from);
            f(Some(word), &ty[from..i]);
        } else if !predeclared(word) {
            f(None, word);
        }
    }
}

/// Go's predeclared types and the keywords of type literals: never a declaration's name.
fn predeclared(w: &str) -> bool {
    crate::lexer::is_numeric_type(w)
        || matches!(
            w,
            "bool"
                | "string"
                | "error"
                | "any"
                | "comparable"
                | "complex64"
                | "complex128"
                | "map"
                | "chan"
                | "func"
                | "struct"
                | "interface"
        )
}

/// The seeds and every entry that leads to one, with the seeds it leads to, to a fixed
/// point.
fn closure<'a>(
    entries: &[Entry<'a>],
    by_word: &FxHashMap<Key<'a>, Vec<usize>>,
    seeds: Vec<(Key<'a>, Seeds)>,
) -> FxHashMap<Key<'a>, Seeds> {
    let mut reached: FxHashMap<Key<'a>, Seeds> = FxHashMap::default();
    let mut todo = Vec::new();
    let add =
        |reached: &mut FxHashMap<Key<'a>, Seeds>, k: Key<'a>, s: Seeds, todo: &mut Vec<Key<'a>>| {
            let have = reached.entry(k).or_default();
            if *have | s != *have {
                *have |= s;
                todo.push(k);
            }
        };
    for (k, s) in seeds {
        add(&mut reached, k, s, &mut todo);
    }
    while let Some(k) = todo.pop() {
        let Some(users) = by_word.get(&k) else {
            continue;
        };
        let s = reached[&k];
        for &i in users {
            add(&mut reached, entries[i].key, s, &mut todo);
        }
    }
    reached
}

#[cfg(test)]
mod tests {
    use super::qualified_words;

    #[test]
    fn a_types_words_are_its_names_with_their_qualifiers() {
        let words = |ty| {
            let mut w = Vec::new();
            qualified_words(ty, |q, n| w.push((q, n)));
            w
        };
        assert_eq!(words("map[string]*unix.Stat_t"), [(Some("unix"), "Stat_t")]);
        assert_eq!(
            words("[2]func() (x T, err error)"),
            [(None, "x"), (None, "T"), (None, "err")]
        );
        assert_eq!(
            words("struct { é Über; n [0x10]uint8 } // c.d"),
            [(None, "é"), (None, "Über"), (None, "n"), (Some("c"), "d")]
        );
    }
}
