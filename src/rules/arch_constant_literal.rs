//! `arch-constant-literal`: a literal where a named constant is expected (socket type and
//! option, signal, ioctl request, open/fcntl/mmap flags, rlimit resource, sigprocmask
//! `how`, termios `Cc` index) whose value is the reference arch's constant and differs on a
//! target; and `const` declarations named after such a constant with the reference value.

#[path = "arch_constant_literal_fix.rs"]
mod fix;

use super::facts::per_arch_values;
use super::{Bodies, FileCtx, FixAvailability, Rule, RuleMeta, SourceView};
use crate::abi::table_source;
use crate::abi::values::const_value;
use crate::abi::{self, Package};
use crate::arch::{Arch, ArchSet};
use crate::finding::{Finding, Payload};
use crate::index::AbiImport;
use crate::index::{FileId, Index};
use crate::lexer::{ArgTokens, TopDecl};
use crate::syntax::calls::{
    strip_pointer_conversions, table_bindings, table_selector, trap_name, RAW_SYSCALL_FUNCS,
};
use crate::syntax::literals::{literal_parts, literal_value, Consts, Literal};
use crate::syntax::text;
use crate::syntax::tree::FIELD;
use std::sync::OnceLock;
use tree_sitter::Node;

pub struct ArchConstantLiteral;

pub(super) static META: RuleMeta = RuleMeta {
    id: "arch-constant-literal",
    summary: "a literal stands for a constant whose value differs on a target arch",
    doc: include_str!("../../rules/arch-constant-literal.md"),
    fix: FixAvailability::Sometimes,
    imports: Some(AbiImport::ExactOutsideTables),
    words: &[],
    fixer: Some(fix::attach),
};

/// What kind of constant an argument position expects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    SockType,
    SockLevel,
    SockOpt,
    Signal,
    Ioctl,
    OpenFlags,
    FcntlCmd,
    MmapFlags,
    EventfdFlags,
    InotifyFlags,
    Rlimit,
    SigHow,
    TermiosIndex,
}

impl Family {
    fn what(self) -> &'static str {
        match self {
            Family::SockType => "socket type",
            Family::SockLevel => "socket option level",
            Family::SockOpt => "socket option",
            Family::Signal => "signal",
            Family::Ioctl => "ioctl request",
            Family::OpenFlags => "open flags",
            Family::FcntlCmd => "fcntl command",
            Family::MmapFlags => "mmap flags",
            Family::EventfdFlags => "eventfd flags",
            Family::InotifyFlags => "inotify flags",
            Family::Rlimit => "rlimit resource",
            Family::SigHow => "sigprocmask `how`",
            Family::TermiosIndex => "termios `Cc` index",
        }
    }

    /// Flag families whose literals may be several constants or'ed together.
    fn is_flags(self) -> bool {
        matches!(
            self,
            Family::SockType
                | Family::OpenFlags
                | Family::MmapFlags
                | Family::EventfdFlags
                | Family::InotifyFlags
        )
    }

    /// Whether 0 is a meaningful member that differs by arch (`SIG_BLOCK`).
    fn zero_counts(self) -> bool {
        matches!(self, Family::SigHow)
    }

    fn has(self, name: &str, ty: &str) -> bool {
        let p = |x: &str| name.starts_with(x);
        // The family test first: it rejects nearly every name by its first bytes.
        let member = match self {
            Family::SockType => matches!(
                name,
                "SOCK_STREAM"
                    | "SOCK_DGRAM"
                    | "SOCK_RAW"
                    | "SOCK_RDM"
                    | "SOCK_SEQPACKET"
                    | "SOCK_DCCP"
                    | "SOCK_PACKET"
                    | "SOCK_NONBLOCK"
                    | "SOCK_CLOEXEC"
            ),
            Family::SockLevel => p("SOL_"),
            Family::SockOpt => p("SO_") && !p("SO_EE_") && !p("SO_VM_") && !p("SO_TIMESTAMPING_"),
            Family::Signal => {
                ty == "Signal" || (p("SIG") && !name.contains('_') && is_kernel_signal(name))
            }
            Family::Ioctl => [
                "TIOC", "TCGET", "TCSET", "TCFLSH", "TCXONC", "TCSBRK", "FIO",
            ]
            .iter()
            .any(|x| p(x)),
            Family::OpenFlags => p("O_"),
            Family::FcntlCmd => {
                p("F_")
                    && (name.contains("LK")
                        || name.contains("OWN")
                        || name.contains("SIG")
                        || name.contains("FD")
                        || name.contains("FL")
                        || name.contains("LEASE")
                        || name.contains("PIPE_SZ")
                        || name == "F_NOTIFY"
                        || name.ends_with("SEALS"))
                    && !p("F_SEAL_")
            }
            Family::MmapFlags => p("MAP_") && name != "MAP_TYPE" && name != "MAP_FILE",
            Family::EventfdFlags => p("EFD_"),
            Family::InotifyFlags => name == "IN_NONBLOCK" || name == "IN_CLOEXEC",
            Family::Rlimit => p("RLIMIT_"),
            Family::SigHow => matches!(name, "SIG_BLOCK" | "SIG_UNBLOCK" | "SIG_SETMASK"),
            Family::TermiosIndex => matches!(
                name,
                "VINTR"
                    | "VQUIT"
                    | "VERASE"
                    | "VKILL"
                    | "VEOF"
                    | "VTIME"
                    | "VMIN"
                    | "VSWTC"
                    | "VSTART"
                    | "VSTOP"
                    | "VSUSP"
                    | "VEOL"
                    | "VREPRINT"
                    | "VDISCARD"
                    | "VWERASE"
                    | "VLNEXT"
                    | "VEOL2"
            ),
        };
        member && !(name.contains("MASK") || name.contains("SHIFT") || name == "O_ACCMODE")
    }
}

