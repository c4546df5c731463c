//! `epoll-event-layout`: code that assumes the x86 layout of `EpollEvent` (packed, 12 bytes,
//! three fields) where other arches have a pad field and 16 bytes.

#[path = "epoll_event_layout_fix.rs"]
mod fix;

use super::{Bodies, FileCtx, FixAvailability, Rule, RuleMeta, SourceView, TypeNeed};
use crate::abi::is_exported;
use crate::arch::{Arch, ArchSet};
use crate::finding::{Finding, Payload};
use crate::index::{AbiImport, FileId, Index};
use crate::syntax::literals::parse_u64;
use crate::syntax::text;
use crate::syntax::tree::FIELD;
use crate::types::infer::Infer;
use crate::types::layout::{struct_layout, Layout};
use crate::types::ty::{Home, Ty};
use crate::types::{note_gave_up, table_source};
use std::collections::BTreeMap;
use tree_sitter::Node;

pub struct EpollEventLayout;

pub(super) static META: RuleMeta = RuleMeta {
    id: "epoll-event-layout",
    summary: "code that assumes the x86 layout of `EpollEvent` (no pad field, 12 bytes)",
    doc: include_str!("../../rules/epoll-event-layout.md"),
    fix: FixAvailability::Sometimes,
    imports: Some(AbiImport::AnySpelling),
    words: &["EpollEvent", "epoll_event", "epollEvent"],
    fixer: Some(fix::attach),
};

impl Rule for EpollEventLayout {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// A file that builds for the reference arch and a target, and names the type or the C
    /// struct: the check compares the x86 layout with the others' and judges nothing else
    /// (x/sys's `zsyscall_linux_<arch>.go`, built for one arch, names `EpollEvent` for
    /// nothing).
    fn wants_source(&self, index: &Index, file: FileId, src: &SourceView<'_>) -> bool {
        index.reference_and_targets(file).is_some() && META.words.iter().any(|w| src.mentions(w))
    }

    /// A finding is at an expression the inference types as an `EpollEvent` (of the
    /// tables or a copy), or at a constant named after the struct. Such a value reaches a
    /// function only through a name it spells that can bring one
    /// ([`crate::index::reach::Reaches::epoll_event`]): held are those functions (and the
    /// package-level `var` literals, when some name of the file can bring one), and every
    /// declaration naming the struct.
    fn bodies(&self, index: &Index, file: FileId, src: &[u8]) -> Bodies {
        let (Some(reach), Some(blocks)) = (index.reach.as_ref(), crate::lexer::top_blocks(src))
        else {
            return Bodies::All;
        };
        let mut at = Vec::new();
        crate::lexer::skim::any_ident(src, |id| {
            if names_epoll_event(id.name) {
                at.push(id.at);
            }
            false
        });
        let funcs: Vec<usize> = blocks
            .iter()
            .filter(|b| src[b.decl..].starts_with(b"func"))
            .map(|b| b.decl)
            .collect();
        let brought = reach.epoll_event.mentions_at(index, file, src, &funcs);
        // A package-level `var`'s func literal sees what the whole file spells (`at` of an
        // offset outside every function).
        at.extend(
            blocks
                .iter()
                .map(|b| b.decl)
                .filter(|&d| brought.at(d) != 0),
        );
        Bodies::Holding(at)
    }

    fn type_need(&self, _index: &Index, _file: FileId, _src: &[u8]) -> TypeNeed {
        TypeNeed::Transitive
    }

    /// Its check walks only the declarations its bodies hold.
    fn reads_held_only(&self) -> bool {
        true
    }

    fn check(&self, cx: &FileCtx<'_>, out: &mut Vec<Finding>) {
        let Some((_, targets)) = cx.reference_and_targets() else {
            return;
        };
        if !mentions_epoll(cx.src) {
            return;
        }
        // Only the declarations `bodies` holds can hold a finding: no value of the struct
        // reaches the others. The tree may hold more, parsed for another rule (a whole
        // `zsyscall_linux.go`), whose every call was inferred on every target for nothing.
        let held = match self.bodies(cx.index, cx.file, cx.src) {
            Bodies::Holding(mut at) => {
                at.sort_unstable();
                Some(at)
            }
            Bodies::All => None,
        };
        let (re, infs) = cx.infer_each(targets);
        let mut nodes = Vec::new();
        cx.walk(|v| {
            if let (Some(at), 1) = (&held, v.ancestors.len()) {
                let r = v.node.byte_range();
                if crate::lexer::holds_none(at, r.start, r.end) {
                    return false;
                }
            }
            if matches!(
                v.kind,
                "composite_literal"
                    | "selector_expression"
                    | "binary_expression"
                    | "call_expression"
                    | "type_conversion_expression"
                    | "const_spec"
            ) {
                nodes.push(v.node);
            }
            true
        });
        let mut c = Checker {
            cx,
            re,
            infs: &infs,
            out,
        };
        for n in nodes {
            match n.kind() {
                "composite_literal" => c.literal(n),
                "selector_expression" => c.selector(n),
                "binary_expression" => c.size_comparison(n),
                "call_expression" | "type_conversion_expression" => c.byte_view(n),
                "const_spec" => c.size_const(n),
                _ => {}
            }
        }
    }
}

