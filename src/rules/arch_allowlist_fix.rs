//! The fix of `arch-allowlist`: add the refused targets to the allowed set, where that set
//! is a plain list (the `case` labels that let the reference through, an `==`/`||` or
//! `!=`/`&&` chain of comparisons, a `map[string]bool`/`[]string` literal of arches). The
//! edited file is parsed again and the check re-run: the fix is kept only if every refused
//! target then passes and the reference still does.

use super::{allowed_list, eval, outcome, single_return, value_kind, Check, Outcome, META};
use crate::arch::{Arch, ArchSet};
use crate::edit::{node_at, FixCtx};
use crate::finding::{Edit, Finding, Fix};
use crate::rules::fix_per_file;
use crate::rules::literal_edit::{append_map_entries, comma_after, line_indent};
use crate::rules::platform::{arch_value, map_keys, map_literal, string_value, unparen, ArchValue};
use crate::syntax::tree::FIELD;
use crate::syntax::{parse_go, text, FileSyntax};
use tree_sitter::Node;

pub fn attach(cx: &FixCtx<'_>, findings: &mut [Finding]) {
    fix_per_file(cx, findings, META.id, |fcx, fs| {
        for f in fs.iter_mut().filter(|f| f.rule == META.id) {
            let Some(check) = node_at(fcx.tree, f.span).and_then(|n| Check::of(fcx, n)) else {
                continue;
            };
            // The check reads its own file; the callers in the package's other files need
            // their sources, which only this phase has.
            if let Some(more) = callers_elsewhere(cx, fcx, check.node(), &f.fact) {
                f.fact.push_str(&more);
            }
            let kind = check
                .at()
                .and_then(|at| value_kind(fcx, at, 2))
                .unwrap_or(ArchValue::Goarch);
            match allow(fcx, check, kind, f.arches) {
                Ok(edits) => {
                    let title = match kind {
                        ArchValue::Goarch => {
                            let names: Vec<String> =
                                f.arches.iter().map(|a| format!("`{a}`")).collect();
                            format!("add {} to the arches this check allows", names.join(", "))
                        }
                        ArchValue::Machine => {
                            let names: Vec<String> = names(kind, f.arches)
                                .iter()
                                .map(|m| format!("`{m}`"))
                                .collect();
                            format!(
                                "add {} (`uname -m` on {}) to the machines this check allows",
                                names.join(", "),
                                f.arches
                            )
                        }
                    };
                    f.fix = Some(Fix::unsafe_edit(title, edits).with_note(format!(
                        "the fix is unsafe: it asserts the program works on {}",
                        f.arches
                    )));
                }
                Err(why) => f.set_no_fix(why),
            }
        }
    });
}

/// "; `checkSupportArch` is called from `main` in main.go": the callers (one call up) of
/// the function the check sits in, in the other files of its package that build for an
/// arch the file builds for.
fn callers_elsewhere<'t>(
    cx: &FixCtx<'_>,
    fcx: &FileSyntax<'t>,
    check: Node<'t>,
    fact: &str,
) -> Option<String> {
    let func = crate::rules::platform::enclosing_function(fcx, check)?;
    if func.kind() != "function_declaration" {
        return None;
    }
    let name = text(func.child_by_field_id(FIELD.name)?, fcx.src);
    let pkg = cx.index.file_package[fcx.file]?;
    let arches = fcx.info().arches;
    let mut from: Vec<String> = Vec::new();
    for &g in &cx.index.packages[pkg].files {
        let info = &cx.index.files[g];
        if g == fcx.file || info.arches.intersect(arches).is_empty() {
            continue;
        }
        let Some(src) = cx.source(g) else { continue };
        if !crate::syntax::calls::mentions(&src, name) {
            continue;
        }
        let Some(tree) = parse_go(&src) else { continue };
        let base = crate::walk::file_name(&info.rel);
        let mut stack = vec![(tree.root_node(), None::<String>)];
        while let Some((n, within)) = stack.pop() {
            let within = match n.kind() {
                "function_declaration" | "method_declaration" => n
                    .child_by_field_id(FIELD.name)
                    .map(|x| text(x, &src).to_string())
                    .or(within),
                _ => within,
            };
            let calls = n.kind() == "call_expression"
                && n.child_by_field_id(FIELD.function)
                    .is_some_and(|g| g.kind() == "identifier" && text(g, &src) == name);
            if calls {
                let caller = match &within {
                    Some(w) => format!("`{w}` in {base}"),
                    None => base.to_string(),
                };
                if !from.contains(&caller) {
                    from.push(caller);
                }
            }
            let mut c = n.walk();
            stack.extend(n.named_children(&mut c).map(|k| (k, within.clone())));
        }
    }
    if from.is_empty() {
        return None;
    }
    from.sort();
    let called = format!("`{name}` is called from");
    Some(if fact.contains(&called) {
        format!(", and from {}", from.join(", "))
    } else {
        format!("; {called} {}", from.join(", "))
    })
}

