//! `arch-allowlist`: a `runtime.GOARCH` comparison or switch whose branch taken on a target
//! ends the program or refuses the work (`os.Exit`, `log.Fatal*`, `panic`, a returned error
//! built there, an error logged and a return), while the reference arch passes: code that
//! builds for the target and then will not run there (etcd's `checkSupportArch`).

#[path = "arch_allowlist_fix.rs"]
mod fix;

use super::held::Decls;
use super::platform::{
    arch_value, enclosing_function, env_read, map_keys, map_literal, string_value, unparen,
    ArchValue,
};
use super::{Bodies, FileCtx, FixAvailability, Rule, RuleMeta, SourceView};
use crate::arch::{Arch, ArchSet};
use crate::finding::Finding;
use crate::index::{FileId, Index};
use crate::syntax::tree::FIELD;
use crate::syntax::{text, FileSyntax};
use std::collections::{HashMap, HashSet};
use tree_sitter::Node;

pub struct ArchAllowlist;

pub(super) static META: RuleMeta = RuleMeta {
    id: "arch-allowlist",
    summary: "a GOARCH check that stops the program or refuses the work on a target arch while the reference passes",
    doc: include_str!("../../rules/arch-allowlist.md"),
    fix: FixAvailability::Sometimes,
    imports: None,
    words: &["GOARCH", "Uname", "\"uname\""],
    fixer: Some(fix::attach),
};

impl Rule for ArchAllowlist {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn wants(&self, index: &Index, file: FileId) -> bool {
        // A test that skips or fails on an arch is not a porting blocker of the program.
        let f = &index.files[file];
        !f.is_test
            && f.imports.iter().any(|i| {
                matches!(
                    i.path.as_str(),
                    "runtime" | "os" | "go/build" | "os/exec" | "syscall" | "golang.org/x/sys/unix"
                )
            })
    }

    /// A file is parsed only when a declaration may hold a reported check
    /// ([`Gates::holds`]).
    fn wants_source(&self, index: &Index, file: FileId, src: &SourceView<'_>) -> bool {
        index.reference_and_targets(file).is_some()
            && META.words.iter().any(|w| src.mentions(w))
            && quotes_an_arch(src.bytes())
            && Gates::new(src.bytes()).is_none_or(|g| g.holds.iter().any(|&h| h))
    }

    /// A finding is at the condition of an `if` or the value of a `switch` in a declaration
    /// that may hold a reported check. Its check also reads the helpers it calls, and
    /// theirs (the condition or machine returned, the kind of arch value: kept are the
    /// functions named there that read an arch value themselves or through any call), the
    /// callers of its function (the fact names them), and every definition of a map or
    /// list it looks the arch up in: kept are the declarations naming an identifier
    /// indexed (`m[`) in those or given to a call like `contains`.
    fn bodies(&self, index: &Index, file: FileId, src: &[u8]) -> Bodies {
        if index.reference_and_targets(file).is_none() {
            return Bodies::Holding(Vec::new());
        }
        let Some(g) = Gates::new(src) else {
            return Bodies::All;
        };
        let decls = &g.decls;
        // Which declarations may read an arch value, themselves or through any call.
        let mut reads = g.sources.clone();
        let mut work: Vec<usize> = (0..decls.len()).filter(|&d| reads[d]).collect();
        while let Some(d) = work.pop() {
            for &caller in decls.func_name(d).map_or(&[][..], |n| decls.with_ident(n)) {
                if !reads[caller] {
                    reads[caller] = true;
                    work.push(caller);
                }
            }
        }
        // The holders and the helpers they read, down the calls.
        let mut kept = g.holds.clone();
        let mut work: Vec<usize> = (0..decls.len()).filter(|&d| kept[d]).collect();
        while let Some(d) = work.pop() {
            for (name, _) in decls.idents(Some(d)) {
                for &helper in g.funcs.get(name).map_or(&[][..], Vec::as_slice) {
                    if reads[helper] && !kept[helper] {
                        kept[helper] = true;
                        work.push(helper);
                    }
                }
            }
        }
        let mut lists: HashSet<&str> = HashSet::new();
        for d in (0..decls.len()).filter(|&d| kept[d]) {
            lists.extend(
                decls
                    .idents(Some(d))
                    .iter()
                    .filter(|(_, i)| *i)
                    .map(|(n, _)| n),
            );
            crate::lexer::for_each_ident_in_call(decls.text(d), membership_call, |name, _| {
                lists.insert(name);
            });
        }
        let callers = (0..decls.len())
            .filter(|&d| g.holds[d])
            .filter_map(|d| decls.func_name(d));
        let mut at: Vec<usize> = (0..decls.len())
            .filter(|&d| kept[d])
            .map(|d| decls.start(d))
            .collect();
        for name in lists.into_iter().chain(callers) {
            at.extend(decls.with_ident(name).iter().map(|&d| decls.start(d)));
        }
        Bodies::Holding(at)
    }

