//! The fix of `arch-keyed-table`: a wrong token becomes the arch's own, and a missing arch
//! gets an entry (a map entry, or a `case` copied from the reference arch's) spelled like
//! the reference arch's: `unix.AUDIT_ARCH_MIPSEL64`, `"SCMP_ARCH_MIPSEL64"`, `0xc0000008`.

use super::consts::wrong_sites;
use super::{read_token, sized_struct, token, Scheme, Spelling, META};
use crate::abi::values::const_value;
use crate::arch::Arch;
use crate::edit::{node_at, FixCtx};
use crate::finding::{Edit, Finding, Fix, Span};
use crate::rules::fix_per_file_checked;
use crate::rules::literal_edit::{append_map_entries, line_indent};
use crate::syntax::arch_tables::arch_tables;
use crate::syntax::calls::table_package;
use crate::syntax::tree::FIELD;
use crate::syntax::FileSyntax;
use tree_sitter::Node;

pub fn attach(cx: &FixCtx<'_>, findings: &mut [Finding]) {
    fix_per_file_checked(cx, findings, META.id, |fcx, fs| {
        for f in fs.iter_mut().filter(|f| f.rule == META.id) {
            let Some(node) = node_at(fcx.tree, f.span) else {
                continue;
            };
            let built = if f.message.contains(" here for ") {
                per_arch_const(fcx, node, f.span)
            } else if f.message.starts_with("per-arch table of the size of") {
                add_sizes(fcx, node, f.arches.iter().collect())
            } else if f.message.starts_with("entry for") {
                replace_entry(fcx, node, f.arches.iter().next())
            } else {
                add_entries(fcx, node, f.arches.iter().collect())
            };
            match built {
                Ok((title, edits)) => f.fix = Some(Fix::safe(title, edits)),
                Err(why) => f.set_no_fix(why),
            }
        }
    });
}

/// The token of `arch` spelled like `spelling`, when the spelling names it for sure.
fn spell(
    cx: &FileSyntax<'_>,
    scheme: Scheme,
    spelling: &Spelling,
    arch: Arch,
) -> Result<String, String> {
    let t = token(scheme, arch);
    match spelling {
        Spelling::Quoted => Ok(format!("\"{t}\"")),
        Spelling::Number => const_value(arch, t)
            .map(|v| format!("{v:#x}"))
            .ok_or_else(|| format!("no value of `{t}` in the tables")),
        Spelling::Name(Some(q)) => {
            table_package(cx, q).ok_or_else(|| {
                format!(
                    "`{q}` is not `syscall` or x/sys/unix: abiport cannot tell it declares `{t}`"
                )
            })?;
            let everywhere = cx.info().arches.iter().all(|a| const_value(a, t).is_some());
            if !everywhere {
                return Err(format!(
                    "`{t}` is not declared for every arch the file builds for"
                ));
            }
            Ok(format!("{q}.{t}"))
        }
        Spelling::Name(None) => Err(format!("`{t}` would have to be declared in this package")),
    }
}

fn replace_entry<'t>(
    cx: &FileSyntax<'t>,
    value: Node<'t>,
    arch: Option<Arch>,
) -> Result<(String, Vec<Edit>), String> {
    let arch = arch.ok_or("no arch")?;
    let (scheme, _, spelling) = read_token(cx, value).ok_or("not a token")?;
    let new = spell(cx, scheme, &spelling, arch)?;
    if let Some(split) = split_shared_case(cx, value, arch, &new)? {
        return Ok(split);
    }
    Ok((
        format!("replace with `{new}`"),
        vec![Edit::replace(value.start_byte(), value.end_byte(), new)],
    ))
}

/// `case "amd64", "mips64le": return v` with `v` wrong for mips64le only: rewriting `v`
/// would break amd64, so the label moves to a case of its own with the new value.
/// `None` when the value is not shared (a map entry, or a case with one label).
fn split_shared_case<'t>(
    cx: &FileSyntax<'t>,
    value: Node<'t>,
    arch: Arch,
    new: &str,
) -> Result<Option<(String, Vec<Edit>)>, String> {
    let Some(case) = enclosing_case(cx, value) else {
        return Ok(None);
    };
    let labels = case.child_by_field_id(FIELD.value).ok_or("no labels")?;
    let mut c = labels.walk();
    let list: Vec<Node<'t>> = labels.named_children(&mut c).collect();
    if list.len() < 2 {
        return Ok(None);
    }
    let quoted = format!("\"{arch}\"");
    let i = list
        .iter()
        .position(|l| crate::syntax::text(*l, cx.src) == quoted)
        .ok_or_else(|| format!("no `{quoted}` label"))?;
    let key = list[i];
    // The label with the comma and blanks that join it to its neighbour.
    let removed = match list.get(i + 1) {
        Some(next) => Edit::replace(key.start_byte(), next.start_byte(), String::new()),
        None => Edit::replace(list[i - 1].end_byte(), key.end_byte(), String::new()),
    };
    let sw = cx.parents.of(case).ok_or("no switch")?;
    let mut edits = vec![removed];
    edits.extend(add_cases(cx, sw, key, value, &[(arch, new.to_string())])?);
    Ok(Some((
        format!("move `{arch}` to a case of its own with `{new}`"),
        edits,
    )))
}

