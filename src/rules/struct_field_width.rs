//! `struct-field-width`: a field of an ABI struct whose Go type differs between the
//! reference arch and a target (`Stat_t.Rdev` is `uint64` on amd64, `uint32` on mips64le)
//! used where Go demands the reference arch's type.

#[path = "struct_field_width_fix.rs"]
mod fix;

use super::{Bodies, FileCtx, FixAvailability, Rule, RuleMeta, SourceView, TypeNeed};
use crate::abi;
use crate::arch::{Arch, ArchSet};
use crate::finding::Finding;
use crate::index::{AbiImport, FileId, Index, PkgId, Seeds, Target};
use crate::lexer::{FieldSite, LitElem, Sites};
use crate::syntax::text;
use crate::syntax::tree::FIELD;
use crate::types::infer;
use crate::types::infer::{Ctx, Infer, Need, Use};
use crate::types::ty::{Home, Ty};
use crate::types::{note_gave_up, table_source};
use rustc_hash::FxHashSet;
use std::collections::{BTreeMap, HashSet};
use std::sync::OnceLock;
use tree_sitter::Node;

pub struct StructFieldWidth;

pub(super) static META: RuleMeta = RuleMeta {
    id: "struct-field-width",
    summary: "a struct field whose type differs by arch is used where the reference arch's type is required",
    doc: include_str!("../../rules/struct-field-width.md"),
    fix: FixAvailability::Sometimes,
    imports: None,
    words: &[],
    fixer: Some(fix::attach),
};

impl Rule for StructFieldWidth {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// Files that import a syscall package, are part of a copy of one, or import a
    /// package of the tree that declares a name which can bring a struct whose fields
    /// differ (`Index::reach`; without it, one that imports a syscall package): `n.St.Dev`
    /// of a `node.Node` holding a `syscall.Stat_t`, in a file importing no syscall package.
    fn wants(&self, index: &Index, file: FileId) -> bool {
        let brings = |p: PkgId| match &index.reach {
            Some(reach) => reach.width.declared_in(p),
            None => index.pkg_imports_abi(p),
        };
        index.file_imports_abi(file, AbiImport::AnySpelling)
            || index.file_package[file].is_some_and(|p| index.copied_table(p).is_some())
            || index
                .import_targets(file)
                .iter()
                .any(|t| matches!(t, Some(Target::Local(p)) if brings(*p)))
    }

    /// Only files that build for the reference and a target and can reach a field whose
    /// type varies (the token scan knows how): selecting one, `x.F` (not `x.F(`: a call
    /// of a method, or of a func field, adapts to any result type; nor `uint64(x.F)`,
    /// converted where it is selected), or writing a literal `T{` of a type whose fields
    /// vary (not `T{}`, empty, nor `[]T{`: nested literals without a type are not
    /// checked). The tree's own types, copies of x/sys among them, are known from their
    /// declarations (`Index::local_width`). A selected field is dropped where the tokens
    /// around it show a use the check never reports (`lexer::Sites`): selected from,
    /// called after an index, incremented, ranged over, measured by `unsafe.Sizeof`,
    /// assigned constants (`x.F = 0`), compared with constants (`x.F == 0`, a constant
    /// `q.N` the tables or the tree declare untyped, or one of a package outside both),
    /// the whole argument of a function of such a package taking any value (`fmt.Printf`)
    /// or unknown to the inference. A literal is dropped when each value is a constant or
    /// given to a field whose type does not differ, or its type is `q.T` of such a package
    /// (`os.ProcAttr{`) or a type of the tree whose fields do not differ.
    ///
    /// The candidates' offsets are the bodies' (one scan for both).
    fn plan_source(
        &self,
        index: &Index,
        file: FileId,
        src: &SourceView<'_>,
    ) -> Option<Option<Bodies>> {
        // The check compares the reference arch with targets the file builds for.
        index.reference_and_targets(file)?;
        let mut at = Vec::new();
        candidates(index, file, src.bytes(), |off| at.push(off));
        (!at.is_empty()).then_some(Some(Bodies::Holding(at)))
    }

    /// A finding is at the selector or the literal whose token the prefilter saw; its
    /// check reads that top-level declaration alone (the locals the value flows into, the
    /// function's results) besides package-level names.
    fn bodies(&self, index: &Index, file: FileId, src: &[u8]) -> Bodies {
        let mut at = Vec::new();
        candidates(index, file, src, |off| at.push(off));
        Bodies::Holding(at)
    }

