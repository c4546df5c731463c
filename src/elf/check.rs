//! Findings for one ELF against its expected platform, and for a set of labelled binaries
//! against the `--expect` list. Data only; `report` renders.

use super::inspect::{ElfInfo, Flags};
use super::platform::{self, Platform};
use super::report::ElfFinding;
use crate::arch::Arch;

fn finding(check: &'static str, path: &str, message: String) -> ElfFinding {
    ElfFinding {
        check,
        path: path.to_string(),
        message,
    }
}

fn kib(n: u64) -> String {
    if n >= 1024 && n % 1024 == 0 {
        format!("{} KiB", n / 1024)
    } else {
        format!("{n} bytes")
    }
}

/// Everything wrong with one ELF file. With an expectation, a different arch is the only
/// finding reported (the others would all follow from it).
pub fn check_elf(path: &str, elf: &ElfInfo, expected: Option<&Platform>) -> Vec<ElfFinding> {
    let mut out = Vec::new();
    let what = describe(elf);
    if let Some(exp) = expected {
        match elf.arch {
            None => {
                out.push(finding(
                    "machine-mismatch",
                    path,
                    format!("machine {what} is no Linux GOARCH abiport knows; expected {exp}"),
                ));
                return out;
            }
            Some(a) if a != exp.arch => {
                out.push(finding(
                    "machine-mismatch",
                    path,
                    format!("built for {a} ({what}), expected {exp}"),
                ));
                return out;
            }
            Some(_) => {}
        }
        if exp.os == "linux" && !matches!(elf.os_abi, 0 | 3) {
            out.push(finding(
                "os-abi-mismatch",
                path,
                format!(
                    "the OS/ABI is {} ({}); Linux loads only sysv (0) or gnu (3)",
                    elf.os_abi_name, elf.os_abi
                ),
            ));
        }
    }
    let Some(arch) = elf.arch else {
        return out;
    };
    let facts = platform::facts(arch);

    if let Some(bi) = &elf.buildinfo {
        if let Some(goarch) = bi.setting("GOARCH") {
            if goarch != arch.name() {
                out.push(finding(
                    "buildinfo-mismatch",
                    path,
                    format!("go build info says GOARCH={goarch}, the ELF header says {arch}"),
                ));
            }
        }
        let (class_ptr, big) = (u8::from(facts.class64) * 4 + 4, facts.big_endian);
        if bi.ptr_size != class_ptr || bi.big_endian != big {
            out.push(finding(
                "buildinfo-mismatch",
                path,
                format!(
                    "go build info header is for {}-byte {} endian pointers, the ELF header is {arch}",
                    bi.ptr_size,
                    if bi.big_endian { "big" } else { "little" }
                ),
            ));
        }
        if let (Some(exp), Some(goos)) = (expected, bi.setting("GOOS")) {
            if goos != exp.os {
                out.push(finding(
                    "buildinfo-mismatch",
                    path,
                    format!("go build info says GOOS={goos}, expected {exp}"),
                ));
            }
        }
        if let Some(v) = expected.and_then(|e| e.variant.as_deref()) {
            variant_check(path, arch, v, bi, &mut out);
        }
    }

    abi_checks(path, arch, elf, &mut out);

    if let Some(interp) = &elf.interp {
        if !facts.loaders.contains(&interp.as_str()) {
            let owners: Vec<&str> = platform::loader_arches(interp)
                .into_iter()
                .map(Arch::name)
                .collect();
            let whose = if owners.is_empty() {
                String::new()
            } else {
                format!(" (the loader of {})", owners.join(", "))
            };
            out.push(finding(
                "interpreter",
                path,
                format!(
                    "requests loader `{interp}`{whose}, not a glibc or musl loader for {arch}: {}",
                    facts.loaders.join(", ")
                ),
            ));
        } else {
            float_loader_check(path, elf, interp, &mut out);
        }
    }

    if matches!(elf.kind, "exec" | "pie" | "dyn") {
        let bad = elf
            .loads
            .iter()
            .filter(|l| {
                l.align < facts.max_page || l.vaddr.wrapping_sub(l.offset) % facts.max_page != 0
            })
            .min_by_key(|l| (l.align, l.offset));
        if let Some(l) = bad {
            out.push(finding(
                "load-alignment",
                path,
                format!(
                    "loadable segment at offset {:#x} is aligned to {}; {arch} kernels run with pages up to {} ({}), where it may not load",
                    l.offset,
                    kib(l.align),
                    kib(facts.max_page),
                    facts.page_sizes
                ),
            ));
        }
    }
    out
}

/// `machine, ELF64, little endian`, for messages.
pub fn describe(elf: &ElfInfo) -> String {
    format!(
        "{}, ELF{}, {} endian",
        elf.machine_name, elf.class, elf.endian
    )
}

/// OCI variants name the GOARM / GOAMD64 level (`linux/arm/v7`, `linux/amd64/v3`).
fn variant_check(
    path: &str,
    arch: Arch,
    variant: &str,
    bi: &super::buildinfo::BuildInfo,
    out: &mut Vec<ElfFinding>,
) {
    let key = match arch {
        Arch::Arm => "GOARM",
        Arch::Amd64 => "GOAMD64",
        _ => return,
    };
    let Some(raw) = bi.setting(key) else {
        return;
    };
    // `7,softfloat` → 7; `v3` → 3
    let have = level(raw.split(',').next().unwrap_or(raw));
    // a lower level runs on a higher variant; only a higher one breaks
    if have > level(variant) {
        out.push(finding(
            "variant-mismatch",
            path,
            format!("built with {key}={raw}, too new for platform variant {variant}"),
        ));
    }
}

