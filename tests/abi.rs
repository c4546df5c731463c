//! The embedded ABI tables checked against ground truth: the Go compiler's real layouts
//! (probe binaries run under qemu-user), the kernel's UAPI headers (cross gcc), the
//! kernel's syscall numbers, and the generator itself (regenerate and diff).
//!
//! A missing tool fails the test when `CI` is set (naming the Debian package to install)
//! and skips it with a note otherwise.

use crate::util::{repo_root, run};
use abiport::abi::{kernel, table, ConstValue, Package, Struct};
use abiport::arch::Arch;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// Whether `tool` can be run; in CI its absence is a failure that names `package`.
fn have(tool: &str, package: &str) -> bool {
    let found = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).any(|d| d.join(tool).is_file()))
        .unwrap_or(false);
    if !found {
        if std::env::var_os("CI").is_some() {
            panic!("`{tool}` is missing: install the Debian package `{package}` (scripts/install-deps.sh)");
        }
        eprintln!("skipped: `{tool}` not found (Debian package `{package}`)");
    }
    found
}

fn output(cmd: &mut Command) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("running {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

fn pkg_named(name: &str) -> Package {
    match name {
        "unix" => Package::Unix,
        "syscall" => Package::Syscall,
        other => panic!("probe printed unknown package {other}"),
    }
}

/// The qemu-user binary that runs `arch`, or None where the host runs it natively.
fn qemu_for(arch: Arch) -> Option<&'static str> {
    Some(match arch {
        Arch::I386 | Arch::Amd64 => return None,
        Arch::Arm => "qemu-arm",
        Arch::Arm64 => "qemu-aarch64",
        Arch::Loong64 => "qemu-loongarch64",
        Arch::Mips => "qemu-mips",
        Arch::Mipsle => "qemu-mipsel",
        Arch::Mips64 => "qemu-mips64",
        Arch::Mips64le => "qemu-mips64el",
        Arch::Ppc64 => "qemu-ppc64",
        Arch::Ppc64le => "qemu-ppc64le",
        Arch::Riscv64 => "qemu-riscv64",
        Arch::S390x => "qemu-s390x",
    })
}

/// Builds `tests/fixtures/abi/layout-probe` for `arch`, runs it (qemu-user or natively;
/// 386 Go binaries crash under qemu-i386 but run on an x86-64 kernel) and returns its output.
fn run_layout_probe(arch: Arch) -> Option<String> {
    if !have("go", "golang-go") {
        return None;
    }
    let xsys = Path::new("/usr/share/gocode/src/golang.org/x/sys/unix");
    if !xsys.is_dir() {
        if std::env::var_os("CI").is_some() {
            panic!(
                "{} is missing: install `golang-golang-x-sys-dev`",
                xsys.display()
            );
        }
        eprintln!("skipped: no x/sys (golang-golang-x-sys-dev)");
        return None;
    }
    let qemu = qemu_for(arch);
    if let Some(q) = qemu {
        if !have(q, "qemu-user") {
            return None;
        }
    }
    // A copy: `go build -mod=mod` may rewrite go.mod, and the binary must not land in the repo.
    let dir = tempfile::tempdir().expect("tempdir");
    let src = repo_root().join("tests/fixtures/abi/layout-probe");
    for f in ["go.mod", "main.go"] {
        std::fs::copy(src.join(f), dir.path().join(f)).expect("copy probe");
    }
    let bin = dir.path().join("probe");
    output(
        Command::new("go")
            .args(["build", "-o"])
            .arg(&bin)
            .arg(".")
            .current_dir(dir.path())
            .env("GOOS", "linux")
            .env("GOARCH", arch.name())
            .env("CGO_ENABLED", "0")
            .env("GOPROXY", "off")
            .env("GOFLAGS", "-mod=mod")
            .env("GOTOOLCHAIN", "local"),
    );
    let mut cmd = match qemu {
        Some(q) => {
            let mut c = Command::new(q);
            c.arg(&bin);
            c
        }
        None => Command::new(&bin),
    };
    Some(output(&mut cmd))
}