    fn type_need(&self, _index: &Index, _file: FileId, _src: &[u8]) -> TypeNeed {
        TypeNeed::Transitive
    }

    /// The selector or literal's own declaration and the inference (package-level names
    /// from the index's typed declarations): nothing of the file's other declarations.
    fn reads_held_only(&self) -> bool {
        true
    }

    fn check(&self, cx: &FileCtx<'_>, out: &mut Vec<Finding>) {
        let Some((_, targets)) = cx.reference_and_targets() else {
            return;
        };
        let names = varying_field_names();
        let mut selectors = Vec::new();
        let mut literals = Vec::new();
        cx.walk(|v| {
            match v.kind {
                "selector_expression" => {
                    if let Some(f) = v.node.child_by_field_id(FIELD.field) {
                        if names.contains(text(f, cx.src)) {
                            selectors.push(v.node);
                        }
                    }
                }
                "composite_literal" => literals.push(v.node),
                _ => {}
            }
            true
        });
        if selectors.is_empty() && literals.is_empty() {
            return;
        }
        let (re, infs) = cx.infer_each(targets);
        let mut origins: Vec<(usize, Result<Origin, String>)> = Vec::new();
        for sel in selectors {
            let before = out.len();
            if let Some(o) = check_selector(cx, re, &infs, sel, out) {
                if out.len() > before {
                    origins.push((before, o));
                }
            }
        }
        for lit in literals {
            // Only literals of struct types the tables or the tree declare.
            let Some(t) = re.type_of(lit) else { continue };
            if !matches!(
                re.underlying(&t),
                Some(Ty::Named(Home::Table(_) | Home::Local(_), _))
            ) {
                continue;
            }
            // Most struct types have the same fields on every arch: nothing to compare.
            let fields_ref = re.fields_of(&t);
            if fields_ref.is_none() || infs.iter().all(|(_, inf)| inf.fields_of(&t) == fields_ref) {
                continue;
            }
            let Some(lv) = lit.child_by_field_id(FIELD.body) else {
                continue;
            };
            let mut c = lv.walk();
            let elems: Vec<Node<'_>> = lv.named_children(&mut c).collect();
            for (pos, e) in elems.into_iter().enumerate() {
                let (elem, key) = if e.kind() == "keyed_element" {
                    match e.child_by_field_id(FIELD.value) {
                        Some(v) => (v, e.child_by_field_id(FIELD.key)),
                        None => continue,
                    }
                } else {
                    (e, None)
                };
                let before = out.len();
                check_literal_element(cx, re, &infs, LitSlot { lv, elem, key, pos }, out);
                if out.len() > before {
                    origins.push((before, Err(LITERAL_NO_FIX.to_string())));
                }
            }
        }
        // (A file that is not UTF-8 gets no fixes, and no reasons.)
        let utf8 = std::str::from_utf8(cx.src).is_ok();
        for (i, origin) in origins {
            match origin {
                Ok(o) => out[i].payload = o.payload(),
                Err(why) if utf8 => out[i].set_no_fix(why),
                Err(_) => {}
            }
        }
    }
}

