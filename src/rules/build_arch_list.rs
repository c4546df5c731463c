//! `build-arch-list`: arch and platform lists in Makefiles, shell scripts, goreleaser and
//! GitHub Actions files that name at least two other Linux arches and not a target; per-arch
//! variables set for other arches only; `uname -m` mappings without the target's machine
//! name. The forms read are listed in `rules/build-arch-list.md`.

use super::build_file::{
    arch_word, judge_list, names_of, split_items, uname_arches, uname_name, ArchList, BuildFileCtx,
    Item, Spelling,
};
use super::groovy_words::GTok;
use super::shell_words::{tokenize, Tok, Word};
use super::{FixAvailability, Rule, RuleMeta};
use crate::arch::{Arch, ArchSet};
use crate::finding::Finding;
use crate::walk::BuildFileKind;
use std::collections::BTreeMap;

pub struct BuildArchList;

pub const ID: &str = "build-arch-list";

static META: RuleMeta = RuleMeta {
    id: ID,
    summary: "a Makefile, script, goreleaser or workflow arch list that names other Linux arches and not the target",
    doc: include_str!("../../rules/build-arch-list.md"),
    fix: FixAvailability::Sometimes,
    imports: None,
    words: &[],
    fixer: None,
};

impl Rule for BuildArchList {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
    fn build_file_kinds(&self) -> &'static [BuildFileKind] {
        &[
            BuildFileKind::Makefile,
            BuildFileKind::Shell,
            BuildFileKind::MaybeShell,
            BuildFileKind::Goreleaser,
            BuildFileKind::Workflow,
            BuildFileKind::Jenkinsfile,
        ]
    }
    fn check_build_file(&self, cx: &BuildFileCtx<'_>, out: &mut Vec<Finding>) {
        lists(cx, out);
        dockerfile_sets(cx, out);
    }
}

/// The lists, mappings and `docker manifest` sets of one build file.
fn lists(cx: &BuildFileCtx<'_>, out: &mut Vec<Finding>) {
    // Each list, mapping and manifest set names an arch.
    if !super::build_file::mentions_arch_name(cx.src) {
        return;
    }
    match cx.kind {
        BuildFileKind::Makefile => makefile(cx, out),
        BuildFileKind::Shell | BuildFileKind::MaybeShell => {
            shell(cx, cx.src, 0, out);
            for (start, end) in logical_lines(cx.src) {
                uname_sed(cx, start, end, out);
            }
        }
        BuildFileKind::Goreleaser | BuildFileKind::Workflow => yaml(cx, out),
        BuildFileKind::Jenkinsfile => jenkinsfile(cx, out),
        _ => {}
    }
    if cx.kind != BuildFileKind::Jenkinsfile {
        docker_manifests(cx, out);
    }
}

fn names(set: ArchSet) -> String {
    set.names().join(", ")
}

/// Why a target matters, for the fact: its names in the other tools.
fn target_fact(missing: ArchSet) -> String {
    let shown: Vec<String> = missing.iter().map(names_of).collect();
    format!(
        "what this list drives (builds, images, release assets, test jobs) skips {}",
        shown.join(", ")
    )
}

/// The fact of a mapping from machine names: what `uname -m` prints on the targets.
fn uname_fact(missing: ArchSet) -> String {
    let shown: Vec<String> = missing
        .iter()
        .map(|a| format!("`{}` on {}", uname_name(a), names_of(a)))
        .collect();
    format!(
        "`uname -m` prints {}; a mapping without that name leaves the host's GOARCH wrong or empty",
        shown.join(", ")
    )
}

/// Report an arch list that lacks targets, with the fix appending them.
fn report_list(
    cx: &BuildFileCtx<'_>,
    list: &ArchList,
    what: &str,
    context: &str,
    out: &mut Vec<Finding>,
) {
    let mut f = cx.finding(
        ID,
        list.start(),
        list.end(),
        list.missing,
        context,
        format!(
            "{what} lists {} but not {}",
            names(list.present),
            names(list.missing)
        ),
        target_fact(list.missing),
    );
    match list.fix(cx.src) {
        Some(fix) => f.fix = Some(fix),
        None => f.set_no_fix(
            "a `uname -m` list cannot name a MIPS64 byte order: hosts of both print `mips64`; \
             map the machine name by hand",
        ),
    }
    out.push(f);
}

/// The items of a value at `start..end` of the file: one quoted string holding a list
/// (`"amd64 arm64"`), one quoted item, or a bare value split at commas (`a,b`). `None`
/// for mixed quoting.
fn value_items(src: &str, start: usize, end: usize) -> Option<Vec<Item>> {
    let raw = src.get(start..end)?;
    let first = raw.chars().next()?;
    if (first == '"' || first == '\'') && raw.len() >= 2 && raw.ends_with(first) {
        let inner = &raw[1..raw.len() - 1];
        if inner.contains(first) {
            return None;
        }
        if !inner.contains(|c: char| c.is_whitespace() || c == ',') {
            return Some(vec![Item {
                text: inner.to_string(),
                start,
                end,
                quote: Some(first),
            }]);
        }
        return split_items(inner, start + 1, &[',']);
    }
    if raw.contains(['"', '\'', '$', '`']) {
        return None;
    }
    split_items(raw, start, &[','])
}

fn word_items(src: &str, w: &Word) -> Option<Vec<Item>> {
    value_items(src, w.start, w.end)
}

/// Items of consecutive words (`for a in amd64 "arm64" ppc64le`).
fn words_items<'w>(src: &str, words: impl Iterator<Item = &'w Word>) -> Option<Vec<Item>> {
    let mut items = Vec::new();
    for w in words {
        items.extend(word_items(src, w)?);
    }
    Some(items)
}

/// Words that leave the next word in command position.
fn keeps_command_position(w: &Word) -> bool {
    !w.quoted
        && matches!(
            w.text.as_str(),
            "do" | "then" | "else" | "elif" | "if" | "while" | "until" | "!" | "{" | "}" | "time"
        )
}

/// Words before an assignment that make it one (`export A=…`, `local -a A=(…)`).
fn declares(w: &Word) -> bool {
    !w.quoted
        && matches!(
            w.text.as_str(),
            "export" | "local" | "readonly" | "declare" | "typeset"
        )
}

/// `NAME=` at the start of a word: the name's length.
fn assignment_name(w: &Word) -> Option<usize> {
    let eq = w.text.find('=')?;
    let name = &w.text[..eq];
    let ok = !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit());
    ok.then_some(eq)
}

/// Shell code at `base` of the file: `for` lists, assignments, `case` statements and
/// `--platform` values.
fn shell(cx: &BuildFileCtx<'_>, text: &str, base: usize, out: &mut Vec<Finding>) {
    let toks = tokenize(text, base);
    let mut command = true;
    for i in 0..toks.len() {
        let Tok::Word(w) = &toks[i] else {
            command = toks[i].ends_command();
            continue;
        };
        platform_flag(cx, &toks, i, out);
        if !command {
            continue;
        }
        if toks[i].is_word("for") {
            for_list(cx, &toks, i, out);
        } else if toks[i].is_word("case") {
            case_statement(cx, &toks, i, out);
        } else if let Some(eq) = assignment_name(w) {
            assignment(cx, &toks, i, eq, out);
        }
        command = keeps_command_position(w) || declares(w) || (declares_flag(&toks, i));
    }
}