    fn check(&self, cx: &FileCtx<'_>, out: &mut Vec<Finding>) {
        let Some((reference, targets)) = cx.reference_and_targets() else {
            return;
        };
        let cx: &FileSyntax<'_> = cx;
        // Over the shared node table (the parent links `is_else_if` climbs build it anyway),
        // not a second walk of the tree's cursor.
        let mut checks = Vec::new();
        cx.walk(|v| {
            match v.kind {
                "if_statement" => checks.push(Check::If(v.node)),
                "expression_switch_statement" => checks.push(Check::Switch(v.node)),
                _ => {}
            }
            true
        });
        for check in checks {
            if matches!(check, Check::If(n) if is_else_if(cx, n)) {
                continue;
            }
            out.extend(judge(cx, check, reference, targets));
        }
    }
}

/// The top-level declarations of a file ([`Decls`]) as this rule's token test sees them.
/// An `if` or `switch` lies in one: statements are only in function bodies.
struct Gates<'s> {
    decls: Decls<'s>,
    /// The declarations of each function or method name.
    funcs: HashMap<&'s str, Vec<usize>>,
    /// Per declaration: names a source of an arch value in code, as `derived` and
    /// `machine` read one in their function: `….GOARCH`, a `"GOARCH"` literal (for
    /// `os.Getenv`), `….Uname` with a `….Machine` (the field it fills), a `"uname"` literal.
    sources: Vec<bool>,
    /// Per declaration: may hold a reported check, which needs all of: reading an arch
    /// value (a source, or a call without arguments of a function of the file reading one:
    /// `archOK()`, `machine()`; nothing else crosses functions); deciding on it (comparing
    /// a literal that names an arch, as a condition comparing only other names is the same
    /// on every arch; looking the arch up, `m[` or a call like `contains`, in a file
    /// holding such a literal; or calling without arguments a function that decides); and
    /// a refusal on a path (`run_list`'s `panic`, `os.Exit`, `….Fatal*`/`Panic*`/`Error*`
    /// calls, `errors.New`/`Wrap*`, an `Err…Unsupported…` value).
    holds: Vec<bool>,
}

impl<'s> Gates<'s> {
    /// `None` when the token scan cannot tell the declarations apart.
    fn new(src: &'s [u8]) -> Option<Gates<'s>> {
        let decls = Decls::new(src)?;
        let n = decls.len();
        // A source of the arch's name, and the two halves of `Utsname.Machine` filled by
        // `Uname` (the call alone may be for the kernel's release).
        let (mut sources, mut uname, mut machine) =
            (vec![false; n], vec![false; n], vec![false; n]);
        let mut compares = vec![false; n];
        let mut looks_up = vec![false; n];
        let mut refuses = vec![false; n];
        crate::lexer::for_each_ident_next(src, |name, selected, next, at| {
            let Some(d) = decls.at(at) else {
                return;
            };
            sources[d] |= selected && name == "GOARCH";
            uname[d] |= selected && name == "Uname";
            machine[d] |= selected && name == "Machine";
            looks_up[d] |= (!selected && next == '[') || membership_call(name);
            refuses[d] |= may_refuse(src, name, selected, at);
        });
        let mut arch_names = false;
        crate::lexer::for_each_string(src, |body, at, role| {
            let names_arch = names_an_arch(body);
            arch_names |= names_arch;
            if let Some(d) = decls.at(at) {
                sources[d] |= matches!(body, "GOARCH" | "uname");
                compares[d] |= role.compared() && names_arch;
            }
        });
        let decides: Vec<bool> = (0..n)
            .map(|d| compares[d] || (looks_up[d] && arch_names))
            .collect();
        for d in 0..n {
            sources[d] |= uname[d] && machine[d];
        }
        let mut funcs: HashMap<&str, Vec<usize>> = HashMap::new();
        for d in 0..n {
            if let Some(name) = decls.func_name(d) {
                funcs.entry(name).or_default().push(d);
            }
        }
        let mut calls: Vec<(usize, &str)> = Vec::new();
        crate::lexer::for_each_call_without_args(src, |name, at| {
            calls.extend(decls.at(at).map(|d| (d, name)));
        });
        // What a function called without arguments does, its callers do: `eval_call` and
        // `machine` read the condition or machine such a helper returns.
        let climb = |mut flags: Vec<bool>| {
            let mut grew = true;
            while grew {
                grew = false;
                for &(d, name) in &calls {
                    let callee = funcs
                        .get(name)
                        .is_some_and(|ds| ds.iter().any(|&c| flags[c]));
                    if callee && !flags[d] {
                        flags[d] = true;
                        grew = true;
                    }
                }
            }
            flags
        };
        let reads = climb(sources.clone());
        let decides = climb(decides);
        let holds: Vec<bool> = (0..n)
            .map(|d| reads[d] && decides[d] && refuses[d])
            .collect();
        Some(Gates {
            decls,
            funcs,
            sources,
            holds,
        })
    }
}

/// Whether `src`'s bytes hold a string literal some [`names_an_arch`] (its body as written,
/// between `"` or `` ` ``): without one, no declaration decides by arch and
/// [`Gates::new`] finds no check to hold (a byte search, before its token passes).
fn quotes_an_arch(src: &[u8]) -> bool {
    static QUOTED: std::sync::LazyLock<aho_corasick::AhoCorasick> =
        std::sync::LazyLock::new(|| {
            let quoted: Vec<String> = arch_names()
                .flat_map(|n| [format!("\"{n}\""), format!("`{n}`")])
                .collect();
            aho_corasick::AhoCorasick::new(quoted).expect("a few short literal words")
        });
    QUOTED.is_match(src)
}

/// Whether a string is the name of an arch, as GOARCH or `uname -m` gives it: a condition
/// comparing others is the same on every arch.
fn names_an_arch(s: &str) -> bool {
    arch_names().any(|n| n == s)
}

/// Every arch's GOARCH name and the names `uname -m` gives it.
fn arch_names() -> impl Iterator<Item = &'static str> {
    Arch::ALL
        .iter()
        .flat_map(|a| std::iter::once(a.name()).chain(a.uname_machines().iter().copied()))
}

