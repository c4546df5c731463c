//! The fix of `struct-field-width`: convert the field to the reference arch's type where it
//! is read (`uint64(st.Rdev)`), once at the origin, with the `//nolint:unconvert` comment
//! golangci-lint needs (the conversion is redundant on the reference arch). Trailing
//! comments around it are realigned by `fix::align` once the file's edits are applied.

use super::{fits, group_types, META};
use crate::arch::Arch;
use crate::edit::FixCtx;
use crate::finding::{Edit, Finding, Fix, Payload};
use crate::rules::{fix_per_file, FileCtx};
use crate::syntax::text;
use crate::syntax::tree::FIELD;
use crate::types::infer::{Ctx, Infer, Use};
use crate::types::ty::Ty;
use std::collections::BTreeMap;
use tree_sitter::Node;

/// Where a fixable finding's conversion goes.
pub struct Origin {
    start: usize,
    end: usize,
    /// The reference arch's type: the conversion.
    ty: String,
    /// `st.Rdev` as written.
    shown: String,
    /// "Rdev is uint32 on mips64le" (the nolint comment's explanation).
    why: String,
}

impl Origin {
    /// The finding's payload: where its conversion goes.
    pub fn payload(self) -> Payload {
        Payload::Convert {
            start: self.start,
            end: self.end,
            ty: self.ty,
            shown: self.shown,
            why: self.why,
        }
    }
}

fn bits(t: &str, arch: Arch) -> Option<(bool, u64)> {
    let word = arch.ptr_size() * 8;
    Some(match t {
        "int" => (true, word),
        "uint" | "uintptr" => (false, word),
        "int8" => (true, 8),
        "int16" => (true, 16),
        "int32" => (true, 32),
        "int64" => (true, 64),
        "uint8" => (false, 8),
        "uint16" => (false, 16),
        "uint32" => (false, 32),
        "uint64" => (false, 64),
        _ => return None,
    })
}

fn is_float(t: &str) -> bool {
    t == "float32" || t == "float64"
}

/// Whether converting a `from` value to `to` keeps every value on `arch`.
fn preserves(from: &str, to: &str, arch: Arch) -> Option<bool> {
    if is_float(from) || is_float(to) {
        return Some(from == to || (from == "float32" && to == "float64"));
    }
    let (fs, fb) = bits(from, arch)?;
    let (ts, tb) = bits(to, arch)?;
    Some(match (fs, ts) {
        (false, false) | (true, true) => tb >= fb,
        (false, true) => tb > fb,
        (true, false) => false,
    })
}