fn is_kernel_signal(name: &str) -> bool {
    !matches!(name, "SIGSTKSZ" | "SIGRTMIN" | "SIGRTMAX")
}

/// Argument positions of wrapper functions: (function, argument index, family).
const WRAPPER_ARGS: &[(&str, usize, Family)] = &[
    ("Socket", 1, Family::SockType),
    ("Socketpair", 1, Family::SockType),
    ("Accept4", 1, Family::SockType),
    ("Kill", 1, Family::Signal),
    ("Tgkill", 2, Family::Signal),
    ("Tkill", 1, Family::Signal),
    ("PidfdSendSignal", 1, Family::Signal),
    ("Signal", 0, Family::Signal),
    ("Open", 1, Family::OpenFlags),
    ("Openat", 2, Family::OpenFlags),
    ("Pipe2", 1, Family::OpenFlags),
    ("Dup3", 2, Family::OpenFlags),
    ("Eventfd", 1, Family::EventfdFlags),
    ("InotifyInit1", 0, Family::InotifyFlags),
    ("FcntlInt", 1, Family::FcntlCmd),
    ("FcntlFlock", 1, Family::FcntlCmd),
    ("Mmap", 4, Family::MmapFlags),
    ("Getrlimit", 0, Family::Rlimit),
    ("Setrlimit", 0, Family::Rlimit),
    ("Prlimit", 1, Family::Rlimit),
    ("PthreadSigmask", 0, Family::SigHow),
];

/// Argument positions of raw syscalls (index among the arguments after the trap).
const RAW_ARGS: &[(&str, usize, Family)] = &[
    ("SYS_SOCKET", 1, Family::SockType),
    ("SYS_SOCKETPAIR", 1, Family::SockType),
    ("SYS_ACCEPT4", 3, Family::SockType),
    ("SYS_KILL", 1, Family::Signal),
    ("SYS_TKILL", 1, Family::Signal),
    ("SYS_TGKILL", 2, Family::Signal),
    ("SYS_IOCTL", 1, Family::Ioctl),
    ("SYS_OPEN", 1, Family::OpenFlags),
    ("SYS_OPENAT", 2, Family::OpenFlags),
    ("SYS_PIPE2", 1, Family::OpenFlags),
    ("SYS_DUP3", 2, Family::OpenFlags),
    ("SYS_EVENTFD2", 1, Family::EventfdFlags),
    ("SYS_INOTIFY_INIT1", 0, Family::InotifyFlags),
    ("SYS_FCNTL", 1, Family::FcntlCmd),
    ("SYS_MMAP", 3, Family::MmapFlags),
    ("SYS_GETRLIMIT", 0, Family::Rlimit),
    ("SYS_SETRLIMIT", 0, Family::Rlimit),
    ("SYS_PRLIMIT64", 1, Family::Rlimit),
    ("SYS_RT_SIGPROCMASK", 0, Family::SigHow),
    ("SYS_SETSOCKOPT", 1, Family::SockLevel),
    ("SYS_GETSOCKOPT", 1, Family::SockLevel),
];