/// Whether the identifier `name` at `at` may be part of a refusal `run_list` finds.
fn may_refuse(src: &[u8], name: &str, selected: bool, at: usize) -> bool {
    let after = |q: &str| src[..at].ends_with(q.as_bytes());
    let lower = name.to_ascii_lowercase();
    (!selected && name == "panic")
        || (selected
            && (["Fatal", "Panic", "Error"]
                .iter()
                .any(|p| name.starts_with(p))
                || (name == "Exit" && after("os."))
                || (matches!(name, "New" | "Wrap" | "Wrapf") && after("errors."))))
        || (lower.starts_with("err")
            && (lower.contains("unsupported") || lower.contains("notsupported")))
}

/// An arch check: an `if` (with its `else if` chain) or a `switch` on a GOARCH value.
#[derive(Clone, Copy)]
pub(super) enum Check<'t> {
    If(Node<'t>),
    Switch(Node<'t>),
}

impl<'t> Check<'t> {
    /// Where the finding points: the condition or the switched value.
    pub(super) fn at(self) -> Option<Node<'t>> {
        match self {
            Check::If(n) => n.child_by_field_id(FIELD.condition),
            Check::Switch(n) => n.child_by_field_id(FIELD.value),
        }
    }

    fn node(self) -> Node<'t> {
        match self {
            Check::If(n) | Check::Switch(n) => n,
        }
    }

    /// The check whose `at` is `n`.
    pub(super) fn of(cx: &FileSyntax<'t>, n: Node<'t>) -> Option<Check<'t>> {
        let p = cx.parents.of(n)?;
        match p.kind() {
            "if_statement" if p.child_by_field_id(FIELD.condition) == Some(n) => Some(Check::If(p)),
            "expression_switch_statement" if p.child_by_field_id(FIELD.value) == Some(n) => {
                Some(Check::Switch(p))
            }
            _ => None,
        }
    }
}

/// `else if`: judged with the `if` it belongs to, when that `if` is an arch check.
fn is_else_if<'t>(cx: &FileSyntax<'t>, n: Node<'t>) -> bool {
    cx.parents.of(n).is_some_and(|p| {
        p.kind() == "if_statement"
            && p.child_by_field_id(FIELD.alternative) == Some(n)
            && p.child_by_field_id(FIELD.condition)
                .is_some_and(|c| Arch::ALL.iter().any(|a| eval(cx, c, *a, None).is_some()))
    })
}

/// How the work goes on one arch.
#[derive(Clone, Debug)]
pub(super) enum Outcome<'t> {
    Passes,
    /// Refused at `at`, as `how` says; `hatches` are the environment variables the path
    /// to it reads (a way to let the arch through).
    Refused {
        at: Node<'t>,
        how: String,
        hatches: Vec<String>,
    },
}