/// The table a "no entry" finding points at (its type or switched value).
fn add_entries<'t>(
    cx: &FileSyntax<'t>,
    at: Node<'t>,
    missing: Vec<Arch>,
) -> Result<(String, Vec<Edit>), String> {
    let table_node = cx.parents.of(at).ok_or("no table")?;
    let table = arch_tables(cx, &[table_node])
        .into_iter()
        .next()
        .ok_or("no table")?;
    let reference = cx.index.reference;
    let entry = table
        .entries
        .iter()
        .find(|e| e.arch == reference)
        .ok_or("no entry for the reference arch")?;
    let (scheme, _, spelling) = read_token(cx, entry.value).ok_or("not a token")?;
    let mut values = Vec::new();
    for &a in &missing {
        values.push((a, spell(cx, scheme, &spelling, a)?));
    }
    table_edits(cx, table_node, entry, &values)
}

/// The `case` clause holding `n` (a label, or a value it returns or assigns); none inside
/// a composite literal (a map entry's value).
fn enclosing_case<'t>(cx: &FileSyntax<'t>, n: Node<'t>) -> Option<Node<'t>> {
    let mut case = n;
    while case.kind() != "expression_case" {
        case = cx
            .parents
            .of(case)
            .filter(|p| p.kind() != "composite_literal")?;
    }
    Some(case)
}

/// New `case "t":` clauses copied from the reference arch's case, each with its value.
fn add_cases<'t>(
    cx: &FileSyntax<'t>,
    sw: Node<'t>,
    key: Node<'t>,
    value: Node<'t>,
    values: &[(Arch, String)],
) -> Result<Vec<Edit>, String> {
    let case = enclosing_case(cx, key).ok_or("no case")?;
    let labels = case.child_by_field_id(FIELD.value).ok_or("no labels")?;
    let mut c = sw.walk();
    let last = sw
        .named_children(&mut c)
        .filter(|k| k.kind() == "expression_case")
        .last()
        .ok_or("no case")?;
    let indent = line_indent(cx.src, case.start_byte());
    let mut text_out = String::new();
    for (a, v) in values {
        let mut t = String::new();
        t.push_str(&String::from_utf8_lossy(
            &cx.src[case.start_byte()..labels.start_byte()],
        ));
        t.push_str(&format!("\"{a}\""));
        t.push_str(&without_line_comments(&String::from_utf8_lossy(
            &cx.src[labels.end_byte()..value.start_byte()],
        )));
        t.push_str(v);
        t.push_str(&without_line_comments(&String::from_utf8_lossy(
            &cx.src[value.end_byte()..case.end_byte()],
        )));
        text_out.push_str(&format!("\n{indent}{}", t.trim_end()));
    }
    // After the last case's text, before the newline that ends it.
    let end = case_text_end(cx.src, last);
    Ok(vec![Edit::insert(end, text_out)])
}

/// `text` without its `//` comments: a copied case's comments speak of the case copied.
/// (The text between a case's labels and its value, or after the value: no strings.)
fn without_line_comments(text: &str) -> String {
    text.split_inclusive('\n')
        .map(|line| match line.find("//") {
            Some(at) => {
                let kept = line[..at].trim_end();
                if kept.is_empty() && line.ends_with('\n') {
                    String::new() // a line that was only a comment
                } else if line.ends_with('\n') {
                    format!("{kept}\n")
                } else {
                    kept.to_string()
                }
            }
            None => line.to_string(),
        })
        .collect()
}

/// The end of a case's text without the trailing newline (and blanks) tree-sitter counts
/// in it.
fn case_text_end(src: &[u8], case: Node<'_>) -> usize {
    let mut end = case.end_byte();
    while end > case.start_byte() && src[end - 1].is_ascii_whitespace() {
        end -= 1;
    }
    end
}