/// The edits that let `targets` through `check`, verified on the edited file.
fn allow<'t>(
    cx: &FileSyntax<'t>,
    check: Check<'t>,
    kind: ArchValue,
    targets: ArchSet,
) -> Result<Vec<Edit>, String> {
    let reference = cx.index.reference;
    let edits = match check {
        Check::Switch(_) => allow_in_switch(cx, check, kind, reference, targets)?,
        Check::If(n) => {
            let cond = n.child_by_field_id(FIELD.condition).ok_or("no condition")?;
            allow_in_condition(cx, cond, Some(n), reference, targets)?
        }
    };
    verify(cx, check, &edits, targets)?;
    Ok(edits)
}

/// The values `targets` give in `kind`'s spelling, each once (`mips64` for mips64 and
/// mips64le).
fn names(kind: ArchValue, targets: ArchSet) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for name in targets.iter().flat_map(|a| kind.names(a)) {
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

fn quoted(kind: ArchValue, targets: ArchSet) -> Vec<String> {
    names(kind, targets)
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect()
}

/// `case "amd64", "ppc64le":` whose body only returns: add the targets to its labels.
fn allow_in_switch<'t>(
    cx: &FileSyntax<'t>,
    check: Check<'t>,
    kind: ArchValue,
    reference: Arch,
    targets: ArchSet,
) -> Result<Vec<Edit>, String> {
    let Check::Switch(sw) = check else {
        return Err("not a switch".into());
    };
    let mut c = sw.walk();
    let case = sw
        .named_children(&mut c)
        .filter(|k| k.kind() == "expression_case")
        .find(|k| {
            k.child_by_field_id(FIELD.value).is_some_and(|labels| {
                let mut c2 = labels.walk();
                let hit = labels
                    .named_children(&mut c2)
                    .any(|l| string_value(cx.src, l) == Some(kind.name(reference)));
                hit
            })
        })
        .ok_or_else(|| format!("{reference} passes through `default:`, not a list of arches"))?;
    let mut c3 = case.walk();
    let trivial = case
        .named_children(&mut c3)
        .filter(|k| k.kind() == "statement_list")
        .all(|list| {
            let mut c4 = list.walk();
            let ok = list.named_children(&mut c4).all(|s| {
                matches!(s.kind(), "comment" | "break_statement")
                    || (s.kind() == "return_statement"
                        && s.named_child(0).is_none_or(|e| text(e, cx.src) == "nil"))
            });
            ok
        });
    if !trivial {
        return Err(format!(
            "the case that lets {reference} through does arch-specific work"
        ));
    }
    let labels = case.child_by_field_id(FIELD.value).ok_or("no labels")?;
    let at = labels.end_byte();
    Ok(vec![Edit::insert(
        at,
        format!(", {}", quoted(kind, targets).join(", ")),
    )])
}

