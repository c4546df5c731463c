//! Which names can lead to a struct whose fields differ by arch, known before any parse:
//! the tables' structs (and named types over them), and the tree's own types declared per
//! arch or defined from such a struct (`type ts unix.Timespec`), from the lexer. The
//! token prefilter of `struct-field-width` keeps only files that select such a field or
//! write a literal of such a type.

use super::decls::{ItemKind, TypedItem};
use super::{FileId, Index, PkgId, Seeds, Target};
use crate::abi;
use crate::arch::{Arch, ArchSet};
use rustc_hash::{FxHashMap, FxHashSet};

/// The tables' names whose fields differ between the reference arch and a target.
#[derive(Default)]
pub struct WidthTokens {
    /// Exported structs with such a field (a field of another type or size, or missing),
    /// and the named types that lead to one (`type T S`).
    pub types: FxHashSet<&'static str>,
    /// Those fields.
    pub fields: FxHashSet<&'static str>,
    /// The fields of those structs written with another type on a target that has them
    /// (`Timespec.Sec`; not a field of a struct or a field only a target lacks, nor one
    /// that only moves): what a composite literal's value given to such a field must meet.
    pub retyped: FxHashSet<&'static str>,
    /// The same per struct of each table package: a literal of one of them checks its
    /// own fields, not another struct's field of the same name (`SockaddrUnix{Name:` is
    /// not `Dirent.Name`). Every struct of `types` that is a struct of that package has
    /// an entry, empty when only its layout differs.
    pub retyped_in: FxHashMap<(abi::Package, &'static str), FxHashSet<&'static str>>,
}

/// The tree's types that [`WidthTokens`] misses, from the lexed declarations of the
/// packages the type inference may read (those importing an ABI package).
#[derive(Default)]
pub struct LocalWidth {
    /// Per package: type names whose fields may differ by arch, with their seed bits.
    /// Empty for a package not lexed, whose types the inference never knows. One bit each,
    /// after the tables' structs' (`reach::width_seeds`), in the order of their
    /// directories and names, so that a bit means the same types whatever else the tree
    /// holds; past the last bit they share it (a shared bit only keeps more). Hashed into
    /// the tables' bits, a type met one of their structs: its fields were kept wherever
    /// that struct was brought (15 more files parsed on Debian's tree when 11 unrelated
    /// files were excluded and the hashes moved).
    pub types: Vec<FxHashMap<String, Seeds>>,
    /// The field names of structs declared differently in several files of a package,
    /// each with the seed bits (`types`) of the types it differs in.
    pub field_seeds: FxHashMap<String, Seeds>,
    /// The seed bits (`types`) of such types whose declarations differ in what they
    /// embed or are defined from: any field name may differ in those.
    pub any_field_seeds: Seeds,
    /// Per package: its types declared differently in several files, each with the
    /// fields that differ between the declarations (`None`: any may, they differ in what
    /// they embed or are defined from). A type of `types` missing here is defined from
    /// another such type (`type ts unix.Timespec`): any of its fields may differ.
    pub declared_apart: Vec<FxHashMap<String, Option<FxHashSet<String>>>>,
    /// Per package: the names all of whose package-level declarations (in any file) are
    /// constants without a type: whichever an arch sees, the inference reads the name as
    /// an untyped constant. Empty for a package not lexed.
    pub untyped_consts: Vec<FxHashSet<String>>,
}

impl LocalWidth {
    /// The seeds of the tree's own types in which a field `name` may differ (none: the
    /// field differs in no type of the tree).
    pub fn seeds_of_field(&self, name: &str) -> Seeds {
        self.field_seeds.get(name).copied().unwrap_or(Seeds::ZERO) | self.any_field_seeds
    }

