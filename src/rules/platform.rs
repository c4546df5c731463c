//! Values that hold the build platform's name (`runtime.GOARCH`, `runtime.GOOS`,
//! `os.Getenv("GOARCH")`, `build.Default.GOARCH`, and locals assigned only from those),
//! and the names such a value can take. Shared by the rules that read GOARCH comparisons
//! (not a rule).

use crate::arch::Arch;
use crate::constraints::tags::{KNOWN_ARCH, KNOWN_OS};
use crate::syntax::calls::mentions;
use crate::syntax::tree::FIELD;
use crate::syntax::{text, FileSyntax};
use tree_sitter::Node;

/// Which platform name a value holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Platform {
    Arch,
    Os,
}

impl Platform {
    /// Every name the go command gives this part of the platform.
    pub fn known_names(self) -> &'static [&'static str] {
        match self {
            Platform::Arch => KNOWN_ARCH,
            Platform::Os => KNOWN_OS,
        }
    }

    /// Whether `name` is a value this part of the platform takes with some Go toolchain.
    pub fn is_known(self, name: &str) -> bool {
        let others = match self {
            Platform::Arch => OTHER_TOOLCHAIN_ARCH,
            Platform::Os => OTHER_TOOLCHAIN_OS,
        };
        self.known_names().contains(&name) || others.contains(&name)
    }

    /// `GOARCH` or `GOOS`.
    pub fn var(self) -> &'static str {
        match self {
            Platform::Arch => "GOARCH",
            Platform::Os => "GOOS",
        }
    }
}

/// GOARCH values of gccgo (its `goarch.sh`) that the go command does not know: code
/// written for gccgo compares with them (x/sys/cpu's byte-order switch).
pub const OTHER_TOOLCHAIN_ARCH: &[&str] = &["alpha", "ia64", "m68k", "nios2", "sh", "shbe"];

/// GOOS values of forks of the toolchain (Fuchsia's), which x/net's tests compare with.
pub const OTHER_TOOLCHAIN_OS: &[&str] = &["fuchsia"];

/// Names other tools give a platform (uname -m, Debian, libseccomp, LLVM triples), with
/// the Go name each one means: a comparison of GOARCH with one of them is dead code.
pub const FOREIGN_NAMES: &[(Platform, &str, &str)] = &[
    (Platform::Arch, "x86_64", "amd64"),
    (Platform::Arch, "x86-64", "amd64"),
    (Platform::Arch, "x64", "amd64"),
    (Platform::Arch, "i386", "386"),
    (Platform::Arch, "i486", "386"),
    (Platform::Arch, "i586", "386"),
    (Platform::Arch, "i686", "386"),
    (Platform::Arch, "x86", "386"),
    (Platform::Arch, "aarch64", "arm64"),
    (Platform::Arch, "armhf", "arm"),
    (Platform::Arch, "armel", "arm"),
    (Platform::Arch, "armv6l", "arm"),
    (Platform::Arch, "armv7l", "arm"),
    (Platform::Arch, "armv7", "arm"),
    (Platform::Arch, "mipsel64", "mips64le"),
    (Platform::Arch, "mips64el", "mips64le"),
    (Platform::Arch, "mipsel", "mipsle"),
    (Platform::Arch, "ppc64el", "ppc64le"),
    (Platform::Arch, "powerpc64le", "ppc64le"),
    (Platform::Arch, "powerpc64", "ppc64"),
    (Platform::Arch, "loongarch64", "loong64"),
    (Platform::Arch, "mips64n32", "mips64p32"),
    (Platform::Arch, "mipsel64n32", "mips64p32le"),
    (Platform::Os, "osx", "darwin"),
    (Platform::Os, "macos", "darwin"),
    (Platform::Os, "macosx", "darwin"),
    (Platform::Os, "win32", "windows"),
    (Platform::Os, "win", "windows"),
    (Platform::Os, "gnu/linux", "linux"),
];

