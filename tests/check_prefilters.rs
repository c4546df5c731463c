//! The token prefilters (`Rule::plan_source`, by default `Rule::wants_source`) only save
//! parses: a scan that parses every file the header tests keep
//! (`ScanOptions::skip_token_prefilters`) finds exactly the same, over every corpus case
//! and over a sample of Debian's Go tree.

use abiport::arch::{Arch, ArchSet};
use abiport::finding::Finding;
use abiport::scan::{analyze, ScanOptions, ScanOutput};

/// What a finding says, where, for which arches and cgo settings.
type Key = (String, String, usize, usize, String, String, String);

fn keys(findings: &[Finding]) -> Vec<Key> {
    let mut v: Vec<Key> = findings
        .iter()
        .map(|f| {
            (
                f.rule.to_string(),
                f.path.clone(),
                f.span.line,
                f.span.column,
                f.arches.to_string(),
                format!("{:?}", f.configs),
                f.message.clone(),
            )
        })
        .collect();
    v.sort();
    v
}

/// The findings with and without the prefilters, and the files parsed each way.
fn both_ways(opts: &ScanOptions) -> ((Vec<Key>, usize), (Vec<Key>, usize)) {
    as_is_and_switched(
        opts,
        |o| o.skip_token_prefilters = true,
        |out| (keys(&out.findings), out.stats.parsed_files),
    )
}

/// `measure` of a scan with `opts`, and of one with `switch` applied to them.
fn as_is_and_switched<T>(
    opts: &ScanOptions,
    switch: fn(&mut ScanOptions),
    measure: fn(&ScanOutput) -> T,
) -> (T, T) {
    let mut switched = opts.clone();
    switch(&mut switched);
    let run = |o: &ScanOptions| measure(&analyze(o).expect("scan"));
    (run(opts), run(&switched))
}

#[test]
fn corpus_findings_are_the_same_without_prefilters() {
    let mut fewer_parses = 0;
    for (rule, case) in crate::corpus::cases() {
        let opts = crate::corpus::scan_options(&crate::corpus::case_argv(&rule, &case));
        let ((with, parsed_with), (without, parsed_without)) = both_ways(&opts);
        assert_eq!(with, without, "{}", case.display());
        assert!(parsed_with <= parsed_without, "{}", case.display());
        if parsed_with < parsed_without {
            fewer_parses += 1;
        }
    }
    // The prefilters do cut parses in the corpus (its negatives), so the comparison
    // compares something.
    assert!(fewer_parses > 10, "only {fewer_parses} cases parse less");
}

/// Projects of Debian's tree with findings of most Go rules (go-sysconf's and ebpf's
/// undefined names, containerd's `mipsel64`, runc's syscalls), x/sys itself (the copies
/// abi-struct-drift compares, the assembly missing-asm reads) and bbolt's struct fields.
const DEBIAN_SAMPLE: &[&str] = &[
    "github.com/tklauser",
    "github.com/cilium/ebpf",
    "github.com/containerd/containerd",
    "github.com/opencontainers/runc",
    "github.com/shirou/gopsutil",
    "go.etcd.io/bbolt",
    "golang.org/x/sys",
];

#[test]
fn debian_sample_findings_are_the_same_without_prefilters() {
    let Some(tree) = crate::util::debian_go_tree("golang.org/x/sys/unix") else {
        return;
    };
    for dir in DEBIAN_SAMPLE {
        let opts = ScanOptions::new(tree.join(dir), ArchSet::ALL, Arch::Amd64);
        let ((with, parsed_with), (without, parsed_without)) = both_ways(&opts);
        assert_eq!(with, without, "{dir}");
        assert!(parsed_with < parsed_without, "{dir}: {parsed_with} parsed");
    }
}

