//! Which names can bring a value of some types into a file, known before any parse: the
//! types themselves, and every declaration the type inference can read whose type leads
//! to one (a struct with such a field, a func or method returning one, a typed var, a
//! named type over one), of the tables and of the tree's lexed declarations, to a fixed
//! point. A file that spells none of these names holds no expression the inference types
//! as one of them: an expression's type comes from a name it spells (a conversion, a
//! literal, an assertion, a declaration) or from a declaration elsewhere, which then is
//! one of these. Names resolve as Go scopes them (a package's own names, `q.N` through
//! the declaring file's imports); methods by name alone, as a selector spells them.

use super::decls::{ItemKind, TypedItem};
use super::{FileId, Index, Target};
use crate::abi;
use crate::arch::{Arch, ArchSet};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use std::sync::{Arc, Mutex};

/// The names that can bring a value of some types into a file.
#[derive(Default)]
pub struct Reach {
    /// Package-level names (types, funcs, vars) and the packages declaring them.
    names: FxHashMap<String, Vec<Target>>,
    /// Methods returning such a value.
    methods: FxHashSet<String>,
}

/// [`Reach`] for the rules that read it.
#[derive(Default)]
pub struct Reaches {
    /// Types whose fields may differ by arch (`struct-field-width`).
    pub width: Reach,
    /// Types with a member some target lacks (`undefined-on-arch`'s member check).
    pub members: Reach,
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
    fn from_keys(keys: FxHashSet<Key<'_>>) -> Reach {
        let mut out = Reach::default();
        for k in keys {
            match k {
                Key::Decl(t, n) => out.names.entry(n.to_string()).or_default().push(t),
                Key::Method(m) => {
                    out.methods.insert(m.to_string());
                }
            }
        }
        out
    }

    /// Whether `src`, a file of the tree, spells a name of the set: unqualified in its
    /// own package (or through a dot import), `q.N` through its imports, or a method.
    pub fn mentioned(&self, index: &Index, file: FileId, src: &[u8]) -> bool {
        let own = index.file_package[file].map(Target::Local);
        let dotted: Vec<Target> = index
            .imports_with_targets(file)
            .filter(|(i, _)| i.name.as_deref() == Some("."))
            .filter_map(|(_, t)| t)
            .collect();
        let mut found = false;
        crate::lexer::for_each_ident_next(src, |n, selected, _, _| {
            if found {
                return;
            }
            found = if selected {
                self.methods.contains(n)
            } else {
                self.names
                    .get(n)
                    .is_some_and(|ts| ts.iter().any(|t| Some(*t) == own || dotted.contains(t)))
            };
        });
        if found {
            return true;
        }
        let bindings = index.import_bindings(file);
        crate::lexer::for_each_selector(src, |q, n, _| {
            found = found
                || self.names.get(n).is_some_and(|ts| {
                    bindings
                        .iter()
                        .any(|(a, t)| a == q && t.is_some_and(|t| ts.contains(&t)))
                });
        });
        found
    }
}

impl Index {
    /// Record [`Reaches`] from the typed declarations of every file of the packages
    /// importing an ABI package (those the inference reads), after `set_local_width`.
    pub fn set_reach(&mut self, items: &[(FileId, &[TypedItem])]) {
        let tables = table_reach(self);
        let entries: Vec<Entry<'_>> = items
            .par_iter()
            .flat_map_iter(|&(file, list)| self.file_entries(file, list))
            .collect();
        let mut width_seeds = tables.width.clone();
        if let Some(local) = &self.local_width {
            for (p, types) in local.types.iter().enumerate() {
                let keys = types
                    .iter()
                    .map(|t| Key::Decl(Target::Local(p), t.as_str()));
                width_seeds.extend(keys);
            }
        }
        let member_seeds = tables.members.clone();
        let by_word = by_word(&entries, width_seeds.iter().chain(&member_seeds).copied());
        let width = closure(&entries, &by_word, width_seeds);
        let members = closure(&entries, &by_word, member_seeds);
        self.reach = Some(Reaches {
            width: Reach::from_keys(width),
            members: Reach::from_keys(members),
        });
    }

    /// The entries of a file's typed declarations, the names their types spell resolved
    /// through the file's imports.
    fn file_entries<'i>(&self, file: FileId, list: &'i [TypedItem]) -> Vec<Entry<'i>> {
        let Some(p) = self.file_package[file] else {
            return Vec::new();
        };
        let bindings = self.import_bindings(file);
        let dotted: Vec<Target> = self
            .imports_with_targets(file)
            .filter(|(i, _)| i.name.as_deref() == Some("."))
            .filter_map(|(_, t)| t)
            .collect();
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