fn judge<'t>(
    cx: &FileSyntax<'t>,
    check: Check<'t>,
    reference: Arch,
    targets: ArchSet,
) -> Option<Finding> {
    // Skip anything that is no arch check before walking paths.
    match check {
        Check::If(n) => {
            let cond = n.child_by_field_id(FIELD.condition)?;
            eval(cx, cond, reference, Some(n))?;
        }
        Check::Switch(n) => {
            arch_value(cx, n.child_by_field_id(FIELD.value)?)?;
        }
    }
    if !matches!(outcome(cx, check, reference)?, Outcome::Passes) {
        return None;
    }
    let mut refused = ArchSet::EMPTY;
    let mut first: Option<Outcome<'t>> = None;
    let mut passing = Vec::new();
    for arch in Arch::ALL {
        match outcome(cx, check, arch)? {
            Outcome::Passes => passing.push(arch.name()),
            o @ Outcome::Refused { .. } => {
                if targets.contains(arch) {
                    refused.insert(arch);
                    first.get_or_insert(o);
                }
            }
        }
    }
    let Outcome::Refused { at, how, hatches } = first? else {
        return None;
    };
    let what = enclosing_name(cx, check.node());
    let message = if passing.len() <= Arch::ALL.len() / 2 {
        format!(
            "{what} refuses {refused}: only {} pass{} this arch check",
            passing.join(", "),
            if passing.len() == 1 { "es" } else { "" }
        )
    } else {
        format!("{what} refuses {refused} at this arch check")
    };
    let mut fact = format!(
        "on {refused} the check leads to {how} (line {})",
        at.start_position().row + 1
    );
    if !hatches.is_empty() {
        fact.push_str(&format!(
            "; the path reads {} from the environment, which may let it through",
            hatches
                .iter()
                .map(|h| format!("`{h}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if value_kind(cx, check.at()?, 2) == Some(ArchValue::Machine) {
        let mut by_machine: Vec<(&str, Vec<&str>)> = Vec::new();
        for a in refused.iter() {
            match by_machine.iter_mut().find(|(m, _)| *m == a.uname_machine()) {
                Some((_, on)) => on.push(a.name()),
                None => by_machine.push((a.uname_machine(), vec![a.name()])),
            }
        }
        let on: Vec<String> = by_machine
            .iter()
            .map(|(m, on)| format!("`{m}` on {}", on.join(" and ")))
            .collect();
        fact.push_str(&format!(
            "; it compares the machine `uname -m` prints: {}",
            on.join(", ")
        ));
    }
    if let Some(callers) = callers(cx, check.node()) {
        fact.push_str(&callers);
    }
    Some(cx.finding(META.id, check.at()?, refused, message, fact))
}

/// "`checkSupportArch`", "`main`", "a function literal" or "this code".
fn enclosing_name<'t>(cx: &FileSyntax<'t>, n: Node<'t>) -> String {
    match enclosing_function(cx, n).and_then(|f| f.child_by_field_id(FIELD.name)) {
        Some(name) => format!("`{}`", text(name, cx.src)),
        None => "this code".into(),
    }
}

/// "; `checkSupportArch` is called from `main`": the callers in this file of the function
/// the check sits in (one call up).
fn callers<'t>(cx: &FileSyntax<'t>, n: Node<'t>) -> Option<String> {
    let f = enclosing_function(cx, n)?;
    let name = text(f.child_by_field_id(FIELD.name)?, cx.src);
    let mut from: Vec<String> = Vec::new();
    let mut stack = vec![cx.tree.root_node()];
    while let Some(x) = stack.pop() {
        let mut c = x.walk();
        stack.extend(x.named_children(&mut c));
        if x.kind() == "call_expression"
            && x.child_by_field_id(FIELD.function)
                .is_some_and(|g| g.kind() == "identifier" && text(g, cx.src) == name)
        {
            let caller = enclosing_name(cx, x);
            if !from.contains(&caller) {
                from.push(caller);
            }
        }
    }
    from.sort();
    (!from.is_empty()).then(|| format!("; `{name}` is called from {}", from.join(", ")))
}

/// What happens on `arch` from the check on: the branch it takes, then (when the branch
/// falls through) the statements after the check in its block. `None` when the check
/// cannot be decided for `arch`.
pub(super) fn outcome<'t>(
    cx: &FileSyntax<'t>,
    check: Check<'t>,
    arch: Arch,
) -> Option<Outcome<'t>> {
    let branch = taken_branch(cx, check, arch)?;
    let mut hatches = Vec::new();
    if let Some(body) = branch {
        match run(cx, body, &mut hatches) {
            Run::Refused(at, how) => return Some(Outcome::Refused { at, how, hatches }),
            Run::Returned => return Some(Outcome::Passes),
            Run::FellThrough => {}
        }
    }
    // The rest of the enclosing block.
    let stmt = check.node();
    let list = cx.parents.of(stmt)?;
    if list.kind() != "statement_list" {
        return Some(Outcome::Passes);
    }
    let mut c = list.walk();
    let rest: Vec<Node<'t>> = list
        .named_children(&mut c)
        .filter(|s| s.start_byte() > stmt.start_byte())
        .collect();
    Some(match run_list(cx, &rest, &mut hatches) {
        Run::Refused(at, how) => Outcome::Refused { at, how, hatches },
        Run::Returned | Run::FellThrough => Outcome::Passes,
    })
}

