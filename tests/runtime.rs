//! Runtime proof for the runtime ABI rules (issue 5): corpus programs built with
//! `GOARCH=mips64le` and run under `qemu-mips64el` show the misbehaviour, the same programs
//! built for amd64 and run natively behave correctly, and abiport flags the responsible
//! line for mips64le (and not for amd64). Each program also does the same thing the right
//! way (named constant, generated type, wrapper) and that line must read the same on both
//! arches: the fixed code works.
//!
//! Where the fix issue gives the flagged lines a safe fix, `abiport fix` is applied to a copy
//! of the program with `git apply`, and the fixed program, rebuilt for mips64le and run under
//! qemu, prints what amd64 prints on the lines that were wrong.
//!
//! In CI (env `CI` set) a missing `go`, `git` or `qemu-mips64el` fails the test, naming the
//! Debian package; locally the tests are skipped with a note.

use crate::compiler::buildable_copy;
use crate::corpus::{corpus_root, scan_case};
use crate::fix::{case_args, git, has_fix};
use crate::util::{abiport, require_tool};
use abiport::arch::Arch;
use abiport::finding::Applicability;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The corpus programs, as `<rule-id>/<case>`.
const PROGRAMS: &[&str] = &[
    "abi-struct-drift/epoll-wrong-fd",
    "arch-constant-literal/socket-signal",
    "kernel-struct-mirror/epoll-event",
    "kernel-struct-mirror/epoll-pad",
    "raw-syscall-abi/stat-pipe-sigset",
    "syscall-number-literal/x86-numbers",
];

/// Output of one program on each arch.
struct Run {
    amd64: Option<String>,
    mips64le: String,
    /// Only for the syscall-number program: where x86-64's numbers hit other syscalls.
    arm64: Option<String>,
}

/// Build every program once per arch and run it; `None` when the tools are missing
/// locally. Shared by every test of this module.
fn runs() -> Option<&'static HashMap<&'static str, Run>> {
    static RUNS: OnceLock<Option<HashMap<&'static str, Run>>> = OnceLock::new();
    RUNS.get_or_init(|| {
        if !require_tool("go", "golang-go") || !require_tool("qemu-mips64el", "qemu-user") {
            return None;
        }
        let dir = tempfile::tempdir().expect("temp dir");
        let native = cfg!(target_arch = "x86_64");
        let mut out = HashMap::new();
        for &prog in PROGRAMS {
            let src = corpus_root().join(prog);
            let name = prog.replace('/', "_");
            let mips = dir.path().join(format!("{name}.mips64le"));
            build(&src, "mips64le", &mips);
            let mips64le = run(Command::new("qemu-mips64el").arg(&mips));
            let amd64 = native.then(|| {
                let bin = dir.path().join(format!("{name}.amd64"));
                build(&src, "amd64", &bin);
                run(&mut Command::new(&bin))
            });
            let arm64 = (prog == NUMBERS && require_tool("qemu-aarch64", "qemu-user")).then(|| {
                let bin = dir.path().join(format!("{name}.arm64"));
                build(&src, "arm64", &bin);
                run(Command::new("qemu-aarch64").arg(&bin))
            });
            out.insert(
                prog,
                Run {
                    amd64,
                    mips64le,
                    arm64,
                },
            );
        }
        Some(out)
    })
    .as_ref()
}

fn build(src: &Path, arch: &str, out: &Path) {
    let o = Command::new("go")
        .args(["build", "-o"])
        .arg(out)
        .arg(".")
        .current_dir(src)
        .env("GOOS", "linux")
        .env("GOARCH", arch)
        .env("CGO_ENABLED", "0")
        .env("GOPROXY", "off")
        .env("GOWORK", "off")
        .env("GO111MODULE", "on")
        .env("GOTOOLCHAIN", "local")
        .env(
            "GOFLAGS",
            if src.join("vendor").is_dir() {
                "-mod=vendor"
            } else {
                "-mod=mod"
            },
        )
        .output()
        .expect("run go build");
    assert!(
        o.status.success(),
        "GOARCH={arch} go build in {} failed:\n{}",
        src.display(),
        String::from_utf8_lossy(&o.stderr)
    );
}