impl Rule for ArchConstantLiteral {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// No parse unless the file builds for the reference and another target, and its
    /// tokens hold what `check` judges: a call `q.F(…)` with `q` an import of a table
    /// package and `F` a judged function (calls are only read in that form: not through a
    /// `.` import or a local wrapper) with a judged argument that may have a value `judge`
    /// reports ([`may_be_judged`]); a `Cc` beside a `Termios` (`t.Cc[i]` of a termios);
    /// or a `const` (any scope) named after a reference constant whose value differs on
    /// one of the file's targets.
    fn wants_source(&self, index: &Index, file: FileId, src: &SourceView<'_>) -> bool {
        let Some((reference, targets)) = index.reference_and_targets(file) else {
            return false;
        };
        if src.mentions("Termios") && src.mentions("Cc") && cc_index_may_be_literal(src.bytes()) {
            return true;
        }
        let bytes = src.bytes();
        let quals = table_bindings(index, file);
        // The byte skims first: most files asked about make no judged call of a table
        // package and declare no constant of a table's name; then no token is needed.
        // Each judged callee `q.F`, with the offset past its name.
        let mut callees: Vec<(&str, usize)> = Vec::new();
        if !quals.is_empty() {
            crate::lexer::skim::any_ident(bytes, |id| {
                if id.qualifier.is_some_and(|q| quals.iter().any(|x| x == q))
                    && is_judged_call(id.name)
                {
                    callees.push((id.name, id.at + id.name.len()));
                }
                false
            });
        }
        let calls = !callees.is_empty();
        // As `check_const_decls` reports: only a constant whose value differs on a target.
        let named = |n: &str| {
            const_decl_name(n).is_some_and(|norm| {
                const_value(reference, &norm).is_some_and(|value| {
                    differing_values(&norm, value, reference, targets)
                        .next()
                        .is_some()
                })
            })
        };
        let declares = || src.mentions("const") && crate::lexer::skim::any_const_name(bytes, named);
        if !calls && !declares() {
            return false;
        }
        // The file's constants (any scope), lexed once when first asked for.
        let consts = std::cell::OnceCell::new();
        let consts = || -> &[TopDecl] {
            consts.get_or_init(|| {
                if src.mentions("const") {
                    crate::lexer::const_decls(bytes)
                } else {
                    Vec::new()
                }
            })
        };
        // Only the calls the skim found are lexed (a superset of the selector calls a
        // token pass finds: the skim's qualifier is at least the lexer's).
        for (f, end) in callees {
            let args = crate::lexer::call_args_at(bytes, end);
            if args.is_some_and(|args| may_be_judged(f, bytes, &args, &quals, consts())) {
                return true;
            }
        }
        consts().iter().any(|d| named(&d.name))
    }

    /// A finding sits in a judged call `q.F(…)` of a table import (the selector's
    /// declaration, a newline before the `.` included: tree-sitter may join the lines), in
    /// a `x.Cc[i]` (whose termios `x` is declared in the same function), or in a `const`
    /// spec. Values are read through the file's constants (`FileScan::consts`: every
    /// scope, a name declared twice unknown), so every declaration with a `const` is held:
    /// the constants are then the whole file's, and a name resolves as in a whole parse.
    fn bodies(&self, index: &Index, file: FileId, src: &[u8]) -> Bodies {
        Bodies::Holding(site_offsets(src, &table_bindings(index, file)))
    }

    /// Its check reads the file's calls, constants and `Cc` indexes (`FileScan`): its
    /// offsets hold every one it reads, and every declaration with a `const` (a constant
    /// left out would change which value a name has).
    fn reads_held_only(&self) -> bool {
        true
    }