/// `-a` after `declare`/`local`: still before the assignment.
fn declares_flag(toks: &[Tok], i: usize) -> bool {
    let Some(w) = toks[i].word() else {
        return false;
    };
    w.text.starts_with('-')
        && i > 0
        && toks[i - 1]
            .word()
            .is_some_and(|p| declares(p) || p.text.starts_with('-'))
}

fn for_list(cx: &BuildFileCtx<'_>, toks: &[Tok], i: usize, out: &mut Vec<Finding>) {
    let (Some(var), true) = (
        toks.get(i + 1).and_then(Tok::word),
        toks.get(i + 2).is_some_and(|t| t.is_word("in")),
    ) else {
        return;
    };
    let words: Vec<&Word> = toks[i + 3..]
        .iter()
        .map_while(|t| t.word().filter(|w| w.text != "do" || w.quoted))
        .collect();
    let Some(items) = words_items(cx.src, words.into_iter()) else {
        return;
    };
    if let Some(list) = judge_list(&items, cx.targets) {
        let what = format!("`for {} in`", var.text);
        report_list(cx, &list, &what, &format!("for {}", var.text), out);
    }
}

fn assignment(cx: &BuildFileCtx<'_>, toks: &[Tok], i: usize, eq: usize, out: &mut Vec<Finding>) {
    let w = toks[i].word().expect("a word");
    let name = &w.text[..eq];
    // The value's bytes: the word after `NAME=` (the name is never quoted).
    let value_start = w.start + eq + 1;
    let items = if value_start == w.end {
        // `NAME=(a b c)`: a bash array.
        match toks.get(i + 1) {
            Some(Tok::Op("(", at)) if *at == w.end => {
                let words = toks[i + 2..].iter().map_while(Tok::word);
                words_items(cx.src, words)
            }
            _ => None,
        }
    } else {
        value_items(cx.src, value_start, w.end)
    };
    if let Some(list) = items.and_then(|items| judge_list(&items, cx.targets)) {
        report_list(cx, &list, &format!("`{name}`"), &format!("var {name}"), out);
    }
}

/// `--platform linux/amd64,linux/arm64` and `--platform=…` (docker buildx, podman,
/// `--platforms` of manifest-tool).
fn platform_flag(cx: &BuildFileCtx<'_>, toks: &[Tok], i: usize, out: &mut Vec<Finding>) {
    let Some(w) = toks[i].word() else { return };
    let items = match w.text.as_str() {
        "--platform" | "--platforms" => toks
            .get(i + 1)
            .and_then(Tok::word)
            .and_then(|v| word_items(cx.src, v)),
        t if !w.quoted && (t.starts_with("--platform=") || t.starts_with("--platforms=")) => {
            let eq = t.find('=').unwrap_or(0);
            value_items(cx.src, w.start + eq + 1, w.end)
        }
        _ => None,
    };
    if let Some(list) = items.and_then(|items| judge_list(&items, cx.targets)) {
        report_list(cx, &list, "`--platform`", "--platform", out);
    }
}

/// The arches a `case` pattern covers: an arch name, or a glob of name characters with
/// `*`, `?` and classes (`ppc64*`, `i?86*`, `armv[4-9]*l`) matched against every name of every arch (it may cover
/// none: `i?86_64*`). A bare `*` is the fallback branch and covers nothing.
fn pattern_arches(p: &Word) -> Option<ArchSet> {
    if p.quoted {
        return None;
    }
    let glob_chars =
        |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '*' | '?' | '[' | ']' | '-');
    if p.text.contains(['*', '?', '[']) {
        let literal = p.text.chars().filter(|c| c.is_ascii_alphanumeric()).count();
        if literal == 0 || !p.text.chars().all(glob_chars) {
            return None;
        }
        let glob = globset::Glob::new(&p.text).ok()?.compile_matcher();
        let covered: ArchSet = Arch::ALL
            .into_iter()
            .filter(|a| {
                [a.name(), super::build_file::debian_name(*a), uname_name(*a)]
                    .iter()
                    .any(|n| glob.is_match(n))
            })
            .collect();
        return Some(covered);
    }
    uname_arches(&p.text)
}

/// Whether a word uses `$name` or `${name}` (`name` of `None`: never).
fn uses_var(text: &str, name: Option<&str>) -> bool {
    let Some(name) = name else { return false };
    text.match_indices('$').any(|(i, _)| {
        let rest = &text[i + 1..];
        rest.strip_prefix('{')
            .map_or_else(
                || rest.strip_prefix(name),
                |r| r.strip_prefix(name).filter(|r| r.starts_with('}')),
            )
            .is_some_and(|after| {
                !after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
            })
    })
}

/// `case WORD in p1|p2) …;; esac`: an arm listing several arches is a list (fixed by
/// adding the target to it); arms mapping one arch each are a mapping (reported).
fn case_statement(cx: &BuildFileCtx<'_>, toks: &[Tok], i: usize, out: &mut Vec<Finding>) {
    let (Some(subject), Some(in_word)) = (toks.get(i + 1).and_then(Tok::word), toks.get(i + 2))
    else {
        return;
    };
    if !in_word.is_word("in") {
        return;
    }
    let Tok::Word(in_w) = in_word else { return };
    // `case "$cpu"`: the variable, for a fallback that passes it through.
    let subject_var = subject
        .text
        .strip_prefix("${")
        .and_then(|v| v.strip_suffix('}'))
        .or_else(|| subject.text.strip_prefix('$'))
        .filter(|v| !v.is_empty() && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
    // The fallback's body names the subject's variable / stops the script.
    let (mut passes_through, mut fails) = (false, false);
    let mut arms: Vec<Vec<&Word>> = Vec::new();
    let mut j = i + 3;
    'arms: loop {
        while matches!(toks.get(j), Some(Tok::Newline(_) | Tok::Op(";;" | ";", _))) {
            j += 1;
        }
        match toks.get(j) {
            None => break,
            Some(t) if t.is_word("esac") => break,
            Some(Tok::Op("(", _)) => j += 1,
            _ => {}
        }
        let mut patterns = Vec::new();
        loop {
            let Some(w) = toks.get(j).and_then(Tok::word) else {
                break 'arms;
            };
            patterns.push(w);
            j += 1;
            match toks.get(j) {
                Some(Tok::Op("|", _)) => j += 1,
                Some(Tok::Op(")", _)) => {
                    j += 1;
                    break;
                }
                _ => break 'arms,
            }
        }
        let fallback = patterns.iter().any(|p| !p.quoted && p.text == "*");
        arms.push(patterns);
        // The arm's body, up to `;;` or `esac` (nested `case` statements skipped).
        let mut depth = 0;
        while let Some(t) = toks.get(j) {
            if let Some(w) = t.word().filter(|_| fallback) {
                passes_through |= uses_var(&w.text, subject_var);
                fails |= !w.quoted && matches!(w.text.as_str(), "exit" | "return" | "false");
            }
            if t.is_word("case") {
                depth += 1;
            } else if t.is_word("esac") {
                if depth == 0 {
                    break 'arms;
                }
                depth -= 1;
            } else if matches!(t, Tok::Op(";;", _)) && depth == 0 {
                j += 1;
                continue 'arms;
            }
            j += 1;
        }
        break;
    }
    // A bare `*` arm: where the arches no other arm names go.
    let has_fallback = arms.iter().flatten().any(|p| !p.quoted && p.text == "*");
    let mut covered = ArchSet::EMPTY;
    let mut mapped_arms = 0;
    for arm in &arms {
        // Patterns that name no arch (`BePC`, `"Power Macintosh"`) leave the arch ones of
        // their branch standing: those machines still take it.
        let sets: Vec<ArchSet> = arm.iter().filter_map(|p| pattern_arches(p)).collect();
        if !sets.is_empty() {
            mapped_arms += 1;
            for s in sets {
                covered = covered.union(s);
            }
        }
    }
    let missing = cx.targets.minus(covered);
    if covered.len() < 2 || missing.is_empty() {
        return;
    }
    // An arm listing several arches: the list the targets belong in.
    let lists: Vec<ArchList> = arms
        .iter()
        .filter_map(|arm| {
            let items = words_items(cx.src, arm.iter().copied())?;
            judge_list(&items, cx.targets)
        })
        .collect();
    // One arm listing arches and no fallback singles them out for something extra (an
    // archive mirror for some ports); the others, the target among them, go on as usual.
    if mapped_arms == 1 && !has_fallback {
        return;
    }
    if let Some(list) = lists.iter().max_by_key(|l| l.items.len()) {
        let mut list = list.clone();
        list.missing = missing;
        report_list(
            cx,
            &list,
            "the `case` branch",
            &format!("case {}", subject.text),
            out,
        );
        return;
    }
    // `*) echo "$cpu"`: other machines pass through under their own name (one that
    // names them in an error and exits does not).
    if mapped_arms < 2 || (passes_through && !fails) {
        return;
    }
    let uname = subject.text.contains("uname -m")
        || arms
            .iter()
            .flatten()
            .any(|p| arch_word(&p.text).is_some_and(|w| w.spelling == Spelling::Uname));
    let message = if uname {
        // Both byte orders of MIPS print one name: say it once.
        let mut machines: Vec<&str> = Vec::new();
        for m in missing.iter().map(uname_name) {
            if !machines.contains(&m) {
                machines.push(m);
            }
        }
        format!(
            "`case {}` maps the machine names of {} and has no branch for {} (`uname -m` on {})",
            subject.text,
            names(covered),
            machines.join(", "),
            names(missing)
        )
    } else {
        format!(
            "`case {}` has branches for {} and none for {}",
            subject.text,
            names(covered),
            names(missing)
        )
    };
    let mut f = cx.finding(
        ID,
        toks[i].word().map_or(0, |w| w.start),
        in_w.end,
        missing,
        &format!("case {}", subject.text),
        message,
        if uname {
            uname_fact(missing)
        } else {
            format!(
                "on {} the `case` takes no branch or its fallback",
                missing.iter().map(names_of).collect::<Vec<_>>().join(", ")
            )
        },
    );
    f.set_no_fix(
        "which branch the target belongs in, or what it maps to, is for a person to decide",
    );
    out.push(f);
}