fn struct_of(arch: Arch, pkg: &str, name: &str) -> &'static Struct {
    table(arch, pkg_named(pkg))
        .strukt(name)
        .unwrap_or_else(|| panic!("{arch}: {pkg}.{name} missing from the tables"))
}

/// Every number the probe printed must equal the embedded table's.
fn check_layouts(arch: Arch) {
    let Some(out) = run_layout_probe(arch) else {
        return;
    };
    let mut bad = Vec::new();
    let mut fields_seen: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut structs = 0;
    for line in out.lines() {
        let w: Vec<&str> = line.split_whitespace().collect();
        let num = |i: usize| -> u64 { w[i].parse().unwrap_or_else(|_| panic!("bad line {line}")) };
        match w.first().copied() {
            Some("struct") => {
                structs += 1;
                let s = struct_of(arch, w[1], w[2]);
                if (s.size, s.align) != (num(3), num(4)) {
                    bad.push(format!(
                        "{}.{}: Go size/align {}/{}, table {}/{}",
                        w[1], w[2], w[3], w[4], s.size, s.align
                    ));
                }
            }
            Some("field") => {
                let s = struct_of(arch, w[1], w[2]);
                let i = num(3) as usize;
                *fields_seen
                    .entry((w[1].to_string(), w[2].to_string()))
                    .or_default() += 1;
                match s.fields.get(i) {
                    Some(f) if f.name == w[4] && f.offset == num(5) && f.size == num(6) => {}
                    other => bad.push(format!(
                        "{}.{} field {i}: Go {} @{} ({}), table {other:?}",
                        w[1], w[2], w[4], w[5], w[6]
                    )),
                }
            }
            Some("offsetof") => {
                let s = struct_of(arch, w[1], w[2]);
                match s.field(w[3]) {
                    Some(f) if f.offset == num(4) => {}
                    other => bad.push(format!(
                        "{}.{}.{}: unsafe.Offsetof {}, table {other:?}",
                        w[1], w[2], w[3], w[4]
                    )),
                }
            }
            _ => panic!("unexpected probe output: {line}"),
        }
    }
    for ((pkg, name), n) in &fields_seen {
        let s = struct_of(arch, pkg, name);
        if s.fields.len() != *n {
            bad.push(format!(
                "{pkg}.{name}: Go has {n} fields, table {}",
                s.fields.len()
            ));
        }
    }
    assert!(
        structs >= 30,
        "{arch}: probe printed only {structs} structs:\n{out}"
    );
    assert!(
        bad.is_empty(),
        "{arch}: layouts differ:\n{}",
        bad.join("\n")
    );
}

macro_rules! layout_tests {
    ($($name:ident => $arch:expr),* $(,)?) => {$(
        #[test]
        fn $name() {
            check_layouts($arch);
        }
    )*};
}

layout_tests! {
    go_layouts_match_tables_386 => Arch::I386,
    go_layouts_match_tables_amd64 => Arch::Amd64,
    go_layouts_match_tables_arm => Arch::Arm,
    go_layouts_match_tables_arm64 => Arch::Arm64,
    go_layouts_match_tables_loong64 => Arch::Loong64,
    go_layouts_match_tables_mips => Arch::Mips,
    go_layouts_match_tables_mipsle => Arch::Mipsle,
    go_layouts_match_tables_mips64 => Arch::Mips64,
    go_layouts_match_tables_mips64le => Arch::Mips64le,
    go_layouts_match_tables_ppc64 => Arch::Ppc64,
    go_layouts_match_tables_ppc64le => Arch::Ppc64le,
    go_layouts_match_tables_riscv64 => Arch::Riscv64,
    go_layouts_match_tables_s390x => Arch::S390x,
}