fn run(cmd: &mut Command) -> String {
    let o = cmd.output().expect("run program");
    assert!(
        o.status.success(),
        "{cmd:?} exited with {}:\n{}{}",
        o.status,
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The line of the program's output that starts with `key`.
fn line<'a>(output: &'a str, key: &str) -> &'a str {
    output
        .lines()
        .find(|l| l.starts_with(key))
        .unwrap_or_else(|| panic!("no `{key}` line in output:\n{output}"))
}

/// Assert `key`'s line reads `amd64` natively and `mips64le` under qemu.
fn assert_behaviour(prog: &str, key: &str, amd64: &str, mips64le: &str) {
    let Some(runs) = runs() else { return };
    let r = &runs[prog];
    assert_eq!(line(&r.mips64le, key), mips64le, "{prog} on mips64le");
    if let Some(out) = &r.amd64 {
        assert_eq!(line(out, key), amd64, "{prog} on amd64");
    }
}

/// 1-based line of `file` in the case that contains `snippet` (exactly one).
fn source_line(prog: &str, file: &str, snippet: &str) -> usize {
    let text = std::fs::read_to_string(corpus_root().join(prog).join(file)).unwrap();
    let hits: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains(snippet))
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(hits.len(), 1, "`{snippet}` in {prog}/{file}: {hits:?}");
    hits[0]
}

/// abiport reports `snippet`'s line for mips64le, and not for amd64.
fn assert_flagged(prog: &str, file: &str, snippet: &str) {
    let rule = prog.split('/').next().unwrap();
    let line = source_line(prog, file, snippet);
    let case: PathBuf = corpus_root().join(prog);
    let findings = scan_case(rule, &case);
    let here: Vec<_> = findings
        .iter()
        .filter(|f| f.path == file && f.span.line == line)
        .collect();
    assert!(
        here.iter().any(|f| f.arches.contains(Arch::Mips64le)),
        "{rule} does not flag {prog}/{file}:{line} for mips64le"
    );
    assert!(
        here.iter().all(|f| !f.arches.contains(Arch::Amd64)),
        "{rule} flags {prog}/{file}:{line} for amd64, where it works"
    );
}

const SOCKET: &str = "arch-constant-literal/socket-signal";

#[test]
fn socketpair_of_type_1_is_a_datagram_pair_on_mips64le() {
    assert_behaviour(
        SOCKET,
        "socketpair(1):",
        "socketpair(1): stream",
        "socketpair(1): datagram",
    );
    assert_behaviour(
        SOCKET,
        "socketpair(SOCK_STREAM):",
        "socketpair(SOCK_STREAM): stream",
        "socketpair(SOCK_STREAM): stream",
    );
    assert_flagged(
        SOCKET,
        "main.go",
        "syscall.Socketpair(syscall.AF_UNIX, 1, 0)",
    );
}

#[test]
fn amd64_sol_socket_and_o_nonblock_are_rejected_on_mips64le() {
    assert_behaviour(
        SOCKET,
        "setsockopt(1, 2):",
        "setsockopt(1, 2): ok",
        "setsockopt(1, 2): protocol not available (99)",
    );
    assert_flagged(SOCKET, "main.go", "SetsockoptInt(fds[0], 1, 2, 1)");
    assert_behaviour(
        SOCKET,
        "pipe2(0x800):",
        "pipe2(0x800): ok",
        "pipe2(0x800): invalid argument (22)",
    );
    assert_flagged(SOCKET, "main.go", "Pipe2(p[:], 0x800)");
}

#[test]
fn signal_10_is_sigbus_on_mips64le() {
    assert_behaviour(
        SOCKET,
        "signal 10:",
        "signal 10: user defined signal 1",
        "signal 10: bus error",
    );
    assert_flagged(SOCKET, "main.go", "syscall.Kill(os.Getpid(), 10)");
    assert_flagged(SOCKET, "main.go", "signal.Notify(c, syscall.Signal(10))");
}

const EPOLL: &str = "kernel-struct-mirror/epoll-event";

#[test]
fn twelve_byte_epoll_event_returns_the_wrong_fd_on_mips64le() {
    assert_behaviour(
        EPOLL,
        "mirror:",
        "mirror: events=1 fd-match=true",
        "mirror: events=1 fd-match=false",
    );
    assert_behaviour(
        EPOLL,
        "syscall.EpollEvent:",
        "syscall.EpollEvent: events=1 fd-match=true",
        "syscall.EpollEvent: events=1 fd-match=true",
    );
    assert_flagged(EPOLL, "main.go", "syscall.SYS_EPOLL_CTL");
    assert_flagged(EPOLL, "main.go", "syscall.SYS_EPOLL_PWAIT");
}