/// Calls `hit` with the offset of each token where the check can report: a varying field
/// selected and not called, whose value goes where a type is demanded (not a constant's
/// comparison or assignment, nor a context that adapts: [`FieldSite`]), in a file that
/// spells a name which can bring a value with such a field (`Index::reach`), or a type
/// whose fields vary written before `{` or `[` (a literal's; not a function's result type
/// before its body) with a value that is no constant, for a field that may differ.
fn candidates(index: &Index, file: FileId, src: &[u8], mut hit: impl FnMut(usize)) {
    let own = index.file_package[file];
    let imported: Vec<PkgId> = index
        .import_bindings(file)
        .into_iter()
        .filter_map(|(_, t)| match t {
            Some(crate::index::Target::Local(p)) => Some(p),
            _ => None,
        })
        .collect();
    let tables = index.width_tokens();
    let names = varying_field_names();
    let local = index.local_width.as_ref();
    // A field of a table struct, or of a struct the tree declares per arch.
    let field = |n: &str| {
        names.contains(n)
            && (tables.fields.contains(n) || local.is_none_or(|l| l.seeds_of_field(n) != 0))
    };
    // A type of the tables, of the file's package or of one it imports from the tree
    // (a qualified `q.T` is checked against all of them: a superset; all of them are
    // when the tree's types are not known).
    // Looked up in each package's own map: gathering them into one set per file cost more
    // than the few names asked (those before a `{` or `[`).
    let packages: Vec<PkgId> = own.into_iter().chain(imported.iter().copied()).collect();
    let ty = |n: &str| {
        tables.types.contains(n)
            || local.is_none_or(|l| packages.iter().any(|&p| l.types[p].contains_key(n)))
    };
    // A field is selected from a value of a type in which it differs only in a file that
    // spells a name which can bring one in (`Index::reach`).
    let reach = index.reach.as_ref();
    let seeds_of = |n: &str| {
        let tables = reach.map_or(Seeds::MAX, |r| r.width_field(n));
        tables | local.map_or(Seeds::MAX, |l| l.seeds_of_field(n))
    };
    // The byte skim first: most files asked about write no such type and select no such
    // field, or none a name they spell can bring; then no token is needed.
    let mentions = reach.map(|r| r.width.skim(index, file));
    let (mut selected, mut brought): (Seeds, Seeds) = (Seeds::ZERO, Seeds::ZERO);
    let maybe = crate::lexer::skim::any_ident(src, |id| {
        if id.selected && field(id.name) {
            selected |= seeds_of(id.name);
        }
        if let Some(m) = &mentions {
            brought |= m.seeds(&id);
        }
        // A literal's type comes before its `{` or `[` (a comment may come between).
        (matches!(id.next, b'{' | b'[' | b'/') && ty(id.name))
            || selected & mentions.as_ref().map_or(Seeds::MAX, |_| brought) != 0
    });
    if !maybe {
        return;
    }
    let mut fields = Vec::new();
    let mut literals = Vec::new();
    crate::lexer::for_each_ident_use(src, |u| {
        if matches!(u.next, '{' | '[') && !u.result && ty(u.name) {
            // An empty literal has no value to compare, and a slice, array or map
            // literal of such structs is no struct literal (elements without their type
            // are not checked; those with it are literals of their own).
            if !(u.next == '{' && (u.empty_braces || u.element_type)) {
                literals.push((u.at, u.name, u.selected));
            }
        } else if u.selected
            && u.next != '('
            && !u.converted
            && !(u.element_type && u.next == '{')
            && field(u.name)
        {
            // Converted where it is selected (`uint64(st.Rdev)`), it adapts; `[]q.T{`
            // names a type.
            fields.push((u.at, seeds_of(u.name)));
        }
    });
    if fields.is_empty() && literals.is_empty() {
        return;
    }
    let sites = Sites::new(src);
    // A qualifier of `file` that no local name shadows.
    let import = |q: &str| sites.only_qualifies(q);
    // A literal is checked element by element: only a value that is no constant, given
    // positionally or to a field whose type may differ, can break (`T{Sec: 1}`,
    // `T{Fd: fd}` are silent). Of a type `q.T`, only one of the tables (its fields'
    // types from the tables) or of a package of the tree whose type `T` may differ is
    // checked (`os.ProcAttr{` is neither).
    let local_field = |n: &str| local.is_none_or(|l| l.seeds_of_field(n) != 0);
    let dot_import = (index.files[file].imports.iter()).any(|i| i.name.as_deref() == Some("."));
    for (at, name, selected) in literals {
        let q = selected.then(|| sites.qualifier(at)).flatten();
        let home = match q.map(|q| infer::type_qualifier(index, file, q)) {
            None | Some(None) => None,
            Some(Some(home)) => Some(home),
        };
        // Unqualified (and no package imported with `.`), the name is a type of the file's
        // own package or of no package the tokens match it to: another package's type of
        // that name is not this one.
        let home = match (home, local) {
            (None, Some(l)) if !selected && !dot_import => match own {
                Some(p) if l.types[p].contains_key(name) => Some(Some(Home::Local(p))),
                _ if !tables.types.contains(name) => continue,
                _ => None,
            },
            (home, _) => home,
        };
        let key_may_differ: &dyn Fn(&str) -> bool = match home {
            // The struct's own fields (a named type over one: any table struct's).
            Some(Some(Home::Table(pkg))) => match tables.retyped_in.get(&(pkg, name)) {
                Some(own) => &|k: &str| own.contains(k),
                None => &|k: &str| tables.retyped.contains(k),
            },
            Some(Some(Home::Local(p))) => {
                if !local.is_none_or(|l| l.types[p].contains_key(name)) {
                    continue;
                }
                // Its own declarations say, not the tables' structs.
                &move |k: &str| local.is_none_or(|l| l.field_may_differ_in(p, name, k))
            }
            Some(Some(Home::Foreign(_)) | None) => continue,
            None => &|k: &str| tables.retyped.contains(k) || local_field(k),
        };
        let keep = sites.literal(at).is_none_or(|elems| {
            elems.iter().any(|e| match e {
                LitElem::Constant => false,
                LitElem::Keyed(k) => key_may_differ(k),
                LitElem::Other => true,
            })
        });
        if keep {
            hit(at);
        }
    }
    // Uses that adapt or meet constants only, that the check never reports.
    fields.retain(|&(at, _)| match sites.field(at) {
        FieldSite::Adapts | FieldSite::AssignedConstant | FieldSite::ComparedWithConstant => false,
        FieldSite::ComparedWithMember(q, n) => {
            !import(q) || infer::member_may_be_typed(index, file, index.reference, q, n)
        }
        FieldSite::Argument {
            qualifier,
            func,
            index: arg,
            spread,
        } => {
            !import(qualifier)
                || infer::argument_may_be_typed(index, file, qualifier, func, arg, spread)
        }
        FieldSite::Other => true,
    });
    if fields.is_empty() {
        return;
    }
    // Without the lexed declarations (no prefilters) every such field is kept; with
    // them, where the function holding it or the package-level declarations spell a
    // name that brings one of its structs.
    let Some(reach) = reach else {
        fields.iter().for_each(|&(off, _)| hit(off));
        return;
    };
    let offsets: Vec<usize> = fields.iter().map(|&(off, _)| off).collect();
    let brought = reach.width.mentions_at(index, file, src, &offsets);
    for (off, seeds) in fields {
        if seeds & brought.at(off) != 0 {
            hit(off);
        }
    }
}