/// Compiles `src` with `cc -S` and reads the `->name value` markers (asm-offsets technique).
fn c_probe(cc: &str, src: &str) -> BTreeMap<String, i64> {
    let dir = tempfile::tempdir().expect("tempdir");
    let c = dir.path().join("probe.c");
    std::fs::write(&c, src).expect("write probe.c");
    let asm = output(Command::new(cc).args(["-O2", "-S", "-o", "-"]).arg(&c));
    let mut vals = BTreeMap::new();
    for line in asm.lines() {
        if let Some(i) = line.find("\"->") {
            let rest = line[i + 3..].trim().trim_end_matches('"');
            let (name, v) = rest.split_once(' ').expect("marker has a value");
            let v: i64 = v.trim_start_matches(['$', '#']).parse().expect("number");
            vals.insert(name.to_string(), v);
        }
    }
    vals
}

const MARKER: &str =
    "#define D(n, v) __asm__ volatile(\"\\n.ascii \\\"->\" n \" %0\\\"\" : : \"i\"((long)(v)))\n";

/// `struct stat` and `struct epoll_event` as the kernel headers lay them out for `arch`.
fn check_kernel_layouts(arch: Arch, cc: &str, package: &str) {
    if !have(cc, package) {
        return;
    }
    let stat_fields = [
        "st_dev",
        "st_ino",
        "st_mode",
        "st_nlink",
        "st_uid",
        "st_gid",
        "st_rdev",
        "st_size",
        "st_blksize",
        "st_blocks",
        "st_atime",
        "st_mtime",
        "st_ctime",
    ];
    let mut src = String::from("#include <asm/stat.h>\n#include <linux/eventpoll.h>\n");
    src.push_str(MARKER);
    src.push_str("void probe(void) {\n");
    src.push_str(
        "D(\"stat\", sizeof(struct stat));\nD(\"epoll_event\", sizeof(struct epoll_event));\n",
    );
    let mut members: Vec<(&str, &str)> = stat_fields.iter().map(|f| ("stat", *f)).collect();
    members.extend([("epoll_event", "events"), ("epoll_event", "data")]);
    for (s, f) in &members {
        src.push_str(&format!(
            "D(\"{s}.{f}\", __builtin_offsetof(struct {s}, {f}));\nD(\"{s}.{f}.size\", sizeof(((struct {s} *)0)->{f}));\n"
        ));
    }
    src.push_str("}\n");
    let c = c_probe(cc, &src);
    let k = kernel(arch).unwrap_or_else(|| panic!("{arch}: no kernel table"));
    let mut bad = Vec::new();
    for s in ["stat", "epoll_event"] {
        let t = k
            .strukt(s)
            .unwrap_or_else(|| panic!("{arch}: no kernel struct {s}"));
        if t.size as i64 != c[s] {
            bad.push(format!("sizeof(struct {s}): C {}, table {}", c[s], t.size));
        }
    }
    for (s, f) in &members {
        let t = k.strukt(s).and_then(|t| t.field(f));
        let (off, size) = (c[&format!("{s}.{f}")], c[&format!("{s}.{f}.size")]);
        match t {
            Some(t) if t.offset as i64 == off && t.size as i64 == size => {}
            other => bad.push(format!("{s}.{f}: C @{off} ({size}), table {other:?}")),
        }
    }
    assert!(
        bad.is_empty(),
        "{arch} kernel layouts differ:\n{}",
        bad.join("\n")
    );
}

#[test]
fn kernel_layouts_match_c_mips64le() {
    check_kernel_layouts(
        Arch::Mips64le,
        "mips64el-linux-gnuabi64-gcc",
        "gcc-mips64el-linux-gnuabi64",
    );
}

#[test]
fn kernel_layouts_match_c_arm64() {
    check_kernel_layouts(
        Arch::Arm64,
        "aarch64-linux-gnu-gcc",
        "gcc-aarch64-linux-gnu",
    );
}

#[test]
fn kernel_layouts_match_c_amd64() {
    check_kernel_layouts(Arch::Amd64, "x86_64-linux-gnu-gcc", "gcc");
}