const DRIFT: &str = "abi-struct-drift/epoll-wrong-fd";

#[test]
fn vendored_epoll_event_without_pad_returns_the_wrong_fd_on_mips64le() {
    assert_behaviour(
        DRIFT,
        "vendored EpollEvent:",
        "vendored EpollEvent: events=1 fd-match=true",
        "vendored EpollEvent: events=1 fd-match=false",
    );
    // amd64's number is below n64's 5000 base: ENOSYS (89 on MIPS).
    assert_behaviour(
        DRIFT,
        "vendored SYS_GETPID:",
        "vendored SYS_GETPID: match=true errno=0",
        "vendored SYS_GETPID: match=false errno=89",
    );
    let ztypes = "vendor/golang.org/x/sys/unix/ztypes_linux_mips64le.go";
    assert_flagged(DRIFT, ztypes, "type EpollEvent struct");
    let zsysnum = "vendor/golang.org/x/sys/unix/zsysnum_linux_mips64le.go";
    assert_flagged(DRIFT, zsysnum, "SYS_GETPID");
}

const EPOLL_PAD: &str = "kernel-struct-mirror/epoll-pad";

#[test]
fn epoll_mirror_without_the_pad_returns_the_wrong_fd_on_mips64le() {
    assert_behaviour(
        EPOLL_PAD,
        "pad:",
        "pad: events=1 fd-match=true",
        "pad: events=1 fd-match=false",
    );
    assert_flagged(EPOLL_PAD, "epoll_other.go", "syscall.SYS_EPOLL_PWAIT");
}

const RAW: &str = "raw-syscall-abi/stat-pipe-sigset";

#[test]
fn raw_fstat_into_stat_t_is_garbage_on_mips64le() {
    assert_behaviour(
        RAW,
        "fstat:",
        "fstat: size-match=true blksize-match=true blocks-match=true",
        "fstat: size-match=true blksize-match=false blocks-match=false",
    );
    assert_flagged(RAW, "main.go", "syscall.SYS_FSTAT,");
}

#[test]
fn raw_pipe_leaves_the_array_untouched_on_mips64le() {
    assert_behaviour(
        RAW,
        "pipe:",
        "pipe: errno=0 array-filled=true",
        "pipe: errno=0 array-filled=false",
    );
    // The fds are in r1/r2 instead (the second raw pipe of the program).
    assert_behaviour(
        RAW,
        "pipe registers:",
        "pipe registers: fds-in-r1-r2=false",
        "pipe registers: fds-in-r1-r2=true",
    );
    assert_flagged(
        RAW,
        "main.go",
        "_, _, e := syscall.RawSyscall(syscall.SYS_PIPE,",
    );
    assert_flagged(
        RAW,
        "main.go",
        "r1, r2, _ := syscall.RawSyscall(syscall.SYS_PIPE,",
    );
}

#[test]
fn sigset_size_8_is_einval_on_mips64le() {
    assert_behaviour(
        RAW,
        "rt_sigprocmask(8):",
        "rt_sigprocmask(8): errno=0",
        "rt_sigprocmask(8): errno=22",
    );
    assert_flagged(RAW, "main.go", "uintptr(unsafe.Pointer(&set)), 8, 0, 0)");
}

const NUMBERS: &str = "syscall-number-literal/x86-numbers";

#[test]
fn x86_syscall_number_is_not_getpid_on_mips64le() {
    // 39 is below n64's 5000 base: ENOSYS (89 on MIPS) instead of the pid.
    assert_behaviour(
        NUMBERS,
        "raw39:",
        "raw39: match=true errno=0",
        "raw39: match=false errno=89",
    );
    assert_behaviour(NUMBERS, "named:", "named: match=true", "named: match=true");
    assert_flagged(NUMBERS, "main.go", "syscall.RawSyscall(39, 0, 0, 0)");
}