/// The logical lines of a file (backslash-newline continues a line), as byte ranges
/// without the newline.
fn logical_lines(src: &str) -> Vec<(usize, usize)> {
    let b = src.as_bytes();
    let mut lines = Vec::new();
    let mut start = 0;
    while start < b.len() {
        let mut end = start;
        loop {
            end = memchr::memchr(b'\n', &b[end..]).map_or(b.len(), |n| end + n);
            let backslashes = b[start..end]
                .iter()
                .rev()
                .take_while(|c| **c == b'\\')
                .count();
            if backslashes % 2 == 1 && end < b.len() {
                end += 1;
                continue;
            }
            break;
        }
        lines.push((start, end));
        start = end + 1;
    }
    lines
}

/// `uname -m | sed -e s/x86_64/amd64/ -e s/aarch64/arm64/`: a mapping of machine names to
/// GOARCH that lacks a target whose machine name is not its GOARCH.
fn uname_sed(cx: &BuildFileCtx<'_>, start: usize, end: usize, out: &mut Vec<Finding>) {
    let line = &cx.src[start..end];
    let Some(at) = line.find("uname -m") else {
        return;
    };
    let mut from: Vec<String> = Vec::new();
    let mut to = ArchSet::EMPTY;
    let mut last_end = at + "uname -m".len();
    let mut rest = &line[at..];
    let mut offset = at;
    while let Some(k) = rest.find("s/") {
        let before = rest[..k].chars().last();
        let body = &rest[k + 2..];
        let mut parts = body.splitn(3, '/');
        let (Some(a), Some(b), Some(_)) = (parts.next(), parts.next(), parts.next()) else {
            break;
        };
        let consumed = k + 2 + a.len() + 1 + b.len() + 1;
        if !before.is_some_and(|c| c.is_ascii_alphanumeric()) {
            if let (Some(_), Some(w)) = (uname_arches(a), arch_word(b)) {
                if w.spelling == Spelling::Go {
                    from.push(a.to_string());
                    to = to.union(w.arches);
                    last_end = offset + consumed;
                }
            }
        }
        offset += consumed;
        rest = &rest[consumed..];
    }
    if to.len() < 2 {
        return;
    }
    let missing: ArchSet = cx
        .targets
        .iter()
        .filter(|t| uname_name(*t) != t.name() && !from.iter().any(|a| a == uname_name(*t)))
        .collect();
    if missing.is_empty() {
        return;
    }
    let machines: Vec<String> = missing
        .iter()
        .map(|t| {
            let m = uname_name(t);
            if Arch::from_name(m).is_some() {
                format!("`{m}` (the GOARCH of the other byte order) on {}", t.name())
            } else {
                format!("`{m}` (no GOARCH) on {}", t.name())
            }
        })
        .collect();
    let mut f = cx.finding(
        ID,
        start + at,
        start + last_end,
        missing,
        "uname -m",
        format!(
            "`uname -m` is mapped to GOARCH for {} only: it yields {}",
            from.join(", "),
            machines.join(", ")
        ),
        uname_fact(missing),
    );
    f.set_no_fix("`uname -m` prints `mips64` on both MIPS64 byte orders; map it by hand (`dpkg --print-architecture` or `go env GOARCH` tell them apart)");
    out.push(f);
}

/// The byte at which an unescaped `#` starts a Makefile comment in `line`.
fn make_comment(line: &str) -> usize {
    let b = line.as_bytes();
    (0..b.len())
        .find(|&i| b[i] == b'#' && (i == 0 || b[i - 1] != b'\\'))
        .unwrap_or(b.len())
}

/// A Makefile assignment: the name's and the value's byte ranges in its line, and whether
/// it is a shell assignment (`!=`).
struct MakeAssignment {
    name: (usize, usize),
    value: (usize, usize),
    shell: bool,
}

/// A Makefile assignment `[export|override] NAME op VALUE`.
fn make_assignment(line: &str) -> Option<MakeAssignment> {
    let mut i = 0;
    let b = line.as_bytes();
    for kw in ["export ", "override ", "private "] {
        if line[i..].starts_with(kw) {
            i += kw.len();
        }
    }
    while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
        i += 1;
    }
    let name_start = i;
    while i < b.len() && (b[i].is_ascii_alphanumeric() || matches!(b[i], b'_' | b'.' | b'-')) {
        i += 1;
    }
    let name_end = i;
    if name_end == name_start {
        return None;
    }
    while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
        i += 1;
    }
    let rest = &line[i..];
    let op = ["::=", ":=", "?=", "+=", "!=", "="]
        .into_iter()
        .find(|op| rest.starts_with(op))?;
    let mut v = i + op.len();
    while v < b.len() && (b[v] == b' ' || b[v] == b'\t') {
        v += 1;
    }
    let mut end = b.len();
    while end > v && b[end - 1].is_ascii_whitespace() {
        end -= 1;
    }
    Some(MakeAssignment {
        name: (name_start, name_end),
        value: (v, end),
        shell: op == "!=",
    })
}