/// Whether an identifier names the struct as the check's constants do (`EpollEvent`,
/// `sizeofEpollEvent`, `SIZEOF_EPOLL_EVENT`): [`folded`], it holds `epollevent`.
fn names_epoll_event(name: &str) -> bool {
    folded(name).contains("epollevent")
}

/// An identifier lowercased, without `_`: how the check reads a constant's name.
fn folded(name: &str) -> String {
    name.to_ascii_lowercase().replace('_', "")
}

/// Cheap test before any inference: the file names the type or the C struct.
fn mentions_epoll(src: &[u8]) -> bool {
    memchr::memmem::find(src, b"EpollEvent").is_some()
        || memchr::memmem::find(src, b"epoll_event").is_some()
        || memchr::memmem::find(src, b"epollEvent").is_some()
}

/// Whether a type is (a pointer to) an `EpollEvent` of the tables or of a vendored copy.
fn is_epoll(inf: &Infer<'_, '_>, t: &Ty) -> bool {
    matches!(inf.unalias(t).pointee(), Ty::Named(Home::Table(_) | Home::Local(_), n) if n == "EpollEvent")
}

fn epoll_ty(inf: &Infer<'_, '_>, t: &Ty) -> Option<Ty> {
    let t = inf.unalias(t);
    is_epoll(inf, &t).then(|| t.pointee().clone())
}

struct Checker<'c, 'a, 'o> {
    cx: &'c FileCtx<'a>,
    re: &'c Infer<'c, 'a>,
    infs: &'c [(Arch, &'c Infer<'c, 'a>)],
    out: &'o mut Vec<Finding>,
}

impl<'a> Checker<'_, 'a, '_> {
    /// The target arches where `owner` is not `n` bytes, and "16 bytes on arm64, …".
    fn other_sizes(&self, owner: &Ty, n: u64) -> (ArchSet, String) {
        let mut by: BTreeMap<u64, ArchSet> = BTreeMap::new();
        for (a, inf) in self.infs {
            if let Some(l) = struct_layout(inf, owner, 0) {
                if l.size != n {
                    by.entry(l.size).or_default().insert(*a);
                }
            }
        }
        let arches = by.values().fold(ArchSet::EMPTY, |acc, s| acc.union(*s));
        let actual: Vec<String> = by
            .iter()
            .map(|(v, s)| format!("{v} bytes on {s}"))
            .collect();
        (arches, actual.join(", "))
    }

    fn push(&mut self, node: Node<'a>, arches: ArchSet, message: String, owner: &Ty) {
        if arches.is_empty() {
            return;
        }
        self.out.push(
            self.cx
                .finding(META.id, node, arches, message, self.fact(owner)),
        );
    }

    /// Per-arch layouts of the struct, grouped: "12 bytes (`Events`@0, `Fd`@4, `Pad`@8) on …".
    fn fact(&self, owner: &Ty) -> String {
        let mut groups: BTreeMap<String, ArchSet> = BTreeMap::new();
        let all =
            std::iter::once((self.re.arch, self.re)).chain(self.infs.iter().map(|(a, i)| (*a, *i)));
        for (a, inf) in all {
            if let Some(l) = struct_layout(inf, owner, 0) {
                groups.entry(describe(&l)).or_default().insert(a);
            }
        }
        let mut g: Vec<(String, ArchSet)> = groups.into_iter().collect();
        g.sort_by_key(|(_, s)| s.iter().next().map(|a| a.index()));
        let parts: Vec<String> = g.iter().map(|(d, s)| format!("{d} on {s}")).collect();
        let source = match owner {
            Ty::Named(Home::Table(pkg), _) => table_source(*pkg).to_string(),
            Ty::Named(Home::Local(p), _) => format!(
                "computed from the declarations in `{}`",
                self.cx.index.packages[*p].dir
            ),
            _ => "inferred".into(),
        };
        format!("`{owner}` is {} ({source})", parts.join("; "))
    }