/// What an unknown name most likely means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Meant {
    /// Another tool's name for a Go name, or a Go name in other case: the replacement is
    /// certain.
    Certain(&'static str),
    /// The closest Go name by spelling: a guess.
    Guess(&'static str),
    Unknown,
}

impl Meant {
    pub fn name(self) -> Option<&'static str> {
        match self {
            Meant::Certain(n) | Meant::Guess(n) => Some(n),
            Meant::Unknown => None,
        }
    }
}

/// The longest name [`meant`] can match exactly (a known or foreign name).
const LONGEST_NAME: usize = {
    let mut longest = 0;
    let lists: [&[&str]; 2] = [KNOWN_ARCH, KNOWN_OS];
    let mut l = 0;
    while l < lists.len() {
        let mut k = 0;
        while k < lists[l].len() {
            if lists[l][k].len() > longest {
                longest = lists[l][k].len();
            }
            k += 1;
        }
        l += 1;
    }
    let mut k = 0;
    while k < FOREIGN_NAMES.len() {
        if FOREIGN_NAMES[k].1.len() > longest {
            longest = FOREIGN_NAMES[k].1.len();
        }
        k += 1;
    }
    longest
};

/// Edits a guess may be off by (see [`meant`]).
const GUESS_EDITS: usize = 2;

/// The Go name `given` (not a known name) most likely means.
pub fn meant(platform: Platform, given: &str) -> Meant {
    // Longer than every name by more than a guess's edits: no name is meant (the check
    // meets every short string literal of a file that reads GOARCH; most are long).
    if given.len() > LONGEST_NAME + GUESS_EDITS
        && given.chars().nth(LONGEST_NAME + GUESS_EDITS).is_some()
    {
        return Meant::Unknown;
    }
    let lower = given.to_ascii_lowercase();
    if let Some(&(_, _, go)) = FOREIGN_NAMES
        .iter()
        .find(|(p, foreign, _)| *p == platform && *foreign == lower)
    {
        return Meant::Certain(go);
    }
    if let Some(&n) = platform.known_names().iter().find(|n| **n == lower) {
        return Meant::Certain(n);
    }
    // A typo keeps some of what was typed: with as many edits as characters (`"a"` is two
    // from `arm`, and from any three-letter name) the guess would come from the names
    // alone.
    let edits = GUESS_EDITS.min(given.chars().count().saturating_sub(1));
    // Cheap first: most strings are no name's typo.
    if edits == 0
        || !platform
            .known_names()
            .iter()
            .any(|n| within_edits(&lower, n, edits))
    {
        return Meant::Unknown;
    }
    // A guess only for a typo: a few letters off, not another word (`mipsel64n32`).
    // Remembered per thread: impossible-goarch's prefilter asks for every short string of
    // every file reading GOARCH, and the same few (`"a"`, `","`, `"arm"`…) recur; scoring
    // each against every name was 4 % of a scan of Debian's tree.
    GUESSES.with_borrow_mut(|guesses| {
        let known = &mut guesses[platform as usize];
        if let Some(m) = known.get(given) {
            return *m;
        }
        let m = match crate::suggest::closest(given, platform.known_names().iter().copied(), 1)
            .first()
        {
            Some(n) if strsim::damerau_levenshtein(&lower, n) <= edits => Meant::Guess(n),
            _ => Meant::Unknown,
        };
        if known.len() >= GUESSES_KEPT {
            known.clear();
        }
        known.insert(given.into(), m);
        m
    })
}

/// How many guesses a thread keeps (each a string of at most a few dozen bytes).
const GUESSES_KEPT: usize = 1 << 14;

thread_local! {
    /// By platform (`Platform as usize`), then string.
    static GUESSES: std::cell::RefCell<[std::collections::HashMap<Box<str>, Meant>; 2]> =
        std::cell::RefCell::default();
}