/// The arch suffix of a per-arch variable (`BASEIMAGE_amd64`, `QEMUARCH.arm64`): the
/// prefix with its separator, and the arches.
fn per_arch_name(name: &str) -> Option<(&str, ArchSet, Spelling)> {
    let cut = name.rfind(['_', '.', '-'])?;
    let w = arch_word(&name[cut + 1..])?;
    if w.spelling == Spelling::Platform || cut == 0 {
        return None;
    }
    Some((&name[..=cut], w.arches, w.spelling))
}

/// `ifeq ($(ARCH),amd64)`, `ifeq "$(ARCH)" "amd64"`, `ifneq (,…)` excluded: the variable
/// compared and the one arch it is compared with.
fn ifeq_arch(cond: &str) -> Option<(String, ArchSet)> {
    let cond = cond.trim();
    let (a, b) = if let Some(inner) = cond.strip_prefix('(').and_then(|c| c.strip_suffix(')')) {
        let (a, b) = inner.split_once(',')?;
        (a.trim(), b.trim())
    } else {
        let mut parts = cond.split_whitespace();
        let (a, b) = (parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        (a.trim_matches(['"', '\'']), b.trim_matches(['"', '\'']))
    };
    let var = |t: &str| {
        t.strip_prefix("$(")
            .and_then(|v| v.strip_suffix(')'))
            .or_else(|| t.strip_prefix("${").and_then(|v| v.strip_suffix('}')))
            .filter(|v| v.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
            .map(str::to_string)
    };
    let (name, value) = match (var(a), var(b)) {
        (Some(n), None) => (n, b),
        (None, Some(n)) => (n, a),
        _ => return None,
    };
    let w = arch_word(value)?;
    (w.arches.len() == 1 && w.spelling != Spelling::Platform).then_some((name, w.arches))
}

/// One open Makefile conditional: the arch its current branch is for (`None`: not an arch
/// test, or its `else`).
struct MakeCond {
    arch: Option<(String, ArchSet)>,
}

/// Variables set in `ifeq ($(ARCH),<arch>)` branches, per compared variable and assigned
/// variable: the arches with a value, and the last assignment's name range.
type ArchBranches = BTreeMap<(String, String), (ArchSet, usize, usize)>;

/// Report variables that `ifeq ($(ARCH),…)` branches set for at least two arches and not
/// for a target, when nothing else gives them a value (an assignment outside arch
/// branches, an `else`).
fn report_arch_branches(
    cx: &BuildFileCtx<'_>,
    branches: &ArchBranches,
    defaulted: &std::collections::HashSet<String>,
    out: &mut Vec<Finding>,
) {
    for ((subject, var), (present, ns, ne)) in branches {
        let missing = cx.targets.minus(*present);
        if present.len() < 2 || missing.is_empty() || defaulted.contains(var) {
            continue;
        }
        let mut f = cx.finding(
            ID,
            *ns,
            *ne,
            missing,
            &format!("ifeq {subject} {var}"),
            format!(
                "`{var}` is set in `ifeq ($({subject}),…)` branches for {} but not {}",
                names(*present),
                names(missing)
            ),
            format!(
                "with {subject}={} no branch sets `{var}`, and nothing else does: it is empty",
                missing
                    .iter()
                    .map(|a| a.name())
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
        );
        f.set_no_fix(format!(
            "the value of `{var}` for the target is not known here: add a branch by hand"
        ));
        out.push(f);
    }
}

fn makefile(cx: &BuildFileCtx<'_>, out: &mut Vec<Finding>) {
    let src = cx.src;
    // Per-arch variables by prefix: each arch's set, the last assignment's name range.
    let mut per_arch: BTreeMap<&str, (ArchSet, Spelling, usize, usize)> = BTreeMap::new();
    let mut conds: Vec<MakeCond> = Vec::new();
    let mut branches: ArchBranches = BTreeMap::new();
    let mut defaulted = std::collections::HashSet::new();
    let mut in_define = false;
    // After a rule's line, tab-indented lines are its recipe; elsewhere (assignments
    // indented inside `ifeq` blocks) they are make's own lines.
    let mut in_rule = false;
    for (start, end) in logical_lines(src) {
        let line = &src[start..end];
        if in_define {
            in_define = !line.trim_start().starts_with("endef");
            continue;
        }
        let recipe = in_rule && line.starts_with('\t');
        if !recipe {
            let code = line[..make_comment(line)].trim();
            let (is_else, directive) = match code.strip_prefix("else") {
                Some(rest) if rest.is_empty() || rest.starts_with([' ', '\t']) => {
                    (true, rest.trim_start())
                }
                _ => (false, code),
            };
            let word = directive.split_whitespace().next().unwrap_or("");
            match word {
                "ifeq" | "ifneq" | "ifdef" | "ifndef" => {
                    let arch = (word == "ifeq")
                        .then(|| ifeq_arch(&directive[4..]))
                        .flatten();
                    if is_else {
                        if let Some(c) = conds.last_mut() {
                            c.arch = arch;
                        }
                    } else {
                        conds.push(MakeCond { arch });
                    }
                    continue;
                }
                "" if is_else => {
                    if let Some(c) = conds.last_mut() {
                        c.arch = None;
                    }
                    continue;
                }
                "endif" => {
                    conds.pop();
                    continue;
                }
                _ => {}
            }
        }
        if let Some(body) = line.strip_prefix('\t').filter(|_| recipe) {
            // A recipe: shell, after make's `@`, `-` and `+` prefixes.
            let skip = body.len() - body.trim_start_matches(['@', '-', '+', ' ', '\t']).len();
            let at = start + 1 + skip;
            shell(cx, &src[at..end], at, out);
            uname_sed(cx, start, end, out);
            continue;
        }
        let code = &line[..make_comment(line)];
        let trimmed = code.trim_start();
        if trimmed.starts_with("define ") || trimmed == "define" {
            in_define = true;
            continue;
        }
        uname_sed(cx, start, start + code.len(), out);
        let Some(MakeAssignment {
            name: (ns, ne),
            value: (vs, ve),
            shell: shell_assign,
        }) = make_assignment(code)
        else {
            // A rule (`target: prerequisites`) starts a recipe; other lines leave it.
            if !trimmed.is_empty() && !trimmed.starts_with('#') {
                in_rule = trimmed.contains(':');
            }
            continue;
        };
        in_rule = false;
        let name = &src[start + ns..start + ne];
        match conds.iter().rev().find_map(|c| c.arch.as_ref()) {
            Some((subject, arch)) => {
                let e = branches
                    .entry((subject.clone(), name.to_string()))
                    .or_insert((ArchSet::EMPTY, 0, 0));
                e.0 = e.0.union(*arch);
                (e.1, e.2) = (start + ns, start + ne);
            }
            None => {
                defaulted.insert(name.to_string());
            }
        }
        let (value_start, value_end) = (start + vs, start + ve);
        let value = &src[value_start..value_end];
        if shell_assign || value.contains("$(shell") || value.contains("--platform") {
            shell(cx, value, value_start, out);
        }
        if let Some(items) = split_items(value, value_start, &[',']) {
            if let Some(list) = judge_list(&items, cx.targets) {
                report_list(cx, &list, &format!("`{name}`"), &format!("var {name}"), out);
            }
        }
        if let Some((prefix, arches, spelling)) = per_arch_name(name) {
            let e = per_arch
                .entry(prefix)
                .or_insert((ArchSet::EMPTY, spelling, 0, 0));
            e.0 = e.0.union(arches);
            if spelling != Spelling::Go {
                e.1 = spelling;
            }
            (e.2, e.3) = (start + ns, start + ne);
        }
    }
    for (prefix, (present, spelling, ns, ne)) in per_arch {
        let missing = cx.targets.minus(present);
        if present.len() < 2 || missing.is_empty() {
            continue;
        }
        let wanted: Vec<String> = missing
            .iter()
            .filter_map(|a| super::build_file::spell(a, spelling))
            .map(|a| format!("`{prefix}{a}`"))
            .collect();
        let mut f = cx.finding(
            ID,
            ns,
            ne,
            missing,
            &format!("per-arch {prefix}"),
            format!(
                "`{prefix}<arch>` is set for {} but not {}",
                names(present),
                names(missing)
            ),
            format!(
                "a build that reads `{prefix}$(ARCH)` finds no value on {}",
                missing.iter().map(names_of).collect::<Vec<_>>().join(", ")
            ),
        );
        f.set_no_fix(format!(
            "the value for the target is not known here: set {} by hand",
            wanted.join(", ")
        ));
        out.push(f);
    }
    report_arch_branches(cx, &branches, &defaulted, out);
}

/// A matrix's `include:` entries (block mappings from line `k` on, deeper than `indent`):
/// a key whose values name one arch each, at least two arches in all and not a target,
/// leaves the target without a job. Reported at the last such value, without a fix (a new
/// entry needs the entry's other keys).
fn matrix_include(
    cx: &BuildFileCtx<'_>,
    lines: &[(usize, usize)],
    mut k: usize,
    indent: usize,
    out: &mut Vec<Finding>,
) {
    let src = cx.src;
    let indent_of = |l: &str| l.len() - l.trim_start_matches(' ').len();
    let mut by_key: BTreeMap<String, (ArchSet, usize, usize)> = BTreeMap::new();
    let mut entry_indent = None;
    while k < lines.len() {
        let (s, e) = lines[k];
        let l = &src[s..e];
        k += 1;
        let t = l.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let ind = indent_of(l);
        if ind <= indent && !(ind == indent && t.starts_with("- ")) {
            break;
        }
        let (body, at) = match t.strip_prefix("- ") {
            Some(rest) => {
                if entry_indent.is_some_and(|d| d != ind) {
                    continue;
                }
                entry_indent = Some(ind);
                (rest, s + ind + 2)
            }
            None => (t, s + ind),
        };
        let Some((key, value)) = body.split_once(": ") else {
            continue;
        };
        let value = value.split(" #").next().unwrap_or("").trim_end();
        let value_at = at
            + key.len()
            + 2
            + (body[key.len() + 2..].len() - body[key.len() + 2..].trim_start().len());
        let Some(items) = value_items(src, value_at, value_at + value.trim_start().len()) else {
            continue;
        };
        let [item] = items.as_slice() else { continue };
        let Some(w) = arch_word(&item.text).filter(|w| w.arches.len() == 1) else {
            continue;
        };
        let e = by_key
            .entry(key.trim().to_string())
            .or_insert((ArchSet::EMPTY, 0, 0));
        e.0 = e.0.union(w.arches);
        (e.1, e.2) = (item.start, item.end);
    }
    for (key, (present, start, end)) in by_key {
        let missing = cx.targets.minus(present);
        if present.len() < 2 || missing.is_empty() {
            continue;
        }
        let mut f = cx.finding(
            ID,
            start,
            end,
            missing,
            &format!("include {key}"),
            format!(
                "the matrix `include:` entries set `{key}` to {} but not {}",
                names(present),
                names(missing)
            ),
            target_fact(missing),
        );
        f.set_no_fix("a new `include:` entry needs the entry's other keys: add it by hand");
        out.push(f);
    }
}

/// The YAML of goreleaser and workflow files, line by line: `key: [a, b]` flow lists,
/// `key:` with a block list of scalars, `key: a,b` comma lists, and `run:` commands read
/// as shell.
fn yaml(cx: &BuildFileCtx<'_>, out: &mut Vec<Finding>) {
    let src = cx.src;
    let lines: Vec<(usize, usize)> = {
        let mut v = Vec::new();
        let mut s = 0;
        for e in memchr::memchr_iter(b'\n', src.as_bytes()) {
            v.push((s, e));
            s = e + 1;
        }
        if s < src.len() {
            v.push((s, src.len()));
        }
        v
    };
    let indent_of = |l: &str| l.len() - l.trim_start_matches(' ').len();
    let strip_comment = |l: &str| -> usize {
        let b = l.as_bytes();
        (0..b.len())
            .find(|&i| b[i] == b'#' && (i == 0 || b[i - 1] == b' ' || b[i - 1] == b'\t'))
            .unwrap_or(b.len())
    };
    let mut k = 0;
    while k < lines.len() {
        let (ls, le) = lines[k];
        let raw = &src[ls..le];
        let line = raw[..strip_comment(raw)].trim_end();
        k += 1;
        let indent = indent_of(line);
        let mut body = &line[indent..];
        let mut body_at = ls + indent;
        while let Some(rest) = body.strip_prefix("- ") {
            body_at += 2;
            body = rest.trim_start_matches(' ');
            body_at += rest.len() - body.len();
        }
        let Some(colon) = body
            .find(": ")
            .or_else(|| body.ends_with(':').then(|| body.len() - 1))
        else {
            continue;
        };
        let key = body[..colon].trim_matches(['"', '\'']);
        if key.is_empty() || key.contains(' ') {
            continue;
        }
        let value = body[colon + 1..].trim_start();
        let value_at = body_at + (body.len() - value.len());
        let what = format!("`{key}:`");
        let context = format!("key {key}");
        if key == "run" {
            if matches!(value, "|" | "|-" | ">" | ">-" | "|+") {
                // The block: every following line indented deeper.
                let block_start = lines.get(k).map_or(src.len(), |l| l.0);
                let mut block_end = block_start;
                while k < lines.len() {
                    let (s, e) = lines[k];
                    let l = &src[s..e];
                    if !l.trim().is_empty() && indent_of(l) <= indent {
                        break;
                    }
                    block_end = e;
                    k += 1;
                }
                shell(cx, &src[block_start..block_end], block_start, out);
            } else {
                shell(cx, value, value_at, out);
            }
            continue;
        }
        if key == "include" && value.is_empty() {
            matrix_include(cx, &lines, k, indent, out);
        }
        let items = if let Some(inner) = value.strip_prefix('[') {
            let Some(close) = inner.find(']') else {
                continue;
            };
            split_items(&inner[..close], value_at + 1, &[','])
        } else if value.is_empty() {
            // A block list of scalars under the key.
            let mut items = Vec::new();
            let mut dash_indent = None;
            while k < lines.len() {
                let (s, e) = lines[k];
                let raw = &src[s..e];
                let l = raw[..strip_comment(raw)].trim_end();
                if l.trim().is_empty() {
                    k += 1;
                    continue;
                }
                let ind = indent_of(l);
                let Some(item) = l[ind..].strip_prefix("- ") else {
                    break;
                };
                if ind < indent || dash_indent.is_some_and(|d| d != ind) || item.contains(": ") {
                    break;
                }
                dash_indent = Some(ind);
                let item_at = s + ind + 2 + (item.len() - item.trim_start().len());
                let Some(mut one) = value_items(src, item_at, s + l.len()) else {
                    break;
                };
                if one.len() != 1 {
                    break;
                }
                items.push(one.remove(0));
                k += 1;
            }
            Some(items)
        } else if value.contains(',') {
            value_items(src, value_at, value_at + value.len())
        } else {
            None
        };
        if let Some(list) = items.and_then(|items| judge_list(&items, cx.targets)) {
            report_list(cx, &list, &what, &context, out);
        }
        if value.contains("--platform") {
            shell(cx, value, value_at, out);
        }
    }
}

/// The arch an image reference names in its own text (`$(IMAGE)-arm64:$(TAG)`,
/// `repo/agent:v1-ppc64le`): the byte range of the name in the word and what it names.
/// `None` when it names no arch, or two different ones; variables (`$(ARCH)`, `$${arch}`)
/// are not read.
fn image_arch(raw: &str) -> Option<(usize, usize, ArchWordOf)> {
    let b = raw.as_bytes();
    let mut found: Option<(usize, usize, ArchWordOf)> = None;
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'$' {
            // Skip `$(…)`, `${…}`, `$$name`, `$name`.
            let mut j = i + 1;
            while b.get(j) == Some(&b'$') {
                j += 1;
            }
            i = match b.get(j) {
                Some(b'(' | b'{') => {
                    let (o, c) = if b[j] == b'(' {
                        (b'(', b')')
                    } else {
                        (b'{', b'}')
                    };
                    let mut depth = 0;
                    let mut k = j;
                    while k < b.len() {
                        if b[k] == o {
                            depth += 1;
                        } else if b[k] == c {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        k += 1;
                    }
                    k + 1
                }
                _ => {
                    let mut k = j;
                    while k < b.len() && (b[k].is_ascii_alphanumeric() || b[k] == b'_') {
                        k += 1;
                    }
                    k
                }
            };
            continue;
        }
        if !(b[i].is_ascii_alphanumeric() || b[i] == b'_') {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
            i += 1;
        }
        let Some(w) = arch_word(&raw[start..i]).filter(|w| w.spelling != Spelling::Platform) else {
            continue;
        };
        let this = ArchWordOf {
            arches: w.arches,
            spelling: w.spelling,
        };
        match &found {
            Some((_, _, f)) if f.arches != this.arches => return None,
            Some(_) => {}
            None => found = Some((start, i, this)),
        }
    }
    found
}

/// An arch as an image name or `--arch` value spells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct ArchWordOf {
    arches: ArchSet,
    spelling: Spelling,
}

/// One image of a `docker manifest` list: its word in the file and its arches (`None`:
/// not known from the text).
struct ManifestImage {
    start: usize,
    end: usize,
    text: String,
    /// The arch its name spells, at bytes of the word's source.
    named: Option<(usize, usize, ArchWordOf)>,
}

/// A manifest list's `create` images and `annotate` platforms, in one file.
#[derive(Default)]
struct Manifest {
    created: Vec<ManifestImage>,
    /// `annotate`: the image's text, the arch given (`None`: a variable or another OS), the
    /// `--arch` value's bytes.
    annotated: Vec<(String, Option<ArchSet>, usize, usize)>,
    /// Some image or arch comes from a variable: the list is not the text's to judge.
    opaque: bool,
}

/// `docker manifest create LIST IMAGE…` and `docker manifest annotate LIST IMAGE --arch A`
/// commands, each on one logical line, grouped by the list's text: a list whose images
/// name (or are annotated with) at least two Linux arches and not a target is reported.
fn docker_manifests(cx: &BuildFileCtx<'_>, out: &mut Vec<Finding>) {
    let src = cx.src;
    if memchr::memmem::find(src.as_bytes(), b"manifest").is_none() {
        return;
    }
    let mut manifests: Vec<(String, Manifest)> = Vec::new();
    for (start, end) in logical_lines(src) {
        let line = &src[start..end];
        if !line.contains("manifest") {
            continue;
        }
        let toks = tokenize(line, start);
        for i in 1..toks.len() {
            let docker = toks[i - 1]
                .word()
                .is_some_and(|w| w.text.to_ascii_lowercase().contains("docker"));
            if !docker || !toks[i].is_word("manifest") {
                continue;
            }
            let Some(sub) = toks.get(i + 1).and_then(Tok::word) else {
                continue;
            };
            let create = match sub.text.as_str() {
                "create" => true,
                "annotate" => false,
                _ => continue,
            };
            let words: Vec<&Word> = toks[i + 2..].iter().map_while(Tok::word).collect();
            let mut positional: Vec<&Word> = Vec::new();
            // `--arch`'s value (unquoted) and where it is; `--os`'s value.
            let (mut arch, mut os): (Option<(String, usize, usize)>, Option<String>) = (None, None);
            let mut k = 0;
            while k < words.len() {
                let w = words[k];
                k += 1;
                // A flag starts with an unquoted `-` (`--arch="arm64"` is one).
                if !src[w.start..w.end].starts_with('-') {
                    positional.push(w);
                    continue;
                }
                let (flag, inline) = match w.text.split_once('=') {
                    Some((f, v)) => (f, Some(v.to_string())),
                    None => (w.text.as_str(), None),
                };
                let takes_value = matches!(
                    flag,
                    "--arch" | "--os" | "--os-features" | "--os-version" | "--variant"
                );
                if !takes_value || create {
                    continue;
                }
                let value = match inline {
                    Some(v) => Some((v, w.start, w.end)),
                    None => {
                        let v = words.get(k);
                        k += 1;
                        v.map(|v| (v.text.clone(), v.start, v.end))
                    }
                };
                match (flag, value) {
                    ("--arch", Some(v)) => arch = Some(v),
                    ("--os", Some((v, _, _))) => os = Some(v),
                    _ => {}
                }
            }
            let Some(list) = positional.first() else {
                continue;
            };
            let key = list.text.clone();
            let at = match manifests.iter().position(|(k, _)| *k == key) {
                Some(p) => p,
                None => {
                    manifests.push((key, Manifest::default()));
                    manifests.len() - 1
                }
            };
            let m = &mut manifests[at].1;
            if create {
                for img in &positional[1..] {
                    let raw = &src[img.start..img.end];
                    m.created.push(ManifestImage {
                        start: img.start,
                        end: img.end,
                        text: img.text.clone(),
                        named: image_arch(raw),
                    });
                }
            } else {
                let Some(image) = positional.get(1) else {
                    continue;
                };
                let linux = os.as_deref().is_none_or(|o| o == "linux");
                // No `--arch`: the image's own name says it, as in `create`.
                let (text, vs, ve) = arch.unwrap_or_else(|| {
                    let named = image_arch(&src[image.start..image.end])
                        .map(|(s, e, _)| src[image.start + s..image.start + e].to_string());
                    (named.unwrap_or_default(), image.start, image.end)
                });
                let given = match arch_word(&text) {
                    Some(w) if w.spelling != Spelling::Platform => {
                        Some(if linux { w.arches } else { ArchSet::EMPTY })
                    }
                    _ if !linux => Some(ArchSet::EMPTY),
                    _ => {
                        m.opaque = true;
                        None
                    }
                };
                m.annotated.push((image.text.clone(), given, vs, ve));
            }
        }
    }
    for (list, m) in manifests {
        judge_manifest(cx, &list, &m, out);
    }
}

/// Judge one manifest list's images (see [`docker_manifests`]).
fn judge_manifest(cx: &BuildFileCtx<'_>, list: &str, m: &Manifest, out: &mut Vec<Finding>) {
    if m.opaque {
        return;
    }
    let annotation = |text: &str| {
        m.annotated
            .iter()
            .rev()
            .find(|(t, _, _, _)| t == text)
            .map(|(_, a, _, _)| *a)
    };
    let mut present = ArchSet::EMPTY;
    for img in &m.created {
        let arches = match annotation(&img.text) {
            Some(Some(a)) => a,
            Some(None) => return,
            None => match img.named {
                Some((_, _, w)) => w.arches,
                None => return,
            },
        };
        present = present.union(arches);
    }
    for (text, given, _, _) in &m.annotated {
        if !m.created.iter().any(|c| c.text == *text) {
            match given {
                Some(a) => present = present.union(*a),
                None => return,
            }
        }
    }
    let missing = cx.targets.minus(present);
    if present.len() < 2 || missing.is_empty() {
        return;
    }
    let (start, end) = match (m.annotated.last(), m.created.last()) {
        (Some((_, _, s, e)), _) => (*s, *e),
        (None, Some(img)) => (img.start, img.end),
        (None, None) => return,
    };
    let message = if m.annotated.is_empty() {
        format!(
            "`docker manifest create {list}` joins images for {} but not {}",
            names(present),
            names(missing)
        )
    } else {
        format!(
            "the `docker manifest` list `{list}` has images for {} (`create` and `annotate --arch`) but not {}",
            names(present),
            names(missing)
        )
    };
    let mut f = cx.finding(
        ID,
        start,
        end,
        missing,
        &format!("docker manifest {list}"),
        message,
        target_fact(missing),
    );
    match manifest_fix(cx.src, m, missing) {
        Ok(fix) => f.fix = Some(fix),
        Err(why) => f.set_no_fix(why),
    }
    out.push(f);
}

/// The fix of a manifest list: one more image on the `create` line, named like the others
/// with the target's arch. Only where that one append is the whole change: no `annotate`
/// lines, every image named after its arch in one pattern and one spelling.
fn manifest_fix(src: &str, m: &Manifest, missing: ArchSet) -> Result<crate::finding::Fix, String> {
    if !m.annotated.is_empty() {
        return Err(format!(
            "each image of this list is annotated on its own `docker manifest annotate` line: \
             the target needs its image pushed and an `annotate … --arch {}` line; add both by hand",
            missing.names().join(", ")
        ));
    }
    let n = m.created.len();
    let no_pattern = || {
        "the images are not named in one pattern with their arch: name the target's image by hand"
            .to_string()
    };
    if n < 2 {
        return Err(no_pattern());
    }
    let mut pattern: Option<(String, String)> = None;
    let mut spelling = Spelling::Go;
    for img in &m.created {
        let raw = &src[img.start..img.end];
        let Some((s, e, w)) = img.named else {
            return Err(no_pattern());
        };
        if w.spelling != Spelling::Go {
            spelling = w.spelling;
        }
        let parts = (raw[..s].to_string(), raw[e..].to_string());
        match &pattern {
            Some(p) if *p != parts => return Err(no_pattern()),
            _ => pattern = Some(parts),
        }
    }
    let (before, after) = pattern.unwrap_or_default();
    let (prev, last) = (&m.created[n - 2], &m.created[n - 1]);
    let sep = src.get(prev.end..last.start).unwrap_or(" ");
    if !sep.chars().all(|c| c.is_whitespace() || c == '\\') {
        return Err(no_pattern());
    }
    let mut text = String::new();
    let mut shown = Vec::new();
    for a in missing.iter() {
        let Some(name) = super::build_file::spell(a, spelling) else {
            return Err(
                "a `uname -m` name cannot tell the MIPS64 byte orders apart: name the image by hand"
                    .to_string(),
            );
        };
        let image = format!("{before}{name}{after}");
        text.push_str(sep);
        text.push_str(&image);
        shown.push(image);
    }
    Ok(crate::finding::Fix::safe(
        format!("add {} to the manifest list", shown.join(", ")),
        vec![crate::finding::Edit::insert(last.end, text)],
    ))
}

/// A Jenkinsfile's string lists: declarative `axis { name 'ARCH'; values 'amd64', … }`
/// (not inside `excludes`), and list literals of strings (`def arches = ['amd64', …]`,
/// `for (a in ['amd64', …])`, `[…].each`).
fn jenkinsfile(cx: &BuildFileCtx<'_>, out: &mut Vec<Finding>) {
    let toks = super::groovy_words::tokenize(cx.src);
    let item = |t: &GTok| match t {
        GTok::Str {
            start,
            end,
            text,
            quote,
            plain: true,
        } => Some(Item {
            text: text.clone(),
            start: *start,
            end: *end,
            quote: Some(*quote),
        }),
        _ => None,
    };
    // The names of the blocks the scan is in (`axis`, `excludes`…), `None` for other braces.
    let mut blocks: Vec<Option<&str>> = Vec::new();
    let mut axis_name: Option<String> = None;
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        if t.is_punct('{') {
            let name = match i.checked_sub(1).map(|p| &toks[p]) {
                Some(GTok::Ident(n, _)) => Some(n.as_str()),
                _ => None,
            };
            if name == Some("axis") {
                axis_name = None;
            }
            blocks.push(name);
        } else if t.is_punct('}') {
            blocks.pop();
        } else if t.is_ident("name") && blocks.last() == Some(&Some("axis")) {
            if let Some(GTok::Str { text, .. }) = toks.get(i + 1) {
                axis_name = Some(text.clone());
            }
        } else if t.is_ident("values") && blocks.last() == Some(&Some("axis")) {
            let excluded = blocks
                .iter()
                .any(|b| matches!(b, Some("exclude" | "excludes")));
            let mut items = Vec::new();
            let mut j = i + 1;
            while let Some(it) = toks.get(j).and_then(item) {
                items.push(it);
                j += 1;
                if !toks.get(j).is_some_and(|t| t.is_punct(',')) {
                    break;
                }
                j += 1;
            }
            if let (false, Some(list)) = (excluded, judge_list(&items, cx.targets)) {
                let axis = axis_name.clone().unwrap_or_default();
                let what = format!("the matrix axis `{axis}`");
                report_list(cx, &list, &what, &format!("axis {axis}"), out);
            }
            i = j;
            continue;
        } else if t.is_punct('[') {
            let mut items = Vec::new();
            let mut j = i + 1;
            let closed = loop {
                let Some(it) = toks.get(j).and_then(item) else {
                    break toks.get(j).is_some_and(|t| t.is_punct(']'));
                };
                items.push(it);
                j += 1;
                match toks.get(j) {
                    Some(t) if t.is_punct(',') => j += 1,
                    Some(t) if t.is_punct(']') => break true,
                    _ => break false,
                }
            };
            if closed {
                if let Some(list) = judge_list(&items, cx.targets) {
                    let back = |k: usize| i.checked_sub(k).map(|p| &toks[p]);
                    let (what, context) = match (back(1), back(2), back(3), back(4)) {
                        (Some(eq), Some(GTok::Ident(n, _)), _, _) if eq.is_punct('=') => {
                            (format!("`{n}`"), format!("var {n}"))
                        }
                        (Some(kw), Some(GTok::Ident(v, _)), Some(p), Some(f))
                            if kw.is_ident("in") && p.is_punct('(') && f.is_ident("for") =>
                        {
                            (format!("`for ({v} in …)`"), format!("for {v}"))
                        }
                        _ => ("the list".to_string(), "groovy list".to_string()),
                    };
                    report_list(cx, &list, &what, &context, out);
                }
                i = j + 1;
                continue;
            }
        }
        i += 1;
    }
}

/// A `Dockerfile.<suffix>` (or `Containerfile.<suffix>`) a build names: a variable
/// (`Dockerfile.$(ARCH)`) or a glob (`Dockerfile.*`).
struct DockerfileRef<'s> {
    start: usize,
    end: usize,
    /// The directory part as written (`build/`, empty for none).
    dir: &'s str,
    stem: &'static str,
    glob: bool,
}