/// The n64 `__NR_*` numbers of the mips64el kernel headers, by name.
fn mips64_n64_numbers() -> Option<BTreeMap<String, i64>> {
    let cc = "mips64el-linux-gnuabi64-gcc";
    if !have(cc, "gcc-mips64el-linux-gnuabi64") {
        return None;
    }
    let header = "/usr/mips64el-linux-gnuabi64/include/asm/unistd_n64.h";
    let macros = output(Command::new(cc).args(["-E", "-dM", header]));
    let names: Vec<&str> = macros
        .lines()
        .filter_map(|l| l.strip_prefix("#define __NR_"))
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(names.len() > 300, "only {} names in {header}", names.len());
    // asm/unistd.h defines __NR_Linux for the n64 ABI and includes unistd_n64.h.
    let mut src = String::from("#include <asm/unistd.h>\n");
    src.push_str(MARKER);
    src.push_str("void probe(void) {\n");
    for n in &names {
        src.push_str(&format!("D(\"{n}\", __NR_{n});\n"));
    }
    src.push_str("}\n");
    Some(c_probe(cc, &src))
}

#[test]
fn mips64le_syscall_numbers_match_kernel_headers() {
    let Some(kernel_nr) = mips64_n64_numbers() else {
        return;
    };
    for pkg in Package::ALL {
        let t = table(Arch::Mips64le, pkg);
        let mut bad = Vec::new();
        for c in t.syscalls.iter() {
            let bare = c.name.strip_prefix("SYS_").unwrap().to_ascii_lowercase();
            let Some(ConstValue::Int(v)) = Some(c.value) else {
                panic!("{}: not an integer", c.name);
            };
            if !(5000..6000).contains(&v) {
                bad.push(format!("{} = {v} is not an n64 number (5000+n)", c.name));
            }
            match kernel_nr.get(&bare) {
                Some(&k) if i128::from(k) == v => {}
                other => bad.push(format!("{} = {v}, kernel __NR_{bare} = {other:?}", c.name)),
            }
        }
        // x/sys is generated from these headers: it must have every kernel syscall.
        if pkg == Package::Unix {
            for (name, v) in &kernel_nr {
                if t.syscall(&format!("SYS_{}", name.to_ascii_uppercase()))
                    .is_none()
                {
                    bad.push(format!("kernel __NR_{name} = {v} has no SYS_ constant"));
                }
            }
        }
        assert!(bad.is_empty(), "{}:\n{}", pkg.name(), bad.join("\n"));
    }
}