/// Whether `given` may be within `edits` edits (Damerau-Levenshtein) of ASCII `name`: each
/// edit changes by at most one how many of `given`'s characters `name` lacks (as a
/// multiset), so more than `edits` such characters rule it out.
fn within_edits(given: &str, name: &str, edits: usize) -> bool {
    let mut have = [0u8; 128];
    for b in name.bytes() {
        have[usize::from(b & 0x7f)] += 1;
    }
    let mut lacking = 0;
    for c in given.chars() {
        let slot = c.is_ascii().then(|| &mut have[c as usize]);
        match slot {
            Some(n) if *n > 0 => *n -= 1,
            _ => {
                lacking += 1;
                if lacking > edits {
                    return false;
                }
            }
        }
    }
    true
}

/// The text of a string literal without its quotes, when it has no escapes.
pub fn string_value<'s>(src: &'s [u8], n: Node<'_>) -> Option<&'s str> {
    match n.kind() {
        "interpreted_string_literal" => {
            let mut c = n.walk();
            if n.named_children(&mut c)
                .any(|ch| ch.kind() == "escape_sequence")
            {
                return None;
            }
        }
        "raw_string_literal" => {}
        _ => return None,
    }
    let t = text(n, src);
    t.get(1..t.len().checked_sub(1)?)
}

/// The local name an import path is bound to in this file (`None` if not imported).
fn import_bound(cx: &FileSyntax<'_>, path: &str) -> Option<String> {
    let i = cx.info().imports.iter().find(|i| i.path == path)?;
    Some(
        i.name
            .clone()
            .unwrap_or_else(|| path.rsplit('/').next().unwrap_or(path).to_string()),
    )
}

fn is_pkg_member(cx: &FileSyntax<'_>, n: Node<'_>, path: &str, member: &str) -> bool {
    if n.kind() != "selector_expression" {
        return false;
    }
    let (Some(op), Some(f)) = (
        n.child_by_field_id(FIELD.operand),
        n.child_by_field_id(FIELD.field),
    ) else {
        return false;
    };
    op.kind() == "identifier"
        && text(f, cx.src) == member
        && import_bound(cx, path).is_some_and(|name| name == text(op, cx.src))
}

/// `os.Getenv("GOARCH")` / `os.LookupEnv("GOARCH")`: the variable it reads.
pub fn env_read<'s>(cx: &FileSyntax<'s>, n: Node<'_>) -> Option<&'s str> {
    if n.kind() != "call_expression" {
        return None;
    }
    let f = n.child_by_field_id(FIELD.function)?;
    if !is_pkg_member(cx, f, "os", "Getenv") && !is_pkg_member(cx, f, "os", "LookupEnv") {
        return None;
    }
    let args = n.child_by_field_id(FIELD.arguments)?;
    if args.named_child_count() != 1 {
        return None;
    }
    string_value(cx.src, args.named_child(0)?)
}

/// A direct source of the platform's name.
pub fn source(cx: &FileSyntax<'_>, n: Node<'_>) -> Option<Platform> {
    let n = unparen(n);
    let by_var = |v: &str| match v {
        "GOARCH" => Some(Platform::Arch),
        "GOOS" => Some(Platform::Os),
        _ => None,
    };
    match n.kind() {
        "selector_expression" => {
            let field = text(n.child_by_field_id(FIELD.field)?, cx.src);
            let op = n.child_by_field_id(FIELD.operand)?;
            let p = by_var(field)?;
            (is_pkg_member(cx, n, "runtime", field) || is_pkg_member(cx, op, "go/build", "Default"))
                .then_some(p)
        }
        "call_expression" => by_var(env_read(cx, n)?),
        _ => None,
    }
}