    /// Positional literals whose value count no longer fits, and keyed fields that do not
    /// exist on a target.
    fn literal(&mut self, lit: Node<'a>) {
        let Some(t) = self.re.type_of(lit) else {
            return;
        };
        let Some(owner) = epoll_ty(self.re, &t) else {
            return;
        };
        let Some(body) = lit.child_by_field_id(FIELD.body) else {
            return;
        };
        let mut c = body.walk();
        let elems: Vec<Node<'a>> = body
            .named_children(&mut c)
            .filter(|n| n.kind() != "comment")
            .collect();
        if elems.is_empty() {
            return;
        }
        let Some(ref_fields) = self.re.fields_of(&owner) else {
            note_gave_up(self.cx, lit);
            return;
        };
        let keyed = elems.iter().any(|e| e.kind() == "keyed_element");
        if keyed {
            for e in elems {
                let Some(k) = e.child_by_field_id(FIELD.key) else {
                    continue;
                };
                let name = text(k, self.cx.src);
                if !ref_fields.iter().any(|f| f.name == name) {
                    continue;
                }
                let mut arches = ArchSet::EMPTY;
                for (a, inf) in self.infs {
                    if let Some(fs) = inf.fields_of(&owner) {
                        if !fs.iter().any(|f| f.name == name) {
                            arches.insert(*a);
                        }
                    }
                }
                let msg = format!("field `{name}` of `{owner}` does not exist on {arches}");
                self.push(e, arches, msg, &owner);
            }
            return;
        }
        let n = elems.len();
        if n != ref_fields.len() {
            return; // does not compile on the reference arch either
        }
        let mut by_count: BTreeMap<usize, ArchSet> = BTreeMap::new();
        let mut blank = ArchSet::EMPTY;
        for (a, inf) in self.infs {
            let Some(fs) = inf.fields_of(&owner) else {
                note_gave_up(self.cx, lit);
                continue;
            };
            if fs.len() != n {
                by_count.entry(fs.len()).or_default().insert(*a);
            } else if fs
                .iter()
                .zip(&ref_fields)
                .any(|(f, r)| !is_exported(&f.name) && is_exported(&r.name))
            {
                blank.insert(*a);
            }
        }
        let mut arches = blank;
        let mut parts = Vec::new();
        for (count, set) in &by_count {
            arches = arches.union(*set);
            parts.push(format!("{count} fields on {set}"));
        }
        if !blank.is_empty() {
            parts.push(format!("an unexported pad field on {blank}"));
        }
        let msg = format!(
            "positional `{owner}` literal gives {n} values; the struct has {}",
            parts.join(" and ")
        );
        let before = self.out.len();
        self.push(lit, arches, msg, &owner);
        if self.out.len() > before {
            let names: Vec<&str> = ref_fields.iter().map(|f| f.name.as_str()).collect();
            self.out[before].payload = Payload::PositionalLiteral {
                owner: owner.to_string(),
                fields: self.field_presence(&names, &owner),
            };
        }
    }

    /// Each field of the reference arch, with why it is not a field of `owner` on every arch
    /// the file builds for, if it is not: what the keyed rewrite of a positional literal
    /// needs to know.
    fn field_presence(&self, names: &[&str], owner: &Ty) -> Vec<(String, Option<String>)> {
        let info = self.cx.info();
        let extra: Vec<&Infer<'_, '_>> = info
            .arches
            .iter()
            .filter(|a| *a != self.re.arch && !self.infs.iter().any(|(b, _)| b == a))
            .map(|a| self.cx.infer(a))
            .collect();
        let everywhere = |name: &str| -> Option<String> {
            let all = std::iter::once(self.re)
                .chain(self.infs.iter().map(|(_, i)| *i))
                .chain(extra.iter().copied());
            for inf in all {
                match inf.fields_of(owner) {
                    Some(fs) if fs.iter().any(|f| f.name == name) => {}
                    Some(_) => {
                        return Some(format!("`{owner}` has no field `{name}` on {}", inf.arch))
                    }
                    None => {
                        return Some(format!(
                            "the fields of `{owner}` on {} are unknown",
                            inf.arch
                        ))
                    }
                }
            }
            None
        };
        names
            .iter()
            .map(|n| (n.to_string(), everywhere(n)))
            .collect()
    }