/// The arch terms of a condition: a flat chain of comparisons, or a membership test.
fn allow_in_condition<'t>(
    cx: &FileSyntax<'t>,
    cond: Node<'t>,
    stmt: Option<Node<'t>>,
    reference: Arch,
    targets: ArchSet,
) -> Result<Vec<Edit>, String> {
    let cond = unparen(cond);
    if let Some((op, value, kind)) = comparison_chain(cx, cond) {
        if eval(cx, cond, reference, stmt) != Some(op == "==") {
            return Err(
                "the check lists the arches it refuses (a deny-list), not those it allows".into(),
            );
        }
        let join = if op == "==" { "||" } else { "&&" };
        let terms: String = quoted(kind, targets)
            .iter()
            .map(|t| format!(" {join} {value} {op} {t}"))
            .collect();
        return Ok(vec![Edit::insert(cond.end_byte(), terms)]);
    }
    // `!allowed[arch]`, `!ok`, `!contains(list, arch)`: look inside the negation.
    let inner = if cond.kind() == "unary_expression" {
        unparen(cond.child_by_field_id(FIELD.operand).ok_or("no operand")?)
    } else {
        cond
    };
    match inner.kind() {
        "index_expression" => {
            let (lit, kind) = lookup(cx, inner)?;
            add_map_keys(cx, lit, kind, targets, "true")
        }
        "identifier" => {
            let init = stmt
                .and_then(|s| s.child_by_field_id(FIELD.initializer))
                .and_then(|i| i.child_by_field_id(FIELD.right))
                .and_then(|r| r.named_child(0))
                .map(unparen)
                .filter(|r| r.kind() == "index_expression")
                .ok_or("not an arch list")?;
            let (lit, kind) = lookup(cx, init)?;
            // The value of a set-like map: whatever the reference's entry holds.
            let value = map_keys(lit)
                .into_iter()
                .find(|k| string_value(cx.src, *k) == Some(kind.name(reference)))
                .and_then(|k| cx.parents.of(k))
                .and_then(|el| cx.parents.of(el))
                .and_then(|kv| kv.child_by_field_id(FIELD.value))
                .map(|v| text(v, cx.src).to_string())
                .ok_or("the reference arch is not in the list")?;
            add_map_keys(cx, lit, kind, targets, &value)
        }
        "call_expression" if is_helper_call(inner) => {
            let name = text(
                inner.child_by_field_id(FIELD.function).ok_or("no callee")?,
                cx.src,
            );
            let body = single_return(cx, name).ok_or("not an arch list")?;
            allow_in_condition(cx, body, None, reference, targets)
        }
        "call_expression" => {
            let (list, kind) = allowed_list(cx, inner).ok_or("not an arch list")?;
            add_slice_elements(cx, list, kind, targets)
        }
        _ => Err("the allowed arches are not a plain list".into()),
    }
}

/// `helper()`: a call without arguments of a function of this file.
fn is_helper_call(call: Node<'_>) -> bool {
    call.child_by_field_id(FIELD.function)
        .is_some_and(|f| f.kind() == "identifier")
        && call
            .child_by_field_id(FIELD.arguments)
            .is_some_and(|a| a.named_child_count() == 0)
}

/// `v == "a" || v == "b"` → ("==", "v", how `v` names arches); `v != "a" && v != "b"` →
/// ("!=", "v", …).
fn comparison_chain<'s>(
    cx: &FileSyntax<'s>,
    n: Node<'s>,
) -> Option<(&'static str, &'s str, ArchValue)> {
    let n = unparen(n);
    let op = text(n.child_by_field_id(FIELD.operator)?, cx.src);
    let (l, r) = (
        n.child_by_field_id(FIELD.left)?,
        n.child_by_field_id(FIELD.right)?,
    );
    match op {
        "||" | "&&" => {
            let a = comparison_chain(cx, l)?;
            let b = comparison_chain(cx, r)?;
            let want = if op == "||" { "==" } else { "!=" };
            (a == b && a.0 == want).then_some(a)
        }
        "==" | "!=" => {
            let (l, r) = (unparen(l), unparen(r));
            let value = if string_value(cx.src, r).is_some() {
                l
            } else {
                r
            };
            string_value(cx.src, if value == l { r } else { l })?;
            let kind = arch_value(cx, value)?;
            Some((
                if op == "==" { "==" } else { "!=" },
                text(value, cx.src),
                kind,
            ))
        }
        _ => None,
    }
}