    fn check(&self, cx: &FileCtx<'_>, out: &mut Vec<Finding>) {
        let targets = cx.targets();
        if targets.is_empty() || !cx.info().arches.contains(cx.index.reference) {
            return;
        }
        let scan = cx.syscall_scan();
        let consts = &scan.consts;
        let mut sites: Vec<(Node<'_>, Family, Package)> = Vec::new();
        for call in &scan.calls {
            let f = call.func.as_str();
            if call.is_raw_syscall() {
                let Some(&trap) = call.args.first() else {
                    continue;
                };
                let Some((name, _)) = trap_name(cx, consts, trap) else {
                    continue;
                };
                let rest = &call.args[1..];
                for (sys, i, fam) in RAW_ARGS {
                    if *sys == name {
                        if let Some(a) = rest.get(*i) {
                            sites.push((*a, *fam, call.pkg));
                        }
                    }
                }
                if name == "SYS_SETSOCKOPT" || name == "SYS_GETSOCKOPT" {
                    if let (Some(level), Some(opt)) = (rest.get(1), rest.get(2)) {
                        if is_sol_socket(cx, consts, *level) {
                            sites.push((*opt, Family::SockOpt, call.pkg));
                        }
                    }
                }
                if name == "SYS_FCNTL" {
                    if let (Some(cmd), Some(arg)) = (rest.get(1), rest.get(2)) {
                        if is_named_or_value(cx, consts, *cmd, "F_SETFL") {
                            sites.push((*arg, Family::OpenFlags, call.pkg));
                        }
                    }
                }
                continue;
            }
            if f.starts_with("Ioctl") {
                // Only where the signature says the argument is the request.
                let is_req = abi::table(cx.index.reference, call.pkg)
                    .func(f)
                    .and_then(|func| func.params.get(1))
                    .is_some_and(|p| p.name == "req" || p.name == "request");
                if let (true, Some(a)) = (is_req, call.args.get(1)) {
                    sites.push((*a, Family::Ioctl, call.pkg));
                }
                continue;
            }
            if f.starts_with("Setsockopt") || f.starts_with("Getsockopt") {
                if let (Some(level), Some(opt)) = (call.args.get(1), call.args.get(2)) {
                    sites.push((*level, Family::SockLevel, call.pkg));
                    if is_sol_socket(cx, consts, *level) {
                        sites.push((*opt, Family::SockOpt, call.pkg));
                    }
                }
                continue;
            }
            if f == "FcntlInt" {
                if let (Some(cmd), Some(arg)) = (call.args.get(1), call.args.get(2)) {
                    if is_named_or_value(cx, consts, *cmd, "F_SETFL") {
                        sites.push((*arg, Family::OpenFlags, call.pkg));
                    }
                }
            }
            for (func, i, fam) in WRAPPER_ARGS {
                if *func == f {
                    if let Some(a) = call.args.get(*i) {
                        sites.push((*a, *fam, call.pkg));
                    }
                }
            }
        }
        // Termios control-character indexes: `t.Cc[6]`.
        for n in &scan.cc_indexes {
            if let Some(i) = n.child_by_field_id(FIELD.index) {
                if is_termios(cx, *n) {
                    sites.push((i, Family::TermiosIndex, Package::Unix));
                }
            }
        }
        for (node, fam, pkg) in sites {
            for (part, lit) in literal_parts(cx, consts, node) {
                if let Some(f) = judge(cx, part, &lit, fam, pkg, targets) {
                    out.push(f);
                }
            }
        }
        check_const_decls(cx, &scan.const_specs, consts, targets, out);
    }
}

/// Whether some `x.Cc[…]` index may hold a literal the check judges: one not written
/// as a selector alone (`t.Cc[unix.VMIN]` names the constant, whose value is the
/// table's on every arch; a literal, a local constant or arithmetic may not be).
fn cc_index_may_be_literal(src: &[u8]) -> bool {
    let mut may = false;
    crate::lexer::for_each_ident_next(src, |name, selected, next, at| {
        if may || name != "Cc" || !selected || next != '[' {
            return;
        }
        let Some(open) = src[at..].iter().position(|&b| b == b'[').map(|i| at + i) else {
            may = true;
            return;
        };
        let Some(len) = src[open + 1..].iter().position(|&b| b == b']') else {
            may = true;
            return;
        };
        may = !is_selector_alone(&src[open + 1..open + 1 + len]);
    });
    may
}

/// `q.N` and nothing else (spaces aside): two identifiers joined by a dot.
fn is_selector_alone(text: &[u8]) -> bool {
    let ident = |w: &[u8]| {
        w.first()
            .is_some_and(|&c| c == b'_' || c.is_ascii_alphabetic())
            && w.iter().all(|&c| c == b'_' || c.is_ascii_alphanumeric())
    };
    let text = text.trim_ascii();
    match text.iter().position(|&b| b == b'.') {
        Some(dot) => ident(text[..dot].trim_ascii()) && ident(text[dot + 1..].trim_ascii()),
        None => false,
    }
}

/// Where a `const`, a `Cc` or a selector `q.F` of a judged function with `q` one of
/// `quals` (a newline before the `.` too) is: what holds every site `check` judges.
pub(super) fn site_offsets(src: &[u8], quals: &[String]) -> Vec<usize> {
    let mut at = crate::syntax::calls::call_site_offsets(src, quals, is_judged_call);
    at.extend(crate::lexer::code_word_offsets(src, "Cc"));
    at
}

/// Whether `check` reads the arguments of a call of table function `f`.
pub(super) fn is_judged_call(f: &str) -> bool {
    judged_args(f, None).0 != 0
}

/// Whether a call of table function `f` passes, in a position `check` judges, an argument
/// that may have a value `judge` reports. `literal_parts` reads numbers and the file's
/// constants (`consts`, any scope) alone; a zero is reported only where it is a member
/// (sigprocmask's `how`), and only `^` makes another number out of zeros. `args` are the
/// spans in `src` of its arguments ([`crate::lexer::for_each_selector_call`]).
fn may_be_judged(
    f: &str,
    src: &[u8],
    args: &[(usize, usize)],
    quals: &[String],
    consts: &[TopDecl],
) -> bool {
    let tokens = |(start, end): (usize, usize)| ArgTokens::of(&src[start..end]);
    let trap = match args.first() {
        Some(&t) if RAW_SYSCALL_FUNCS.contains(&f) => named_trap(&tokens(t), quals),
        _ => None,
    };
    let (judged, zero) = judged_args(f, trap);
    args.iter().enumerate().any(|(i, &a)| {
        // No position past the 64th is judged: no judged function takes that many.
        if i >= 64 || judged >> i & 1 == 0 {
            return false;
        }
        let a = tokens(a);
        let nonzero = |n: &&str| crate::lexer::parse_int(n) != Some(0);
        a.caret
            || a.names.iter().any(|n| consts.iter().any(|d| d.name == *n))
            || a.numbers.iter().any(|n| zero >> i & 1 == 1 || nonzero(n))
    })
}

/// The syscall a raw call's trap argument names plainly, `unix.SYS_IOCTL` (`trap_name`
/// reads nothing else from those tokens).
fn named_trap<'a>(trap: &ArgTokens<'a>, quals: &[String]) -> Option<&'a str> {
    match (&trap.names[..], &trap.selected[..]) {
        ([q], [name])
            if trap.numbers.is_empty()
                && !trap.caret
                && quals.iter().any(|x| x == q)
                && name.starts_with("SYS_") =>
        {
            Some(name)
        }
        _ => None,
    }
}