    /// `ev.PadFd` where a target has no such field.
    fn selector(&mut self, sel: Node<'a>) {
        let (Some(op), Some(field)) = (
            sel.child_by_field_id(FIELD.operand),
            sel.child_by_field_id(FIELD.field),
        ) else {
            return;
        };
        let name = text(field, self.cx.src);
        if !name.starts_with(|c: char| c.is_ascii_uppercase()) {
            return;
        }
        let Some(t) = self.re.type_of(op) else {
            return;
        };
        let Some(owner) = epoll_ty(self.re, &t) else {
            return;
        };
        if self.re.field_type(&owner, name).is_none() {
            return;
        }
        let mut arches = ArchSet::EMPTY;
        for (a, inf) in self.infs {
            if let Some(fs) = inf.fields_of(&owner) {
                if !fs.iter().any(|f| f.name == name) {
                    arches.insert(*a);
                }
            }
        }
        let shown = text(sel, self.cx.src);
        let msg = format!("`{shown}`: `{owner}` has no field `{name}` on {arches}");
        self.push(sel, arches, msg, &owner);
    }

    /// `unsafe.Sizeof(ev) == 12`, `unsafe.Offsetof(ev.Fd) != 4`.
    fn size_comparison(&mut self, bin: Node<'a>) {
        let (Some(l), Some(r)) = (
            bin.child_by_field_id(FIELD.left),
            bin.child_by_field_id(FIELD.right),
        ) else {
            return;
        };
        let (call, lit) = if l.kind() == "int_literal" {
            (r, l)
        } else if r.kind() == "int_literal" {
            (l, r)
        } else {
            return;
        };
        let Some(value) = parse_u64(text(lit, self.cx.src)) else {
            return;
        };
        let Some((what, owner, field)) = self.unsafe_query(call) else {
            return;
        };
        let measure = |inf: &Infer<'_, '_>| -> Option<u64> {
            let l = struct_layout(inf, &owner, 0)?;
            match &field {
                Some(f) => l.field(f).map(|s| s.offset),
                None => Some(l.size),
            }
        };
        let Some(ref_value) = measure(self.re) else {
            note_gave_up(self.cx, bin);
            return;
        };
        if ref_value != value {
            return;
        }
        let ref_size = struct_layout(self.re, &owner, 0).map_or(0, |l| l.size);
        let mut by: BTreeMap<u64, ArchSet> = BTreeMap::new();
        for (a, inf) in self.infs {
            match measure(inf) {
                Some(v) if v != value => by.entry(v).or_default().insert(*a),
                Some(_) => {}
                None => note_gave_up(self.cx, bin),
            }
        }
        let arches = by.values().fold(ArchSet::EMPTY, |acc, s| acc.union(*s));
        let actual: Vec<String> = by.iter().map(|(v, s)| format!("{v} on {s}")).collect();
        let msg = match &field {
            Some(f) => format!(
                "`{what}` is compared with {value}, the offset of `{f}` in the {ref_size}-byte x86 `{owner}`; it is {}",
                actual.join(", ")
            ),
            None => format!(
                "`{what}` is compared with {value}, the size of the {ref_size}-byte x86 `{owner}`; it is {}",
                actual.join(", ")
            ),
        };
        self.push(bin, arches, msg, &owner);
    }

    /// `unsafe.Sizeof(x)` or `unsafe.Offsetof(x.F)` with `x` an `EpollEvent`.
    fn unsafe_query(&self, call: Node<'a>) -> Option<(String, Ty, Option<String>)> {
        if call.kind() != "call_expression" {
            return None;
        }
        let f = call.child_by_field_id(FIELD.function)?;
        let ftext = text(f, self.cx.src);
        let arg = call.child_by_field_id(FIELD.arguments)?.named_child(0)?;
        match ftext {
            "unsafe.Sizeof" => {
                let owner = epoll_ty(self.re, &self.re.type_of(arg)?)?;
                if matches!(self.re.type_of(arg)?, Ty::Pointer(_)) {
                    return None;
                }
                Some((ftext.to_string() + "(…)", owner, None))
            }
            "unsafe.Offsetof" => {
                let arg = strip(arg);
                if arg.kind() != "selector_expression" {
                    return None;
                }
                let op = arg.child_by_field_id(FIELD.operand)?;
                let fld = text(arg.child_by_field_id(FIELD.field)?, self.cx.src);
                let owner = epoll_ty(self.re, &self.re.type_of(op)?)?;
                Some((
                    format!("unsafe.Offsetof(….{fld})"),
                    owner,
                    Some(fld.to_string()),
                ))
            }
            _ => None,
        }
    }