fn lookup<'t>(cx: &FileSyntax<'t>, index: Node<'t>) -> Result<(Node<'t>, ArchValue), String> {
    let m = index.child_by_field_id(FIELD.operand).ok_or("no map")?;
    let kind = index
        .child_by_field_id(FIELD.index)
        .and_then(|v| arch_value(cx, v))
        .ok_or("not an arch lookup")?;
    map_literal(cx, m, text(m, cx.src))
        .map(|(_, lit)| (lit, kind))
        .ok_or_else(|| "the map of arches is not a literal of this file".into())
}

/// Add `"t": value` entries to a map literal.
fn add_map_keys(
    cx: &FileSyntax<'_>,
    lit: Node<'_>,
    kind: ArchValue,
    targets: ArchSet,
    value: &str,
) -> Result<Vec<Edit>, String> {
    let entries: Vec<(String, String)> = quoted(kind, targets)
        .into_iter()
        .map(|k| (k, value.to_string()))
        .collect();
    append_map_entries(cx.src, lit, &entries)
}

/// Add `"t"` elements to a `[]string{…}` literal.
fn add_slice_elements<'t>(
    cx: &FileSyntax<'t>,
    lit: Node<'t>,
    kind: ArchValue,
    targets: ArchSet,
) -> Result<Vec<Edit>, String> {
    let body = lit.child_by_field_id(FIELD.body).ok_or("no body")?;
    let mut c = body.walk();
    let elements: Vec<Node<'_>> = body
        .named_children(&mut c)
        .filter(|e| e.kind() != "comment")
        .collect();
    let last = elements.last().ok_or("the list is empty")?;
    let new = quoted(kind, targets);
    if body.start_position().row == body.end_position().row {
        let more: String = new.iter().map(|t| format!(", {t}")).collect();
        return Ok(vec![Edit::insert(last.end_byte(), more)]);
    }
    let after = comma_after(cx.src, last.end_byte()).ok_or("no comma after the last element")?;
    if last.start_position().row != elements[0].start_position().row || elements.len() == 1 {
        let indent = line_indent(cx.src, last.start_byte());
        let lines: String = new.iter().map(|t| format!("\n{indent}{t},")).collect();
        return Ok(vec![Edit::insert(after, lines)]);
    }
    let more: String = new.iter().map(|t| format!(" {t},")).collect();
    Ok(vec![Edit::insert(after, more)])
}

/// Parse the edited file and run the check again: each target must pass, and the
/// reference still.
fn verify<'t>(
    cx: &FileSyntax<'t>,
    check: Check<'t>,
    edits: &[Edit],
    targets: ArchSet,
) -> Result<(), String> {
    let fail = || "the edited check would still refuse".to_string();
    let new_src = crate::edit::apply(cx.src, edits)?;
    let tree = parse_go(&new_src).ok_or("the edited file does not parse")?;
    if tree.root_node().has_error() {
        return Err("the edited file does not parse".into());
    }
    let start = check_start(check);
    let shift: isize = edits
        .iter()
        .filter(|e| e.end <= start)
        .map(|e| e.text.len() as isize - (e.end - e.start) as isize)
        .sum();
    let at = (start as isize + shift) as usize;
    let syntax = FileSyntax::new(cx.index, cx.file, &new_src, &tree, cx.imports);
    let mut node = syntax
        .tree
        .root_node()
        .descendant_for_byte_range(at, at)
        .ok_or_else(fail)?;
    let new_check = loop {
        if node.start_byte() == at {
            match node.kind() {
                "if_statement" => break Check::If(node),
                "expression_switch_statement" => break Check::Switch(node),
                _ => {}
            }
        }
        node = syntax.parents.of(node).ok_or_else(fail)?;
    };
    for arch in targets.iter().chain([cx.index.reference]) {
        if !matches!(outcome(&syntax, new_check, arch), Some(Outcome::Passes)) {
            return Err(fail());
        }
    }
    // The condition must stay an arch check the rule can read.
    if let Check::If(n) = new_check {
        let cond = n.child_by_field_id(FIELD.condition).ok_or_else(fail)?;
        eval(&syntax, cond, cx.index.reference, Some(n)).ok_or_else(fail)?;
    }
    Ok(())
}

fn check_start(check: Check<'_>) -> usize {
    match check {
        Check::If(n) | Check::Switch(n) => n.start_byte(),
    }
}