pub(crate) const LITERAL_NO_FIX: &str = "the value must have the field's own type on each arch, \
     which no single conversion gives (use a helper such as `unix.NsecToTimespec`, or convert \
     in a file per arch)";

pub(crate) use fix::Origin;

/// One value of a struct literal: its `literal_element`, key, and position.
struct LitSlot<'a> {
    lv: Node<'a>,
    elem: Node<'a>,
    key: Option<Node<'a>>,
    pos: usize,
}

/// Field names whose Go type differs between two arches in some table struct.
fn varying_field_names() -> &'static FxHashSet<&'static str> {
    static NAMES: OnceLock<FxHashSet<&'static str>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let mut set = FxHashSet::default();
        for pkg in abi::Package::ALL {
            for (s, other) in abi::differing_structs(pkg, Arch::Amd64, ArchSet::ALL, false) {
                let Some(other) = other else { continue };
                for f in s.fields {
                    if other.field(f.name).is_some_and(|g| g.ty != f.ty) {
                        set.insert(f.name);
                    }
                }
            }
        }
        set
    })
}

/// A use that breaks on some arches.
struct Broken<'t> {
    arches: ArchSet,
    use_: Use<'t>,
    /// The local the value flowed through, when not used directly.
    via: Option<Node<'t>>,
    /// Type demanded on the reference arch.
    demanded: Option<Ty>,
    /// The value's type on the reference arch.
    value_ty: Option<Ty>,
}