    /// Whether field `name` of type `ty` (of package `p`'s `types`) may differ by arch:
    /// a field written alike in every declaration of a type declared per arch does not.
    pub fn field_may_differ_in(&self, p: PkgId, ty: &str, name: &str) -> bool {
        match self.declared_apart[p].get(ty) {
            Some(Some(fields)) => fields.contains(name),
            Some(None) | None => true,
        }
    }
}

/// [`WidthTokens`] for a reference arch and its targets (made once per process:
/// [`super::tables::facts`]).
pub(super) fn width_tokens(reference: Arch, targets: ArchSet) -> WidthTokens {
    let mut w = WidthTokens::default();
    for (s, f) in super::tables::differing_fields(reference, targets) {
        w.types.insert(s);
        w.fields.insert(f);
    }
    for pkg in abi::Package::ALL {
        for (s, other) in abi::differing_structs(pkg, reference, targets, true) {
            let own = w.retyped_in.entry((pkg, s.name)).or_default();
            let Some(other) = other else { continue };
            for f in s.fields {
                if other.field(f.name).is_some_and(|g| g.ty != f.ty) {
                    w.retyped.insert(f.name);
                    own.insert(f.name);
                }
            }
        }
    }
    for pkg in abi::Package::ALL {
        // Named types over those structs, on any of the arches (to a fixed point).
        let tables: Vec<&abi::ArchTable> = std::iter::once(reference)
            .chain(targets.iter())
            .map(|a| abi::table(a, pkg))
            .collect();
        loop {
            let before = w.types.len();
            for t in &tables {
                for n in t.types {
                    if !w.types.contains(n.name)
                        && type_name(n.ty).is_some_and(|(_, m)| w.types.contains(m))
                    {
                        w.types.insert(n.name);
                    }
                }
            }
            if w.types.len() == before {
                break;
            }
        }
    }
    w
}

impl Index {
    /// What [`LocalWidth`] says, from the typed declarations of every file of the
    /// packages importing an ABI package (`items`, by file); `self.local_width` holds it.
    pub fn local_width_of(&self, items: &[(FileId, &[TypedItem])]) -> LocalWidth {
        let mut untyped_consts = vec![FxHashSet::default(); self.packages.len()];
        let mut typed_names: Vec<FxHashSet<&str>> = vec![FxHashSet::default(); self.packages.len()];
        for &(file, list) in items {
            let Some(p) = self.file_package[file] else {
                continue;
            };
            for it in list {
                if it.kind == ItemKind::Const(None) {
                    untyped_consts[p].insert(it.name.clone());
                } else {
                    typed_names[p].insert(it.name.as_str());
                }
            }
        }
        for (consts, other) in untyped_consts.iter_mut().zip(&typed_names) {
            consts.retain(|n| !other.contains(n.as_str()));
        }
        let mut by_pkg: FxHashMap<PkgId, Vec<(FileId, &TypedItem)>> = FxHashMap::default();
        for &(file, list) in items {
            let Some(p) = self.file_package[file] else {
                continue;
            };
            let entry = by_pkg.entry(p).or_default();
            entry.extend(
                list.iter()
                    .filter(|it| {
                        matches!(
                            it.kind,
                            ItemKind::Struct(_) | ItemKind::Named(_) | ItemKind::Alias(_)
                        )
                    })
                    .map(|it| (file, it)),
            );
        }
        let mut out = LocalWidth {
            types: vec![FxHashMap::default(); self.packages.len()],
            field_seeds: FxHashMap::default(),
            any_field_seeds: Seeds::ZERO,
            declared_apart: vec![FxHashMap::default(); self.packages.len()],
            untyped_consts,
        };
        // The types declared differently, with the fields that differ (`None`: any may).
        let mut differing: Vec<(PkgId, &str, Option<Vec<String>>)> = Vec::new();
        let table = &self.width_tokens().types;
        // Per package, each type name's declarations; those that lead to another type.
        let mut chains: Vec<(PkgId, &str, Lead, &str)> = Vec::new();
        for (p, mut list) in by_pkg {
            list.sort_by_key(|(f, it)| (*f, it.span.start));
            let mut decls: FxHashMap<&str, Vec<(FileId, &ItemKind)>> = FxHashMap::default();
            for (f, it) in &list {
                decls
                    .entry(it.name.as_str())
                    .or_default()
                    .push((*f, &it.kind));
            }
            for (name, ds) in decls {
                // Declared differently in several files: which one an arch sees decides.
                if ds.iter().any(|(_, k)| !same_decl(k, ds[0].1)) {
                    out.types[p].insert(name.to_string(), Seeds::ZERO);
                    differing.push((p, name, differing_fields(&ds)));
                    continue;
                }
                for (f, k) in ds {
                    if let ItemKind::Named(u) | ItemKind::Alias(u) = k {
                        // Where the qualifier leads, resolved once.
                        let to = match type_name(u) {
                            Some((None, m)) => Some((Lead::Own, m)),
                            Some((Some(q), m)) => match self.binding(f, q) {
                                Some(Target::Table(_)) => Some((Lead::Table, m)),
                                Some(Target::Local(p2)) => Some((Lead::Package(p2), m)),
                                None => None,
                            },
                            None => None,
                        };
                        if let Some((lead, m)) = to {
                            chains.push((p, name, lead, m));
                        }
                    }
                }
            }
        }
        // Defined from such a type, of its package, a table or another package of the
        // tree, to a fixed point (a chain has the fields of the type it ends at).
        let mut changed = true;
        while changed {
            changed = false;
            for &(p, name, lead, m) in &chains {
                if out.types[p].contains_key(name) {
                    continue;
                }
                let leads = match lead {
                    Lead::Own => out.types[p].contains_key(m) || table.contains(m),
                    Lead::Table => table.contains(m),
                    Lead::Package(p2) => out.types[p2].contains_key(m),
                };
                if leads {
                    out.types[p].insert(name.to_string(), Seeds::ZERO);
                    changed = true;
                }
            }
        }
        // The seed bits, in the order of directories and names.
        let mut named: Vec<(&str, String, PkgId)> = (out.types.iter().enumerate())
            .flat_map(|(p, ts)| {
                let dir = self.packages[p].dir.as_str();
                ts.keys().map(move |t| (dir, t.clone(), p))
            })
            .collect();
        named.sort_unstable();
        let last = Seeds::BITS - 1;
        let first = (table.len() as u32).min(last);
        for (i, (_, t, p)) in named.into_iter().enumerate() {
            let bit = (first as usize + i).min(last as usize) as u32;
            out.types[p].insert(t, Seeds::ONE << bit);
        }
        for (p, name, fields) in differing {
            let bit = out.types[p][name];
            match &fields {
                Some(fields) => {
                    for f in fields {
                        *out.field_seeds.entry(f.clone()).or_default() |= bit;
                    }
                }
                None => out.any_field_seeds |= bit,
            }
            let fields = fields.map(|f| f.into_iter().collect());
            out.declared_apart[p].insert(name.to_string(), fields);
        }
        out
    }