/// The arguments of a call of table function `f` that `check` judges, a bit per position,
/// and those where a zero counts: a raw syscall's after its trap (those of `trap` when the
/// call names it), a request, a level and option, a wrapper's.
fn judged_args(f: &str, trap: Option<&str>) -> (u64, u64) {
    let (mut at, mut zero) = (0u64, 0u64);
    let mut mark = |i: usize, fam: Family| {
        at |= 1 << i;
        if fam.zero_counts() {
            zero |= 1 << i;
        }
    };
    if RAW_SYSCALL_FUNCS.contains(&f) {
        for (sys, i, fam) in RAW_ARGS {
            if trap.is_none_or(|t| t == *sys) {
                mark(i + 1, *fam);
            }
        }
        // A socket option and fcntl's flags, read beside the level and the command.
        match trap {
            None => at = !1,
            Some("SYS_SETSOCKOPT" | "SYS_GETSOCKOPT" | "SYS_FCNTL") => at |= 1 << 3,
            Some(_) => {}
        }
        return (at, zero);
    }
    if f.starts_with("Ioctl") {
        mark(1, Family::Ioctl);
    } else if f.starts_with("Setsockopt") || f.starts_with("Getsockopt") {
        mark(1, Family::SockLevel);
        mark(2, Family::SockOpt);
    } else {
        if f == "FcntlInt" {
            mark(2, Family::OpenFlags);
        }
        for (w, i, fam) in WRAPPER_ARGS {
            if *w == f {
                mark(*i, *fam);
            }
        }
    }
    (at, zero)
}

/// Whether a level argument is `SOL_SOCKET` (named, or the reference arch's value).
fn is_sol_socket(cx: &FileCtx<'_>, consts: &Consts<'_>, node: Node<'_>) -> bool {
    is_named_or_value(cx, consts, node, "SOL_SOCKET")
}

fn is_named_or_value(cx: &FileCtx<'_>, consts: &Consts<'_>, node: Node<'_>, name: &str) -> bool {
    let node = strip_pointer_conversions(cx.src, node);
    if let Some((_, n)) = table_selector(cx, node, cx.src) {
        return n == name;
    }
    match literal_value(cx, consts, node) {
        Some(l) => const_value(cx.index.reference, name) == Some(l.value),
        None => false,
    }
}

/// The innermost node of a literal: conversions and parentheses stripped.
fn core<'t>(src: &[u8], mut n: Node<'t>) -> Node<'t> {
    for _ in 0..8 {
        match n.kind() {
            "parenthesized_expression" => match n.named_child(0) {
                Some(c) => n = c,
                None => break,
            },
            "call_expression" => {
                let args = crate::syntax::calls::call_args(n);
                if args.len() == 1 && !text(args[0], src).is_empty() {
                    n = args[0];
                } else {
                    break;
                }
            }
            _ => break,
        }
    }
    n
}

/// Family constants of `arch` (x/sys/unix, `syscall`, kernel macros), deduplicated by name.
fn family_consts(arch: Arch, fam: Family) -> &'static [(&'static str, i128)] {
    // Built once per arch and family: a scan asks for the same few thousands of times,
    // and each build reads every constant of three tables.
    static BUILT: OnceLock<Vec<OnceLock<FamilyConsts>>> = OnceLock::new();
    let cells = BUILT.get_or_init(|| {
        (0..Arch::ALL.len() * FAMILIES)
            .map(|_| OnceLock::new())
            .collect()
    });
    cells[arch.index() * FAMILIES + fam as usize].get_or_init(|| build_family_consts(arch, fam))
}

