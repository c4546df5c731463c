//! Fixes for `kernel-struct-mirror`. The mirror becomes a defined type over the generated
//! `syscall`/x/sys type when that type has the kernel's layout and every field the mirror
//! names, with the same Go type, on every arch the file builds for; failing that, blank pad
//! fields are inserted when every such arch needs the same ones. One edit per mirror, in
//! its declaring file, shared by the findings that pass it to the kernel.

use super::{difference, expected, KernelArg, KERNEL_ARGS, META};
use crate::abi::{self, Package};
use crate::arch::{Arch, ArchSet};
use crate::edit::FixCtx;
use crate::finding::{cite, Edit, Finding, Fix, Payload};
use crate::index::refs::walk_tree;
use crate::index::{FileId, Target};
use crate::syntax::calls::import_name;
use crate::syntax::locals::{find_type_spec, var_type, TypeName};
use crate::syntax::tree::FIELD;
use crate::syntax::{parse_go, text, FileSyntax};
use crate::types::layout::{declared_struct_layout, Layout, Slot};
use std::collections::{BTreeMap, HashMap};
use tree_sitter::{Node, Tree};

pub fn attach(cx: &FixCtx<'_>, findings: &mut [Finding]) {
    // (declaring file, mirror type) → findings passing it to the kernel.
    let mut groups: BTreeMap<(FileId, String), Vec<usize>> = BTreeMap::new();
    for (i, f) in findings.iter().enumerate() {
        if f.rule != META.id {
            continue;
        }
        let Some((ty, _)) = mirror(f) else {
            continue;
        };
        groups.entry((f.file, ty.to_string())).or_default().push(i);
    }
    for ((file, ty), users) in groups {
        let args: Vec<&KernelArg> = users
            .iter()
            .filter_map(|&i| mirror(&findings[i]).map(|(_, k)| k))
            .collect();
        let result = plan(cx, file, &ty, &args);
        for i in users {
            match &result {
                Ok(fix) => findings[i].fix = Some(fix.clone()),
                Err(why) => findings[i].set_no_fix(why),
            }
        }
    }
}

/// The mirror's name and the kernel argument it is passed as.
fn mirror(f: &Finding) -> Option<(&str, &'static KernelArg)> {
    let Payload::Mirror {
        type_name,
        syscall,
        kernel_struct,
    } = &f.payload
    else {
        return None;
    };
    let k = KERNEL_ARGS
        .iter()
        .find(|k| k.sys == *syscall && k.tag == *kernel_struct)?;
    Some((type_name, k))
}

/// The mirror's file with the pads inserted, parsed to check its layout (imports resolved;
/// no references needed here).
struct Padded {
    src: Vec<u8>,
    tree: Tree,
    imports: HashMap<String, Target>,
}

impl Padded {
    fn new(cx: &FixCtx<'_>, file: FileId, src: Vec<u8>) -> Option<Padded> {
        let tree = parse_go(&src)?;
        let imports = cx.index.resolved_imports(file);
        Some(Padded { src, tree, imports })
    }
    fn cx<'a>(&'a self, fx: &'a FixCtx<'_>, file: FileId) -> FileSyntax<'a> {
        FileSyntax::new(fx.index, file, &self.src, &self.tree, &self.imports)
    }
}

fn plan(cx: &FixCtx<'_>, file: FileId, ty: &str, args: &[&KernelArg]) -> Result<Fix, String> {
    let k = *args.first().ok_or("no kernel argument")?;
    if args.iter().any(|a| a.tag != k.tag) {
        return Err(format!("`{ty}` is passed as more than one kernel struct"));
    }
    let rel = &cx.index.files[file].rel;
    // The file the scan parsed (it has the findings).
    let syntax = cx
        .file_syntax(file)
        .ok_or_else(|| format!("`{}` cannot be read", cite(rel)))?;
    let fcx = &syntax;
    let st = find_type_spec(fcx, ty)
        .and_then(|s| s.child_by_field_id(FIELD.ty))
        .filter(|t| t.kind() == "struct_type")
        .ok_or_else(|| format!("`{ty}` is not declared once as a struct"))?;
    let fields = mirror_fields(fcx.src, st)?;
    let arches = cx.index.files[file].arches;
    if arches.is_empty() {
        return Err(format!("`{}` builds for no arch", cite(rel)));
    }
    let methods = package_uses(cx, file, ty)?;
    let generated = match generated_type(fcx, k, &fields, arches, &methods) {
        Ok((q, go)) => {
            return Ok(Fix::safe(
                format!(
                    "declare `{ty}` as `{q}.{go}`, which has the kernel's `struct {}` layout on every arch the file builds for",
                    k.tag
                ),
                vec![Edit::replace(st.start_byte(), st.end_byte(), format!("{q}.{go}"))],
            ))
        }
        Err(why) => why,
    };
    pads(cx, fcx, ty, k, st, &fields, arches).map_err(|why| format!("{generated}; {why}"))
}

