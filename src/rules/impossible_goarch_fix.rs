//! The fix of `impossible-goarch`: the literal becomes the Go name it stands for, when that
//! name is certain (another tool's name such as `x86_64`, or a Go name in other case).

use super::foreign_tags;
use super::META;
use crate::edit::{node_at, FixCtx};
use crate::finding::{Edit, Finding, Fix};
use crate::rules::fix_per_file;
use crate::rules::platform::{meant, string_value, Meant, Platform};
use crate::syntax::{text, FileSyntax};

pub fn attach(cx: &FixCtx<'_>, findings: &mut [Finding]) {
    fix_per_file(cx, findings, META.id, |fcx, fs| {
        for f in fs.iter_mut().filter(|f| f.rule == META.id) {
            if f.no_fix.is_some() {
                continue;
            }
            if f.message.starts_with("build constraint tag") {
                f.fix = constraint_fix(fcx, f);
                continue;
            }
            let Some(lit) = node_at(fcx.tree, f.span) else {
                continue;
            };
            let Some(given) = string_value(fcx.src, lit) else {
                continue;
            };
            let Some(go) =
                [Platform::Arch, Platform::Os]
                    .into_iter()
                    .find_map(|p| match meant(p, given) {
                        Meant::Certain(n) => Some(n),
                        _ => None,
                    })
            else {
                continue;
            };
            let title = format!("replace `\"{given}\"` with `\"{go}\"`");
            let edits = vec![Edit::replace(lit.start_byte() + 1, lit.end_byte() - 1, go)];
            // The branch meant for that arch takes effect there. Where the Go name is
            // already compared elsewhere in the function (`if a == "x86_64" {…} else if a
            // == "amd64" {…}`), the replacement would choose between two branches: review.
            f.fix = Some(if scope_mentions(fcx, lit, go) {
                Fix::unsafe_edit(title, edits).with_note(format!(
                    "the fix is unsafe: `\"{go}\"` is also compared in this function, and the branch that runs on {} may change",
                    f.arches
                ))
            } else {
                Fix::safe(title, edits)
            });
        }
    });
}

/// Whether the string literal `"go"` occurs in the function (or top-level declaration)
/// around `lit`.
fn scope_mentions(cx: &FileSyntax<'_>, lit: tree_sitter::Node<'_>, go: &str) -> bool {
    let mut scope = lit;
    while let Some(parent) = scope.parent() {
        let is_func = matches!(
            scope.kind(),
            "function_declaration" | "method_declaration" | "func_literal"
        );
        if is_func || parent.kind() == "source_file" {
            break;
        }
        scope = parent;
    }
    let quoted = format!("\"{go}\"");
    let mut stack = vec![scope];
    while let Some(n) = stack.pop() {
        if n.id() != lit.id()
            && n.kind() == "interpreted_string_literal"
            && text(n, cx.src) == quoted
        {
            return true;
        }
        let mut c = n.walk();
        stack.extend(n.named_children(&mut c));
    }
    false
}

/// Replace the foreign tag by the Go name in every constraint line of the header
/// (`//go:build` and `// +build` alike, so they stay in step).
fn constraint_fix(cx: &FileSyntax<'_>, f: &Finding) -> Option<Fix> {
    let arch = f.arches.iter().next()?;
    let root = cx.tree.root_node();
    let mut c = root.walk();
    let mut edits = Vec::new();
    let mut shown = None;
    for comment in root
        .named_children(&mut c)
        .take_while(|n| n.kind() != "package_clause")
        .filter(|n| n.kind() == "comment")
    {
        let t = text(comment, cx.src);
        if !t.starts_with("//go:build") && !t.starts_with("// +build") {
            continue;
        }
        for (tag, go) in foreign_tags(t) {
            if go != arch.name() {
                continue;
            }
            let mut from = 0;
            while let Some(i) = t[from..].find(tag) {
                let at = from + i;
                let end = at + tag.len();
                let word = |b: Option<u8>| {
                    b.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
                };
                if !word(t.as_bytes().get(end).copied())
                    && !word(at.checked_sub(1).map(|j| t.as_bytes()[j]))
                {
                    let s = comment.start_byte() + at;
                    edits.push(Edit::replace(s, s + tag.len(), go));
                    shown = Some((tag.to_string(), go));
                }
                from = end;
            }
        }
    }
    let (tag, go) = shown?;
    Some(
        Fix::unsafe_edit(format!("replace build tag `{tag}` with `{go}`"), edits).with_note(
            format!("the fix is unsafe: the file starts building for {arch}"),
        ),
    )
}