/// The `Dockerfile.$(ARCH)` and `Dockerfile.*` references of a build file's lines
/// (comment lines skipped).
fn dockerfile_refs(src: &str) -> Vec<DockerfileRef<'_>> {
    let mut refs = Vec::new();
    let b = src.as_bytes();
    for stem in ["Dockerfile.", "Containerfile."] {
        for at in memchr::memmem::find_iter(b, stem.as_bytes()) {
            let line_start = src[..at].rfind('\n').map_or(0, |n| n + 1);
            let before = src[line_start..at].trim_start();
            if before.starts_with('#') || before.starts_with("//") {
                continue;
            }
            let after = at + stem.len();
            let glob = b.get(after) == Some(&b'*');
            if !glob && b.get(after) != Some(&b'$') {
                continue;
            }
            // The end: past the glob or the variable (`$(X)`, `${X}`, `$$x`, `$${x}`, `$x`).
            let mut end = after + 1;
            if !glob {
                while b.get(end) == Some(&b'$') {
                    end += 1;
                }
                match b.get(end) {
                    Some(b'(') => end = src[end..].find(')').map_or(b.len(), |n| end + n + 1),
                    Some(b'{') => end = src[end..].find('}').map_or(b.len(), |n| end + n + 1),
                    _ => {
                        while end < b.len() && (b[end].is_ascii_alphanumeric() || b[end] == b'_') {
                            end += 1;
                        }
                    }
                }
            }
            // The directory: back to a blank, a quote, `=` or `(`.
            let dir_start = src[line_start..at]
                .rfind(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '=' | '(' | ','))
                .map_or(line_start, |n| line_start + n + 1);
            let dir = &src[dir_start..at];
            if !(dir.is_empty() || dir.ends_with('/')) || dir.contains(['$', '`', '*']) {
                continue;
            }
            refs.push(DockerfileRef {
                start: dir_start,
                end,
                dir,
                stem: if stem.starts_with('D') {
                    "Dockerfile."
                } else {
                    "Containerfile."
                },
                glob,
            });
        }
    }
    refs.sort_by_key(|r| r.start);
    refs
}