pub fn unparen(mut n: Node<'_>) -> Node<'_> {
    while n.kind() == "parenthesized_expression" {
        match n.named_child(0) {
            Some(inner) => n = inner,
            None => break,
        }
    }
    n
}

/// The function body (declaration, method or literal) `n` is in.
pub fn enclosing_function<'t>(cx: &FileSyntax<'t>, n: Node<'t>) -> Option<Node<'t>> {
    let mut cur = cx.parents.of(n)?;
    loop {
        if matches!(
            cur.kind(),
            "function_declaration" | "method_declaration" | "func_literal"
        ) {
            return Some(cur);
        }
        cur = cx.parents.of(cur)?;
    }
}

/// Which platform name `n` holds: a direct source, or a local variable of its function
/// that every definition and assignment there gives a source of the same kind (or another
/// such local). A variable also assigned anything else (`arch = "x86_64"` to translate for
/// uname) is not followed; neither are parameters, fields and package-level variables.
pub fn derived<'t>(cx: &FileSyntax<'t>, n: Node<'t>) -> Option<Platform> {
    derived_depth(cx, unparen(n), 3)
}

fn derived_depth<'t>(cx: &FileSyntax<'t>, n: Node<'t>, depth: u32) -> Option<Platform> {
    if let Some(p) = source(cx, n) {
        return Some(p);
    }
    local_value(cx, n, depth, &["GOARCH", "GOOS"], &|v, d| {
        derived_depth(cx, v, d)
    })
}

/// What a local variable `n` holds, when every definition and assignment in its function
/// gives the same `value` (`None` for a parameter, or anything `value` does not know).
/// A function that mentions none of `words` (when given) is not searched.
fn local_value<'t, K: Copy + PartialEq>(
    cx: &FileSyntax<'t>,
    n: Node<'t>,
    depth: u32,
    words: &[&str],
    value: &dyn Fn(Node<'t>, u32) -> Option<K>,
) -> Option<K> {
    if n.kind() != "identifier" || depth == 0 {
        return None;
    }
    let name = text(n, cx.src);
    let func = enclosing_function(cx, n)?;
    // Cheap first: a function that never names a source holds none.
    let body = &cx.src[func.byte_range()];
    if !words.is_empty() && !words.iter().any(|w| mentions(body, w)) {
        return None;
    }
    if is_parameter(cx, func, name) {
        return None;
    }
    let mut kind: Option<K> = None;
    let mut seen = false;
    // The function's nodes from the file's node table (a cursor walk per identifier asked
    // about was most of impossible-goarch's time); the verdict does not depend on order.
    for x in cx.parents.nodes().subtree(func)?.filter(|x| x.is_named()) {
        let assigned = match x.kind() {
            "short_var_declaration" | "assignment_statement" | "var_spec" => {
                match assigned_value(cx, x, name) {
                    Assigned::No => continue,
                    Assigned::Other => return None,
                    Assigned::Zero => {
                        seen = true;
                        continue;
                    }
                    Assigned::Value(v) => v,
                }
            }
            "range_clause" | "inc_statement" | "dec_statement" => {
                if x.child_by_field_id(FIELD.left)
                    .or_else(|| x.named_child(0))
                    .is_some_and(|l| mentions_name(cx, l, name))
                {
                    return None;
                }
                continue;
            }
            "unary_expression" => {
                let addr =
                    x.child_by_field_id(FIELD.operator).map(|o| text(o, cx.src)) == Some("&");
                if addr
                    && x.child_by_field_id(FIELD.operand)
                        .is_some_and(|o| o.kind() == "identifier" && text(o, cx.src) == name)
                {
                    return None;
                }
                continue;
            }
            _ => continue,
        };
        seen = true;
        let v = unparen(assigned);
        if v.kind() == "identifier" && text(v, cx.src) == name {
            return None;
        }
        let p = value(v, depth - 1)?;
        if kind.is_some_and(|k| k != p) {
            return None;
        }
        kind = Some(p);
    }
    if !seen {
        return None;
    }
    kind
}

/// What an arch check compares: the GOARCH, or the machine the kernel names (`uname -m`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArchValue {
    Goarch,
    Machine,
}