    /// What `q` binds to in `file`'s imports.
    fn binding(&self, file: FileId, q: &str) -> Option<Target> {
        self.import_bindings(file)
            .into_iter()
            .find(|(n, _)| n == q)
            .and_then(|(_, t)| t)
    }
}

/// The fields of a type's declarations whose type is not written the same in all of them
/// (or that some lack): a field written alike has the same type on every arch. `None`
/// when the declarations differ in what they embed or in the type they are defined from:
/// then any field name may be one that differs.
fn differing_fields<'i>(ds: &[(FileId, &'i ItemKind)]) -> Option<Vec<String>> {
    let mut types: FxHashMap<&'i str, (FxHashSet<&'i str>, usize)> = FxHashMap::default();
    let mut structs = 0;
    for (_, k) in ds {
        let ItemKind::Struct(fields) = k else {
            return None;
        };
        structs += 1;
        for f in fields {
            let e = types.entry(f.name.as_str()).or_default();
            e.0.insert(f.ty.as_str());
            e.1 += 1;
        }
    }
    let mut out = Vec::new();
    for (name, (tys, n)) in types {
        if tys.len() > 1 || n < structs {
            // An embedded field brings its type's fields (`T`, `*T`, `pkg.T`, `G[int]`).
            if tys.iter().any(|t| is_embedded(name, t)) {
                return None;
            }
            out.push(name.to_string());
        }
    }
    Some(out)
}

/// Whether a field `name` of type `ty` is embedded (the lexer names it after its type).
fn is_embedded(name: &str, ty: &str) -> bool {
    let base = ty.trim_start_matches('*');
    let base = base.split('[').next().unwrap_or(base);
    base.rsplit('.').next() == Some(name)
}

/// Where a type's declaration `type T [q.]M` leads: to `M` of T's own package (or an
/// unqualified table name), of the tables, or of another package of the tree.
#[derive(Clone, Copy)]
enum Lead {
    Own,
    Table,
    Package(PkgId),
}

