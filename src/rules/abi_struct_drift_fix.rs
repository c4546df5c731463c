//! The fixes of `abi-struct-drift`: a drifted struct of a vendored copy rewritten from the
//! tables for the arches its file builds for (all it needs is the file's tree and the
//! package's declarations); a drifted `SYS_*` number set to the kernel's; a `SYS_*` name
//! the copy lacks added to its `zsysnum_linux_<arch>.go` (`edit::sysnum`).

use super::{compare, is_data_field, META};
use crate::abi;
use crate::arch::{Arch, ArchSet};
use crate::edit::sysnum::attach_missing_sysnums;
use crate::edit::{node_at, FixCtx};
use crate::finding::{Edit, Finding, Fix, Payload};
use crate::index::PkgId;
use crate::rules::{fix_per_file_checked, FileCtx};
use crate::syntax::text;
use crate::syntax::tree::FIELD;
use crate::types::infer::Infer;
use crate::types::layout::{fields_layout, size_align, Layout};
use crate::types::ty::{self, Home, Ty};
use tree_sitter::Node;

pub fn attach(cx: &FixCtx<'_>, findings: &mut [Finding]) {
    attach_missing_sysnums(cx, findings, META.id);
    fix_per_file_checked(cx, findings, META.id, |fcx, fs| {
        for f in fs.iter_mut().filter(|f| f.rule == META.id) {
            let fix = match &f.payload {
                Payload::StructRewrite {
                    package,
                    table,
                    name,
                    arches,
                } => rewrite_struct(fcx, *package, *table, f.span.start, name, *arches),
                Payload::SysnumValue {
                    name,
                    arch,
                    want,
                    was,
                } => match node_at(fcx.tree, f.span)
                    .and_then(|spec| spec.child_by_field_id(FIELD.value))
                    .and_then(|v| v.named_child(0))
                {
                    Some(lit) => Ok(Fix::safe(
                        format!(
                            "set `{name}` to {want}, the kernel's number on {arch} (was {was})"
                        ),
                        vec![Edit::replace(
                            lit.start_byte(),
                            lit.end_byte(),
                            want.to_string(),
                        )],
                    )),
                    None => continue,
                },
                _ => continue,
            };
            match fix {
                Ok(fix) => f.fix = Some(fix),
                Err(why) => f.set_no_fix(why),
            }
        }
    });
}

/// A field of the copy's declaration, as written.
struct OldField {
    name: String,
    ty_text: String,
    ty: Ty,
    /// Its trailing comment, kept on the field that continues it.
    comment: Option<String>,
}

/// A field of the rewrite.
#[derive(Debug, PartialEq)]
struct NewField {
    name: String,
    ty: &'static str,
    /// The old field it continues: same name, or a pad the copy named otherwise.
    from: Option<usize>,
}

/// The declaration's parts the rewrite keeps or replaces.
struct Decl<'t> {
    /// `{ … }`, replaced whole.
    list: Node<'t>,
    /// Where the `struct` keyword ends: gofmt wants one space before a multi-line `{`.
    keyword_end: usize,
    fields: Vec<OldField>,
    /// Comments after `{` on its line.
    open: Vec<String>,
    /// Indentation of the line the struct starts on.
    indent: String,
}