impl ArchValue {
    /// The value on a host of `arch` (`mips64` for both MIPS64 byte orders).
    pub fn name(self, arch: Arch) -> &'static str {
        match self {
            ArchValue::Goarch => arch.name(),
            ArchValue::Machine => arch.uname_machine(),
        }
    }

    /// Every value a host of `arch` may give (`armv7l`, `armv8l` for arm's machine).
    pub fn names(self, arch: Arch) -> Vec<&'static str> {
        match self {
            ArchValue::Goarch => vec![arch.name()],
            ArchValue::Machine => arch.uname_machines().to_vec(),
        }
    }
}

/// Whether `n` holds the arch's name, and in which spelling: a GOARCH value
/// ([`derived`]) or the machine `uname -m` prints ([`machine`]).
pub fn arch_value<'t>(cx: &FileSyntax<'t>, n: Node<'t>) -> Option<ArchValue> {
    if derived(cx, n) == Some(Platform::Arch) {
        return Some(ArchValue::Goarch);
    }
    machine(cx, n).then_some(ArchValue::Machine)
}

/// How exactly a value holds the machine name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Machine {
    /// The name alone: trimmed, or cut at the terminator.
    Name,
    /// With its terminator: `Utsname.Machine`'s NULs, the newline `uname -m` prints.
    Raw,
}

/// `n` holds the machine name `uname -m` prints, as a string: `Utsname.Machine` filled by
/// `syscall.Uname`/`unix.Uname` and cut at its NUL (`unix.ByteSliceToString`, a helper
/// taking the field), or the trimmed output of `exec.Command("uname", "-m")`; locals
/// assigned only from those, and a function of this file without arguments that returns
/// one (one call deep).
pub fn machine<'t>(cx: &FileSyntax<'t>, n: Node<'t>) -> bool {
    // Cheap first: a file that never asks the kernel holds no machine name.
    (mentions(cx.src, "Uname") || mentions(cx.src, "\"uname\""))
        && machine_depth(cx, unparen(n), 3) == Some(Machine::Name)
}

fn machine_depth<'t>(cx: &FileSyntax<'t>, n: Node<'t>, depth: u32) -> Option<Machine> {
    let n = unparen(n);
    match n.kind() {
        "selector_expression" => {
            let field = text(n.child_by_field_id(FIELD.field)?, cx.src);
            let op = unparen(n.child_by_field_id(FIELD.operand)?);
            (field == "Machine" && op.kind() == "identifier" && filled_by_uname(cx, op))
                .then_some(Machine::Raw)
        }
        // `u.Machine[:n]` is cut; `u.Machine[:]` is not.
        "slice_expression" => {
            let inner = machine_depth(cx, n.child_by_field_id(FIELD.operand)?, depth)?;
            Some(if n.child_by_field_id(FIELD.end).is_some() {
                Machine::Name
            } else {
                inner
            })
        }
        "call_expression" => {
            let f = n.child_by_field_id(FIELD.function)?;
            let args = n.child_by_field_id(FIELD.arguments)?;
            if uname_output(cx, n, depth) {
                return Some(Machine::Raw);
            }
            let first = args.named_child(0);
            match f.kind() {
                "identifier" => match text(f, cx.src) {
                    "string" => machine_depth(cx, first?, depth),
                    "len" | "cap" | "append" | "copy" => None,
                    name if args.named_child_count() == 0 && depth > 0 => {
                        returned_machine(cx, name, depth - 1)
                    }
                    // A helper given the field: it converts up to the NUL.
                    _ if args.named_child_count() == 1 => {
                        machine_depth(cx, first?, depth).map(|_| Machine::Name)
                    }
                    _ => None,
                },
                "selector_expression" => {
                    let func = text(f.child_by_field_id(FIELD.field)?, cx.src);
                    let inner = machine_depth(cx, first?, depth)?;
                    if func.starts_with("Trim") || func == "ByteSliceToString" {
                        Some(Machine::Name)
                    } else if matches!(func, "ToLower" | "ToUpper" | "Clone") {
                        Some(inner)
                    } else {
                        None
                    }
                }
                _ => None,
            }
        }
        "identifier" => local_value(cx, n, depth, &[], &|v, d| machine_depth(cx, v, d)),
        _ => None,
    }
}