fn level(v: &str) -> u32 {
    v.trim_start_matches('v').parse().unwrap_or(0)
}

fn abi_checks(path: &str, arch: Arch, elf: &ElfInfo, out: &mut Vec<ElfFinding>) {
    let msg = match (&elf.flags_decoded, arch) {
        (Some(Flags::Mips { abi, .. }), Arch::Mips64 | Arch::Mips64le) if *abi != "n64" => Some(
            format!("uses the MIPS {abi} ABI in an ELF64 file; {arch} Linux runs n64"),
        ),
        (Some(Flags::Mips { abi, .. }), Arch::Mips | Arch::Mipsle) if *abi != "o32" => {
            Some(format!(
                "uses the MIPS {abi} ABI; GOARCH {arch} is o32, and 64-bit MIPS Linux runs n64 in ELF64 files"
            ))
        }
        (Some(Flags::Ppc64 { elf_abi: 1 }), Arch::Ppc64le) => {
            Some("uses the ELFv1 (function descriptor) ABI; ppc64le Linux runs ELFv2".to_string())
        }
        (Some(Flags::Arm { eabi, .. }), Arch::Arm) if *eabi != 5 && *eabi != 0 => Some(format!(
            "uses ARM EABI version {eabi}; Linux userland is EABI5"
        )),
        (Some(Flags::Arm { eabi: 0, .. }), Arch::Arm) => {
            Some("old ARM ABI (no EABI version); Linux userland is EABI5".to_string())
        }
        _ => None,
    };
    if let Some(m) = msg {
        out.push(finding("abi-mismatch", path, m));
    }
}

/// Hard/soft float loaders must match the float ABI the e_flags declare.
fn float_loader_check(path: &str, elf: &ElfInfo, interp: &str, out: &mut Vec<ElfFinding>) {
    let clash = match &elf.flags_decoded {
        Some(Flags::Arm { float_abi, .. }) => {
            let hf = interp.contains("armhf");
            (hf && *float_abi == "soft") || (!hf && *float_abi == "hard")
        }
        Some(Flags::Riscv { float_abi, .. }) => {
            let hf = interp.contains("lp64d") || interp == "/lib/ld-musl-riscv64.so.1";
            (hf && *float_abi != "double") || (!hf && *float_abi == "double")
        }
        _ => false,
    };
    if clash {
        let fa = match &elf.flags_decoded {
            Some(Flags::Arm { float_abi, .. }) | Some(Flags::Riscv { float_abi, .. }) => *float_abi,
            _ => "",
        };
        out.push(finding(
            "abi-mismatch",
            path,
            format!("{fa}-float binary requests the loader `{interp}` of the other float ABI"),
        ));
    }
}

/// `--expect` with several platforms: each present exactly once among `labelled`
/// (path, label); unlabelled or unexpected binaries are findings too.
pub fn check_presence(
    group: &str,
    expect: &[Platform],
    labelled: &[(String, Option<Platform>)],
    (what, whats): (&str, &str),
) -> Vec<ElfFinding> {
    let mut out = Vec::new();
    for exp in expect {
        let hits: Vec<&str> = labelled
            .iter()
            .filter(|(_, l)| l.as_ref().is_some_and(|l| l.matches(exp)))
            .map(|(p, _)| p.as_str())
            .collect();
        match hits.len() {
            0 => out.push(finding(
                "platform-missing",
                group,
                format!("no {what} for {exp}"),
            )),
            1 => {}
            n => out.push(finding(
                "platform-duplicate",
                group,
                format!("{n} {whats} for {exp}: {}", hits.join(", ")),
            )),
        }
    }
    for (p, l) in labelled {
        match l {
            None => out.push(finding(
                "platform-unknown",
                p,
                "path names no platform (like `_linux_mips64le` or `linux/mips64le/`)".to_string(),
            )),
            Some(l) if !expect.iter().any(|e| e.matches(l)) => out.push(finding(
                "platform-unexpected",
                p,
                format!(
                    "labelled {l}, which is not among the expected platforms {}",
                    expect
                        .iter()
                        .map(|e| e.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )),
            Some(_) => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presence() {
        let p = |s: &str| Platform::parse(s).unwrap();
        let expect = vec![p("linux/amd64"), p("linux/mips64le"), p("linux/s390x")];
        let labelled = vec![
            ("a_linux_amd64".to_string(), Some(p("linux/amd64"))),
            ("b_linux_amd64".to_string(), Some(p("linux/amd64"))),
            ("c_linux_mips64le".to_string(), Some(p("linux/mips64le"))),
            ("d_linux_arm64".to_string(), Some(p("linux/arm64"))),
            ("e".to_string(), None),
        ];
        let f = check_presence("dist", &expect, &labelled, ("binary", "binaries"));
        let got: Vec<(&str, &str)> = f.iter().map(|f| (f.check, f.path.as_str())).collect();
        assert_eq!(
            got,
            vec![
                ("platform-duplicate", "dist"),
                ("platform-missing", "dist"),
                ("platform-unexpected", "d_linux_arm64"),
                ("platform-unknown", "e"),
            ]
        );
        assert!(
            f[0].message.starts_with("2 binaries for linux/amd64"),
            "{}",
            f[0].message
        );
    }
}
