//! `abiport elf` against real binaries built here: Go for nine arches, a dynamic C program
//! for mips64el. Every reported field is compared with `readelf` and `go version -m`.
//!
//! Tools missing: skipped locally with a note; in CI (`CI` set) the test fails and names
//! the Debian package.

use crate::util::abiport;
use abiport::elf::{buildinfo, inspect};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

const GO_ARCHES: [&str; 9] = [
    "amd64", "arm64", "mips64le", "mips64", "riscv64", "ppc64le", "s390x", "386", "arm",
];

/// Is `tool` on PATH? In CI a missing tool fails the test, naming its Debian package.
fn have(tool: &str, package: &str) -> bool {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        let msg = format!("`{tool}` not found: install the Debian package `{package}`");
        if std::env::var_os("CI").is_some() {
            panic!("{msg}");
        }
        eprintln!("skipping: {msg}");
    }
    found
}

struct Fixtures {
    dir: PathBuf,
    /// GOARCH → static Go binary
    go: BTreeMap<&'static str, PathBuf>,
    /// dynamic mips64el C program
    c_mips64el: Option<PathBuf>,
    /// Go with cgo for mips64le, externally linked by the cross gcc (dynamic)
    cgo_mips64le: Option<PathBuf>,
}

/// Build every binary once per test run (in parallel: one `go build` per arch).
fn fixtures() -> Option<&'static Fixtures> {
    static F: OnceLock<Option<Fixtures>> = OnceLock::new();
    F.get_or_init(build_fixtures).as_ref()
}