/// The statements run on `arch`: a case or branch body (`Some(None)`: none, the check
/// falls through).
fn taken_branch<'t>(cx: &FileSyntax<'t>, check: Check<'t>, arch: Arch) -> Option<Option<Node<'t>>> {
    match check {
        Check::If(mut n) => loop {
            let cond = n.child_by_field_id(FIELD.condition)?;
            if eval(cx, cond, arch, Some(n))? {
                return Some(n.child_by_field_id(FIELD.consequence));
            }
            match n.child_by_field_id(FIELD.alternative) {
                Some(alt) if alt.kind() == "if_statement" => n = alt,
                alt => return Some(alt),
            }
        },
        Check::Switch(sw) => {
            let name = arch_value(cx, sw.child_by_field_id(FIELD.value)?)?.name(arch);
            let mut default = None;
            let mut c = sw.walk();
            for case in sw.named_children(&mut c) {
                match case.kind() {
                    "default_case" => default = Some(case),
                    "expression_case" => {
                        let labels = case.child_by_field_id(FIELD.value)?;
                        let mut c2 = labels.walk();
                        for l in labels.named_children(&mut c2) {
                            // A label that is not a string literal: undecidable.
                            if string_value(cx.src, l)? == name {
                                return Some(Some(case));
                            }
                        }
                    }
                    _ => {}
                }
            }
            Some(default)
        }
    }
}

enum Run<'t> {
    Refused(Node<'t>, String),
    Returned,
    FellThrough,
}

/// Run a block or case body.
fn run<'t>(cx: &FileSyntax<'t>, body: Node<'t>, hatches: &mut Vec<String>) -> Run<'t> {
    let list = if body.kind() == "statement_list" {
        Some(body)
    } else {
        let mut c = body.walk();
        let found = body
            .named_children(&mut c)
            .find(|n| n.kind() == "statement_list");
        found
    };
    let Some(list) = list else {
        return Run::FellThrough;
    };
    let mut c = list.walk();
    let stmts: Vec<Node<'t>> = list.named_children(&mut c).collect();
    run_list(cx, &stmts, hatches)
}