/// A per-arch constant with a wrong value: the literal is replaced when every arch its file
/// builds for needs the same value; a file shared by arches that need different values
/// needs a new file, which abiport does not write (the reason says which).
fn per_arch_const<'t>(
    cx: &FileSyntax<'t>,
    name: Node<'t>,
    span: Span,
) -> Result<(String, Vec<Edit>), String> {
    let sites = wrong_sites(cx);
    let w = sites
        .iter()
        .find(|w| w.site.span == span)
        .ok_or("no longer wrong")?;
    let spec = cx.parents.of(name).ok_or("no declaration")?;
    let keyword = if spec.kind() == "var_spec" {
        "var"
    } else {
        "const"
    };
    let lit = spec
        .child_by_field_id(FIELD.value)
        .and_then(|l| l.named_child(0))
        .filter(|l| l.kind() == "int_literal")
        .ok_or("no literal")?;
    let hex = crate::syntax::text(lit, cx.src).starts_with("0x");
    let spell = |v: i128| {
        if hex {
            format!("{v:#x}")
        } else {
            v.to_string()
        }
    };
    if let Some(v) = w.one_value() {
        let new = spell(v);
        return Ok((
            format!("replace with `{new}`"),
            vec![Edit::replace(lit.start_byte(), lit.end_byte(), new)],
        ));
    }
    let rel = &cx.info().rel;
    let file = crate::walk::file_name(rel);
    let stem = file
        .rsplit_once('_')
        .map_or(file.trim_end_matches(".go"), |(s, _)| s);
    let head = String::from_utf8_lossy(&cx.src[spec.start_byte()..lit.start_byte()]);
    let mut groups: Vec<(Option<i128>, Vec<Arch>)> = Vec::new();
    for a in w.wrong.iter() {
        let v = w.fact.value(a);
        match groups.iter_mut().find(|(x, _)| *x == v) {
            Some((_, g)) => g.push(a),
            None => groups.push((v, vec![a])),
        }
    }
    let copies: Vec<String> = groups
        .iter()
        .filter_map(|(v, arches)| {
            let decl = format!("{keyword} {head}{}", spell((*v)?));
            Some(match arches.as_slice() {
                [a] => format!("`{stem}_{a}.go` with `{decl}`"),
                _ => {
                    let names: Vec<&str> = arches.iter().map(|a| a.name()).collect();
                    format!(
                        "a file constrained to `{}` with `{decl}`",
                        names.join(" || ")
                    )
                }
            })
        })
        .collect();
    let excluded: Vec<String> = w.wrong.iter().map(|a| format!("!{a}")).collect();
    Err(format!(
        "`{file}` gives one value to arches that need different ones: copy it to {}, and add `&& {}` to `{file}`'s constraint (abiport does not create files)",
        copies.join(", "),
        excluded.join(" && ")
    ))
}

/// Entries for the missing arches of a struct-size table: the tables' size of the struct
/// the other entries give, spelled in decimal, added like the reference arch's entry.
fn add_sizes<'t>(
    cx: &FileSyntax<'t>,
    at: Node<'t>,
    missing: Vec<Arch>,
) -> Result<(String, Vec<Edit>), String> {
    let table_node = cx.parents.of(at).ok_or("no table")?;
    let table = arch_tables(cx, &[table_node])
        .into_iter()
        .next()
        .ok_or("no table")?;
    let consts = &cx.syscall_scan().consts;
    let entries: Vec<(Arch, i128)> = table
        .entries
        .iter()
        .map(|e| {
            crate::syntax::literals::literal_value(cx, consts, e.value).map(|l| (e.arch, l.value))
        })
        .collect::<Option<_>>()
        .ok_or("an entry is no literal")?;
    let name = sized_struct(&entries).ok_or("no one struct")?;
    let entry = table
        .entries
        .iter()
        .find(|e| e.arch == cx.index.reference)
        .ok_or("no entry for the reference arch")?;
    let mut values = Vec::new();
    for &a in &missing {
        let size = crate::abi::table(a, crate::abi::Package::Unix)
            .strukt(name)
            .ok_or_else(|| format!("no `{name}` on {a}"))?
            .size;
        values.push((a, size.to_string()));
    }
    table_edits(cx, table_node, entry, &values)
}

/// The title and edits adding `values` (arch, Go expression) to a GOARCH map or switch,
/// shaped like its `entry` for the reference arch.
fn table_edits<'t>(
    cx: &FileSyntax<'t>,
    table_node: Node<'t>,
    entry: &crate::syntax::arch_tables::ArchEntry<'t>,
    values: &[(Arch, String)],
) -> Result<(String, Vec<Edit>), String> {
    let shown: Vec<String> = values
        .iter()
        .map(|(a, v)| format!("`{a}`: `{v}`"))
        .collect();
    let edits = match table_node.kind() {
        "composite_literal" => {
            let entries: Vec<(String, String)> = values
                .iter()
                .map(|(a, v)| (format!("\"{a}\""), v.clone()))
                .collect();
            append_map_entries(cx.src, table_node, &entries)?
        }
        "expression_switch_statement" => add_cases(cx, table_node, entry.key, entry.value, values)?,
        _ => return Err("not a table".into()),
    };
    Ok((format!("add {}", shown.join(", ")), edits))
}