/// Facts measured in `../shared/abi-notes.md` (§2, §6, §8), pinned so that a regeneration
/// that loses them fails loudly.
#[test]
fn table_sanity_known_facts() {
    let u = |a: Arch| table(a, Package::Unix);
    let int = |a: Arch, name: &str| -> i128 {
        u(a).constant(name)
            .or_else(|| u(a).syscall(name))
            .and_then(|c| c.value.as_int())
            .unwrap_or_else(|| panic!("{a}: no integer {name}"))
    };
    let m = Arch::Mips64le;
    for (name, amd64, mips64le) in [
        ("SOCK_STREAM", 1, 2),
        ("SOCK_DGRAM", 2, 1),
        ("SOL_SOCKET", 1, 0xffff),
        ("SO_REUSEADDR", 2, 4),
        ("O_NONBLOCK", 0x800, 0x80),
        ("O_CREAT", 0x40, 0x100),
        ("MAP_ANONYMOUS", 0x20, 0x800),
        ("SIGCHLD", 17, 18),
        ("SIGUSR1", 10, 16),
        ("SIGBUS", 7, 10),
        ("RLIMIT_NOFILE", 7, 5),
        ("F_GETLK", 5, 14),
        ("TIOCGWINSZ", 0x5413, 0x40087468),
        ("TCGETS", 0x5401, 0x540d),
        ("VMIN", 6, 4),
        ("ENOSYS", 38, 89),
        ("EAGAIN", 11, 11),
        ("SYS_EPOLL_PWAIT", 281, 5272),
        ("SYS_READ", 0, 5000),
    ] {
        assert_eq!(int(Arch::Amd64, name), amd64, "amd64 {name}");
        assert_eq!(int(m, name), mips64le, "mips64le {name}");
    }
    assert!(u(Arch::Arm64).syscall("SYS_EPOLL_WAIT").is_none());
    assert!(u(Arch::Riscv64).syscall("SYS_OPEN").is_none());
    assert!(u(Arch::Loong64).syscall("SYS_FSTAT").is_none());

    let st = u(m).strukt("Stat_t").unwrap();
    assert_eq!((st.size, st.field("Blksize").unwrap().offset), (128, 112));
    assert_eq!(st.field("Blksize").unwrap().ty, "uint32");
    assert_eq!(st.field("Dev").unwrap().ty, "uint32");
    assert_eq!(u(Arch::Amd64).strukt("Stat_t").unwrap().size, 144);
    let ev = u(m).strukt("EpollEvent").unwrap();
    assert_eq!(
        (ev.size, ev.align, ev.field("Fd").unwrap().offset),
        (16, 4, 8)
    );
    assert_eq!(u(Arch::Amd64).strukt("EpollEvent").unwrap().size, 12);
    // The hidden kernel-layout stat_t that x/sys converts from on mips64.
    assert_eq!(u(m).strukt("stat_t").unwrap().size, 104);
    // gc aligns 64-bit fields to 4 on 32-bit arches (386, arm, mips): not C's rule on arm/mips.
    assert_eq!(
        u(Arch::I386)
            .strukt("Stat_t")
            .unwrap()
            .field("Size")
            .unwrap()
            .offset,
        44
    );
    assert_eq!(u(Arch::Mips).strukt("Stat_t").unwrap().size, 160);
    let statfs = u(m).strukt("Statfs_t").unwrap();
    assert_eq!(
        (statfs.size, statfs.field("Frsize").unwrap().offset),
        (128, 16)
    );
    assert_eq!(u(m).strukt("Termios").unwrap().size, 48);

    let f = u(m).func("Major").unwrap();
    assert_eq!((f.params[0].ty, f.results[0].ty), ("uint64", "uint32"));
    assert!(u(m).has_exported("EpollEvent") && !u(m).has_exported("FIONREAD"));

    let k = kernel(m).expect("mips64le kernel table");
    assert_eq!(k.strukt("stat").unwrap().size, 104);
    let kint = |name: &str| k.constant(name).and_then(|c| c.value.as_int());
    assert_eq!(kint("FIONREAD"), Some(0x467f));
    assert_eq!(kint("FIONBIO"), Some(0x667e));
    assert_eq!(kint("NCCS"), Some(23));
    assert_eq!(kint("SA_SIGINFO"), Some(8));
    assert_eq!(kint("_NSIG"), Some(128));
    assert_eq!(
        k.syscall("epoll_wait").and_then(|c| c.value.as_int()),
        Some(5209)
    );
    let ka = kernel(Arch::Amd64).expect("amd64 kernel table");
    assert_eq!(
        ka.constant("FIONREAD").and_then(|c| c.value.as_int()),
        Some(0x541b)
    );
    assert_eq!(ka.strukt("epoll_event").unwrap().size, 12);
    assert!(abiport::abi::manifest().contains("golang-golang-x-sys-dev"));
}