fn check_selector<'a>(
    cx: &FileCtx<'a>,
    re: &Infer<'_, 'a>,
    infs: &[(Arch, &Infer<'_, 'a>)],
    sel: Node<'a>,
    out: &mut Vec<Finding>,
) -> Option<Result<Origin, String>> {
    let op = sel.child_by_field_id(FIELD.operand)?;
    let field = sel.child_by_field_id(FIELD.field)?;
    let (t_ref, varies) = re.tracked(|| re.type_of(sel));
    let t_ref = t_ref?;
    // The same type on every arch (it read no arch-varying fact): nothing to compare.
    if !varies {
        return None;
    }
    // Only fields of structs: `pkg.Name` members have no operand type.
    let owner = re.type_of(op)?;
    let mut varying: Vec<(Arch, Ty)> = Vec::new();
    for (a, inf) in infs {
        if let Some(t) = inf.type_of(sel) {
            if t != t_ref {
                varying.push((*a, t));
            }
        }
    }
    if varying.is_empty() {
        return None;
    }
    let mut uses = Vec::new();
    flatten(re, sel, None, 0, &mut HashSet::new(), &mut uses);
    let mut broken: Vec<Broken<'a>> = Vec::new();
    for &(u, via) in &uses {
        let mut arches = ArchSet::EMPTY;
        let ok_ref = fits(re, &u);
        if ok_ref != Some(true) {
            if ok_ref.is_none() {
                note_gave_up(cx, u.value);
            }
            continue;
        }
        let mut gave_up = false;
        for (a, _) in &varying {
            let inf = &infs.iter().find(|(b, _)| b == a).expect("arch in infs").1;
            match fits(inf, &u) {
                Some(false) => arches.insert(*a),
                Some(true) => {}
                None => gave_up = true,
            }
        }
        if gave_up {
            note_gave_up(cx, u.value);
        }
        if !arches.is_empty() {
            let demanded = match u.ctx {
                Ctx::Need(n) => re.demanded(&n),
                _ => None,
            };
            broken.push(Broken {
                arches,
                use_: u,
                via,
                demanded,
                value_ty: re.type_of(u.value),
            });
        }
    }
    if broken.is_empty() {
        return None;
    }
    let all = broken
        .iter()
        .fold(ArchSet::EMPTY, |acc, b| acc.union(b.arches));
    let shown = text(sel, cx.src);
    let groups = group_types(varying.iter().filter(|(a, _)| all.contains(*a)).cloned());
    let reference = re.arch;
    let mut message = format!("`{shown}` is {groups}, not `{t_ref}` as on {reference}");
    // Merge uses of the same local on the same line: "at line 33 (a, b)".
    let mut parts: Vec<(String, Vec<String>)> = Vec::new();
    for b in &broken {
        let (head, what) = describe_use(cx, sel, b);
        match parts.iter_mut().find(|(h, _)| *h == head) {
            Some((_, w)) => {
                if !w.contains(&what) {
                    w.push(what)
                }
            }
            None => parts.push((head, vec![what])),
        }
    }
    let parts: Vec<String> = parts
        .into_iter()
        .map(|(h, w)| {
            let w: Vec<String> = w.into_iter().filter(|x| !x.is_empty()).collect();
            if w.is_empty() {
                h
            } else {
                format!("{h} ({})", w.join(", "))
            }
        })
        .collect();
    message.push_str("; ");
    message.push_str(&parts.join("; "));
    let fname = text(field, cx.src);
    let fact = field_fact(re, infs, &owner, fname);
    let shown_types: Vec<(Arch, Ty)> = varying
        .iter()
        .filter(|(a, _)| all.contains(*a))
        .cloned()
        .collect();
    let origin = fix::origin(re, infs, sel, fname, &t_ref, &shown_types, &uses);
    out.push(cx.finding(META.id, sel, all, message, fact));
    Some(origin)
}

/// "`uint32` on mips64, mips64le and `int32` on arm64".
pub(crate) fn group_types(items: impl Iterator<Item = (Arch, Ty)>) -> String {
    let mut by: BTreeMap<String, ArchSet> = BTreeMap::new();
    for (a, t) in items {
        by.entry(t.to_string()).or_default().insert(a);
    }
    let mut groups: Vec<(String, ArchSet)> = by.into_iter().collect();
    groups.sort_by_key(|(_, s)| s.iter().next().map(|a| a.index()));
    let parts: Vec<String> = groups
        .iter()
        .map(|(t, s)| format!("`{t}` on {s}"))
        .collect();
    match parts.len() {
        0 => String::new(),
        1 => parts[0].clone(),
        n => format!("{} and {}", parts[..n - 1].join(", "), parts[n - 1]),
    }
}