type FamilyConsts = Vec<(&'static str, i128)>;

/// Number of [`Family`] variants.
const FAMILIES: usize = Family::TermiosIndex as usize + 1;

fn build_family_consts(arch: Arch, fam: Family) -> Vec<(&'static str, i128)> {
    let mut v: Vec<(&'static str, i128)> = Vec::new();
    let tables = [
        Some(abi::table(arch, Package::Unix).consts),
        Some(abi::table(arch, Package::Syscall).consts),
        abi::kernel(arch).map(|k| k.consts),
    ];
    for list in tables.into_iter().flatten() {
        for c in list.iter() {
            if let Some(x) = c.value.as_int() {
                if fam.has(c.name, c.ty) {
                    v.push((c.name, x));
                }
            }
        }
    }
    // The first table naming a constant gives its value.
    v.sort_by_key(|(n, _)| *n);
    v.dedup_by_key(|(n, _)| *n);
    v.sort_unstable();
    v
}

/// Explain `value` with the reference arch's family constants: one exact match, or (for
/// flag families) a set of constants or'ed together that covers every bit.
fn explain(reference: Arch, fam: Family, value: i128) -> Option<Vec<&'static str>> {
    let consts = family_consts(reference, fam);
    let mut exact: Vec<&'static str> = consts
        .iter()
        .filter(|(_, v)| *v == value)
        .map(|(n, _)| *n)
        .collect();
    // Prefer the spelled-out alias: `MAP_ANONYMOUS` over `MAP_ANON`.
    exact.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    if !exact.is_empty() {
        return Some(exact);
    }
    if !fam.is_flags() || value <= 0 {
        return None;
    }
    let mut by_value: Vec<(i128, &'static str)> = consts
        .iter()
        .filter(|(_, v)| *v > 0)
        .map(|(n, v)| (*v, *n))
        .collect();
    by_value.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then(b.1.len().cmp(&a.1.len()))
            .then(a.1.cmp(b.1))
    });
    let mut rest = value;
    let mut parts = Vec::new();
    for (v, n) in by_value {
        if v & rest == v {
            rest &= !v;
            parts.push(n);
        }
        if rest == 0 {
            break;
        }
    }
    (rest == 0 && parts.len() > 1).then_some(parts)
}

fn judge(
    cx: &FileCtx<'_>,
    node: Node<'_>,
    lit: &Literal,
    fam: Family,
    pkg: Package,
    targets: ArchSet,
) -> Option<Finding> {
    let reference = cx.index.reference;
    if lit.value == 0 && !fam.zero_counts() {
        return None;
    }
    let names = explain(reference, fam, lit.value)?;
    // With an exact match, aliases (SIGIOT/SIGABRT) all name the same value: the literal
    // is wrong on an arch only when every alias differs there.
    let exact = names.len() == 1
        || names
            .iter()
            .all(|n| const_value(reference, n) == Some(lit.value));
    let primary: Vec<&'static str> = if exact { vec![names[0]] } else { names.clone() };
    let mut broken = ArchSet::EMPTY;
    let mut shown_values: Vec<(Arch, String)> = Vec::new();
    let mut wrong_names: Vec<&'static str> = Vec::new();
    for arch in targets.iter().filter(|a| *a != reference) {
        let differs = if exact {
            let vals: Vec<Option<i128>> = names.iter().map(|n| const_value(arch, n)).collect();
            vals.iter().all(|v| v.is_some()) && vals.iter().all(|v| *v != Some(lit.value))
        } else {
            names.iter().any(|n| {
                let r = const_value(reference, n);
                let t = const_value(arch, n);
                t.is_some() && t != r
            })
        };
        if !differs {
            continue;
        }
        broken.insert(arch);
        let shown: Vec<String> = primary
            .iter()
            .filter(|n| {
                let t = const_value(arch, n);
                t.is_some() && t != const_value(reference, n)
            })
            .map(|n| {
                if !wrong_names.contains(n) {
                    wrong_names.push(n);
                }
                format!(
                    "`{n}` = {}",
                    fmt_value(const_value(arch, n).unwrap_or_default())
                )
            })
            .collect();
        shown_values.push((arch, shown.join(", ")));
    }
    if broken.is_empty() {
        return None;
    }
    let label = primary.join("|");
    let core_node = core(cx.src, node);
    let shown = text(core_node, cx.src);
    // What the value means on the broken arches, when it is another constant there.
    let meanings: Vec<(Arch, String)> = broken
        .iter()
        .filter_map(|a| {
            let there: Vec<&str> = family_consts(a, fam)
                .iter()
                .filter(|(_, v)| *v == lit.value)
                .map(|(n, _)| *n)
                .collect();
            (!there.is_empty()).then(|| (a, format!("`{}`", there.join("`/`"))))
        })
        .collect();
    let message = if exact && !meanings.is_empty() && meanings.len() == broken.len() {
        let m = per_arch_values(&meanings);
        format!(
            "{} `{shown}` is `{label}` on {reference} but {m}",
            fam.what()
        )
    } else {
        format!(
            "{} `{shown}` is `{label}` on {reference}; {}",
            fam.what(),
            per_arch_values(&shown_values)
        )
    };
    let via = match lit.via.first() {
        Some(c) if c == shown => format!("`{c}` = {}; ", fmt_value(lit.value)),
        Some(c) => format!(
            "`{shown}` uses the constant `{c}` = {}; ",
            fmt_value(lit.value)
        ),
        None => String::new(),
    };
    let suggest = suggestion(cx, &wrong_names, pkg);
    // The fix replaces a plain literal (not one reached through a constant).
    let payload = if lit.via.is_empty() && core_node.kind() == "int_literal" {
        Payload::Constants {
            value: lit.value,
            names: primary.clone(),
            package: pkg,
        }
    } else {
        Payload::None
    };
    let fact = format!(
        "{via}{} on {reference}; {} ({}){suggest}",
        primary
            .iter()
            .map(|n| format!(
                "`{n}` = {}",
                fmt_value(const_value(reference, n).unwrap_or_default())
            ))
            .collect::<Vec<_>>()
            .join(", "),
        per_arch_values(&shown_values),
        sources(&primary, reference)
    );
    Some(
        cx.finding(META.id, core_node, broken, message, fact)
            .with_payload(payload),
    )
}