/// Whether two declarations of a type say the same (spans aside).
fn same_decl(a: &ItemKind, b: &ItemKind) -> bool {
    match (a, b) {
        (ItemKind::Struct(x), ItemKind::Struct(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|(f, g)| f.name == g.name && f.ty == g.ty)
        }
        _ => a == b,
    }
}

/// The type a type's text names, with its qualifier (`unix.Timespec`, `T`, `G[int]`):
/// none for a pointer, slice, map, func, interface or other literal type, which no struct
/// literal can have.
pub(super) fn type_name(ty: &str) -> Option<(Option<&str>, &str)> {
    // `type T (unix.Timespec)` is valid Go too.
    let ty = ty.trim_start().trim_start_matches(['(', ' ']);
    let end = ty
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
        .unwrap_or(ty.len());
    let (name, rest) = ty.split_at(end);
    let rest = rest.trim_start();
    let after = |c: &str| rest.is_empty() || rest.starts_with(c);
    if name.is_empty() || !(after("[") || after(")") || after("//") || after("/*")) {
        return None;
    }
    if matches!(name, "map" | "func" | "interface" | "chan" | "struct") {
        return None;
    }
    match name.split_once('.') {
        Some((q, m)) if !q.is_empty() && !m.is_empty() && !m.contains('.') => Some((Some(q), m)),
        Some(_) => None,
        None => Some((None, name)),
    }
}

#[cfg(test)]
mod tests {
    use super::{is_embedded, type_name, LocalWidth, Seeds};
    use crate::abi;
    use crate::arch::{Arch, ArchSet};
    use crate::index::{FileInfo, Index, PkgId};

    /// The local widths of a tree of `(directory, file, source, arches)`, each directory a
    /// package, judged for every arch against amd64; and the index they are of.
    fn local_widths(files: &[(&str, &str, &str, ArchSet)]) -> (Index, LocalWidth) {
        let infos = (files.iter())
            .map(|(dir, name, src, arches)| {
                let package = dir.rsplit('/').next().unwrap();
                FileInfo::for_test(format!("{dir}/{name}"), package, *arches, src)
            })
            .collect();
        let index = Index::for_test(infos);
        let items: Vec<_> = (files.iter().enumerate())
            .map(|(i, f)| (i, crate::lexer::typed::typed_items(f.2.as_bytes())))
            .collect();
        let lexed: Vec<_> = items.iter().map(|(i, it)| (*i, it.as_slice())).collect();
        let width = index.local_width_of(&lexed);
        (index, width)
    }

    /// The seed bit of type `name` of package `p` (none: not a type whose fields differ).
    fn seed(width: &LocalWidth, p: PkgId, name: &str) -> Seeds {
        width.types[p].get(name).copied().unwrap_or(Seeds::ZERO)
    }

    fn package(index: &Index, dir: &str) -> PkgId {
        (0..index.packages.len())
            .find(|&p| index.packages[p].dir == dir)
            .unwrap()
    }