/// Run statements in order, as far as syntax tells: the first refusal or return.
/// Conditional statements are stepped over (their environment reads noted), except an
/// `if` on the environment whose body refuses (`if os.Getenv("X") == "" { os.Exit(1) }`).
fn run_list<'t>(cx: &FileSyntax<'t>, stmts: &[Node<'t>], hatches: &mut Vec<String>) -> Run<'t> {
    let mut logged_error: Option<Node<'t>> = None;
    for &s in stmts {
        note_env_reads(cx, s, hatches);
        match s.kind() {
            "expression_statement" => {
                let Some(call) = s.named_child(0).filter(|c| c.kind() == "call_expression") else {
                    continue;
                };
                match call_effect(cx, call) {
                    Effect::Ends(how) => return Run::Refused(call, how),
                    Effect::LogsError => logged_error = Some(call),
                    Effect::None => {}
                }
            }
            "return_statement" => {
                if let Some(how) = returned_error(cx, s) {
                    return Run::Refused(s, how);
                }
                if let Some(log) = logged_error {
                    return Run::Refused(log, format!("`{}` and a return", callee(cx, log)));
                }
                return Run::Returned;
            }
            "if_statement" => {
                let reads_env = s
                    .child_by_field_id(FIELD.condition)
                    .is_some_and(|c| mentions_env(cx, c))
                    || s.child_by_field_id(FIELD.initializer)
                        .is_some_and(|c| mentions_env(cx, c));
                if reads_env && s.child_by_field_id(FIELD.alternative).is_none() {
                    if let Some(body) = s.child_by_field_id(FIELD.consequence) {
                        if let Run::Refused(at, how) = run(cx, body, &mut Vec::new()) {
                            return Run::Refused(at, how);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    Run::FellThrough
}

enum Effect {
    Ends(String),
    LogsError,
    None,
}

/// The called name as written: `log.Fatalf`, `os.Exit`, `panic`.
fn callee<'s>(cx: &FileSyntax<'s>, call: Node<'s>) -> &'s str {
    call.child_by_field_id(FIELD.function)
        .map_or("", |f| text(f, cx.src))
}

fn call_effect<'t>(cx: &FileSyntax<'t>, call: Node<'t>) -> Effect {
    let Some(f) = call.child_by_field_id(FIELD.function) else {
        return Effect::None;
    };
    let name = match f.kind() {
        "identifier" => text(f, cx.src),
        "selector_expression" => f
            .child_by_field_id(FIELD.field)
            .map_or("", |x| text(x, cx.src)),
        _ => return Effect::None,
    };
    let shown = text(f, cx.src);
    if shown == "panic" {
        return Effect::Ends("`panic`".into());
    }
    if shown == "os.Exit" {
        let code = call
            .child_by_field_id(FIELD.arguments)
            .and_then(|a| a.named_child(0))
            .map(|a| text(a, cx.src));
        if code == Some("0") {
            return Effect::None;
        }
        return Effect::Ends(format!("`os.Exit({})`", code.unwrap_or("")));
    }
    if f.kind() == "selector_expression" && (name.starts_with("Fatal") || name.starts_with("Panic"))
    {
        return Effect::Ends(format!("`{shown}`"));
    }
    if f.kind() == "selector_expression" && name.starts_with("Error") {
        return Effect::LogsError;
    }
    Effect::None
}

/// `return …, errors.New(…)` (or `fmt.Errorf`, `errors.Errorf`/`Wrap*`, an `Err…Unsupported…`
/// value): an error made for this refusal.
fn returned_error<'t>(cx: &FileSyntax<'t>, ret: Node<'t>) -> Option<String> {
    let list = ret.named_child(0)?;
    let mut c = list.walk();
    let results: Vec<Node<'_>> = if list.kind() == "expression_list" {
        list.named_children(&mut c).collect()
    } else {
        vec![list]
    };
    for r in results {
        let r = unparen(r);
        match r.kind() {
            "call_expression" => {
                let f = callee(cx, r);
                if matches!(
                    f,
                    "errors.New" | "fmt.Errorf" | "errors.Errorf" | "errors.Wrap" | "errors.Wrapf"
                ) {
                    return Some(format!("returning `{f}(…)`"));
                }
            }
            "identifier" | "selector_expression" => {
                let t = text(r, cx.src);
                let last = t.rsplit('.').next().unwrap_or(t);
                let lower = last.to_ascii_lowercase();
                if lower.starts_with("err")
                    && (lower.contains("unsupported") || lower.contains("notsupported"))
                {
                    return Some(format!("returning `{t}`"));
                }
            }
            _ => {}
        }
    }
    None
}

fn mentions_env<'t>(cx: &FileSyntax<'t>, n: Node<'t>) -> bool {
    let mut found = Vec::new();
    note_env_reads(cx, n, &mut found);
    !found.is_empty()
}

/// Environment variables (not GOARCH/GOOS) read with `os.Getenv`/`os.LookupEnv` in `n`.
fn note_env_reads<'t>(cx: &FileSyntax<'t>, n: Node<'t>, out: &mut Vec<String>) {
    let mut stack = vec![n];
    while let Some(x) = stack.pop() {
        let mut c = x.walk();
        stack.extend(x.named_children(&mut c));
        if let Some(v) = env_read(cx, x) {
            if v != "GOARCH" && v != "GOOS" && !out.iter().any(|h| h == v) {
                out.push(v.to_string());
            }
        }
    }
}

/// The truth of a condition on `arch`, when it depends on nothing but the arch (`None`
/// otherwise). `stmt` is the `if` whose initializer may bind `ok` of a map lookup.
pub(super) fn eval<'t>(
    cx: &FileSyntax<'t>,
    n: Node<'t>,
    arch: Arch,
    stmt: Option<Node<'t>>,
) -> Option<bool> {
    let n = unparen(n);
    match n.kind() {
        "unary_expression" => {
            let op = text(n.child_by_field_id(FIELD.operator)?, cx.src);
            (op == "!").then_some(())?;
            Some(!eval(cx, n.child_by_field_id(FIELD.operand)?, arch, stmt)?)
        }
        "binary_expression" => {
            let op = text(n.child_by_field_id(FIELD.operator)?, cx.src);
            let (l, r) = (
                n.child_by_field_id(FIELD.left)?,
                n.child_by_field_id(FIELD.right)?,
            );
            match op {
                "&&" | "||" => {
                    let (a, b) = (eval(cx, l, arch, stmt), eval(cx, r, arch, stmt));
                    let and = op == "&&";
                    // Three-valued: one decided side can decide the whole.
                    match (a, b) {
                        (Some(x), Some(y)) => Some(if and { x && y } else { x || y }),
                        (Some(x), None) | (None, Some(x)) if x != and => Some(x),
                        _ => None,
                    }
                }
                "==" | "!=" => {
                    let (l, r) = (unparen(l), unparen(r));
                    let (v, lit) = match (string_value(cx.src, l), string_value(cx.src, r)) {
                        (None, Some(s)) => (l, s),
                        (Some(s), None) => (r, s),
                        _ => return None,
                    };
                    let name = arch_value(cx, v)?.name(arch);
                    Some((lit == name) == (op == "=="))
                }
                _ => None,
            }
        }
        "index_expression" => {
            // `allowed[runtime.GOARCH]` of a `map[string]bool` literal.
            let (lit, kind) = lookup_literal(cx, n)?;
            let value = entry_value(cx, lit, kind.name(arch))?;
            match value.map(|v| text(v, cx.src)) {
                None => Some(false),
                Some("true") => Some(true),
                Some("false") => Some(false),
                _ => None,
            }
        }
        "identifier" => {
            // `if _, ok := allowed[runtime.GOARCH]; !ok`.
            let init = stmt?.child_by_field_id(FIELD.initializer)?;
            if init.kind() != "short_var_declaration" {
                return None;
            }
            let (left, right) = (
                init.child_by_field_id(FIELD.left)?,
                init.child_by_field_id(FIELD.right)?,
            );
            if left.named_child_count() != 2 || right.named_child_count() != 1 {
                return None;
            }
            if text(left.named_child(1)?, cx.src) != text(n, cx.src) {
                return None;
            }
            let index = unparen(right.named_child(0)?);
            if index.kind() != "index_expression" {
                return None;
            }
            let (lit, kind) = lookup_literal(cx, index)?;
            Some(entry_value(cx, lit, kind.name(arch))?.is_some())
        }
        "call_expression" => eval_call(cx, n, arch),
        _ => None,
    }
}

/// The map literal `m` of `m[v]`, `v` an arch value, and how `v` names arches.
fn lookup_literal<'t>(cx: &FileSyntax<'t>, index: Node<'t>) -> Option<(Node<'t>, ArchValue)> {
    let m = index.child_by_field_id(FIELD.operand)?;
    let v = index.child_by_field_id(FIELD.index)?;
    if m.kind() != "identifier" {
        return None;
    }
    let kind = arch_value(cx, v)?;
    Some((map_literal(cx, m, text(m, cx.src))?.1, kind))
}