/// "; use `unix.SOCK_STREAM`" when every name exists for every arch the file builds for.
fn suggestion(cx: &FileCtx<'_>, names: &[&str], pkg: Package) -> String {
    if names.is_empty() {
        return String::new();
    }
    let arches = cx.info().arches;
    for p in [pkg, Package::Unix] {
        let ok = names.iter().all(|n| {
            arches
                .iter()
                .all(|a| abi::table(a, p).constant(n).is_some())
        });
        if ok {
            let q = p.name();
            let list: Vec<String> = names.iter().map(|n| format!("`{q}.{n}`")).collect();
            return format!("; use {}", list.join(" | "));
        }
    }
    String::new()
}

fn fmt_value(v: i128) -> String {
    abi::ConstValue::Int(v).to_string()
}

/// The table constant a `const` named `n` is named after (`_SOCK_STREAM` →
/// `SOCK_STREAM`): none for a syscall number (syscall-number-literal's) or a name
/// without letters.
fn const_decl_name(n: &str) -> Option<String> {
    let norm = n.trim_start_matches('_').to_ascii_uppercase();
    (!norm.starts_with("SYS_") && norm.contains(|c: char| c.is_ascii_alphabetic())).then_some(norm)
}

/// The targets other than `reference` whose tables give constant `norm` a value other
/// than `value`, with theirs.
fn differing_values(
    norm: &str,
    value: i128,
    reference: Arch,
    targets: ArchSet,
) -> impl Iterator<Item = (Arch, i128)> + '_ {
    targets
        .iter()
        .filter(move |a| *a != reference)
        .filter_map(move |a| Some((a, const_value(a, norm)?)))
        .filter(move |&(_, t)| t != value)
}