#[test]
fn x86_syscall_number_hits_umount2_on_arm64() {
    // On the generic table 39 is umount2: a real syscall runs (and fails on its NULL path),
    // neither getpid nor ENOSYS (38 there).
    let Some(runs) = runs() else { return };
    let Some(out) = &runs[NUMBERS].arm64 else {
        return;
    };
    let l = line(out, "raw39:");
    let errno: i64 = l.rsplit('=').next().unwrap().parse().unwrap();
    assert!(l.starts_with("raw39: match=false"), "{l}");
    assert!(errno != 0 && errno != 38, "{l}");
    assert_eq!(line(out, "named:"), "named: match=true");
    let findings = scan_case("syscall-number-literal", &corpus_root().join(NUMBERS));
    let at = source_line(NUMBERS, "main.go", "syscall.RawSyscall(39, 0, 0, 0)");
    let f = findings
        .iter()
        .find(|f| f.span.line == at && f.path == "main.go")
        .expect("finding");
    assert!(f.arches.contains(Arch::Arm64));
    assert!(f.fact.contains("`SYS_UMOUNT2` on arm64"), "{}", f.fact);
}

/// The programs whose flagged lines have safe fixes, with each wrong output line and what it
/// reads once fixed (amd64's line).
const FIXED: &[(&str, &[(&str, &str)])] = &[
    (
        DRIFT,
        &[
            (
                "vendored EpollEvent:",
                "vendored EpollEvent: events=1 fd-match=true",
            ),
            (
                "vendored SYS_GETPID:",
                "vendored SYS_GETPID: match=true errno=0",
            ),
        ],
    ),
    (
        SOCKET,
        &[
            ("socketpair(1):", "socketpair(1): stream"),
            ("setsockopt(1, 2):", "setsockopt(1, 2): ok"),
            ("pipe2(0x800):", "pipe2(0x800): ok"),
            ("signal 10:", "signal 10: user defined signal 1"),
        ],
    ),
    (EPOLL, &[("mirror:", "mirror: events=1 fd-match=true")]),
    (EPOLL_PAD, &[("pad:", "pad: events=1 fd-match=true")]),
    (
        RAW,
        &[
            (
                "fstat:",
                "fstat: size-match=true blksize-match=true blocks-match=true",
            ),
            ("pipe:", "pipe: errno=0 array-filled=true"),
        ],
    ),
    (NUMBERS, &[("raw39:", "raw39: match=true errno=0")]),
];

#[test]
fn fixed_programs_behave_like_amd64_on_mips64le() {
    let Some(runs) = runs() else { return };
    if !require_tool("git", "git") {
        return;
    }
    // Exactly these programs have safe fixes: a new fix for another program must be added here.
    let fixable: Vec<&str> = PROGRAMS
        .iter()
        .copied()
        .filter(|prog| {
            let rule = prog.split('/').next().unwrap();
            scan_case(rule, &corpus_root().join(prog))
                .iter()
                .any(|f| has_fix(f, Applicability::Safe))
        })
        .collect();
    let expected: Vec<&str> = FIXED.iter().map(|(p, _)| *p).collect();
    assert_eq!(fixable, expected, "runtime programs with safe fixes");

    let bins = tempfile::tempdir().expect("temp dir");
    for &(prog, lines) in FIXED {
        let rule = prog.split('/').next().unwrap();
        let case = corpus_root().join(prog);
        let copy = buildable_copy(&case);
        let fix = abiport()
            .arg("fix")
            .arg(copy.path())
            .args(case_args(rule, &case))
            .output()
            .expect("run abiport fix");
        assert_eq!(
            fix.status.code(),
            Some(1),
            "{prog}: fix with changes exits 1:\n{}",
            String::from_utf8_lossy(&fix.stderr)
        );
        let apply = git(copy.path(), &["apply", "-"], Some(&fix.stdout));
        assert!(
            apply.status.success(),
            "{prog}: git apply: {}",
            String::from_utf8_lossy(&apply.stderr)
        );
        let bin = bins.path().join(prog.replace('/', "_"));
        build(copy.path(), "mips64le", &bin);
        let fixed = run(Command::new("qemu-mips64el").arg(&bin));
        let r = &runs[prog];
        for &(key, want) in lines {
            let before = line(&r.mips64le, key);
            assert_ne!(
                before, want,
                "{prog}: `{key}` was already right on mips64le"
            );
            assert_eq!(line(&fixed, key), want, "{prog} fixed, on mips64le");
            if let Some(out) = &r.amd64 {
                assert_eq!(line(out, key), want, "{prog} on amd64");
            }
        }
    }
}