/// `u` of `u.Machine` is given to `syscall.Uname(&u)` or `unix.Uname(&u)` in its function
/// (or `Uname(u)`, `u` a pointer).
fn filled_by_uname<'t>(cx: &FileSyntax<'t>, u: Node<'t>) -> bool {
    let Some(func) = enclosing_function(cx, u) else {
        return false;
    };
    let name = text(u, cx.src);
    let Some(nodes) = cx.parents.nodes().subtree(func) else {
        return false;
    };
    for x in nodes {
        if x.kind() != "call_expression" {
            continue;
        }
        let Some(f) = x.child_by_field_id(FIELD.function) else {
            continue;
        };
        if !is_pkg_member(cx, f, "syscall", "Uname")
            && !is_pkg_member(cx, f, "golang.org/x/sys/unix", "Uname")
        {
            continue;
        }
        let arg = x
            .child_by_field_id(FIELD.arguments)
            .and_then(|a| a.named_child(0));
        // `Uname(&u)`, or `Uname(u)` of `u := &unix.Utsname{}` (docker's form).
        if arg.is_some_and(|a| {
            (a.kind() == "unary_expression"
                && a.child_by_field_id(FIELD.operand)
                    .is_some_and(|o| text(o, cx.src) == name))
                || (a.kind() == "identifier" && text(a, cx.src) == name)
        }) {
            return true;
        }
    }
    false
}

/// `exec.Command("uname", "-m").Output()` (or `CombinedOutput`, on a local holding the
/// command).
fn uname_output<'t>(cx: &FileSyntax<'t>, call: Node<'t>, depth: u32) -> bool {
    let Some(f) = call.child_by_field_id(FIELD.function) else {
        return false;
    };
    if f.kind() != "selector_expression"
        || !f
            .child_by_field_id(FIELD.field)
            .is_some_and(|x| matches!(text(x, cx.src), "Output" | "CombinedOutput"))
    {
        return false;
    }
    f.child_by_field_id(FIELD.operand)
        .is_some_and(|cmd| uname_command(cx, unparen(cmd), depth))
}

fn uname_command<'t>(cx: &FileSyntax<'t>, n: Node<'t>, depth: u32) -> bool {
    if n.kind() == "identifier" {
        return local_value(cx, n, depth, &[], &|v, d| {
            uname_command(cx, unparen(v), d).then_some(())
        })
        .is_some();
    }
    if n.kind() != "call_expression" {
        return false;
    }
    let Some(f) = n.child_by_field_id(FIELD.function) else {
        return false;
    };
    let skip = if is_pkg_member(cx, f, "os/exec", "Command") {
        0
    } else if is_pkg_member(cx, f, "os/exec", "CommandContext") {
        1
    } else {
        return false;
    };
    let Some(args) = n.child_by_field_id(FIELD.arguments) else {
        return false;
    };
    let mut c = args.walk();
    let words: Vec<Option<&str>> = args
        .named_children(&mut c)
        .skip(skip)
        .map(|a| string_value(cx.src, a))
        .collect();
    words == [Some("uname"), Some("-m")]
}