/// The tables' part of [`Reaches`]: the keys of the seeds of the tables and of every
/// table name that leads to one (the tables never name the tree's), computed once per
/// reference and targets.
struct TableReach {
    width: Vec<Key<'static>>,
    members: Vec<Key<'static>>,
}

/// [`TableReach`] by reference arch and targets.
type TableReaches = Vec<((Arch, ArchSet), Arc<TableReach>)>;

fn table_reach(index: &Index) -> Arc<TableReach> {
    static DONE: Mutex<TableReaches> = Mutex::new(Vec::new());
    let at = (index.reference, index.targets);
    let mut done = DONE.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, r)) = done.iter().find(|(k, _)| *k == at) {
        return r.clone();
    }
    let entries = table_entries(index);
    let (width, members) = table_seeds(index);
    let by_word = by_word(&entries, width.iter().chain(&members).copied());
    let r = Arc::new(TableReach {
        width: closure(&entries, &by_word, width).into_iter().collect(),
        members: closure(&entries, &by_word, members).into_iter().collect(),
    });
    done.push((at, r.clone()));
    r
}

/// The tables' seeds: structs with fields that differ by arch (and named types over
/// them), and structs with a field or method some target lacks.
fn table_seeds(index: &Index) -> (Vec<Key<'static>>, Vec<Key<'static>>) {
    let mut width = Vec::new();
    for pkg in abi::Package::ALL {
        for s in &index.width_tokens().types {
            width.push(Key::Decl(Target::Table(pkg), s));
        }
    }
    let mut members = Vec::new();
    for pkg in abi::Package::ALL {
        let at = Target::Table(pkg);
        for (s, o) in abi::differing_structs(pkg, index.reference, index.targets, true) {
            if o.is_some_and(|o| s.fields.iter().any(|f| o.field(f.name).is_none())) {
                members.push(Key::Decl(at, s.name));
            }
        }
        let base = abi::table(index.reference, pkg);
        for target in index.targets.iter() {
            let other = abi::table(target, pkg);
            for f in base.funcs {
                if let Some((ty, _)) = f.name.split_once('.') {
                    if other.strukt(ty).is_some() && other.func(f.name).is_none() {
                        members.push(Key::Decl(at, ty));
                    }
                }
            }
        }
    }
    (width, members)
}

/// Per word, the entries whose type spells it: only words some entry or seed is keyed
/// by, as no other is ever reached (a type parameter, a name from outside the tree).
fn by_word<'a>(
    entries: &[Entry<'a>],
    seeds: impl Iterator<Item = Key<'a>>,
) -> FxHashMap<Key<'a>, Vec<usize>> {
    let keys: FxHashSet<Key<'a>> = entries.iter().map(|e| e.key).chain(seeds).collect();
    let mut by_word: FxHashMap<Key<'a>, Vec<usize>> = FxHashMap::default();
    for (i, e) in entries.iter().enumerate() {
        for w in e.words.iter().filter(|w| keys.contains(w)) {
            by_word.entry(*w).or_default().push(i);
        }
    }
    by_word
}

/// The tables' structs (by their fields), funcs and methods (by their results), named
/// types and vars, of the reference and the targets.
fn table_entries(index: &Index) -> Vec<Entry<'static>> {
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
        for arch in std::iter::once(index.reference).chain(index.targets.iter()) {
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
    // Bytes of a name: ASCII ones and every byte of a UTF-8 letter.
    let name_byte = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80;
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
    matches!(
        w,
        "bool"
            | "byte"
            | "rune"
            | "string"
            | "error"
            | "any"
            | "comparable"
            | "int"
            | "int8"
            | "int16"
            | "int32"
            | "int64"
            | "uint"
            | "uint8"
            | "uint16"
            | "uint32"
            | "uint64"
            | "uintptr"
            | "float32"
            | "float64"
            | "complex64"
            | "complex128"
            | "map"
            | "chan"
            | "func"
            | "struct"
            | "interface"
    )
}

/// The seeds and every entry that leads to one, to a fixed point.
fn closure<'a>(
    entries: &[Entry<'a>],
    by_word: &FxHashMap<Key<'a>, Vec<usize>>,
    seeds: Vec<Key<'a>>,
) -> FxHashSet<Key<'a>> {
    let mut reached: FxHashSet<Key<'a>> = FxHashSet::default();
    let mut todo = seeds;
    while let Some(k) = todo.pop() {
        if !reached.insert(k) {
            continue;
        }
        if let Some(users) = by_word.get(&k) {
            todo.extend(users.iter().map(|&i| entries[i].key));
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