/// `const TIOCGWINSZ = 0x5413`, `_SOCK_STREAM = 1`, `sigchld = 17` with the reference
/// value, in a file that builds for a target where the constant differs.
fn check_const_decls(
    cx: &FileCtx<'_>,
    specs: &[Node<'_>],
    consts: &Consts<'_>,
    targets: ArchSet,
    out: &mut Vec<Finding>,
) {
    let reference = cx.index.reference;
    for &spec in specs {
        let mut c = spec.walk();
        let names: Vec<Node<'_>> = spec
            .children_by_field_name("name", &mut c)
            .filter(|n| n.is_named())
            .collect();
        for name in names {
            let n = text(name, cx.src);
            let Some(norm) = const_decl_name(n) else {
                continue;
            };
            let Some(value) = consts.get(n) else { continue };
            let Some(lit) = literal_value(cx, consts, value) else {
                continue;
            };
            if const_value(reference, &norm) != Some(lit.value) {
                continue;
            }
            let mut broken = ArchSet::EMPTY;
            let mut values = Vec::new();
            for (arch, t) in differing_values(&norm, lit.value, reference, targets) {
                broken.insert(arch);
                values.push((arch, fmt_value(t)));
            }
            if broken.is_empty() {
                continue;
            }
            let suggest = suggestion(cx, &[&norm], Package::Unix);
            out.push(
                cx.finding(
                    META.id,
                    value,
                    broken,
                    format!(
                    "`{n}` is {reference}'s `{norm}` ({}), but this file also builds for {broken}",
                    fmt_value(lit.value)
                ),
                    format!(
                        "`{norm}` is {} on {reference}; {} ({}){suggest}",
                        fmt_value(lit.value),
                        per_arch_values(&values),
                        sources(&[norm.as_str()], reference)
                    ),
                )
                .with_payload(Payload::ConstDecl { name: norm }),
            );
        }
    }
}

/// Where the values of `names` come from: x/sys (or `syscall`), plus the kernel tables for
/// macros x/sys lacks.
fn sources(names: &[&str], reference: Arch) -> String {
    let in_go = |n: &&str| {
        abi::table(reference, Package::Unix).constant(n).is_some()
            || abi::table(reference, Package::Syscall)
                .constant(n)
                .is_some()
    };
    if names.iter().all(in_go) {
        table_source(Package::Unix).to_string()
    } else {
        format!(
            "{}; {}",
            table_source(Package::Unix),
            crate::abi::values::kernel_source()
        )
    }
}

/// Whether `x.Cc[i]` indexes a `Termios` of `syscall` or x/sys/unix: `x` is declared as
/// one (`var t unix.Termios`, a `*unix.Termios` parameter, `unix.IoctlGetTermios(…)`).
fn is_termios(cx: &FileCtx<'_>, index_expr: Node<'_>) -> bool {
    let Some(sel) = index_expr.child_by_field_id(FIELD.operand) else {
        return false;
    };
    let Some(op) = sel.child_by_field_id(FIELD.operand) else {
        return false;
    };
    if op.kind() != "identifier" {
        return false;
    }
    match crate::syntax::locals::var_type(cx.src, index_expr, text(op, cx.src)) {
        Some(crate::syntax::locals::TypeName::Qualified(q, t)) => {
            t == "Termios" && crate::syntax::calls::table_package(cx, &q).is_some()
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Only `Cc` indexes written as a selector alone are known to hold no literal.
    #[test]
    fn cc_indexes_written_as_selectors_hold_no_literal() {
        let may = |src: &str| cc_index_may_be_literal(src.as_bytes());
        assert!(!may("t.Cc[unix.VMIN] = 1\nt.Cc[ syscall.VTIME ] = 0\n"));
        assert!(!may("// t.Cc[6] = 1\ncc := \"t.Cc[6]\"\n"));
        for src in [
            "t.Cc[6] = 1",
            "t.Cc[vmin] = 1",
            "t.Cc[unix.VMIN+1] = 1",
            "t.Cc[idx[0]] = 1",
            "t.Cc[unix.VMIN] = 1\nt.Cc[x.y.z] = 0",
        ] {
            assert!(may(src), "{src}");
        }
    }

    #[test]
    fn explains_reference_values_by_family() {
        let a = Arch::Amd64;
        assert_eq!(explain(a, Family::SockType, 1), Some(vec!["SOCK_STREAM"]));
        assert_eq!(explain(a, Family::Signal, 10), Some(vec!["SIGUSR1"]));
        assert_eq!(
            explain(a, Family::MmapFlags, 0x22),
            Some(vec!["MAP_ANONYMOUS", "MAP_PRIVATE"])
        );
        assert_eq!(
            explain(a, Family::OpenFlags, 0x802),
            Some(vec!["O_NONBLOCK", "O_RDWR"])
        );
        assert_eq!(explain(a, Family::Ioctl, 0x5413), Some(vec!["TIOCGWINSZ"]));
        // FIONREAD comes from the kernel tables (x/sys 0.3.0 lacks it).
        assert!(explain(a, Family::Ioctl, 0x541b)
            .unwrap()
            .contains(&"FIONREAD"));
        // Not every value is a member: a signal family has no 0x800.
        assert_eq!(explain(a, Family::Signal, 0x800), None);
        // Bits no flag explains leave the literal alone.
        assert_eq!(explain(a, Family::MmapFlags, 0x7000_0000_0000), None);
    }

    #[test]
    fn mips_values_differ() {
        assert_eq!(const_value(Arch::Mips64le, "SOCK_STREAM"), Some(2));
        assert_eq!(const_value(Arch::Mips64le, "SIGUSR1"), Some(16));
        assert_eq!(const_value(Arch::Mips64le, "FIONREAD"), Some(0x467f));
    }
}