/// Decide whether the finding at `sel` can be fixed by one conversion at the origin; Err
/// says why not (appended to the finding's fact).
pub fn origin<'a>(
    re: &Infer<'_, 'a>,
    infs: &[(Arch, &Infer<'_, 'a>)],
    sel: Node<'a>,
    field: &str,
    t_ref: &Ty,
    varying: &[(Arch, Ty)],
    uses: &[(Use<'a>, Option<Node<'a>>)],
) -> Result<Origin, String> {
    let src = re.cx.src;
    let shown = text(sel, src).to_string();
    // Numeric types only: arrays (`Utsname`'s `[65]int8` / `[65]uint8`) do not convert.
    let Ty::Basic(r) = t_ref else {
        let other = varying
            .first()
            .map_or_else(String::new, |(a, t)| format!(" and `{t}` on {a}"));
        let hint = if matches!(t_ref, Ty::Array(..)) {
            "; convert element by element, or use `unix.ByteSliceToString(u.Field[:])` where the fields are bytes"
        } else {
            ""
        };
        return Err(format!(
            "`{t_ref}` on {}{other} are not numeric types, and a conversion turns only numeric types into each other{hint}",
            re.arch
        ));
    };
    if bits(r, re.arch).is_none() && !is_float(r) {
        return Err(format!("`{t_ref}` is not a numeric type"));
    }
    for (a, t) in varying {
        let Ty::Basic(b) = t else {
            return Err(format!(
                "`{t_ref}` on {} and `{t}` on {a} are not both numeric types, which Go cannot convert into each other; convert element by element",
                re.arch
            ));
        };
        match preserves(b, r, *a) {
            Some(true) => {}
            Some(false) => {
                return Err(format!(
                    "converting `{shown}` (`{b}` on {a}) to `{r}` would change some of its values there"
                ))
            }
            None => return Err(format!("`{b}` on {a} is not a numeric type")),
        }
    }
    // Only an expression that is read: never an assignment target, `&x`, `x++`, a key.
    let mut child = sel;
    let mut parent = re.parent(sel);
    while let Some(p) = parent {
        if p.kind() != "parenthesized_expression" {
            break;
        }
        child = p;
        parent = re.parent(p);
    }
    let not_read = || {
        Err(format!(
            "`{shown}` is not only read here, so it cannot be converted"
        ))
    };
    if let Some(p) = parent {
        match p.kind() {
            "unary_expression"
                if p.child_by_field_id(FIELD.operator).map(|o| text(o, src)) == Some("&") =>
            {
                return Err(format!("`&{shown}` takes the field's address"));
            }
            "inc_statement" | "dec_statement" => return not_read(),
            "selector_expression" | "index_expression" | "slice_expression"
                if p.child_by_field_id(FIELD.operand).map(|o| o.id()) == Some(child.id()) =>
            {
                return not_read();
            }
            "expression_list" => {
                if let Some(g) = re.parent(p) {
                    let left = g.child_by_field_id(FIELD.left).map(|l| l.id());
                    if left == Some(p.id())
                        && matches!(g.kind(), "assignment_statement" | "range_clause")
                    {
                        return Err(assigned(&shown));
                    }
                }
            }
            "assignment_statement" | "range_clause"
                if p.child_by_field_id(FIELD.left).map(|l| l.id()) == Some(child.id()) =>
            {
                return Err(assigned(&shown));
            }
            "literal_element" => {
                if let Some(k) = re.parent(p) {
                    if k.kind() == "keyed_element"
                        && k.child_by_field_id(FIELD.key).map(|x| x.id()) == Some(p.id())
                    {
                        return Err(format!("`{shown}` is a composite literal key"));
                    }
                }
            }
            "argument_list" => {
                // Already converted (`uint64(st.Rdev)`): nothing to add.
                if let Some(call) = re.parent(p) {
                    if let Some(f) = call.child_by_field_id(FIELD.function) {
                        if text(f, src) == *r {
                            return Err(format!("`{shown}` is already converted"));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    // After the fix the value has the reference type on every arch: every use must accept
    // it there (a use that wants the target's own type, `st2.Rdev = rdev`, would break).
    for (u, _) in uses {
        let n = match u.ctx {
            Ctx::Adapts => continue,
            Ctx::Need(n) => n,
            Ctx::Unknown | Ctx::Local(_) => {
                return Err(format!(
                    "inference cannot tell what type the use at line {} needs",
                    u.value.start_position().row + 1
                ))
            }
        };
        if re.type_of(u.value).as_ref() != Some(t_ref) || fits(re, u) != Some(true) {
            return Err(format!(
                "the use at line {} does not take `{shown}` as `{t_ref}` on {}",
                u.value.start_position().row + 1,
                re.arch
            ));
        }
        for (a, inf) in infs {
            let ok = inf
                .demanded(&n)
                .and_then(|d| inf.assignable(t_ref, &d))
                .unwrap_or(false);
            if !ok {
                return Err(format!(
                    "the use at line {} needs the field's own type on {a}",
                    u.value.start_position().row + 1
                ));
            }
        }
    }
    let plain = group_types(varying.iter().cloned()).replace('`', "");
    Ok(Origin {
        start: sel.start_byte(),
        end: sel.end_byte(),
        ty: r.to_string(),
        shown,
        why: format!("{field} is {plain}"),
    })
}

fn assigned(shown: &str) -> String {
    format!("`{shown}` is assigned to here: {}", super::LITERAL_NO_FIX)
}

/// One line of the file split as gofmt prints it.
#[derive(Clone, PartialEq, Eq)]
struct Line {
    indent: String,
    code: String,
    /// The trailing `//` comment, without the padding before it.
    comment: Option<String>,
}

impl Line {
    /// One space before a trailing comment: `fix::align` sets the block's column.
    fn render(&self) -> String {
        match &self.comment {
            Some(c) if !self.code.is_empty() => format!("{}{} {c}", self.indent, self.code),
            Some(c) => format!("{}{c}", self.indent),
            None => format!("{}{}", self.indent, self.code),
        }
    }
}

/// Merge explanations with the same arches: "Sec and Nsec are int32 on 386".
fn explain(whys: &[&str]) -> String {
    let mut by: Vec<(String, Vec<String>)> = Vec::new();
    for w in whys {
        let (name, rest) = w.split_once(" is ").unwrap_or((w, ""));
        match by.iter_mut().find(|(r, _)| r == rest) {
            Some((_, names)) => {
                if !names.iter().any(|n| n == name) {
                    names.push(name.to_string())
                }
            }
            None => by.push((rest.to_string(), vec![name.to_string()])),
        }
    }
    by.iter()
        .map(|(rest, names)| match names.len() {
            1 => format!("{} is {rest}", names[0]),
            n => format!(
                "{} and {} are {rest}",
                names[..n - 1].join(", "),
                names[n - 1]
            ),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

pub fn attach(cx: &FixCtx<'_>, findings: &mut [Finding]) {
    let nolint = !cx.options.plain_conversions;
    fix_per_file(cx, findings, META.id, |fcx, fs| {
        attach_in_file(fcx, fs, nolint)
    });
}

/// Attach the fixes of one file's findings (those whose payload places a conversion).
/// Every fix is a set of whole-line replacements computed from the file with all its
/// conversions applied, so fixes sharing a line carry identical edits.
fn attach_in_file(cx: &FileCtx<'_>, out: &mut [Finding], nolint: bool) {
    let src = cx.src;
    let Ok(text_all) = std::str::from_utf8(src) else {
        return;
    };
    let ok: Vec<(usize, Origin)> = out
        .iter()
        .enumerate()
        .filter(|(_, f)| f.rule == META.id)
        .filter_map(|(i, f)| match &f.payload {
            Payload::Convert {
                start,
                end,
                ty,
                shown,
                why,
            } => Some((
                i,
                Origin {
                    start: *start,
                    end: *end,
                    ty: ty.clone(),
                    shown: shown.clone(),
                    why: why.clone(),
                },
            )),
            _ => None,
        })
        .collect();
    if ok.is_empty() {
        return;
    }
    if src.contains(&b'\r') {
        for (i, _) in ok {
            out[i].set_no_fix("the file has CRLF line endings");
        }
        return;
    }
    // Line starts, and each line's trailing `//` comment from the tree.
    let mut starts = vec![0usize];
    for (i, b) in src.iter().enumerate() {
        if *b == b'\n' {
            starts.push(i + 1);
        }
    }
    let line_of = |off: usize| starts.partition_point(|&s| s <= off) - 1;
    let line_end = |l: usize| {
        starts
            .get(l + 1)
            .map_or(src.len(), |&s| s - 1)
            .max(starts[l])
    };
    let mut trailing: BTreeMap<usize, usize> = BTreeMap::new();
    // Lines whose end lies inside a token (a raw string, a block comment): no comment there.
    let mut no_comment: Vec<(usize, usize)> = Vec::new();
    cx.walk(|v| {
        let n = v.node;
        match v.kind {
            "comment" => {
                let l = n.start_position().row;
                if n.end_position().row == l && text(n, src).starts_with("//") {
                    trailing.insert(l, n.start_byte());
                } else {
                    no_comment.push((n.start_byte(), n.end_byte()));
                }
                false
            }
            "raw_string_literal" | "interpreted_string_literal" => {
                no_comment.push((n.start_byte(), n.end_byte()));
                false
            }
            _ => true,
        }
    });
    let split = |l: usize| -> Line {
        let s = &text_all[starts[l]..line_end(l)];
        let indent_len = s.len() - s.trim_start_matches('\t').len();
        let indent = s[..indent_len].to_string();
        match trailing.get(&l) {
            Some(&c) => Line {
                indent,
                code: text_all[starts[l] + indent_len..c].trim_end().to_string(),
                comment: Some(text_all[c..line_end(l)].to_string()),
            },
            None => Line {
                indent,
                code: s[indent_len..].trim_end().to_string(),
                comment: None,
            },
        }
    };
    let nlines = starts.len();
    let original: Vec<Line> = (0..nlines).map(split).collect();
    let mut lines = original.clone();
    // Conversions, from the end of each line so columns stay valid.
    let mut inserts: BTreeMap<usize, Vec<(usize, String)>> = BTreeMap::new();
    let mut whys: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
    for (_, o) in &ok {
        let (ls, le) = (line_of(o.start), line_of(o.end));
        inserts
            .entry(ls)
            .or_default()
            .push((o.start - starts[ls], format!("{}(", o.ty)));
        inserts
            .entry(le)
            .or_default()
            .push((o.end - starts[le], ")".to_string()));
        whys.entry(ls).or_default().push(&o.why);
    }
    for (l, mut ins) in inserts {
        ins.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        let indent_len = original[l].indent.len();
        for (col, t) in ins {
            let at = col.saturating_sub(indent_len).min(lines[l].code.len());
            lines[l].code.insert_str(at, &t);
        }
    }
    if nolint {
        for (l, w) in &whys {
            let end = line_end(*l);
            if no_comment.iter().any(|&(s, e)| s < end && end < e) {
                continue;
            }
            let why = explain(w);
            let line = &mut lines[*l];
            line.comment = match line.comment.take() {
                None => Some(format!("//nolint:unconvert // {why}")),
                Some(c) => Some(merge_nolint(&c, &why)),
            };
        }
    }
    // Only the changed lines: `fix::align` realigns the comment block around them after
    // all edits of the file are applied, as gofmt would.
    for (i, o) in ok {
        let (ls, le) = (line_of(o.start), line_of(o.end));
        let edits: Vec<Edit> = (ls..=le)
            .filter(|&l| lines[l] != original[l])
            .map(|l| Edit::replace(starts[l], line_end(l), lines[l].render()))
            .collect();
        if edits.is_empty() {
            continue;
        }
        out[i].fix = Some(Fix::safe(
            format!("convert `{}` to `{}`", o.shown, o.ty),
            edits,
        ));
    }
}

/// Put the `unconvert` directive into an existing trailing comment: added to a
/// `//nolint:a,b` list, nothing for a bare `//nolint`, else prepended to the comment.
fn merge_nolint(c: &str, why: &str) -> String {
    if let Some(rest) = c.strip_prefix("//nolint") {
        if rest.is_empty() || rest.starts_with(' ') || rest.contains("unconvert") {
            return c.to_string();
        }
        if let Some(list) = rest.strip_prefix(':') {
            let end = list
                .find(|ch: char| !(ch.is_alphanumeric() || ch == ',' || ch == '-' || ch == '_'))
                .unwrap_or(list.len());
            return format!("//nolint:{},unconvert{}", &list[..end], &list[end..]);
        }
        return c.to_string();
    }
    let body = c.trim_start_matches('/').trim_start();
    format!("//nolint:unconvert // {why}; {body}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nolint_merges_into_existing_comments() {
        assert_eq!(
            merge_nolint("// want x", "Rdev is uint32 on mips64le"),
            "//nolint:unconvert // Rdev is uint32 on mips64le; want x"
        );
        assert_eq!(
            merge_nolint("//nolint:gosec // G115", "x"),
            "//nolint:gosec,unconvert // G115"
        );
        assert_eq!(merge_nolint("//nolint // all", "x"), "//nolint // all");
    }

    #[test]
    fn widening_only() {
        assert_eq!(preserves("uint32", "uint64", Arch::Mips64le), Some(true));
        assert_eq!(preserves("int32", "int64", Arch::Arm64), Some(true));
        assert_eq!(preserves("uint32", "int64", Arch::Mips64le), Some(true));
        assert_eq!(preserves("int32", "uint64", Arch::Mips64le), Some(false));
        assert_eq!(preserves("uint64", "uint32", Arch::Amd64), Some(false));
    }
}