/// A use as (head, context words): ("`rdev` is used as `uint64` at line 33", "argument to …").
fn describe_use(cx: &FileCtx<'_>, origin: Node<'_>, b: &Broken<'_>) -> (String, String) {
    let what = what_of(cx, &b.use_);
    // Where the compiler reports: the case value for switches, else the value.
    let site = match b.use_.ctx {
        Ctx::Need(Need::Expr(e)) if b.use_.what == "switch case" => e,
        _ => b.use_.value,
    };
    let line = site.start_position().row + 1;
    let origin_line = origin.start_position().row + 1;
    let need = b
        .demanded
        .as_ref()
        .map_or_else(|| "another type".to_string(), |t| format!("`{t}`"));
    let assigned_to_origin =
        matches!(b.use_.ctx, Ctx::Need(Need::Expr(e)) if e.id() == origin.id());
    if assigned_to_origin {
        let v = b.value_ty.as_ref().map_or_else(
            || "a value".to_string(),
            |t| format!("a value of type `{t}`"),
        );
        return (format!("assigned {v} at line {line}"), String::new());
    }
    match b.via {
        Some(local) => (
            format!("`{}` is used as {need} at line {line}", text(local, cx.src)),
            what,
        ),
        None if line != origin_line => (format!("used as {need} at line {line}"), what),
        None => (format!("used as {need}"), what),
    }
}

fn what_of(cx: &FileCtx<'_>, u: &Use<'_>) -> String {
    match u.ctx {
        Ctx::Need(Need::Param { call, .. }) => match call.child_by_field_id(FIELD.function) {
            Some(f) => format!("argument to `{}`", text(f, cx.src)),
            None => "argument".into(),
        },
        Ctx::Need(Need::Expr(e)) if u.what == "comparison" || u.what == "operand" => {
            format!("{} with `{}`", u.what, text(e, cx.src))
        }
        _ => u.what.to_string(),
    }
}

/// Whether the use type-checks on the arch of `inf`; `None` when inference can't tell.
pub(crate) fn fits<'a>(inf: &Infer<'_, 'a>, u: &Use<'a>) -> Option<bool> {
    match u.ctx {
        Ctx::Adapts => Some(true),
        Ctx::Unknown | Ctx::Local(_) => None,
        Ctx::Need(n) => {
            let v = inf.type_of(u.value)?;
            let d = inf.demanded(&n)?;
            inf.assignable(&v, &d)
        }
    }
}

/// The terminal uses of a value, following locals it initialises (up to 4 hops).
fn flatten<'a>(
    re: &Infer<'_, 'a>,
    start: Node<'a>,
    via: Option<Node<'a>>,
    depth: u32,
    seen: &mut HashSet<usize>,
    out: &mut Vec<(Use<'a>, Option<Node<'a>>)>,
) {
    for u in re.contexts(start) {
        match u.ctx {
            Ctx::Local(decl) => {
                if depth >= 4 || !seen.insert(decl.id()) {
                    continue;
                }
                let Some(b) = binding_of_decl(re, decl) else {
                    out.push((
                        Use {
                            ctx: Ctx::Unknown,
                            ..u
                        },
                        via,
                    ));
                    continue;
                };
                for id in re.uses_of(&b) {
                    flatten(re, id, Some(decl), depth + 1, seen, out);
                }
            }
            _ => out.push((u, via)),
        }
    }
}

/// The binding a declaring identifier introduces, found by resolving the identifier as if
/// it were used right after its declaration.
fn binding_of_decl<'a>(
    re: &Infer<'_, 'a>,
    decl: Node<'a>,
) -> Option<crate::types::infer::Binding<'a>> {
    // Resolve from the decl's statement end: search the uses and take the first that
    // resolves to this identifier; with no uses there is nothing to follow.
    let mut stmt = re.parent(decl)?;
    while !matches!(
        stmt.kind(),
        "short_var_declaration" | "var_declaration" | "const_declaration"
    ) {
        stmt = re.parent(stmt)?;
    }
    let scope = re.parent(stmt)?;
    let how = match stmt.kind() {
        "short_var_declaration" => {
            let left = stmt.child_by_field_id(FIELD.left)?;
            let mut c = left.walk();
            let index = left
                .named_children(&mut c)
                .position(|n| n.id() == decl.id())?;
            crate::types::infer::LocalDecl::Spec { spec: stmt, index }
        }
        _ => {
            let spec = re.parent(decl)?;
            let mut c = spec.walk();
            let index = spec
                .children_by_field_name("name", &mut c)
                .position(|n| n.id() == decl.id())?;
            crate::types::infer::LocalDecl::Spec { spec, index }
        }
    };
    // `if x := …; cond {}` scopes x to the if statement.
    let scope = if matches!(
        scope.kind(),
        "if_statement" | "expression_switch_statement" | "type_switch_statement" | "for_clause"
    ) {
        if scope.kind() == "for_clause" {
            re.parent(scope)?
        } else {
            scope
        }
    } else {
        scope
    };
    Some(crate::types::infer::Binding {
        ident: decl,
        scope,
        how,
    })
}