/// The value of the entry keyed `name` in a map literal (`Some(None)`: no such key);
/// `None` when a key is not a plain string.
fn entry_value<'t>(cx: &FileSyntax<'t>, lit: Node<'t>, name: &str) -> Option<Option<Node<'t>>> {
    for k in map_keys(lit) {
        if string_value(cx.src, k)? == name {
            let el = cx.parents.of(k)?;
            let keyed = cx.parents.of(el)?;
            return Some(keyed.child_by_field_id(FIELD.value)?.named_child(0));
        }
    }
    Some(None)
}

/// `slices.Contains(allowed, runtime.GOARCH)`, `contains(allowed, runtime.GOARCH)`, and a
/// zero-argument function of this file that returns an arch condition (one call deep).
fn eval_call<'t>(cx: &FileSyntax<'t>, call: Node<'t>, arch: Arch) -> Option<bool> {
    let f = call.child_by_field_id(FIELD.function)?;
    let args = call.child_by_field_id(FIELD.arguments)?;
    if args.named_child_count() == 0 && f.kind() == "identifier" {
        let body = single_return(cx, text(f, cx.src))?;
        return eval(cx, body, arch, None);
    }
    let (list, kind) = allowed_list(cx, call)?;
    let elems = slice_strings(cx, list)?;
    Some(elems.contains(&kind.name(arch)))
}

/// Whether a function so named tests membership in a list (`contains`, `InSlice`).
fn membership_call(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name.contains("contain") || name.contains("inslice") || name.contains("inlist")
}

/// The `[]string{…}` literal a membership call tests an arch value against, and how that
/// value names arches.
pub(super) fn allowed_list<'t>(
    cx: &FileSyntax<'t>,
    call: Node<'t>,
) -> Option<(Node<'t>, ArchValue)> {
    let f = call.child_by_field_id(FIELD.function)?;
    let name = match f.kind() {
        "identifier" => text(f, cx.src),
        "selector_expression" => text(f.child_by_field_id(FIELD.field)?, cx.src),
        _ => return None,
    }
    .to_ascii_lowercase();
    if !membership_call(&name) {
        return None;
    }
    let args = call.child_by_field_id(FIELD.arguments)?;
    if args.named_child_count() != 2 {
        return None;
    }
    let (a, b) = (args.named_child(0)?, args.named_child(1)?);
    let (list, kind) = match arch_value(cx, b) {
        Some(k) => (a, k),
        None => (b, arch_value(cx, a)?),
    };
    let list = unparen(list);
    match list.kind() {
        "composite_literal" => Some((list, kind)),
        "identifier" => Some((slice_literal(cx, list)?, kind)),
        _ => None,
    }
}