/// `func machine() string`'s returns, all a machine value (or `""` on an error path).
fn returned_machine(cx: &FileSyntax<'_>, name: &str, depth: u32) -> Option<Machine> {
    let root = cx.tree.root_node();
    let mut c = root.walk();
    let f = root.named_children(&mut c).find(|d| {
        d.kind() == "function_declaration"
            && d.child_by_field_id(FIELD.name)
                .is_some_and(|n| text(n, cx.src) == name)
    })?;
    f.child_by_field_id(FIELD.parameters)
        .filter(|p| p.named_child_count() == 0)?;
    let body = f.child_by_field_id(FIELD.body)?;
    let mut found = None;
    let mut stack = vec![body];
    while let Some(x) = stack.pop() {
        let mut c = x.walk();
        stack.extend(
            x.named_children(&mut c)
                .filter(|k| k.kind() != "func_literal"),
        );
        if x.kind() != "return_statement" {
            continue;
        }
        let mut e = x.named_child(0)?;
        if e.kind() == "expression_list" {
            e = e.named_child(0)?;
        }
        if string_value(cx.src, e) == Some("") {
            continue;
        }
        let m = machine_depth(cx, e, depth)?;
        if found.is_some_and(|f| f != m) {
            return None;
        }
        found = Some(m);
    }
    found
}

enum Assigned<'t> {
    No,
    /// Assigned something this analysis does not follow (`+=`, a tuple from a call).
    Other,
    /// `var x string`: the zero value.
    Zero,
    Value(Node<'t>),
}

/// What statement `x` assigns to `name`, if anything.
fn assigned_value<'t>(cx: &FileSyntax<'_>, x: Node<'t>, name: &str) -> Assigned<'t> {
    let (lefts, rights): (Vec<Node<'t>>, Vec<Node<'t>>) = match x.kind() {
        "var_spec" => {
            let mut c = x.walk();
            let names: Vec<Node<'t>> = x.children_by_field_name("name", &mut c).collect();
            let values = x
                .child_by_field_id(FIELD.value)
                .map(|v| {
                    let mut c = v.walk();
                    v.named_children(&mut c).collect()
                })
                .unwrap_or_default();
            (names, values)
        }
        _ => {
            let (Some(l), Some(r)) = (
                x.child_by_field_id(FIELD.left),
                x.child_by_field_id(FIELD.right),
            ) else {
                return Assigned::No;
            };
            let mut c = l.walk();
            let lefts = l.named_children(&mut c).collect();
            let mut c = r.walk();
            let rights = r.named_children(&mut c).collect();
            (lefts, rights)
        }
    };
    let Some(i) = lefts
        .iter()
        .position(|l| l.kind() == "identifier" && text(*l, cx.src) == name)
    else {
        return Assigned::No;
    };
    if x.kind() == "assignment_statement"
        && x.child_by_field_id(FIELD.operator).map(|o| text(o, cx.src)) != Some("=")
    {
        return Assigned::Other;
    }
    if rights.is_empty() && x.kind() == "var_spec" {
        return Assigned::Zero;
    }
    if rights.len() == lefts.len() {
        return Assigned::Value(rights[i]);
    }
    // `v, ok := os.LookupEnv("GOARCH")`: the first result is the value.
    // `out, err := exec.Command("uname", "-m").Output()`: the same.
    if rights.len() == 1 && i == 0 && rights[0].kind() == "call_expression" {
        return Assigned::Value(rights[0]);
    }
    Assigned::Other
}

fn mentions_name(cx: &FileSyntax<'_>, n: Node<'_>, name: &str) -> bool {
    if n.kind() == "identifier" {
        return text(n, cx.src) == name;
    }
    let mut c = n.walk();
    let found = n
        .named_children(&mut c)
        .any(|ch| mentions_name(cx, ch, name));
    found
}

fn is_parameter(cx: &FileSyntax<'_>, func: Node<'_>, name: &str) -> bool {
    let mut lists = Vec::new();
    for field in [FIELD.parameters, FIELD.receiver, FIELD.result] {
        lists.extend(func.child_by_field_id(field));
    }
    lists.iter().any(|l| {
        let mut c = l.walk();
        let found = l.named_children(&mut c).any(|p| {
            let mut c2 = p.walk();
            let hit = p
                .children_by_field_name("name", &mut c2)
                .any(|n| text(n, cx.src) == name);
            hit
        });
        found
    })
}