/// A field declaration of the mirror: its node, names and type as written.
struct FieldDecl<'t> {
    node: Node<'t>,
    names: Vec<String>,
    ty: String,
}

fn mirror_fields<'t>(src: &[u8], st: Node<'t>) -> Result<Vec<FieldDecl<'t>>, String> {
    let mut out = Vec::new();
    let Some(list) = st.named_child(0) else {
        return Ok(out);
    };
    let mut c = list.walk();
    for fd in list.named_children(&mut c) {
        if fd.kind() != "field_declaration" {
            continue;
        }
        let ty = fd
            .child_by_field_id(FIELD.ty)
            .ok_or("a field has no type")?;
        let mut c2 = fd.walk();
        let names: Vec<String> = fd
            .children_by_field_name("name", &mut c2)
            .map(|n| text(n, src).to_string())
            .collect();
        if names.is_empty() {
            return Err("the struct embeds a field".into());
        }
        out.push(FieldDecl {
            node: fd,
            names,
            ty: text(ty, src).to_string(),
        });
    }
    Ok(out)
}

/// `byte`/`rune` as go/types writes them in the tables.
fn canon(ty: &str) -> String {
    let (prefix, elem) = match ty.rfind(']') {
        Some(i) => ty.split_at(i + 1),
        None => ("", ty),
    };
    let elem = match elem {
        "byte" => "uint8",
        "rune" => "int32",
        e => e,
    };
    format!("{prefix}{elem}")
}