fn build_fixtures() -> Option<Fixtures> {
    if !have("go", "golang-go") || !have("readelf", "binutils") {
        return None;
    }
    // one fixed directory: reruns overwrite instead of piling up
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("elf-fixtures");
    let src = dir.join("src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("go.mod"), "module example.com/hello\n\ngo 1.19\n").unwrap();
    std::fs::write(
        src.join("main.go"),
        "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello\") }\n",
    )
    .unwrap();
    let mut children = Vec::new();
    let mut go = BTreeMap::new();
    for arch in GO_ARCHES {
        let out = dir.join(format!("hello_{arch}"));
        let child = Command::new("go")
            .args(["build", "-buildvcs=false", "-o"])
            .arg(&out)
            .arg(".")
            .current_dir(&src)
            .env("GOOS", "linux")
            .env("GOARCH", arch)
            .env("CGO_ENABLED", "0")
            .env("GOPROXY", "off")
            .env("GOFLAGS", "-mod=mod")
            .env("GO111MODULE", "on")
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn go build");
        children.push((arch, child));
        go.insert(arch, out);
    }
    let have_gcc = have("mips64el-linux-gnuabi64-gcc", "gcc-mips64el-linux-gnuabi64");
    let cgo_out = dir.join("hello_cgo_mips64le");
    let mut cgo_child = None;
    if have_gcc {
        let cgo_src = dir.join("cgo");
        std::fs::create_dir_all(&cgo_src).unwrap();
        std::fs::write(
            cgo_src.join("go.mod"),
            "module example.com/cgo\n\ngo 1.19\n",
        )
        .unwrap();
        std::fs::write(
            cgo_src.join("main.go"),
            "package main\n\n// int add(int a, int b) { return a + b; }\nimport \"C\"\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(C.add(1, 2)) }\n",
        )
        .unwrap();
        let child = Command::new("go")
            .args(["build", "-buildvcs=false", "-o"])
            .arg(&cgo_out)
            .arg(".")
            .current_dir(&cgo_src)
            .env("GOOS", "linux")
            .env("GOARCH", "mips64le")
            .env("CGO_ENABLED", "1")
            .env("CC", "mips64el-linux-gnuabi64-gcc")
            .env("GOPROXY", "off")
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn go build");
        cgo_child = Some(child);
    }
    for (arch, child) in children {
        let o = child.wait_with_output().unwrap();
        assert!(
            o.status.success(),
            "go build for {arch} failed: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let c_mips64el = if have_gcc {
        let c = dir.join("hello.c");
        std::fs::write(
            &c,
            "#include <stdio.h>\nint main(void) { puts(\"hello\"); return 0; }\n",
        )
        .unwrap();
        let out = dir.join("hello_c_mips64el");
        let o = Command::new("mips64el-linux-gnuabi64-gcc")
            .arg(&c)
            .arg("-o")
            .arg(&out)
            .output()
            .unwrap();
        if !o.status.success() {
            let msg = format!(
                "mips64el-linux-gnuabi64-gcc cannot link (install `libc6-dev-mips64el-cross`): {}",
                String::from_utf8_lossy(&o.stderr)
            );
            if std::env::var_os("CI").is_some() {
                panic!("{msg}");
            }
            eprintln!("skipping the C program: {msg}");
            None
        } else {
            Some(out)
        }
    } else {
        None
    };
    let cgo_mips64le = cgo_child.and_then(|c| {
        let o = c.wait_with_output().unwrap();
        if o.status.success() {
            return Some(cgo_out);
        }
        let msg = format!(
            "cgo build for mips64le failed (needs `libc6-dev-mips64el-cross`): {}",
            String::from_utf8_lossy(&o.stderr)
        );
        if std::env::var_os("CI").is_some() {
            panic!("{msg}");
        }
        eprintln!("skipping the cgo program: {msg}");
        None
    });
    Some(Fixtures {
        dir,
        go,
        c_mips64el,
        cgo_mips64le,
    })
}

fn run_elf(args: &[&std::ffi::OsStr]) -> Output {
    abiport()
        .arg("elf")
        .args(args)
        .output()
        .expect("run abiport")
}

fn json_of(paths: &[&Path], expect: Option<&str>) -> (Value, Output) {
    let mut args: Vec<&std::ffi::OsStr> = vec!["--format".as_ref(), "json".as_ref()];
    if let Some(e) = expect {
        args.push("--expect".as_ref());
        args.push(e.as_ref());
    }
    args.extend(paths.iter().map(|p| p.as_os_str()));
    let out = run_elf(&args);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "bad JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("panicked"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (v, out)
}

fn tool_output(cmd: &str, args: &[&str], file: &Path) -> String {
    let o = Command::new(cmd).args(args).arg(file).output().unwrap();
    assert!(
        o.status.success(),
        "{cmd} failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

/// What `readelf -h -l -W` says about one file.
#[derive(Debug, Default)]
struct Readelf {
    class: u64,
    endian: String,
    os_abi: u64,
    kind: String,
    machine: u64,
    flags: u64,
    flag_words: Vec<String>,
    interp: Option<String>,
    load_aligns: Vec<u64>,
}

fn readelf(file: &Path) -> Readelf {
    let text = tool_output("readelf", &["-h", "-l", "-W"], file);
    let mut r = Readelf::default();
    for line in text.lines() {
        let t = line.trim();
        let field = |name: &str| t.strip_prefix(name).map(|v| v.trim().to_string());
        if let Some(v) = field("Class:") {
            r.class = v.trim_start_matches("ELF").parse().unwrap();
        } else if let Some(v) = field("Data:") {
            r.endian = if v.contains("little") {
                "little"
            } else {
                "big"
            }
            .into();
        } else if let Some(v) = field("OS/ABI:") {
            r.os_abi = match v.as_str() {
                "UNIX - System V" => 0,
                "UNIX - GNU" => 3,
                other => panic!("unexpected OS/ABI {other}"),
            };
        } else if let Some(v) = field("Type:") {
            r.kind = match v.as_str() {
                "EXEC (Executable file)" => "exec",
                "DYN (Position-Independent Executable file)" => "pie",
                "DYN (Shared object file)" => "dyn",
                other => panic!("unexpected type {other}"),
            }
            .into();
        } else if let Some(v) = field("Machine:") {
            r.machine = match v.as_str() {
                "Advanced Micro Devices X86-64" => 62,
                "AArch64" => 183,
                "MIPS R3000" => 8,
                "RISC-V" => 243,
                "PowerPC64" => 21,
                "IBM S/390" => 22,
                "Intel 80386" => 3,
                "ARM" => 40,
                other => panic!("unexpected machine {other}"),
            };
        } else if let Some(v) = field("Flags:") {
            let mut parts = v.split(", ");
            r.flags =
                u64::from_str_radix(parts.next().unwrap().trim_start_matches("0x"), 16).unwrap();
            r.flag_words = parts.map(str::to_string).collect();
        } else if let Some(v) = field("[Requesting program interpreter:") {
            r.interp = Some(v.trim_end_matches(']').to_string());
        } else if t.starts_with("LOAD ") {
            let align = t.split_whitespace().last().unwrap();
            r.load_aligns
                .push(u64::from_str_radix(align.trim_start_matches("0x"), 16).unwrap());
        }
    }
    r
}

/// What `go version -m` says: go version, path, main module, build settings.
#[derive(Debug, Default)]
struct GoVersion {
    go: String,
    path: Option<String>,
    main: Option<(String, String)>,
    settings: Vec<(String, String)>,
}

fn go_version_m(file: &Path) -> GoVersion {
    let text = tool_output("go", &["version", "-m"], file);
    let mut g = GoVersion::default();
    for (i, line) in text.lines().enumerate() {
        if i == 0 {
            g.go = line.rsplit(": ").next().unwrap().trim().to_string();
            continue;
        }
        let f: Vec<&str> = line.trim_start_matches('\t').split('\t').collect();
        match f[0] {
            "path" => g.path = Some(f[1].to_string()),
            "mod" => g.main = Some((f[1].to_string(), f[2].to_string())),
            "build" => {
                let (k, v) = f[1..]
                    .join("\t")
                    .split_once('=')
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .unwrap();
                g.settings.push((k, v));
            }
            _ => {}
        }
    }
    g
}

/// Compare abiport's JSON for one file with readelf; returns the file object.
fn assert_matches_readelf(file: &Path, elf: &Value) {
    let r = readelf(file);
    let ctx = file.display();
    assert_eq!(elf["class"], r.class, "{ctx}: class");
    assert_eq!(elf["endian"], r.endian.as_str(), "{ctx}: endian");
    assert_eq!(elf["os_abi"], r.os_abi, "{ctx}: os/abi");
    assert_eq!(elf["kind"], r.kind.as_str(), "{ctx}: type");
    assert_eq!(elf["machine"], r.machine, "{ctx}: machine");
    assert_eq!(elf["flags"], r.flags, "{ctx}: flags");
    assert_eq!(elf["interp"].as_str(), r.interp.as_deref(), "{ctx}: interp");
    let aligns: Vec<u64> = elf["loads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["align"].as_u64().unwrap())
        .collect();
    assert_eq!(aligns, r.load_aligns, "{ctx}: PT_LOAD alignment");

    // decoded flags against readelf's flag words
    let fd = &elf["flags_decoded"];
    let has = |w: &str| r.flag_words.iter().any(|x| x == w);
    match r.machine {
        8 => {
            assert!(
                has(fd["isa"].as_str().unwrap()),
                "{ctx}: isa {fd} vs {:?}",
                r.flag_words
            );
            for w in ["pic", "cpic", "noreorder", "nan2008"] {
                assert_eq!(fd[w].as_bool().unwrap(), has(w), "{ctx}: {w}");
            }
            // readelf names o32/n32 explicitly; n64 is ELF64 with neither
            let abi = fd["abi"].as_str().unwrap();
            match abi {
                "n64" => assert!(r.class == 64 && !has("abi2") && !has("o32"), "{ctx}"),
                "n32" => assert!(has("abi2"), "{ctx}"),
                "o32" => assert!(r.class == 32, "{ctx}"),
                other => panic!("{ctx}: unexpected MIPS ABI {other}"),
            }
        }
        243 => {
            let fa = fd["float_abi"].as_str().unwrap();
            let word = format!("{fa}-float ABI");
            assert!(
                fa == "soft" || has(&word),
                "{ctx}: {word} vs {:?}",
                r.flag_words
            );
            assert_eq!(fd["rvc"].as_bool().unwrap(), has("RVC"), "{ctx}: RVC");
        }
        21 => {
            let abi = fd["elf_abi"].as_u64().unwrap();
            let word = format!("abiv{abi}");
            assert!(
                abi == 0 || has(&word),
                "{ctx}: {word} vs {:?}",
                r.flag_words
            );
        }
        40 => {
            let eabi = fd["eabi"].as_u64().unwrap();
            assert!(
                has(&format!("Version{eabi} EABI")),
                "{ctx}: eabi {eabi} vs {:?}",
                r.flag_words
            );
            match fd["float_abi"].as_str().unwrap() {
                "hard" => assert!(has("hard-float ABI"), "{ctx}"),
                "soft" => assert!(has("soft-float ABI"), "{ctx}"),
                _ => assert!(!has("hard-float ABI") && !has("soft-float ABI"), "{ctx}"),
            }
        }
        22 => assert_eq!(fd["high_gprs"].as_bool().unwrap(), has("highgprs"), "{ctx}"),
        _ => assert!(fd.is_null(), "{ctx}: {fd}"),
    }
}

fn assert_matches_go_version(file: &Path, elf: &Value) {
    let g = go_version_m(file);
    let bi = &elf["buildinfo"];
    let ctx = file.display();
    assert_eq!(bi["go_version"], g.go.as_str(), "{ctx}");
    assert_eq!(bi["path"].as_str(), g.path.as_deref(), "{ctx}");
    let main = g.main.unwrap();
    assert_eq!(bi["main"]["path"], main.0.as_str(), "{ctx}");
    assert_eq!(bi["main"]["version"], main.1.as_str(), "{ctx}");
    let settings: Vec<(String, String)> = bi["settings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["key"].as_str().unwrap().to_string(),
                s["value"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(settings, g.settings, "{ctx}: build settings");
}

fn files(v: &Value) -> &Vec<Value> {
    v["files"].as_array().unwrap()
}

/// (check, path) of every finding; asserts the message convention on the way.
fn checks(v: &Value) -> Vec<(String, String)> {
    let all = v["findings"].as_array().unwrap();
    for f in all {
        let m = f["message"].as_str().unwrap();
        assert!(
            !m.starts_with(|c: char| c.is_uppercase()) && !m.ends_with('.'),
            "message convention: {m}"
        );
    }
    all.iter()
        .map(|f| {
            (
                f["check"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn go_binaries_match_readelf_and_go_version() {
    let Some(fx) = fixtures() else { return };
    let paths: Vec<&Path> = fx.go.values().map(PathBuf::as_path).collect();
    let (v, out) = json_of(&paths, None);
    assert_eq!(out.status.code(), Some(0), "{v:#}");
    assert_eq!(files(&v).len(), GO_ARCHES.len());
    for (arch, path) in &fx.go {
        let f = files(&v)
            .iter()
            .find(|f| f["path"].as_str() == Some(&path.to_string_lossy()))
            .unwrap();
        let elf = &f["elf"];
        assert_eq!(elf["arch"], *arch, "{}", path.display());
        assert_eq!(elf["kind"], "exec");
        assert!(elf["interp"].is_null(), "static Go binary has no loader");
        assert_eq!(elf["buildinfo"]["format"], "inline");
        assert_matches_readelf(path, elf);
        assert_matches_go_version(path, elf);
        // and each passes as its own platform
        let (v1, o1) = json_of(&[path], Some(&format!("linux/{arch}")));
        assert_eq!(o1.status.code(), Some(0), "{arch}: {v1:#}");
    }
    assert_eq!(v["summary"]["elf_files"], 9);
}

#[test]
fn wrong_arch_is_a_finding_exit_1() {
    let Some(fx) = fixtures() else { return };
    for (arch, expect) in [
        ("amd64", "linux/mips64le"),
        ("mips64", "linux/mips64le"),
        ("mips64le", "linux/mips64"),
    ] {
        let (v, out) = json_of(&[&fx.go[arch]], Some(expect));
        assert_eq!(out.status.code(), Some(1), "{v:#}");
        assert_eq!(checks(&v).len(), 1, "{v:#}");
        assert_eq!(checks(&v)[0].0, "machine-mismatch");
    }
    // human output names the arch and the expectation
    let out = run_elf(&[
        "--expect".as_ref(),
        "linux/mips64le".as_ref(),
        fx.go["amd64"].as_os_str(),
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("error[machine-mismatch]")
            && text.contains("built for amd64")
            && text.contains("expected linux/mips64le"),
        "{text}"
    );
}

#[test]
fn c_program_loader_and_mips_flags() {
    let Some(fx) = fixtures() else { return };
    let Some(c) = &fx.c_mips64el else { return };
    let (v, out) = json_of(&[c], Some("linux/mips64le"));
    assert_eq!(out.status.code(), Some(0), "{v:#}");
    let elf = &files(&v)[0]["elf"];
    assert_matches_readelf(c, elf);
    assert_eq!(elf["interp"], "/lib64/ld.so.1");
    assert_eq!(elf["kind"], "pie");
    assert!(elf["buildinfo"].is_null());
    // .MIPS.abiflags against `readelf -A`
    let a = tool_output("readelf", &["-A", "-W"], c);
    let af = &elf["flags_decoded"]["abiflags"];
    let line = |k: &str| {
        a.lines()
            .find_map(|l| l.trim().strip_prefix(k).map(|v| v.trim().to_string()))
            .unwrap_or_else(|| panic!("no {k} in readelf -A: {a}"))
    };
    assert_eq!(
        line("ISA:"),
        format!("MIPS{}r{}", af["isa_level"], af["isa_rev"]),
        "{a}"
    );
    assert_eq!(line("GPR size:"), af["gpr_size"].to_string());
    assert_eq!(line("CPR1 size:"), af["cpr1_size"].to_string());
    assert_eq!(af["fp_abi"], "double");
    assert!(line("FP ABI:").contains("Hard float (double precision)"));
    // big-endian mips64 expectation: the byte order alone makes it wrong
    let (v, out) = json_of(&[c], Some("linux/mips64"));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(checks(&v)[0].0, "machine-mismatch");
}

#[test]
fn cgo_program_for_mips64le() {
    let Some(fx) = fixtures() else { return };
    let Some(p) = &fx.cgo_mips64le else { return };
    let (v, out) = json_of(&[p], Some("linux/mips64le"));
    assert_eq!(out.status.code(), Some(0), "{v:#}");
    let elf = &files(&v)[0]["elf"];
    assert_matches_readelf(p, elf);
    assert_matches_go_version(p, elf);
    assert_eq!(elf["interp"], "/lib64/ld.so.1");
    assert_eq!(elf["flags_decoded"]["abi"], "n64");
    let cgo = elf["buildinfo"]["settings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["key"] == "CGO_ENABLED")
        .unwrap();
    assert_eq!(cgo["value"], "1");
}

/// OCI-style variants: a GOAMD64=v3 build is too new for linux/amd64/v2.
#[test]
fn variant_level_too_new() {
    let Some(fx) = fixtures() else { return };
    let mut bytes = std::fs::read(&fx.go["amd64"]).unwrap();
    // the last copy is the one in `.go.buildinfo`
    let at = memchr::memmem::rfind(&bytes, b"GOAMD64=v1").unwrap();
    bytes[at + 9] = b'3';
    let p = fx.dir.join("hello_amd64_v3");
    std::fs::write(&p, &bytes).unwrap();
    // `go version` skips files that are not executable
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    let g = go_version_m(&p);
    assert!(
        g.settings.iter().any(|(k, v)| k == "GOAMD64" && v == "v3"),
        "{g:?}"
    );
    let (v, out) = json_of(&[&p], Some("linux/amd64/v2"));
    assert_eq!(out.status.code(), Some(1), "{v:#}");
    assert_eq!(checks(&v)[0].0, "variant-mismatch");
    let (_, out) = json_of(&[&p], Some("linux/amd64/v3"));
    assert_eq!(out.status.code(), Some(0));
    // GOARM=5 runs on v7
    let (_, out) = json_of(&[&fx.go["arm"]], Some("linux/arm/v7"));
    assert_eq!(out.status.code(), Some(0));
}

/// An executable whose loader is for another arch: patch PT_INTERP in the C program.
#[test]
fn foreign_loader_is_a_finding() {
    let Some(fx) = fixtures() else { return };
    let Some(c) = &fx.c_mips64el else { return };
    let mut bytes = std::fs::read(c).unwrap();
    let at = memchr::memmem::find(&bytes, b"/lib64/ld.so.1\0").unwrap();
    bytes[at..at + 15].copy_from_slice(b"/lib64/ld64.so\0");
    let p = fx.dir.join("hello_c_bad_interp");
    std::fs::write(&p, &bytes).unwrap();
    let (v, out) = json_of(&[&p], None);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        checks(&v),
        vec![("interpreter".to_string(), p.to_string_lossy().into_owned())]
    );
}

/// 4 KiB-aligned PT_LOAD segments (amd64's alignment) in a mips64le file.
#[test]
fn small_load_alignment_is_a_finding() {
    let Some(fx) = fixtures() else { return };
    let mut bytes = std::fs::read(&fx.go["mips64le"]).unwrap();
    // ELF64 LE: e_phoff at 32, e_phentsize 56, e_phnum at 56; p_align at +48
    let phoff = u64::from_le_bytes(bytes[32..40].try_into().unwrap()) as usize;
    let phnum = u16::from_le_bytes(bytes[56..58].try_into().unwrap()) as usize;
    for i in 0..phnum {
        let ph = phoff + i * 56;
        if u32::from_le_bytes(bytes[ph..ph + 4].try_into().unwrap()) == 1 {
            bytes[ph + 48..ph + 56].copy_from_slice(&0x1000u64.to_le_bytes());
        }
    }
    let p = fx.dir.join("hello_mips64le_align4k");
    std::fs::write(&p, &bytes).unwrap();
    let (v, out) = json_of(&[&p], Some("linux/mips64le"));
    assert_eq!(out.status.code(), Some(1));
    let f = &v["findings"][0];
    assert_eq!(f["check"], "load-alignment");
    assert!(f["message"].as_str().unwrap().contains("64 KiB"), "{f}");
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    std::fs::copy(from, to).unwrap();
}

#[test]
fn release_dir_with_one_mislabelled_binary() {
    let Some(fx) = fixtures() else { return };
    let rel = fx.dir.join("release");
    let _ = std::fs::remove_dir_all(&rel);
    for arch in ["amd64", "arm64", "riscv64"] {
        copy(&fx.go[arch], &rel.join(format!("hello_1.0_linux_{arch}")));
    }
    // the mislabelled one: an amd64 build named for mips64le
    copy(&fx.go["amd64"], &rel.join("hello_1.0_linux_mips64le"));
    // directory-style labels and noise
    copy(&fx.go["ppc64le"], &rel.join("linux/ppc64le/hello"));
    std::fs::write(rel.join("SHA256SUMS"), "x  y\n").unwrap();
    let expect = "linux/amd64,linux/arm64,linux/riscv64,linux/mips64le,linux/ppc64le";
    let (v, out) = json_of(&[&rel], Some(expect));
    assert_eq!(out.status.code(), Some(1), "{v:#}");
    let mis = rel
        .join("hello_1.0_linux_mips64le")
        .to_string_lossy()
        .into_owned();
    assert_eq!(
        checks(&v),
        vec![("machine-mismatch".to_string(), mis)],
        "{v:#}"
    );
    assert_eq!(v["summary"]["elf_files"], 5);
    assert_eq!(v["skipped"][0]["reason"], "not an ELF file");

    // fixed: exit 0; then a missing and a duplicated platform
    copy(&fx.go["mips64le"], &rel.join("hello_1.0_linux_mips64le"));
    let (v, out) = json_of(&[&rel], Some(expect));
    assert_eq!(out.status.code(), Some(0), "{v:#}");
    let (v, out) = json_of(&[&rel], Some(&format!("{expect},linux/s390x")));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        checks(&v),
        vec![(
            "platform-missing".to_string(),
            rel.to_string_lossy().into_owned()
        )]
    );
    copy(&fx.go["arm64"], &rel.join("linux/arm64/hello"));
    let (v, _) = json_of(&[&rel], Some(expect));
    assert_eq!(checks(&v)[0].0, "platform-duplicate", "{v:#}");
}

/// Release archives are read member by member; files named one by one form one release.
#[test]
fn release_archives_and_file_arguments() {
    let Some(fx) = fixtures() else { return };
    let rel = fx.dir.join("release-archives");
    let _ = std::fs::remove_dir_all(&rel);
    std::fs::create_dir_all(&rel).unwrap();
    // goreleaser style: the archive name carries the platform; a mips64 (big-endian)
    // build packed as mips64le
    std::fs::write(
        rel.join("hello_1.0_linux_mips64le.tar.gz"),
        layer(&fx.go["mips64"], true),
    )
    .unwrap();
    std::fs::write(
        rel.join("hello_1.0_linux_arm64.tar"),
        layer(&fx.go["arm64"], false),
    )
    .unwrap();
    std::os::unix::fs::symlink("hello_1.0_linux_arm64.tar", rel.join("latest.tar")).unwrap();
    let (v, out) = json_of(&[&rel], Some("linux/mips64le,linux/arm64"));
    assert_eq!(out.status.code(), Some(1), "{v:#}");
    let c = checks(&v);
    assert_eq!(c.len(), 1, "{v:#}");
    assert_eq!(c[0].0, "machine-mismatch");
    assert!(
        c[0].1
            .ends_with("hello_1.0_linux_mips64le.tar.gz!/usr/bin/hello"),
        "{c:?}"
    );
    assert_eq!(v["skipped"][0]["reason"], "symbolic link");

    // two binaries given as arguments: one release, both platforms present
    let a = fx.dir.join("args/hello_linux_amd64");
    let b = fx.dir.join("args/hello_linux_s390x");
    copy(&fx.go["amd64"], &a);
    copy(&fx.go["s390x"], &b);
    let (v, out) = json_of(&[&a, &b], Some("linux/amd64,linux/s390x"));
    assert_eq!(out.status.code(), Some(0), "{v:#}");
    let (v, out) = json_of(&[&a], Some("linux/amd64,linux/s390x"));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(checks(&v)[0].0, "platform-missing");
}

// ---- OCI layouts -------------------------------------------------------------------------

fn sha(b: &[u8]) -> String {
    format!("sha256:{}", hex(&Sha256::digest(b)))
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Write a blob into `layout/blobs/sha256/`; returns its digest.
fn put_blob(layout: &Path, bytes: &[u8]) -> String {
    let d = sha(bytes);
    let p = layout.join("blobs/sha256").join(&d[7..]);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
    d
}

/// A layer tar holding `usr/bin/hello` plus a non-ELF file; gzip when asked.
fn layer(binary: &Path, gzip: bool) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    let mut add = |name: &str, data: &[u8]| {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o755);
        h.set_mtime(0);
        h.set_cksum();
        b.append_data(&mut h, name, data).unwrap();
    };
    add("etc/os-release", b"ID=test\n");
    add("usr/bin/hello", &std::fs::read(binary).unwrap());
    let tar = b.into_inner().unwrap();
    if !gzip {
        return tar;
    }
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&tar).unwrap();
    gz.finish().unwrap()
}

/// An OCI layout with one manifest per (platform, binary).
fn oci_layout(dir: &Path, images: &[(&str, &Path)]) {
    oci_layout_with(dir, images, false)
}

/// `nested`: index.json → image index blob → manifests, as `skopeo copy --all` writes;
/// the outer entry has no media type, so the reader must sniff the content.
fn oci_layout_with(dir: &Path, images: &[(&str, &Path)], nested: bool) {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("oci-layout"), r#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
    let mut manifests = Vec::new();
    for (i, (platform, bin)) in images.iter().enumerate() {
        let (os, arch) = platform.split_once('/').unwrap();
        let l = layer(bin, i % 2 == 0);
        let ldig = put_blob(dir, &l);
        let config = serde_json::json!({"architecture": arch, "os": os, "rootfs": {"type": "layers", "diff_ids": []}});
        let cbytes = serde_json::to_vec(&config).unwrap();
        let cdig = put_blob(dir, &cbytes);
        let manifest = serde_json::json!({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cdig, "size": cbytes.len()},
            "layers": [{"mediaType": if i % 2 == 0 { "application/vnd.oci.image.layer.v1.tar+gzip" } else { "application/vnd.oci.image.layer.v1.tar" }, "digest": ldig, "size": l.len()}],
        });
        let mbytes = serde_json::to_vec(&manifest).unwrap();
        let mdig = put_blob(dir, &mbytes);
        manifests.push(serde_json::json!({
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": mdig, "size": mbytes.len(),
            "platform": {"architecture": arch, "os": os},
        }));
    }
    let mut index = serde_json::json!({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": manifests});
    if nested {
        let ibytes = serde_json::to_vec(&index).unwrap();
        let idig = put_blob(dir, &ibytes);
        index = serde_json::json!({"schemaVersion": 2, "manifests": [{
            "digest": idig, "size": ibytes.len(),
        }]});
    }
    std::fs::write(
        dir.join("index.json"),
        serde_json::to_vec_pretty(&index).unwrap(),
    )
    .unwrap();
}

/// `docker save`-style: the layout as one tar file.
fn tar_dir(dir: &Path, out: &Path) {
    let mut b = tar::Builder::new(std::fs::File::create(out).unwrap());
    b.append_dir_all(".", dir).unwrap();
    b.finish().unwrap();
}

#[test]
fn oci_layout_with_amd64_binary_in_mips64le_manifest() {
    let Some(fx) = fixtures() else { return };
    let good = fx.dir.join("oci-good");
    oci_layout(
        &good,
        &[
            ("linux/amd64", &fx.go["amd64"]),
            ("linux/mips64le", &fx.go["mips64le"]),
        ],
    );
    let (v, out) = json_of(&[&good], Some("linux/amd64,linux/mips64le"));
    assert_eq!(out.status.code(), Some(0), "{v:#}");
    assert_eq!(v["summary"]["elf_files"], 2);
    assert_eq!(v["summary"]["non_elf_members"], 2);
    assert!(files(&v).iter().all(|f| f["expected_from"] == "oci"));

    // nested index; one expected platform missing from it
    let nested = fx.dir.join("oci-nested");
    oci_layout_with(
        &nested,
        &[
            ("linux/arm64", &fx.go["arm64"]),
            ("linux/s390x", &fx.go["s390x"]),
        ],
        true,
    );
    let (v, out) = json_of(&[&nested], Some("linux/arm64,linux/s390x"));
    assert_eq!(out.status.code(), Some(0), "{v:#}");
    assert_eq!(v["summary"]["elf_files"], 2);
    let (v, out) = json_of(&[&nested], Some("linux/arm64,linux/s390x,linux/mips64le"));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        checks(&v),
        vec![(
            "platform-missing".to_string(),
            nested.to_string_lossy().into_owned()
        )]
    );

    let bad = fx.dir.join("oci-bad");
    oci_layout(
        &bad,
        &[
            ("linux/amd64", &fx.go["amd64"]),
            ("linux/mips64le", &fx.go["amd64"]),
        ],
    );
    let (v, out) = json_of(&[&bad], None);
    assert_eq!(out.status.code(), Some(1), "{v:#}");
    let c = checks(&v);
    assert_eq!(c.len(), 1, "{v:#}");
    assert_eq!(c[0].0, "machine-mismatch");
    assert!(c[0].1.ends_with("!/usr/bin/hello"), "{c:?}");
    let f = files(&v)
        .iter()
        .find(|f| f["path"] == c[0].1.as_str())
        .unwrap();
    assert_eq!(f["expected"]["arch"], "mips64le");

    // the same layout as a tar archive inside a directory
    let arch_dir = fx.dir.join("oci-tar");
    let _ = std::fs::remove_dir_all(&arch_dir);
    std::fs::create_dir_all(&arch_dir).unwrap();
    tar_dir(&bad, &arch_dir.join("image.tar"));
    let (v, out) = json_of(&[&arch_dir], None);
    assert_eq!(out.status.code(), Some(1), "{v:#}");
    assert_eq!(checks(&v).len(), 1, "{v:#}");
    assert_eq!(checks(&v)[0].0, "machine-mismatch");

    // a tampered blob: digest finding
    let blobs = bad.join("blobs/sha256");
    let mut names: Vec<_> = std::fs::read_dir(&blobs)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    let big = names
        .iter()
        .max_by_key(|p| std::fs::metadata(p).unwrap().len())
        .unwrap();
    let mut b = std::fs::read(big).unwrap();
    let n = b.len();
    b[n - 2000] ^= 0xff;
    std::fs::write(big, b).unwrap();
    let (v, _) = json_of(&[&bad], None);
    assert!(checks(&v).iter().any(|(c, _)| c == "oci-digest"), "{v:#}");
}

// ---- malformed input -------------------------------------------------------------------

fn put_u16(b: &mut [u8], at: usize, v: u16) {
    b[at..at + 2].copy_from_slice(&v.to_le_bytes());
}
fn put_u64(b: &mut [u8], at: usize, v: u64) {
    b[at..at + 8].copy_from_slice(&v.to_le_bytes());
}

#[test]
fn malformed_files_are_per_file_errors() {
    let Some(fx) = fixtures() else { return };
    let good = std::fs::read(&fx.go["mips64le"]).unwrap();
    let dir = fx.dir.join("malformed");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut cases: Vec<(&str, Vec<u8>)> = vec![
        ("magic-only", b"\x7fELF".to_vec()),
        ("trunc-ident", good[..10].to_vec()),
        ("trunc-header", good[..40].to_vec()),
        ("trunc-phdrs", good[..100].to_vec()),
        ("trunc-half", good[..good.len() / 2].to_vec()),
    ];
    let mut m = good.clone();
    put_u64(&mut m, 32, u64::MAX - 10); // e_phoff
    cases.push(("bogus-phoff", m));
    let mut m = good.clone();
    put_u64(&mut m, 40, 0x7fff_ffff_ffff); // e_shoff
    cases.push(("bogus-shoff", m));
    let mut m = good.clone();
    put_u16(&mut m, 60, 0xffff); // e_shnum
    cases.push(("huge-shnum", m));
    let mut m = good.clone();
    put_u16(&mut m, 56, 0xffff); // e_phnum
    cases.push(("huge-phnum", m));
    let mut m = good.clone();
    m[4] = 7; // EI_CLASS
    cases.push(("bad-class", m));
    for (name, bytes) in &cases {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    std::fs::write(dir.join("notes.txt"), "not a binary").unwrap();
    copy(&fx.go["arm64"], &dir.join("zz-good"));
    let (v, out) = json_of(&[&dir], None);
    assert_eq!(out.status.code(), Some(1), "{v:#}");
    let errs: BTreeMap<String, String> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let p = e["path"].as_str().unwrap();
            (
                p.rsplit('/').next().unwrap().to_string(),
                e["error"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for (name, _) in &cases {
        let e = errs
            .get(*name)
            .unwrap_or_else(|| panic!("no error for {name}: {v:#}"));
        assert!(
            !e.is_empty() && e.chars().next().unwrap().is_lowercase() && !e.ends_with('.'),
            "{name}: {e}"
        );
    }
    assert!(
        errs["huge-shnum"].contains("section header"),
        "{}",
        errs["huge-shnum"]
    );
    assert!(
        errs["trunc-header"].contains("truncated"),
        "{}",
        errs["trunc-header"]
    );
    // the run went on: the good file after them was read
    assert!(files(&v)
        .iter()
        .any(|f| f["path"].as_str().unwrap().ends_with("zz-good")));
    assert_eq!(v["skipped"].as_array().unwrap().len(), 1);
    // human output: one line per error
    let out = run_elf(&[dir.as_os_str()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("error: ") && text.contains("huge-shnum"),
        "{text}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("notes.txt: not an ELF file, skipped"));
}

/// Deterministic xorshift PRNG: the mutation run is reproducible.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Thousands of truncated and mutated real binaries through the readers, in process:
/// any panic fails the test (the CLI's panic guard is not in this path).
#[test]
fn mutated_binaries_never_panic_the_readers() {
    let Some(fx) = fixtures() else { return };
    let mut seeds: Vec<Vec<u8>> = ["mips64le", "386", "s390x", "arm"]
        .iter()
        .map(|a| std::fs::read(&fx.go[*a]).unwrap())
        .collect();
    if let Some(c) = &fx.c_mips64el {
        seeds.push(std::fs::read(c).unwrap());
    }
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut parsed = 0;
    let iterations = 3000;
    for i in 0..iterations {
        let seed = &seeds[i % seeds.len()];
        // mutate a copy of the interesting prefix: headers, program headers, buildinfo
        // hunting is still done on whole-size files for the truncation cases
        let mut b = if i % 7 == 0 {
            seed[..rng.below(seed.len())].to_vec()
        } else {
            seed.clone()
        };
        let shoff = if b.len() > 48 {
            u64::from_le_bytes(b[40..48].try_into().unwrap()) as usize
        } else {
            0
        };
        for _ in 0..1 + rng.below(8) {
            if b.is_empty() {
                break;
            }
            let region = match rng.below(4) {
                0 => 0..b.len().min(64),
                1 => 64..b.len().min(64 + 56 * 12),
                2 if shoff > 0 && shoff < b.len() => shoff..b.len(),
                _ => 0..b.len(),
            };
            if region.is_empty() {
                continue;
            }
            let at = region.start + rng.below(region.len());
            match rng.below(4) {
                0 => b[at] ^= 1 << rng.below(8),
                1 => b[at] = 0xff,
                2 => b[at] = 0,
                _ => {
                    let end = (at + 8).min(b.len());
                    for x in &mut b[at..end] {
                        *x = rng.next() as u8;
                    }
                }
            }
        }
        if inspect::inspect(&b).is_ok() {
            parsed += 1;
        }
    }
    // buildinfo alone: mutate the blob and follow pointers into a fake memory image
    let blob_seed = {
        let s = &seeds[0];
        let at = memchr::memmem::find(s, buildinfo::MAGIC).unwrap();
        s[at..at + 512].to_vec()
    };
    for _ in 0..3000 {
        let mut b = blob_seed.clone();
        b.truncate(rng.below(b.len() + 1).max(15));
        for _ in 0..1 + rng.below(6) {
            let at = 14 + rng.below(b.len() - 14);
            b[at] = rng.next() as u8;
        }
        let mem = blob_seed.clone();
        let read = |a: u64, l: u64| -> Option<&[u8]> {
            let s = usize::try_from(a % 1024).ok()?;
            mem.get(s..s.checked_add(usize::try_from(l).ok()?)?)
        };
        let _ = buildinfo::parse(&b, &read);
    }
    eprintln!("mutation run: {iterations} ELF images, {parsed} still parsed; 3000 buildinfo blobs");
    assert!(parsed > 0);
}

#[test]
fn output_is_deterministic() {
    let Some(fx) = fixtures() else { return };
    // its own directory: other tests change theirs while this one runs
    let dir = fx.dir.join("determinism");
    for arch in ["s390x", "386", "mips64le", "arm"] {
        copy(&fx.go[arch], &dir.join(format!("bin/hello_linux_{arch}")));
    }
    std::fs::write(dir.join("README"), "x").unwrap();
    let a = run_elf(&["--format".as_ref(), "json".as_ref(), dir.as_os_str()]);
    let b = run_elf(&["--format".as_ref(), "json".as_ref(), dir.as_os_str()]);
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn bad_expect_is_a_usage_error() {
    let out = abiport()
        .args(["elf", "--expect", "linux/mips64el/x/y", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = abiport()
        .args(["elf", "--expect", "linux/mipz", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown architecture"));
    let out = abiport().args(["elf", "/nonexistent/x"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}