/// The fix rewriting struct `name` (its name at byte `name_start` of this file) as the
/// tables declare it on every arch of `arches`; Err: why there is none.
fn rewrite_struct(
    cx: &FileCtx<'_>,
    p: PkgId,
    pkg: abi::Package,
    name_start: usize,
    name: &str,
    arches: ArchSet,
) -> Result<Fix, String> {
    if cx.src.contains(&b'\r') {
        return Err("the file has CRLF line endings".into());
    }
    let decl = declaration(cx, p, name_start)?;
    let mut first: Option<(Vec<NewField>, Arch)> = None;
    let mut size = 0;
    let typed: Vec<(String, Ty)> = decl
        .fields
        .iter()
        .map(|f| (f.name.clone(), f.ty.clone()))
        .collect();
    for arch in arches.iter() {
        let want = abi::table(arch, pkg)
            .strukt(name)
            .ok_or_else(|| format!("the tables have no `{name}` on {arch}"))?;
        let inf = cx.infer(arch);
        let old = fields_layout(inf, &typed, 0);
        let new = plan_fields(&decl.fields, old.as_ref(), want);
        check_valid(inf, p, pkg, name, &new, want)?;
        match &first {
            None => {
                first = Some((new, arch));
                size = want.size;
            }
            Some((f, a)) if *f != new => {
                return Err(format!(
                    "the tables declare `{name}` differently on {a} and {arch}, which this \
                     file builds for: each arch needs its own `ztypes_linux_<arch>.go` declaration"
                ))
            }
            Some(_) => {}
        }
    }
    let Some((new, _)) = first else {
        return Err("the file builds for no arch".into());
    };
    if let Some(o) = decl
        .fields
        .iter()
        .enumerate()
        .find(|(i, o)| o.comment.is_some() && !new.iter().any(|n| n.from == Some(*i)))
        .map(|(_, o)| o)
    {
        return Err(format!(
            "the comment on `{}` would go with the field",
            o.name
        ));
    }
    let mut changes: Vec<String> = Vec::new();
    for o in decl.fields.iter().filter(|o| o.name != "_") {
        match new.iter().find(|n| n.name == o.name) {
            None => changes.push(format!("`{}` goes away", o.name)),
            Some(n) if parse(n.ty, p).as_ref() != Some(&o.ty) => changes.push(format!(
                "`{}` changes from `{}` to `{}`",
                o.name, o.ty_text, n.ty
            )),
            Some(_) => {}
        }
    }
    let text = render(&decl, &new);
    let edit = Edit::replace(decl.keyword_end, decl.list.end_byte(), text);
    let on = if arches == ArchSet::ALL {
        "every arch".to_string()
    } else {
        arches.to_string()
    };
    let subject = format!(
        "rewrite the vendored `{}.{name}` as the tables declare it for {on} ({size} bytes)",
        pkg.name()
    );
    let supersede = format!(
        "; updating {} supersedes this",
        match pkg {
            abi::Package::Unix => "golang.org/x/sys",
            abi::Package::Syscall => "the copied `syscall`",
        }
    );
    if changes.is_empty() {
        Ok(Fix::safe(subject, vec![edit]).detail(&supersede))
    } else {
        Ok(Fix::unsafe_edit(subject, vec![edit])
            .detail(&supersede)
            .detail(&format!(
                " (unsafe: {}; code using it may no longer build)",
                changes.join(", ")
            )))
    }
}

/// A table type as the copy would read it: its names are the copy's own.
fn parse(t: &str, p: PkgId) -> Option<Ty> {
    ty::parse(t, &Home::Local(p), &|_| None)
}