fn stdout(args: &[&str]) -> (Option<i32>, String, String) {
    let out = run(args, repo_root());
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn cli_diff_stat_t_amd64_mips64le() {
    let (code, out, err) = stdout(&["abi", "diff", "amd64", "mips64le", "Stat_t"]);
    assert_eq!(code, Some(0), "{err}");
    let line = |field: &str| {
        out.lines()
            .find(|l| l.split_whitespace().next() == Some(field))
            .unwrap_or_else(|| panic!("no {field} row in:\n{out}"))
            .to_string()
    };
    for field in ["Dev", "Nlink", "Rdev", "Blksize"] {
        assert!(line(field).contains("type"), "{field}: {}", line(field));
    }
    for pad in ["Pad1", "Pad2", "Pad4"] {
        assert!(line(pad).contains("only on mips64le"), "{}", line(pad));
    }

    let (code, json, _) = stdout(&[
        "abi", "diff", "amd64", "mips64le", "Stat_t", "--format", "json",
    ]);
    assert_eq!(code, Some(0));
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    let dev = v["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "Dev")
        .unwrap();
    assert_eq!(dev["a"]["type"], "uint64");
    assert_eq!(dev["b"]["type"], "uint32");
}

#[test]
fn cli_show_json_shape() {
    let (code, json, err) = stdout(&[
        "abi",
        "show",
        "mips64le",
        "EpollEvent",
        "--format",
        "json",
        "--package",
        "syscall",
    ]);
    assert_eq!(code, Some(0), "{err}");
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(|k| k.as_str()).collect();
    assert_eq!(keys, ["align", "arch", "fields", "package", "size", "type"]);
    assert_eq!(
        (&v["arch"], &v["package"], &v["type"], &v["size"]),
        (
            &"mips64le".into(),
            &"syscall".into(),
            &"EpollEvent".into(),
            &16.into()
        )
    );
    let f = &v["fields"][2];
    let keys: Vec<&str> = f.as_object().unwrap().keys().map(|k| k.as_str()).collect();
    assert_eq!(keys, ["name", "offset", "size", "type"]);
    assert_eq!((&f["name"], &f["offset"]), (&"Fd".into(), &8.into()));

    let (code, out, _) = stdout(&["abi", "show", "mips64le", "kernel.stat"]);
    assert_eq!(code, Some(0));
    assert!(out.contains("size 104"), "{out}");
    let (code, out, _) = stdout(&["abi", "show", "mips64le"]);
    assert_eq!(code, Some(0));
    assert!(out.contains("Stat_t 128"), "{out}");
}

#[test]
fn cli_syscall_every_spelling() {
    for name in ["epoll_wait", "SYS_EPOLL_WAIT"] {
        let (code, out, err) = stdout(&["abi", "syscall", name]);
        assert_eq!(code, Some(0), "{err}");
        let row = |arch: &str| {
            out.lines()
                .find(|l| l.split_whitespace().next() == Some(arch))
                .unwrap_or_else(|| panic!("no {arch} row:\n{out}"))
                .to_string()
        };
        assert!(row("mips64le").contains("5209"), "{out}");
        assert!(row("arm64").contains('—'), "{out}");
        assert!(out.contains("absent on: arm64, loong64, riscv64"), "{out}");
    }
    let (_, json, _) = stdout(&["abi", "syscall", "epoll_pwait", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(v["name"], "SYS_EPOLL_PWAIT");
    assert_eq!(v["arches"].as_array().unwrap().len(), 13);
    assert_eq!(v["absent"].as_array().unwrap().len(), 0);
}

#[test]
fn cli_unknown_names_exit_2_with_suggestions() {
    for (args, wanted) in [
        // Debian's mips64el is an accepted alias (issue 15); a typo of it is not.
        (vec!["abi", "show", "mips64ell"], "mips64le"),
        (vec!["abi", "show", "mips64le", "Stat"], "Stat_t"),
        (
            vec!["abi", "diff", "amd64", "mips64le", "EpolEvent"],
            "EpollEvent",
        ),
        (vec!["abi", "syscall", "epol_wait"], "SYS_EPOLL_WAIT"),
    ] {
        let (code, out, err) = stdout(&args);
        assert_eq!(code, Some(2), "{args:?}: {out}{err}");
        assert!(err.contains(wanted), "{args:?}: {err}");
    }
}

/// Re-runs the committed generator into a temp dir; the output must equal `arch-tables/`.
#[test]
fn regenerated_tables_match_committed() {
    for (tool, package) in [
        ("go", "golang-go"),
        ("dpkg-query", "dpkg"),
        ("x86_64-linux-gnu-gcc", "gcc"),
        ("aarch64-linux-gnu-gcc", "gcc-aarch64-linux-gnu"),
        ("mips64el-linux-gnuabi64-gcc", "gcc-mips64el-linux-gnuabi64"),
    ] {
        if !have(tool, package) {
            return;
        }
    }
    let dir = tempfile::tempdir().expect("tempdir");
    output(
        Command::new("bash")
            .arg(repo_root().join("scripts/regen-tables.sh"))
            .arg(dir.path()),
    );
    let committed = repo_root().join("arch-tables");
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names.len(), 14, "{names:?}");
    for name in names {
        let fresh = std::fs::read_to_string(dir.path().join(&name)).unwrap();
        let old = std::fs::read_to_string(committed.join(&name)).unwrap_or_default();
        if name == "MANIFEST" {
            check_manifest(&fresh, &old);
            continue;
        }
        if fresh != old {
            let first = fresh
                .lines()
                .zip(old.lines())
                .position(|(a, b)| a != b)
                .map_or("length".to_string(), |i| format!("line {}", i + 1));
            panic!("arch-tables/{name} is stale (first difference: {first}): run scripts/regen-tables.sh");
        }
    }
}

/// The data files must be identical; the MANIFEST may differ only in package versions, which
/// Debian bumps (e.g. linux-libc-dev with every kernel update) without changing the data.
fn check_manifest(fresh: &str, old: &str) {
    // Debian versions start with a digit (6.1.187-1, 4:12.2.0-3); package names never do.
    let is_sha = |w: &str| w.len() == 64 && w.chars().all(|c| c.is_ascii_hexdigit());
    let is_version_or_sha = |w: &str| w.starts_with(|c: char| c.is_ascii_digit()) || is_sha(w);
    let mask = |line: &str| -> String {
        line.split_whitespace()
            .map(|w| if is_version_or_sha(w) { "#" } else { w })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let (f, o): (Vec<&str>, Vec<&str>) = (fresh.lines().collect(), old.lines().collect());
    assert_eq!(
        f.iter().map(|l| mask(l)).collect::<Vec<_>>(),
        o.iter().map(|l| mask(l)).collect::<Vec<_>>(),
        "arch-tables/MANIFEST names other sources: run scripts/regen-tables.sh"
    );
    for (a, b) in f.iter().zip(&o) {
        if a != b && !a.split_whitespace().any(is_sha) {
            eprintln!("note: installed sources differ in version only, data identical:\n  now:       {a}\n  committed: {b}");
        }
    }
}

/// x/sys's `SYS_*` and the kernel table's `__NR_*` (both embedded) agree on every arch that
/// has a kernel table; the names that differ are the known renamings.
#[test]
fn unix_syscalls_agree_with_embedded_kernel_numbers() {
    for arch in Arch::ALL {
        let Some(k) = kernel(arch) else { continue };
        let t = table(arch, Package::Unix);
        let mut bad = Vec::new();
        for c in t.syscalls.iter() {
            // Go spells arm64's newfstatat `SYS_FSTATAT`.
            let nr = match (arch, c.name) {
                (Arch::Arm64 | Arch::Riscv64 | Arch::Loong64, "SYS_FSTATAT") => "newfstatat",
                _ => c.name.strip_prefix("SYS_").unwrap(),
            };
            match k.syscall(nr) {
                Some(n) if n.value == c.value => {}
                other => bad.push(format!("{} = {}: kernel {other:?}", c.name, c.value)),
            }
        }
        assert!(bad.is_empty(), "{arch}:\n{}", bad.join("\n"));
        assert!(
            k.syscalls.len() >= t.syscalls.len(),
            "{arch}: kernel has fewer syscalls than Go"
        );
    }
}