/// The token tests keep every file of these cases with a finding and
/// drop the others. struct-field-width: a field selected from a call result, or from the
/// result of another package's func or method that names no table struct, literals of
/// local aliases and defined types, positional or from another package, a struct declared
/// per arch in a dependency, a field promoted from a type embedded per arch; dropped:
/// methods named like varying fields (`fi.Size()`), a func field called, declarations
/// alone, functions returning a table struct (`func now() unix.Timespec {`), a varying
/// field's name selected in a file that names nothing leading to a table struct with that
/// field (`Index::reach`), fields converted where they are selected (`uint64(st.Rdev)`),
/// empty literals and slice literals of such structs, keyed literals of a struct declared
/// per arch whose keys are fields written alike in each declaration, an unqualified
/// literal of the package's own type named like an imported package's, a file that builds
/// for a target alone; constants assigned to fields or compared with them (literals, an
/// untyped constant of x/sys), fields printed, measured, selected from, ranged over or
/// incremented, literals whose values are constants, a literal of `os.ProcAttr` (kept: a
/// field compared with a sum holding a variable, printed in a sum, given to a function
/// with a typed parameter, assigned a variable). undefined-on-arch's members: a member selected from another
/// package's helper's result is kept, one of the tree's own struct dropped; its names: a
/// use is kept only where it can break (dropped: a name declared for every arch the file
/// builds for, a name only the package's tests declare used from a test, a syscall number
/// the file's arch has; the files declaring the name; and, not parsed though it has a
/// finding, a file whose tokens place every use of its candidates, `Rule::judge_tokens`).
/// abi-struct-drift: a copy's
/// `ztypes`/`zsysnum` files are kept when a struct or number drifts, or when the lexer
/// cannot tell (a number written as a sum), dropped when their lexed declarations agree
/// with the tables (a struct through a type another file declares, or one the lexer
/// cannot lay out on an arch, where the check gives up too); a file selecting only
/// `SYS_*` names the copy declares for every arch the file builds for is dropped. epoll-event-layout:
/// files built for one arch, whose x86 layout nothing compares, are dropped. The raw
/// syscall rules keep a raw call's trap written as a number or through the file's
/// constants (under an import alias, over several lines), a per-arch table of two
/// entries, a `const` named after a syscall; a sigset size through a constant, a 64-bit
/// offset behind a numbered trap; a mirror's element address, a request through a
/// constant. Dropped: named traps, traps of variables, of another file's or package's
/// constants, `SyscallConn`, one arch key, syscalls with no arch-dependent convention, a
/// stat buffer of bytes, a request chosen at run time, no `&x`, no struct declared.
/// arch-allowlist: a check is kept through a local holding GOARCH, helpers (two deep)
/// returning the condition or the machine, a table defined in another declaration, `os.Getenv("GOARCH")`; dropped: GOARCH
/// printed or given to other calls, an arch name never compared or looked up, a table
/// looked up where nothing refuses, `Uname` read for the release, GOARCH in comments, a
/// check that only warns. arch-keyed-table: the reference as the first of a case's
/// labels, a key in backquotes, a size given through a constant; dropped: the reference's
/// name as an argument, a field's value, an operand of `==`, in comments.
/// arch-constant-literal: a judged argument given through a constant of the file, or'ed
/// with a named constant, a raw trap through a constant, sigprocmask's zero `how`;
/// dropped: named constants, parameters and variables in judged positions, numbers in
/// others (a raw write's length), zeros where no zero is a member, constants named after
/// the tables' whose values are the same on every arch judged, termios `Cc` indexes that
/// are named constants alone.
#[test]
fn token_test_edges_are_kept_and_the_rest_dropped() {
    for (rule, case, dropped) in [
        ("struct-field-width", "token-edges", 6),
        ("struct-field-width", "per-arch-struct", 4),
        ("struct-field-width", "adapting-uses", 4),
        ("struct-field-width", "constant-uses", 3),
        ("undefined-on-arch", "members", 3),
        ("undefined-on-arch", "judged-names", 7),
        ("impossible-goarch", "dead-branches", 2),
        ("abi-struct-drift", "lexed-tables", 5),
        ("abi-struct-drift", "partial-bodies", 4),
        ("epoll-event-layout", "one-arch-files", 2),
        ("syscall-number-literal", "judged-traps", 3),
        ("raw-syscall-abi", "judged-calls", 2),
        ("kernel-struct-mirror", "judged-calls", 2),
        ("arch-allowlist", "judged-checks", 4),
        ("arch-keyed-table", "table-keys", 2),
        ("arch-constant-literal", "judged-arguments", 4),
    ] {
        let dir = crate::corpus::corpus_root().join(rule).join(case);
        let opts = crate::corpus::scan_options(&crate::corpus::case_argv(rule, &dir));
        let ((with, parsed_with), (without, parsed_without)) = both_ways(&opts);
        assert_eq!(with, without, "{case}");
        assert!(!with.is_empty(), "{case}");
        assert_eq!(parsed_without - parsed_with, dropped, "{case}");
    }
}