/// The `type_spec` whose name starts at `name_start`, read field by field.
fn declaration<'t>(cx: &FileCtx<'t>, p: PkgId, name_start: usize) -> Result<Decl<'t>, String> {
    let src = cx.src;
    let root = cx.tree.root_node();
    let mut c = root.walk();
    let spec = root
        .named_children(&mut c)
        .filter(|d| d.kind() == "type_declaration")
        .flat_map(|d| {
            let mut c2 = d.walk();
            d.named_children(&mut c2).collect::<Vec<_>>()
        })
        .find(|s| {
            s.kind() == "type_spec"
                && s.child_by_field_id(FIELD.name)
                    .is_some_and(|n| n.start_byte() == name_start)
        })
        .ok_or("its declaration is not a plain type declaration")?;
    let list = spec
        .child_by_field_id(FIELD.ty)
        .filter(|t| t.kind() == "struct_type")
        .and_then(|t| t.named_child(0))
        .filter(|l| l.kind() == "field_declaration_list")
        .ok_or("its declaration is not a plain struct type")?;
    if list.has_error() {
        return Err("its declaration does not parse".into());
    }
    let keyword_end = list
        .prev_sibling()
        .filter(|k| k.kind() == "struct")
        .map(|k| k.end_byte())
        .filter(|&e| {
            src[e..list.start_byte()]
                .iter()
                .all(|&b| b == b' ' || b == b'\t')
        })
        .ok_or("something sits between `struct` and `{`")?;
    let mut fields: Vec<OldField> = Vec::new();
    // Per field declaration: its end (row, byte) and its first field.
    let mut ends: Vec<(usize, usize, usize)> = Vec::new();
    let mut comments: Vec<Node<'t>> = Vec::new();
    let mut c = list.walk();
    for n in list.named_children(&mut c) {
        match n.kind() {
            "field_declaration" => {
                if n.child_by_field_id(FIELD.tag).is_some() {
                    return Err("its fields have tags".into());
                }
                let ty_node = n.child_by_field_id(FIELD.ty).ok_or("a field has no type")?;
                let ty_text = text(ty_node, src).to_string();
                let mut c2 = n.walk();
                let names: Vec<&str> = n
                    .children_by_field_name("name", &mut c2)
                    .map(|x| text(x, src))
                    .collect();
                if names.is_empty() {
                    return Err(format!("it embeds `{ty_text}`"));
                }
                let ty = parse(&ty_text, p)
                    .ok_or_else(|| format!("its field type `{ty_text}` cannot be read"))?;
                ends.push((n.end_position().row, n.end_byte(), fields.len()));
                for name in names {
                    fields.push(OldField {
                        name: name.to_string(),
                        ty_text: ty_text.clone(),
                        ty: ty.clone(),
                        comment: None,
                    });
                }
            }
            "comment" => comments.push(n),
            k => return Err(format!("it has a `{k}` the rewrite cannot keep")),
        }
    }
    let mut open = Vec::new();
    for cm in comments {
        let row = cm.start_position().row;
        let after = ends
            .iter()
            .find(|(r, end, _)| *r == row && *end <= cm.start_byte());
        match after {
            Some(&(_, _, i)) if fields[i].comment.is_none() => {
                fields[i].comment = Some(text(cm, src).to_string())
            }
            None if row == list.start_position().row => open.push(text(cm, src).to_string()),
            _ => {
                return Err(
                    "it has comments between its fields, which the rewrite would lose".into(),
                )
            }
        }
    }
    let line_start = src[..list.start_byte()]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let indent: String = src[line_start..]
        .iter()
        .take_while(|&&b| b == b'\t' || b == b' ')
        .map(|&b| b as char)
        .collect();
    Ok(Decl {
        list,
        keyword_end,
        fields,
        open,
        indent,
    })
}

/// The table's fields in order, with the copy's names kept where they continue a field:
/// the same name, or, for a pad of the table, a field of the copy at the same offset and
/// size whose name the table does not use (`PadFd` for the table's `_`). A data field
/// always gets the table's name, or the finding would stay.
fn plan_fields(old: &[OldField], old_layout: Option<&Layout>, want: &abi::Struct) -> Vec<NewField> {
    let table_names: Vec<&str> = want
        .fields
        .iter()
        .map(|f| f.name)
        .filter(|n| *n != "_")
        .collect();
    let mut used = vec![false; old.len()];
    let mut out = Vec::new();
    for tf in want.fields {
        let by_name = (tf.name != "_")
            .then(|| old.iter().position(|o| o.name == tf.name))
            .flatten();
        let from = by_name.or_else(|| {
            if is_data_field(tf.name) {
                return None;
            }
            let slots = &old_layout?.fields;
            (0..old.len()).find(|&i| {
                !used[i]
                    && old[i].name != "_"
                    && !table_names.contains(&old[i].name.as_str())
                    && slots
                        .get(i)
                        .is_some_and(|s| s.offset == tf.offset && s.size == tf.size)
            })
        });
        if let Some(i) = from {
            used[i] = true;
        }
        out.push(NewField {
            name: from.map_or_else(|| tf.name.to_string(), |i| old[i].name.clone()),
            ty: tf.ty,
            from,
        });
    }
    out
}