/// The `[]string{…}` literal an identifier is defined with (in its function or at the top
/// level, defined once).
fn slice_literal<'t>(cx: &FileSyntax<'t>, id: Node<'t>) -> Option<Node<'t>> {
    let name = text(id, cx.src);
    let scopes = [enclosing_function(cx, id), Some(cx.tree.root_node())];
    for scope in scopes.into_iter().flatten() {
        let mut defs = Vec::new();
        let mut stack = vec![scope];
        while let Some(x) = stack.pop() {
            let mut c = x.walk();
            stack.extend(x.named_children(&mut c));
            if x.kind() == "var_spec" || x.kind() == "short_var_declaration" {
                let names = if x.kind() == "var_spec" {
                    Some(x)
                } else {
                    x.child_by_field_id(FIELD.left)
                };
                let values = x
                    .child_by_field_id(FIELD.value)
                    .or_else(|| x.child_by_field_id(FIELD.right));
                if let (Some(names), Some(values)) = (names, values) {
                    let mut c = names.walk();
                    let ids: Vec<Node<'t>> = names
                        .named_children(&mut c)
                        .filter(|n| n.kind() == "identifier")
                        .collect();
                    if let Some(i) = ids.iter().position(|n| text(*n, cx.src) == name) {
                        defs.extend(values.named_child(u32::try_from(i).ok()?));
                    }
                }
            }
        }
        match defs[..] {
            [v] => {
                let v = unparen(v);
                let is_slice = v.kind() == "composite_literal"
                    && v.child_by_field_id(FIELD.ty).is_some_and(|t| {
                        matches!(
                            t.kind(),
                            "slice_type" | "array_type" | "implicit_length_array_type"
                        )
                    });
                return is_slice.then_some(v);
            }
            [] => continue,
            _ => return None,
        }
    }
    None
}

/// The strings of a `[]string{…}` literal; `None` if an element is not a plain string.
fn slice_strings<'s>(cx: &FileSyntax<'s>, lit: Node<'s>) -> Option<Vec<&'s str>> {
    let body = lit.child_by_field_id(FIELD.body)?;
    let mut c = body.walk();
    let mut out = Vec::new();
    for e in body.named_children(&mut c) {
        match e.kind() {
            "comment" => {}
            "literal_element" => out.push(string_value(cx.src, e.named_child(0)?)?),
            _ => return None,
        }
    }
    Some(out)
}

/// The expression of `func name() bool { return <expr> }` in this file.
pub(super) fn single_return<'t>(cx: &FileSyntax<'t>, name: &str) -> Option<Node<'t>> {
    let root = cx.tree.root_node();
    let mut c = root.walk();
    let f = root.named_children(&mut c).find(|d| {
        d.kind() == "function_declaration"
            && d.child_by_field_id(FIELD.name)
                .is_some_and(|n| text(n, cx.src) == name)
    })?;
    let body = f.child_by_field_id(FIELD.body)?;
    let list = body
        .named_child(0)
        .filter(|l| l.kind() == "statement_list")?;
    let mut c2 = list.walk();
    let stmts: Vec<Node<'t>> = list
        .named_children(&mut c2)
        .filter(|s| s.kind() != "comment")
        .collect();
    match stmts[..] {
        [ret] if ret.kind() == "return_statement" => {
            let e = ret.named_child(0)?;
            if e.kind() == "expression_list" {
                (e.named_child_count() == 1).then_some(())?;
                e.named_child(0)
            } else {
                Some(e)
            }
        }
        _ => None,
    }
}

/// How the arch value a check reads names arches: the first arch value in `n`, or in the
/// body of a helper it calls.
pub(super) fn value_kind<'t>(cx: &FileSyntax<'t>, n: Node<'t>, depth: u32) -> Option<ArchValue> {
    let mut stack = vec![n];
    while let Some(x) = stack.pop() {
        if matches!(
            x.kind(),
            "identifier" | "selector_expression" | "call_expression"
        ) {
            if let Some(k) = arch_value(cx, x) {
                return Some(k);
            }
        }
        if x.kind() == "call_expression" && depth > 0 {
            let helper = x
                .child_by_field_id(FIELD.function)
                .filter(|f| f.kind() == "identifier")
                .and_then(|f| single_return(cx, text(f, cx.src)));
            if let Some(body) = helper {
                if let Some(k) = value_kind(cx, body, depth - 1) {
                    return Some(k);
                }
            }
        }
        let mut c = x.walk();
        stack.extend(x.named_children(&mut c));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_an_arch_finds_every_name_the_check_compares_with() {
        for n in arch_names() {
            assert!(names_an_arch(n));
            let interpreted = format!("package p\nvar ok = runtime.GOARCH == \"{n}\"\n");
            let raw = format!("package p\nvar ok = m == `{n}`\n");
            assert!(quotes_an_arch(interpreted.as_bytes()), "{n}");
            assert!(quotes_an_arch(raw.as_bytes()), "{n}");
        }
        // GOARCH read, never compared with a quoted arch: no token pass is needed.
        let src = b"package p\nvar ua = \"agent/\" + runtime.GOARCH + \"amd64x\"\n";
        assert!(!quotes_an_arch(src));
        assert!(Gates::new(src).is_none_or(|g| !g.holds.iter().any(|&h| h)));
    }
}