/// The per-arch types of `owner.field`, with the tables' source.
fn field_fact(
    re: &Infer<'_, '_>,
    infs: &[(Arch, &Infer<'_, '_>)],
    owner: &Ty,
    field: &str,
) -> String {
    let mut items = vec![(re.arch, re.field_type(owner, field))];
    items.extend(
        infs.iter()
            .map(|(a, inf)| (*a, inf.field_type(owner, field))),
    );
    let known: Vec<(Arch, Ty)> = items
        .into_iter()
        .filter_map(|(a, t)| t.map(|t| (a, t)))
        .collect();
    let owner_name = match re.underlying(owner.pointee()) {
        Some(t) => t.to_string(),
        None => owner.pointee().to_string(),
    };
    let source = match re.underlying(owner.pointee()) {
        Some(Ty::Named(Home::Table(pkg), _)) => table_source(pkg).to_string(),
        Some(Ty::Named(Home::Local(p), _)) => format!(
            "declared per arch in `{}`",
            re.cx.index.packages[p]
                .import_path
                .as_deref()
                .unwrap_or(&re.cx.index.packages[p].dir)
        ),
        _ => "inferred".to_string(),
    };
    format!(
        "`{owner_name}.{field}` is {} ({source})",
        group_types(known.into_iter())
    )
}

/// A value in a struct literal whose field type differs by arch (`unix.Timespec{Sec: x}`).
fn check_literal_element<'a>(
    cx: &FileCtx<'a>,
    re: &Infer<'_, 'a>,
    infs: &[(Arch, &Infer<'_, 'a>)],
    slot: LitSlot<'a>,
    out: &mut Vec<Finding>,
) {
    let LitSlot { lv, elem, key, pos } = slot;
    let Some(value) = elem.named_child(0) else {
        return;
    };
    if value.kind() == "literal_value" {
        return;
    }
    let need = Need::LitElem { elem };
    let Some(lit_ty) = re.literal_type(lv) else {
        return;
    };
    let Some(Ty::Named(Home::Table(_) | Home::Local(_), _)) = re.underlying(&lit_ty) else {
        return;
    };
    let Some(fields_ref) = re.fields_of(&lit_ty) else {
        return;
    };
    let Some(d_ref) = re.demanded(&need) else {
        return;
    };
    let mut varying = Vec::new();
    for (a, inf) in infs {
        // Positional literals of structs whose field count differs are another rule's.
        if key.is_none() && inf.fields_of(&lit_ty).map(|f| f.len()) != Some(fields_ref.len()) {
            continue;
        }
        if let Some(d) = inf.demanded(&need) {
            if d != d_ref {
                varying.push((*a, inf, d));
            }
        }
    }
    if varying.is_empty() {
        return;
    }
    let u = Use {
        value,
        ctx: Ctx::Need(need),
        what: "literal field",
    };
    if fits(re, &u) != Some(true) {
        return;
    }
    let mut arches = ArchSet::EMPTY;
    let mut types = Vec::new();
    for (a, inf, d) in &varying {
        match fits(inf, &u) {
            Some(false) => {
                arches.insert(*a);
                types.push((*a, d.clone()));
            }
            Some(true) => {}
            None => note_gave_up(cx, value),
        }
    }
    if arches.is_empty() {
        return;
    }
    let fname = match key {
        Some(k) => text(k, cx.src).to_string(),
        None => fields_ref
            .get(pos)
            .map_or_else(String::new, |f| f.name.clone()),
    };
    let v = re
        .type_of(value)
        .map_or_else(|| "a value".into(), |t| format!("a value of type `{t}`"));
    let owner = lit_ty.to_string();
    out.push(cx.finding(
        META.id,
        elem,
        arches,
        format!(
            "field `{fname}` of `{owner}` is {}, not `{d_ref}` as on {}; given {v}",
            group_types(types.into_iter()),
            re.arch
        ),
        field_fact(re, infs, &lit_ty, &fname),
    ));
}