/// What a finding says and where (as [`keys`]), its fact (arch-allowlist's names the
/// callers it read in other functions), its fingerprint and its fix.
fn full_keys(findings: &[Finding]) -> Vec<(Key, String, Option<String>, String)> {
    let mut v: Vec<(Key, String, Option<String>, String)> = findings
        .iter()
        .map(|f| {
            (
                keys(std::slice::from_ref(f)).remove(0),
                f.fact.clone(),
                f.fingerprint(),
                format!("{:?}", f.fix),
            )
        })
        .collect();
    v.sort();
    v
}

/// The findings (with fixes and fingerprints) and the bytes tree-sitter read, with the
/// function bodies no rule reads left out of the parse (`Rule::bodies`) and without.
type Partial = (Vec<(Key, String, Option<String>, String)>, u64);

fn partial_and_whole(opts: &ScanOptions) -> (Partial, Partial) {
    as_is_and_switched(
        opts,
        |o| o.whole_files = true,
        |out| {
            let parsed: u64 = out
                .stats
                .phases
                .iter()
                .filter(|p| p.cpu && p.name.trim_start().starts_with("parse"))
                .map(|p| p.bytes)
                .sum();
            (full_keys(&out.findings), parsed)
        },
    )
}

/// Partial parses only save parsing: every corpus case finds, fixes and fingerprints the
/// same as with every file parsed whole (the `partial-bodies` cases put findings in
/// methods, closures, generic functions, `init`, package-level func literals and
/// signatures, beside bodies left out), and some cases do leave bodies out.
#[test]
fn corpus_findings_are_the_same_with_whole_files() {
    let mut fewer_bytes = 0;
    for (rule, case) in crate::corpus::cases() {
        let opts = crate::corpus::scan_options(&crate::corpus::case_argv(&rule, &case));
        let ((partial, bytes), (whole, whole_bytes)) = partial_and_whole(&opts);
        assert_eq!(partial, whole, "{}", case.display());
        if bytes < whole_bytes {
            fewer_bytes += 1;
        }
    }
    assert!(fewer_bytes > 3, "only {fewer_bytes} cases parse less");
}

/// The same over Debian's sample, where partial parses read far fewer bytes.
#[test]
fn debian_sample_findings_are_the_same_with_whole_files() {
    let Some(tree) = crate::util::debian_go_tree("golang.org/x/sys/unix") else {
        return;
    };
    let (mut read, mut read_whole) = (0, 0);
    for dir in DEBIAN_SAMPLE {
        let opts = ScanOptions::new(tree.join(dir), ArchSet::ALL, Arch::Amd64);
        let ((partial, bytes), (whole, whole_bytes)) = partial_and_whole(&opts);
        assert_eq!(partial, whole, "{dir}");
        assert!(bytes <= whole_bytes, "{dir}");
        read += bytes;
        read_whole += whole_bytes;
    }
    assert!(read * 10 < read_whole * 9, "{read} of {read_whole} bytes");
}

/// The `partial-bodies` cases of the rules that opt into partial parses: findings in
/// methods, closures, generic functions, package-level func literals and tables, and
/// signatures, with constants declared in another function as well as at package level
/// (the syscall scan reads constants of every scope: a declaration left out would change
/// which value a name has); for the rules whose check reads across declarations, a map
/// looked up or ranged over in another function, defined again in a third, a helper
/// returning the condition or the machine, a list given to `contains`, the callers the
/// fact names. Each case finds something (facts included), the same with every file parsed
/// whole, and does leave a body out.
#[test]
fn partial_bodies_cases_find_the_same_and_leave_bodies_out() {
    for (rule, at_least) in [
        ("abi-struct-drift", 4),
        ("arch-keyed-table", 4),
        ("arch-constant-literal", 4),
        ("struct-field-width", 4),
        ("undefined-on-arch", 4),
        ("impossible-goarch", 6),
        ("arch-allowlist", 6),
        ("raw-syscall-abi", 4),
        ("kernel-struct-mirror", 4),
        ("syscall-number-literal", 6),
    ] {
        let dir = crate::corpus::corpus_root()
            .join(rule)
            .join("partial-bodies");
        let opts = crate::corpus::scan_options(&crate::corpus::case_argv(rule, &dir));
        let ((partial, bytes), (whole, whole_bytes)) = partial_and_whole(&opts);
        assert_eq!(partial, whole, "{rule}");
        assert!(
            partial.len() >= at_least,
            "{rule}: {} findings",
            partial.len()
        );
        assert!(
            bytes < whole_bytes,
            "{rule}: {bytes} of {whole_bytes} bytes"
        );
    }
}