/// Whether the rewrite is valid Go in this copy on `inf.arch` and lays the struct out as
/// the tables do there.
fn check_valid(
    inf: &Infer<'_, '_>,
    p: PkgId,
    want_pkg: abi::Package,
    name: &str,
    new: &[NewField],
    want: &abi::Struct,
) -> Result<(), String> {
    let index = inf.cx.index;
    let arch = inf.arch;
    let mut typed = Vec::new();
    for f in new {
        let t =
            parse(f.ty, p).ok_or_else(|| format!("the table type `{}` cannot be read", f.ty))?;
        let mut names = Vec::new();
        named_types(&t, false, &mut names);
        for (n, behind_pointer) in names {
            let declared = index
                .decl_arches(p, &n, false)
                .is_some_and(|(a, _)| a.contains(arch));
            if !declared {
                return Err(format!(
                    "the tables' `{} {}` needs `{n}`, which this copy does not declare for {arch}",
                    f.name, f.ty
                ));
            }
            // A struct held by value must itself have the tables' size.
            let pkg_table = abi::table(arch, want_pkg);
            let (Some(tw), false) = (pkg_table.strukt(&n), behind_pointer) else {
                continue;
            };
            let mine = size_align(inf, &Ty::Named(Home::Local(p), n.clone()), 0).map(|x| x.0);
            if mine != Some(tw.size) {
                return Err(format!(
                    "it holds a `{n}`, which this copy declares with another layout than the \
                     tables for {arch} ({} bytes, not {}): that needs fixing first",
                    mine.map_or("unknown".to_string(), |m| m.to_string()),
                    tw.size
                ));
            }
        }
        if f.name != "_"
            && index
                .typed
                .get(p)
                .is_some_and(|m| m.contains_key(&format!("{name}.{}", f.name)))
        {
            return Err(format!(
                "`{name}` has a method `{}`, which a field of that name clashes with",
                f.name
            ));
        }
        typed.push((f.name.clone(), t));
    }
    let got = fields_layout(inf, &typed, 0)
        .ok_or_else(|| format!("the rewritten layout cannot be computed for {arch}"))?;
    let moved = got
        .fields
        .iter()
        .zip(want.fields)
        .any(|(g, w)| g.offset != w.offset || g.size != w.size);
    let problems = compare(&got, want);
    if moved || !problems.is_empty() {
        return Err(format!(
            "rewritten from the tables it would still differ on {arch} ({}): a type it uses \
             differs from the tables in this copy",
            if problems.is_empty() {
                "a pad moves"
            } else {
                &problems
            }
        ));
    }
    Ok(())
}

/// The copy's named types a type refers to, and whether through a pointer (or slice, map,
/// channel: anything whose size does not depend on theirs).
fn named_types(t: &Ty, indirect: bool, out: &mut Vec<(String, bool)>) {
    match t {
        Ty::Named(Home::Local(_), n) => out.push((n.clone(), indirect)),
        Ty::Array(_, e) => named_types(e, indirect, out),
        Ty::Pointer(e) | Ty::Slice(e) | Ty::Chan(e) => named_types(e, true, out),
        Ty::Map(k, v) => {
            named_types(k, true, out);
            named_types(v, true, out);
        }
        Ty::Tuple(ts) => ts.iter().for_each(|t| named_types(t, indirect, out)),
        _ => {}
    }
}

/// `{ … }` as gofmt lays it out: names in one column, types one space after the longest,
/// trailing comments one space after the longest code of their run of commented lines.
fn render(decl: &Decl<'_>, new: &[NewField]) -> String {
    let ind = &decl.indent;
    let width = new
        .iter()
        .map(|f| f.name.chars().count())
        .max()
        .unwrap_or(0);
    let lines: Vec<(String, Option<&str>)> = new
        .iter()
        .map(|f| {
            let pad = " ".repeat(width - f.name.chars().count() + 1);
            let comment = f.from.and_then(|i| decl.fields[i].comment.as_deref());
            (format!("{ind}\t{}{pad}{}", f.name, f.ty), comment)
        })
        .collect();
    let mut out = String::from(" {");
    for c in &decl.open {
        out.push(' ');
        out.push_str(c);
    }
    out.push('\n');
    let mut i = 0;
    while i < lines.len() {
        let mut j = i;
        while j < lines.len() && lines[j].1.is_some() {
            j += 1;
        }
        if j == i {
            out.push_str(&lines[i].0);
            out.push('\n');
            i += 1;
            continue;
        }
        let w = lines[i..j]
            .iter()
            .map(|(code, _)| code.chars().count())
            .max()
            .unwrap_or(0);
        for (code, comment) in &lines[i..j] {
            let pad = " ".repeat(w - code.chars().count() + 1);
            out.push_str(&format!("{code}{pad}{}\n", comment.unwrap_or("")));
        }
        i = j;
    }
    out.push_str(ind);
    out.push('}');
    out
}