    /// Each of the tree's per-arch types has a bit of its own, none of the tables'
    /// structs', the same whatever other packages the tree holds (hashed with the
    /// package's number, a type met a table struct's bit in one tree and not in another:
    /// its fields were kept wherever that struct was brought).
    #[test]
    fn each_local_type_has_its_own_seed_past_the_tables() {
        let per_arch = |dir: &'static str| {
            let small = ArchSet::single(Arch::I386).union(ArchSet::single(Arch::Arm));
            [
                (
                    dir,
                    "t_32.go",
                    "package p\ntype T struct{ N int32 }\n",
                    small,
                ),
                (
                    dir,
                    "t_64.go",
                    "package p\ntype T struct{ N int64 }\n",
                    ArchSet::ALL.minus(small),
                ),
            ]
        };
        let unrelated = (
            "a/unrelated",
            "u.go",
            "package unrelated\ntype U struct{}\n",
            ArchSet::ALL,
        );
        let mut tree: Vec<_> = ["x/one", "x/two", "x/three"]
            .into_iter()
            .flat_map(per_arch)
            .collect();
        let (index, width) = local_widths(&tree);
        let tables = index.width_tokens().types.len() as u32;
        let seeds: Vec<Seeds> = ["x/one", "x/two", "x/three"]
            .iter()
            .map(|d| seed(&width, package(&index, d), "T"))
            .collect();
        for (i, s) in seeds.iter().enumerate() {
            assert_eq!(s.count_ones(), 1, "{s:x}");
            assert!(
                s.trailing_zeros() >= tables,
                "{s:x} is a table struct's bit"
            );
            assert!(seeds[..i].iter().all(|o| o != s), "{s:x} is shared");
            assert_eq!(width.seeds_of_field("N") & *s, *s);
        }
        // An unrelated package first: every package's number moves, no seed does.
        tree.insert(0, unrelated);
        let (moved, width2) = local_widths(&tree);
        assert_ne!(package(&moved, "x/one"), package(&index, "x/one"));
        for (d, s) in ["x/one", "x/two", "x/three"].iter().zip(&seeds) {
            assert_eq!(seed(&width2, package(&moved, d), "T"), *s, "{d}");
        }
        assert_eq!(
            seed(&width2, package(&moved, "a/unrelated"), "U"),
            Seeds::ZERO
        );
    }

    /// A field written alike in every declaration of a per-arch type does not differ in
    /// it; any may in a type whose declarations embed different types, or one defined
    /// from such a type.
    #[test]
    fn a_field_differs_in_a_type_only_where_its_declarations_write_it_apart() {
        let small = ArchSet::single(Arch::Mips64le);
        let others = ArchSet::ALL.minus(small);
        let (index, width) = local_widths(&[
            (
                "p",
                "p_mips64le.go",
                "package p\ntype E struct{ A int32; _ int32; B int64 }\ntype W struct{ lo }\n",
                small,
            ),
            (
                "p",
                "p_other.go",
                "package p\ntype E struct{ A int32; B int32 }\ntype W struct{ hi }\n",
                others,
            ),
            (
                "p",
                "p.go",
                "package p\ntype C E\ntype lo struct{ N int32 }\ntype hi struct{ N int64 }\n",
                ArchSet::ALL,
            ),
        ]);
        let p = package(&index, "p");
        let differs = |ty: &str, field: &str| width.field_may_differ_in(p, ty, field);
        assert!(!differs("E", "A"));
        assert!(differs("E", "B") && differs("E", "_"));
        assert!(differs("W", "N") && differs("W", "anything"));
        assert!(width.types[p].contains_key("C") && differs("C", "A"));
    }

    /// The tables' retyped fields, per struct: `Stat_t.Dev` is 32 bits wide on mips64le,
    /// its `Ino` is not, nor `EpollEvent.Fd` (that struct differs in its padding alone).
    #[test]
    fn tables_retype_fields_per_struct() {
        let w = super::width_tokens(Arch::Amd64, ArchSet::single(Arch::Mips64le));
        for pkg in abi::Package::ALL {
            let stat = &w.retyped_in[&(pkg, "Stat_t")];
            assert!(stat.contains("Dev") && !stat.contains("Ino"), "{pkg:?}");
        }
        assert!(!w.retyped_in[&(abi::Package::Unix, "EpollEvent")].contains("Fd"));
        let union: std::collections::BTreeSet<&str> =
            w.retyped_in.values().flatten().copied().collect();
        let all: std::collections::BTreeSet<&str> = w.retyped.iter().copied().collect();
        assert_eq!(union, all);
    }

    #[test]
    fn only_type_names_lead_to_a_struct() {
        assert_eq!(type_name("unix.Timespec"), Some((Some("unix"), "Timespec")));
        assert_eq!(type_name(" ts // c"), Some((None, "ts")));
        assert_eq!(
            type_name("(syscall.Stat_t)"),
            Some((Some("syscall"), "Stat_t"))
        );
        assert_eq!(type_name("G[unix.Timespec]"), Some((None, "G")));
        for no in [
            "*unix.Timespec",
            "[]T",
            "map[K]T",
            "func() T",
            "interface {\n\tT\n}",
            "chan T",
        ] {
            assert_eq!(type_name(no), None, "{no}");
        }
    }

    #[test]
    fn embedded_fields_are_named_after_their_type() {
        assert!(is_embedded("Timespec", "unix.Timespec"));
        assert!(is_embedded("inner", "*inner"));
        assert!(is_embedded("G", "G[int]"));
        assert!(!is_embedded("Sec", "int64"));
    }
}