/// `a/b` joined with `../c/` (no leading or trailing `/`), `None` above the root.
fn join_rel(base: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
    for p in rel.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            _ => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// Per-arch `Dockerfile.<arch>` sets that lack a target, where a build file derives its
/// arches from them: a glob `Dockerfile.*`, or `Dockerfile.$(ARCH)` in a file with an arch
/// list (building the list's target — or the target a fix of the list adds — finds no
/// file). Reported at the reference, without a fix.
fn dockerfile_sets(cx: &BuildFileCtx<'_>, out: &mut Vec<Finding>) {
    let refs = dockerfile_refs(cx.src);
    if refs.is_empty() {
        return;
    }
    let file_dir = cx.path.rfind('/').map_or("", |n| &cx.path[..n]);
    // Whether the file has an arch list of two Linux arches or more: its lists judged
    // against every arch.
    let mut has_list: Option<bool> = None;
    for r in refs {
        let mut dirs = vec![join_rel(file_dir, r.dir)];
        if !file_dir.is_empty() {
            dirs.push(join_rel("", r.dir));
        }
        let found = dirs.into_iter().flatten().find_map(|dir| {
            let mut set: Vec<(Arch, String, Spelling)> = Vec::new();
            for path in &cx.tree.dockerfiles {
                let (d, name) = path.rsplit_once('/').unwrap_or(("", path));
                let Some(suffix) = name.strip_prefix(r.stem).filter(|_| d == dir) else {
                    continue;
                };
                let Some(w) = arch_word(suffix).filter(|w| w.spelling != Spelling::Platform) else {
                    continue;
                };
                for a in w.arches.iter() {
                    set.push((a, name.to_string(), w.spelling));
                }
            }
            (!set.is_empty()).then_some((dir, set))
        });
        let Some((dir, set)) = found else { continue };
        let present: ArchSet = set.iter().map(|(a, _, _)| *a).collect();
        let missing = cx.targets.minus(present);
        if present.len() < 2 || missing.is_empty() {
            continue;
        }
        if !r.glob {
            let has = *has_list.get_or_insert_with(|| {
                let all = BuildFileCtx::new(
                    cx.kind,
                    cx.path,
                    cx.src,
                    ArchSet::ALL,
                    cx.reference,
                    cx.configs,
                    cx.tree,
                );
                let mut scratch = Vec::new();
                lists(&all, &mut scratch);
                scratch
                    .iter()
                    .any(|f| ArchSet::ALL.minus(f.arches).len() >= 2)
            });
            if !has {
                continue;
            }
        }
        let spelling = set
            .iter()
            .map(|(_, _, s)| *s)
            .find(|s| *s != Spelling::Go)
            .unwrap_or(Spelling::Go);
        let mut files: Vec<String> = set.iter().map(|(_, n, _)| format!("`{n}`")).collect();
        files.dedup();
        let wanted_names: Vec<String> = missing
            .iter()
            .map(|a| {
                let suffix = super::build_file::spell(a, spelling)
                    .unwrap_or_else(|| uname_name(a).to_string());
                format!("{}{suffix}", r.stem)
            })
            .collect();
        let wanted: Vec<String> = wanted_names.iter().map(|n| format!("`{n}`")).collect();
        let wanted_paths: Vec<String> = wanted_names
            .iter()
            .map(|n| format!("`{}{n}`", r.dir))
            .collect();
        let shown_dir = if dir.is_empty() {
            "the tree's root".to_string()
        } else {
            format!("`{dir}/`")
        };
        let written = &cx.src[r.start..r.end];
        let message = if r.glob {
            format!(
                "`{written}` takes the arches from {} in {shown_dir}: there is no {}",
                files.join(", "),
                wanted.join(", ")
            )
        } else {
            format!(
                "`{written}` names a per-arch Dockerfile: {shown_dir} has {} but no {}",
                files.join(", "),
                wanted.join(", ")
            )
        };
        let fact = if r.glob {
            format!(
                "the images built are those with a Dockerfile: {} gets none",
                missing.iter().map(names_of).collect::<Vec<_>>().join(", ")
            )
        } else {
            format!(
                "building for {} reads {}, which does not exist: the build fails",
                missing
                    .iter()
                    .map(|a| a.name())
                    .collect::<Vec<_>>()
                    .join(", "),
                wanted_paths.join(", ")
            )
        };
        let mut f = cx.finding(
            ID,
            r.start,
            r.end,
            missing,
            &format!("dockerfile set {dir}"),
            message,
            fact,
        );
        f.set_no_fix(format!(
            "{} needs a base image published for {}: write it from {} with such a base \
             (base-image-platform reports bases that have none, with a replacement)",
            wanted.join(", "),
            missing.names().join(", "),
            files[0]
        ));
        out.push(f);
    }
}