    /// `(*[12]byte)(unsafe.Pointer(&ev))` and `(*unix.EpollEvent)(unsafe.Pointer(&buf))`
    /// with `buf` a `[12]byte`.
    fn byte_view(&mut self, conv: Node<'a>) {
        let target = match conv.kind() {
            "type_conversion_expression" => conv
                .child_by_field_id(FIELD.ty)
                .and_then(|t| self.re.type_expr(t)),
            _ => conv
                .child_by_field_id(FIELD.function)
                .and_then(|f| self.re.conversion_type(f))
                .flatten(),
        };
        let Some(target) = target else {
            return;
        };
        let arg = match conv.kind() {
            "type_conversion_expression" => conv.child_by_field_id(FIELD.operand),
            _ => conv
                .child_by_field_id(FIELD.arguments)
                .and_then(|a| a.named_child(0)),
        };
        let Some(arg) = arg.map(strip) else {
            return;
        };
        // The argument must be unsafe.Pointer(inner).
        if arg.kind() != "call_expression"
            || arg
                .child_by_field_id(FIELD.function)
                .is_none_or(|f| text(f, self.cx.src) != "unsafe.Pointer")
        {
            return;
        }
        let Some(inner) = arg
            .child_by_field_id(FIELD.arguments)
            .and_then(|a| a.named_child(0))
        else {
            return;
        };
        let Some(inner_t) = self.re.type_of(inner) else {
            return;
        };
        let bytes_of = |t: &Ty| -> Option<u64> {
            match t {
                Ty::Pointer(p) => match &**p {
                    Ty::Array(n, e) if **e == Ty::Basic("uint8") => Some(*n),
                    _ => None,
                },
                _ => None,
            }
        };
        let (n, owner) = if let (Some(n), Some(owner)) =
            (bytes_of(&target), epoll_ty(self.re, &inner_t))
        {
            if !matches!(inner_t, Ty::Pointer(_)) {
                return;
            }
            (n, owner)
        } else if let (Some(owner), Some(n)) = (epoll_ty(self.re, &target), bytes_of(&inner_t)) {
            if !matches!(target, Ty::Pointer(_)) {
                return;
            }
            (n, owner)
        } else {
            return;
        };
        let Some(ref_l) = struct_layout(self.re, &owner, 0) else {
            note_gave_up(self.cx, conv);
            return;
        };
        if ref_l.size != n {
            return;
        }
        let (arches, actual) = self.other_sizes(&owner, n);
        let msg =
            format!("views `{owner}` as `[{n}]byte`, the {n}-byte x86 layout; it is {actual}");
        self.push(conv, arches, msg, &owner);
    }

    /// `const sizeofEpollEvent = 12`.
    fn size_const(&mut self, spec: Node<'a>) {
        let mut c = spec.walk();
        let names: Vec<Node<'a>> = spec.children_by_field_name("name", &mut c).collect();
        let Some(values) = spec.child_by_field_id(FIELD.value) else {
            return;
        };
        for (i, name) in names.iter().enumerate() {
            let n = folded(text(*name, self.cx.src));
            if !(n.contains("epollevent") && n.contains("size")) {
                continue;
            }
            let Some(v) = values
                .named_child(u32::try_from(i).unwrap_or(u32::MAX))
                .filter(|v| v.kind() == "int_literal")
                .and_then(|v| parse_u64(text(v, self.cx.src)))
            else {
                continue;
            };
            for pkg in crate::abi::Package::ALL {
                let owner = Ty::Named(Home::Table(pkg), "EpollEvent".into());
                let Some(l) = struct_layout(self.re, &owner, 0) else {
                    continue;
                };
                if l.size != v {
                    continue;
                }
                let (arches, actual) = self.other_sizes(&owner, v);
                let shown = text(*name, self.cx.src);
                let msg = format!(
                    "`{shown}` hard-codes the {v}-byte x86 `struct epoll_event`; it is {actual}"
                );
                self.push(*name, arches, msg, &owner);
                break;
            }
        }
    }
}

fn strip(mut n: Node<'_>) -> Node<'_> {
    while n.kind() == "parenthesized_expression" {
        match n.named_child(0) {
            Some(c) => n = c,
            None => break,
        }
    }
    n
}

/// "16 bytes (`Events`@0, `_`@4, `Fd`@8, `Pad`@12)".
fn describe(l: &Layout) -> String {
    let fields: Vec<String> = l
        .fields
        .iter()
        .map(|f| format!("`{}`@{}", f.name, f.offset))
        .collect();
    format!("{} bytes ({})", l.size, fields.join(", "))
}