/// The generated type of a package the file imports (x/sys first) that can stand in for
/// the mirror on every arch of `arches`: (import name, type name).
fn generated_type(
    cx: &FileSyntax<'_>,
    k: &KernelArg,
    fields: &[FieldDecl<'_>],
    arches: ArchSet,
    methods: &[String],
) -> Result<(String, &'static str), String> {
    if k.go.is_empty() {
        return Err(format!(
            "neither `syscall` nor x/sys declares a type for `struct {}`",
            k.tag
        ));
    }
    let mut whys = Vec::new();
    for pkg in [Package::Unix, Package::Syscall] {
        let Some(q) = import_name(cx, pkg) else {
            continue;
        };
        // A vendored x/sys may have drifted from the tables (abi-struct-drift's job).
        if !matches!(cx.imports.get(&q), Some(Target::Table(_))) {
            whys.push(format!(
                "`{q}` is a vendored copy whose `{}` the tables do not vouch for",
                k.go
            ));
            continue;
        }
        match generated_fits(&q, pkg, k, fields, arches, methods) {
            Ok(()) => return Ok((q, k.go)),
            Err(why) => whys.push(why),
        }
    }
    if whys.is_empty() {
        whys.push("the file imports neither `syscall` nor x/sys/unix by name".into());
    }
    Err(whys.join("; "))
}

fn generated_fits(
    q: &str,
    pkg: Package,
    k: &KernelArg,
    fields: &[FieldDecl<'_>],
    arches: ArchSet,
    methods: &[String],
) -> Result<(), String> {
    let go = k.go;
    for arch in arches.iter() {
        let g = abi::table(arch, pkg)
            .strukt(go)
            .ok_or_else(|| format!("`{q}.{go}` is not declared on {arch}"))?;
        let (want, _) = expected(arch, k)
            .ok_or_else(|| format!("no kernel layout of `struct {}` on {arch}", k.tag))?;
        let layout = Layout::of_table(g);
        if let Some(d) = difference(&layout, want) {
            return Err(format!("`{q}.{go}` is {d} on {arch}"));
        }
        for f in fields {
            for name in f.names.iter().filter(|n| *n != "_") {
                let Some(gf) = g.field(name) else {
                    return Err(format!("`{q}.{go}` has no field `{name}` on {arch}"));
                };
                if canon(gf.ty) != canon(&f.ty) {
                    return Err(format!(
                        "`{q}.{go}.{name}` is `{}` on {arch}, not `{}`",
                        gf.ty, f.ty
                    ));
                }
            }
        }
        if let Some(m) = methods.iter().find(|m| g.field(m).is_some()) {
            return Err(format!(
                "the method `{m}` would clash with the field `{q}.{go}.{m}` on {arch}"
            ));
        }
    }
    Ok(())
}

/// Refuse when the package does what a changed field list or layout breaks: positional
/// literals, conversions to the mirror, `unsafe.Sizeof` compared with a literal, byte-array
/// views. An exported mirror is also looked for in the tree's importers of its package.
/// Returns the names of the mirror's methods.
fn package_uses(cx: &FixCtx<'_>, file: FileId, ty: &str) -> Result<Vec<String>, String> {
    let index = cx.index;
    let pkg = index.file_package.get(file).copied().flatten();
    // (file, the mirror as that file spells it).
    let mut sites: Vec<(FileId, TypeName)> = match pkg {
        Some(p) => index.packages[p]
            .files
            .iter()
            .map(|&f| (f, TypeName::Local(ty.to_string())))
            .collect(),
        None => vec![(file, TypeName::Local(ty.to_string()))],
    };
    if let Some(p) = pkg.filter(|_| ty.starts_with(|c: char| c.is_ascii_uppercase())) {
        for f in 0..index.files.len() {
            for (name, target) in index.import_bindings(f) {
                if !matches!(target, Some(Target::Local(t)) if t == p) || name == "_" {
                    continue;
                }
                sites.push((
                    f,
                    if name == "." {
                        TypeName::Local(ty.to_string())
                    } else {
                        TypeName::Qualified(name, ty.to_string())
                    },
                ));
            }
        }
    }
    let mut methods = Vec::new();
    for (f, tn) in sites {
        let spelled = match &tn {
            TypeName::Local(t) => t.clone(),
            TypeName::Qualified(q, t) => format!("{q}.{t}"),
        };
        let rel = &index.files[f].rel;
        let src = cx
            .source(f)
            .ok_or_else(|| format!("`{}` cannot be read", cite(rel)))?;
        // The scan's tree when it kept one (a file with findings), else a parse.
        let owned;
        let tree = match cx.parsed(f) {
            Some(p) => cx.whole_tree(p),
            None => {
                owned = parse_go(&src).ok_or_else(|| format!("`{}` does not parse", cite(rel)))?;
                &owned
            }
        };
        let mut bad: Option<String> = None;
        walk_tree(tree.root_node(), |v| {
            if bad.is_some() {
                return false;
            }
            let n = v.node;
            let at = || format!("{}:{}", cite(rel), n.start_position().row + 1);
            match n.kind() {
                "composite_literal" if positional(&src, n, &spelled) => {
                    bad = Some(format!(
                        "{} has a positional `{spelled}` literal, which a new field list breaks",
                        at()
                    ));
                }
                "method_declaration" if matches!(tn, TypeName::Local(_)) => {
                    let recv = n
                        .child_by_field_id(FIELD.receiver)
                        .and_then(|r| r.named_child(0))
                        .and_then(|d| d.child_by_field_id(FIELD.ty));
                    let base = recv.map(|t| text(t, &src).trim_start_matches('*').trim());
                    let same_pkg = f == file || index.file_package.get(f).copied().flatten() == pkg;
                    if base == Some(ty) && same_pkg {
                        if let Some(name) = n.child_by_field_id(FIELD.name) {
                            methods.push(text(name, &src).to_string());
                        }
                    }
                }
                "call_expression" | "type_conversion_expression" => {
                    let func = n
                        .child_by_field_id(FIELD.function)
                        .or_else(|| n.child_by_field_id(FIELD.ty))
                        .map(|f| text(f, &src));
                    let arg = n
                        .child_by_field_id(FIELD.arguments)
                        .and_then(|a| a.named_child(0))
                        .or_else(|| n.child_by_field_id(FIELD.operand));
                    if func == Some(spelled.as_str()) {
                        bad = Some(format!(
                            "{} converts a value to `{spelled}`, whose underlying type changes",
                            at()
                        ));
                    } else if func.is_some_and(|f| f.ends_with(".Sizeof"))
                        && sizeof_compared(&src, n, &tn)
                    {
                        bad = Some(format!(
                            "{} compares `unsafe.Sizeof` of a `{spelled}` with a literal size",
                            at()
                        ));
                    } else if func.is_some_and(is_byte_array_pointer)
                        && arg.is_some_and(|a| views(&src, a, &tn))
                    {
                        bad = Some(format!(
                            "{} views a `{spelled}` as a byte array of its old size",
                            at()
                        ));
                    }
                }
                _ => {}
            }
            true
        });
        if let Some(why) = bad {
            return Err(why);
        }
    }
    Ok(methods)
}

/// `(*[12]byte)`, `*[N]uint8`: a pointer to a byte array, as a conversion's type.
fn is_byte_array_pointer(t: &str) -> bool {
    let t: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    let t = t.trim_start_matches('(').trim_end_matches(')');
    t.starts_with("*[") && (t.ends_with("]byte") || t.ends_with("]uint8"))
}

/// `unsafe.Pointer(&x)` with `x` of the mirror type.
fn views(src: &[u8], arg: Node<'_>, tn: &TypeName) -> bool {
    let is_ptr = arg.kind() == "call_expression"
        && arg
            .child_by_field_id(FIELD.function)
            .is_some_and(|f| text(f, src).ends_with("Pointer"));
    let inner = arg
        .child_by_field_id(FIELD.arguments)
        .and_then(|a| a.named_child(0))
        .filter(|_| is_ptr);
    let Some(inner) = inner.filter(|i| i.kind() == "unary_expression") else {
        return false;
    };
    inner
        .child_by_field_id(FIELD.operand)
        .is_some_and(|x| of_type(src, x, tn))
}

/// `ty{a, b}`, or an element `{a, b}` of a `[]ty{…}`/`[N]ty{…}`/`map[K]ty{…}` literal.
fn positional(src: &[u8], lit: Node<'_>, ty: &str) -> bool {
    let (Some(t), Some(body)) = (
        lit.child_by_field_id(FIELD.ty),
        lit.child_by_field_id(FIELD.body),
    ) else {
        return false;
    };
    let unkeyed = |body: Node<'_>| {
        let mut c = body.walk();
        let any = body
            .named_children(&mut c)
            .any(|e| e.kind() == "literal_element");
        any
    };
    if text(t, src) == ty {
        return unkeyed(body);
    }
    let elem = match t.kind() {
        "array_type" | "slice_type" | "implicit_length_array_type" | "map_type" => t
            .child_by_field_id(FIELD.element)
            .or_else(|| t.child_by_field_id(FIELD.value)),
        _ => None,
    };
    if elem.map(|e| text(e, src)) != Some(ty) {
        return false;
    }
    let mut c = body.walk();
    let elems: Vec<Node<'_>> = body.named_children(&mut c).collect();
    elems.into_iter().any(|e| {
        let v = if e.kind() == "keyed_element" {
            e.child_by_field_id(FIELD.value)
        } else {
            Some(e)
        };
        v.and_then(|v| v.named_child(0))
            .is_some_and(|inner| inner.kind() == "literal_value" && unkeyed(inner))
    })
}

/// `unsafe.Sizeof(x) == 12` (any binary operator, either side) with `x` of the mirror type.
fn sizeof_compared(src: &[u8], call: Node<'_>, tn: &TypeName) -> bool {
    let Some(parent) = call.parent().filter(|p| p.kind() == "binary_expression") else {
        return false;
    };
    let other = [
        parent.child_by_field_id(FIELD.left),
        parent.child_by_field_id(FIELD.right),
    ]
    .into_iter()
    .flatten()
    .find(|o| o.id() != call.id());
    if other.is_none_or(|o| o.kind() != "int_literal") {
        return false;
    }
    call.child_by_field_id(FIELD.arguments)
        .and_then(|a| a.named_child(0))
        .is_some_and(|arg| of_type(src, arg, tn))
}

/// Whether an expression is a value of the mirror type: `x`, `xs[i]`, `T{}` with `x`/`xs`
/// declared as one in the enclosing function.
fn of_type(src: &[u8], expr: Node<'_>, tn: &TypeName) -> bool {
    let mut x = expr;
    while matches!(x.kind(), "index_expression" | "parenthesized_expression") {
        let Some(inner) = x
            .child_by_field_id(FIELD.operand)
            .or_else(|| x.named_child(0))
        else {
            return false;
        };
        x = inner;
    }
    let spelled = match tn {
        TypeName::Local(t) => t.clone(),
        TypeName::Qualified(q, t) => format!("{q}.{t}"),
    };
    match x.kind() {
        "composite_literal" => {
            x.child_by_field_id(FIELD.ty).map(|t| text(t, src)) == Some(spelled.as_str())
        }
        "identifier" => var_type(src, x, text(x, src)).as_ref() == Some(tn),
        _ => false,
    }
}

/// One blank field to insert: before the field with this flattened index (`len` = at the
/// end), of this Go type.
type Pad = (usize, String);

fn pad_type(bytes: u64, start: u64) -> String {
    match bytes {
        4 if start % 4 == 0 => "int32".into(),
        2 if start % 2 == 0 => "int16".into(),
        n => format!("[{n}]byte"),
    }
}

/// Where each named mirror field must sit on `arch`: the kernel's field of the same
/// (normalized) name, else the generated type's field of that name.
fn target_offset(arch: Arch, k: &KernelArg, want: &abi::Struct, name: &str) -> Option<u64> {
    let n = super::norm(name);
    if let Some(f) = want.fields.iter().find(|f| super::norm(f.name) == n) {
        return Some(f.offset);
    }
    if k.go.is_empty() {
        return None;
    }
    // Arches without kernel tables only have the generated type, which names the start
    // of a kernel member differently (`epoll_event.data` is x/sys `Fd`).
    let go_name = ALIASES
        .iter()
        .find(|(tag, member, _)| *tag == k.tag && *member == n)
        .map_or(name, |a| a.2);
    [Package::Unix, Package::Syscall]
        .into_iter()
        .find_map(|p| abi::table(arch, p).strukt(k.go)?.field(go_name))
        .map(|f| f.offset)
}

/// (kernel struct, member, generated field starting at that member's offset).
const ALIASES: &[(&str, &str, &str)] = &[("epoll_event", "data", "Fd")];

/// The pads `arch` needs, computed by moving each field to its target offset.
fn pads_for(
    arch: Arch,
    k: &KernelArg,
    mirror: &Layout,
    want: &abi::Struct,
) -> Result<Vec<Pad>, String> {
    let mut out = Vec::new();
    let mut shift = 0u64;
    let mut end = 0u64;
    for (
        j,
        Slot {
            name,
            offset: off,
            size,
            ..
        },
    ) in mirror.fields.iter().enumerate()
    {
        let now = off.saturating_add(shift);
        if name != "_" {
            let target = target_offset(arch, k, want, name).ok_or_else(|| {
                format!(
                    "`{name}` has no counterpart in the kernel's `struct {}`",
                    k.tag
                )
            })?;
            if target < now {
                return Err(format!(
                    "`{name}` would have to move back {} bytes on {arch}",
                    now - target
                ));
            }
            if target > now {
                out.push((j, pad_type(target - now, end)));
                shift = shift.saturating_add(target - now);
            }
        }
        end = off.saturating_add(shift).saturating_add(*size);
    }
    if want.size > mirror.size.saturating_add(shift) {
        out.push((
            mirror.fields.len(),
            pad_type(want.size.saturating_sub(end), end),
        ));
    }
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
fn pads(
    cx: &FixCtx<'_>,
    fcx: &FileSyntax<'_>,
    ty: &str,
    k: &KernelArg,
    st: Node<'_>,
    fields: &[FieldDecl<'_>],
    arches: ArchSet,
) -> Result<Fix, String> {
    let file = fcx.file;
    let mut by_plan: BTreeMap<Vec<Pad>, ArchSet> = BTreeMap::new();
    for arch in arches.iter() {
        let (want, _) = expected(arch, k)
            .ok_or_else(|| format!("no kernel layout of `struct {}` on {arch}", k.tag))?;
        let mirror = declared_struct_layout(fcx, ty, arch)
            .ok_or_else(|| format!("the layout of `{ty}` is not known on {arch}"))?;
        by_plan
            .entry(pads_for(arch, k, &mirror, want)?)
            .or_default()
            .insert(arch);
    }
    if by_plan.len() != 1 {
        let list: Vec<String> = by_plan
            .iter()
            .map(|(pads, a)| format!("{a}: {}", describe(pads, fields)))
            .collect();
        return Err(format!(
            "no one field list fits every arch the file builds for ({})",
            list.join("; ")
        ));
    }
    let pads = by_plan.into_keys().next().unwrap_or_default();
    if pads.is_empty() {
        return Err("blank fields cannot give it the kernel's layout".into());
    }
    if fcx.src.windows(2).any(|w| w == b"\r\n") {
        return Err("the file has CRLF line endings; insert the pads by hand".into());
    }
    let edits = pad_edits(fcx.src, st, fields, &pads)?;
    // Check the result: every arch gets the kernel's size and field offsets.
    let new = crate::edit::apply(fcx.src, &edits)?;
    let q = Padded::new(cx, file, new).ok_or("the padded struct does not parse")?;
    let qcx = q.cx(cx, file);
    for arch in arches.iter() {
        let ok = expected(arch, k).is_some_and(|(want, _)| {
            declared_struct_layout(&qcx, ty, arch).is_some_and(|l| {
                difference(&l, want).is_none()
                    && l.fields.iter().all(|f| {
                        f.name == "_" || target_offset(arch, k, want, &f.name) == Some(f.offset)
                    })
            })
        });
        if !ok {
            return Err(format!(
                "blank fields do not give `{ty}` the kernel's layout on {arch}"
            ));
        }
    }
    Ok(Fix::safe(
        format!(
            "insert {} so `{ty}` has the kernel's `struct {}` layout on {arches}",
            describe(&pads, fields),
            k.tag
        ),
        edits,
    ))
}

/// "`_ int32` before `Fd`".
fn describe(pads: &[Pad], fields: &[FieldDecl<'_>]) -> String {
    if pads.is_empty() {
        return "no pad".into();
    }
    let names: Vec<&String> = fields.iter().flat_map(|f| &f.names).collect();
    pads.iter()
        .map(|(j, t)| match names.get(*j) {
            Some(n) => format!("`_ {t}` before `{n}`"),
            None => format!("`_ {t}` at the end"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Insert the pads as their own lines, the type in the column gofmt gives the fields
/// around them (or `_ T; ` inside a one-line struct).
fn pad_edits(
    src: &[u8],
    st: Node<'_>,
    fields: &[FieldDecl<'_>],
    pads: &[Pad],
) -> Result<Vec<Edit>, String> {
    let list = st.named_child(0).ok_or("empty struct")?;
    let one_line = list.start_position().row == list.end_position().row;
    // Flattened field index → (declaration, first name of it?).
    let mut decls: Vec<(&FieldDecl<'_>, bool)> = Vec::new();
    for f in fields {
        for i in 0..f.names.len() {
            decls.push((f, i == 0));
        }
    }
    let mut edits = Vec::new();
    for (j, t) in pads {
        let (anchor, before) = match decls.get(*j) {
            Some((f, true)) => (*f, true),
            Some((f, false)) => {
                return Err(format!(
                    "a pad would split the declaration `{}`",
                    text(f.node, src)
                ))
            }
            None => (decls.last().ok_or("empty struct")?.0, false),
        };
        let node = anchor.node;
        if one_line {
            edits.push(if before {
                Edit::insert(node.start_byte(), format!("_ {t}; "))
            } else {
                Edit::insert(node.end_byte(), format!("; _ {t}"))
            });
            continue;
        }
        let line_start = src[..node.start_byte()]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let indent = String::from_utf8_lossy(&src[line_start..node.start_byte()]).to_string();
        if !indent.trim().is_empty() {
            return Err("a field shares its line with another".into());
        }
        let type_col = node
            .child_by_field_id(FIELD.ty)
            .map_or(2, |ty| ty.start_byte() - node.start_byte());
        // A pad line joins a block of trailing comments with one of its own (realigned
        // after the edit): a line without one would split the block as gofmt sees it.
        let commented = node.next_sibling().is_some_and(|c| {
            c.kind() == "comment" && c.start_position().row == node.end_position().row
        });
        let comment = if commented { " // kernel padding" } else { "" };
        let line = format!(
            "{indent}_{}{t}{comment}\n",
            " ".repeat(type_col.saturating_sub(1).max(1))
        );
        if before {
            edits.push(Edit::insert(line_start, line));
        } else {
            // After the last field's line (its trailing comment included).
            let end = src[node.end_byte()..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(src.len(), |i| node.end_byte() + i + 1);
            edits.push(Edit::insert(end, line));
        }
    }
    Ok(edits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Payload, Severity, Span};

    #[test]
    fn canon_spells_aliases_as_the_tables() {
        assert_eq!(canon("byte"), "uint8");
        assert_eq!(canon("[8]byte"), "[8]uint8");
        assert_eq!(canon("rune"), "int32");
        assert_eq!(canon("bytes"), "bytes");
        assert_eq!(canon("int64"), "int64");
    }

    #[test]
    fn payload_names_the_kernel_argument() {
        let mut f = Finding {
            rule: META.id,
            severity: Severity::Error,
            file: 0,
            path: "a.go".into(),
            span: Span {
                start: 0,
                end: 0,
                line: 1,
                column: 1,
                end_line: 1,
                end_column: 1,
            },
            arches: ArchSet::EMPTY,
            configs: crate::constraints::CgoSet::BOTH,
            message: "`ev` passed to raw `SYS_EPOLL_PWAIT` does not match the kernel's `struct epoll_event` on mips64le".into(),
            fact: String::new(),
            payload: Payload::Mirror {
                type_name: "ev".into(),
                syscall: "SYS_EPOLL_PWAIT",
                kernel_struct: "epoll_event",
            },
            no_fix: None,
            fix: None,
            anchor: None,
        };
        let (ty, k) = mirror(&f).unwrap();
        assert_eq!((ty, k.tag, k.go), ("ev", "epoll_event", "EpollEvent"));
        f.payload = Payload::None;
        assert!(mirror(&f).is_none());
    }

    fn slot(name: &str, offset: u64, size: u64) -> Slot {
        Slot {
            name: name.into(),
            ty: "int32".into(),
            offset,
            size,
        }
    }

    #[test]
    fn pads_move_fields_to_the_kernel_offsets() {
        let k = KERNEL_ARGS.iter().find(|k| k.tag == "epoll_event").unwrap();
        let mirror = Layout {
            size: 12,
            align: 4,
            fields: vec![slot("Events", 0, 4), slot("Fd", 4, 4), slot("Pad", 8, 4)],
        };
        for arch in [Arch::Mips64le, Arch::Riscv64, Arch::Arm] {
            let (want, _) = expected(arch, k).unwrap();
            assert_eq!(
                pads_for(arch, k, &mirror, want).unwrap(),
                vec![(1, "int32".to_string())],
                "{arch}"
            );
        }
        let (want, _) = expected(Arch::Amd64, k).unwrap();
        assert!(pads_for(Arch::Amd64, k, &mirror, want).unwrap().is_empty());
        // A field the kernel has nowhere: no pads can place it.
        let odd = Layout {
            fields: vec![slot("Events", 0, 4), slot("Cookie", 4, 8)],
            ..mirror
        };
        let (want, _) = expected(Arch::Mips64le, k).unwrap();
        assert!(pads_for(Arch::Mips64le, k, &odd, want).is_err());
    }
}