/// The map literal `name` is defined with, in the function `at` is in or at the top level
/// of the file (unexported), with the scope that definition covers.
pub fn map_literal<'t>(
    cx: &FileSyntax<'t>,
    at: Node<'t>,
    name: &str,
) -> Option<(Node<'t>, Node<'t>)> {
    let scopes = [
        enclosing_function(cx, at),
        (!name.starts_with(|c: char| c.is_ascii_uppercase())).then(|| cx.tree.root_node()),
    ];
    for scope in scopes.into_iter().flatten() {
        let mut defs = Vec::new();
        let mut stack = vec![scope];
        while let Some(x) = stack.pop() {
            let mut c = x.walk();
            stack.extend(x.named_children(&mut c));
            if matches!(x.kind(), "short_var_declaration" | "var_spec") {
                if let Some(v) = defined_value(cx, x, name) {
                    defs.push(v);
                }
            }
        }
        if let [v] = defs[..] {
            let v = unparen(v);
            let is_map = v.kind() == "composite_literal"
                && v.child_by_field_id(FIELD.ty)
                    .is_some_and(|t| t.kind() == "map_type");
            return is_map.then_some((scope, v));
        }
        if !defs.is_empty() {
            return None;
        }
    }
    None
}

fn defined_value<'t>(cx: &FileSyntax<'t>, x: Node<'t>, name: &str) -> Option<Node<'t>> {
    let (names, values) = match x.kind() {
        "var_spec" => (x, x.child_by_field_id(FIELD.value)?),
        _ => (
            x.child_by_field_id(FIELD.left)?,
            x.child_by_field_id(FIELD.right)?,
        ),
    };
    let mut c = names.walk();
    let ids: Vec<Node<'t>> = names
        .named_children(&mut c)
        .filter(|n| n.kind() == "identifier")
        .collect();
    let i = ids.iter().position(|n| text(*n, cx.src) == name)?;
    values.named_child(u32::try_from(i).ok()?)
}

/// The keys of a map composite literal.
pub fn map_keys(lit: Node<'_>) -> Vec<Node<'_>> {
    let Some(body) = lit.child_by_field_id(FIELD.body) else {
        return vec![];
    };
    let mut c = body.walk();
    body.named_children(&mut c)
        .filter(|e| e.kind() == "keyed_element")
        .filter_map(|e| e.child_by_field_id(FIELD.key)?.named_child(0))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn foreign_names_map_to_known_go_names() {
        for (p, foreign, go) in FOREIGN_NAMES {
            assert!(p.is_known(go), "{go}");
            assert!(!p.is_known(foreign), "{foreign}");
        }
        assert_eq!(
            meant(Platform::Arch, "mipsel64"),
            Meant::Certain("mips64le")
        );
        assert_eq!(meant(Platform::Arch, "AMD64"), Meant::Certain("amd64"));
        assert_eq!(meant(Platform::Arch, "mips64lee"), Meant::Guess("mips64le"));
        assert_eq!(meant(Platform::Arch, "zzzz"), Meant::Unknown);
        // Fewer edits than characters typed: `"a"` means no name, `"ar"` may mean arm.
        assert_eq!(meant(Platform::Arch, "a"), Meant::Unknown);
        assert_eq!(meant(Platform::Arch, "ar"), Meant::Guess("arm"));
        assert_eq!(meant(Platform::Arch, "amd"), Meant::Guess("amd64"));
        assert_eq!(meant(Platform::Os, "l"), Meant::Unknown);
        assert_eq!(
            meant(Platform::Arch, "mipsel64n32"),
            Meant::Certain("mips64p32le")
        );
        assert_eq!(meant(Platform::Arch, "mips3l64n32"), Meant::Unknown);
        assert!(within_edits("mips64lee", "mips64le", 2));
        assert!(within_edits("aamd64", "amd64", 1));
        assert!(!within_edits("%s: %v", "amd64", 2));
        assert!(!within_edits("xyz", "arm", 2));
    }
}
