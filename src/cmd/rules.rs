//! `abiport rules [ID]`: list the rules or print one rule's doc.

use super::abi::{package_diff, package_diff_parts_human, package_diff_parts_json, DiffPart};
use super::OutFormat;
use crate::abi::{query::lookup_struct, Package};
use crate::arch::Arch;
use crate::error::{Outcome, Result, UserError};
use crate::finding::Severity;
use crate::rules::{self, by_id, FixAvailability, RULES};
use clap::Args;

#[derive(Args, Debug, Clone)]
#[command(after_help = "Exit codes:\n  0  printed\n  2  unknown rule or arch, or usage error")]
pub struct RulesArgs {
    /// Rule id whose documentation to print
    pub id: Option<String>,
    /// With a rule id: also print the ABI table rows the rule reads for this arch
    #[arg(long, value_name = "ARCH")]
    pub arch: Option<String>,
    /// With --arch: the reference arch the rule compares against
    #[arg(
        long = "ref",
        value_name = "ARCH",
        default_value = "amd64",
        requires = "arch"
    )]
    pub reference: String,
    /// Output format
    #[arg(long, value_enum, default_value_t = OutFormat::Human)]
    pub format: OutFormat,
}

pub fn run(args: &RulesArgs) -> Result<Outcome> {
    match &args.id {
        None => {
            match args.format {
                OutFormat::Human => {
                    println!("{:<24} {:<9} {:<8} summary", "rule", "fixes", "severity");
                    for r in RULES {
                        let m = r.meta();
                        println!(
                            "{:<24} {:<9} {:<8} {}",
                            m.id,
                            fix_word(m.fix),
                            severity_word(default_severity(m)),
                            m.summary
                        );
                    }
                }
                OutFormat::Json => {
                    let list: Vec<_> = RULES.iter().map(|r| rule_json(r.meta())).collect();
                    println!("{}", serde_json::to_string_pretty(&list).expect("json"));
                }
            }
            Ok(Outcome::Clean)
        }
        Some(id) => {
            let rule = by_id(id).ok_or_else(|| {
                let near = crate::suggest::closest(id, rules::ids(), 3);
                let mut e = UserError::new(format!("unknown rule `{id}`"));
                e = if near.is_empty() {
                    e.with_help(format!(
                        "rules: {}",
                        rules::ids().collect::<Vec<_>>().join(", ")
                    ))
                } else {
                    e.with_help(format!("did you mean {}?", near.join(", ")))
                };
                e
            })?;
            let arch: Option<Arch> = match args.arch.as_deref() {
                Some(s) => {
                    let name = Arch::parse_name(s)?;
                    super::note_arch_names("--arch", std::slice::from_ref(&name));
                    Some(name.arch)
                }
                None => None,
            };
            let reference = Arch::parse_name(&args.reference)?;
            super::note_arch_names("--ref", std::slice::from_ref(&reference));
            let rows = arch.map(|a| table_rows(rule.meta().id, a, reference.arch));
            match args.format {
                OutFormat::Human => {
                    print!("{}", rule.meta().doc);
                    if let (Some(a), Some(rows)) = (arch, &rows) {
                        let against = match rows {
                            TableRows::Diffs(..) => format!(" (against {})", reference.arch),
                            _ => String::new(),
                        };
                        print!(
                            "\n## ABI table rows on {a}{against}\n\n{}",
                            rows_human(a, rows)
                        );
                    }
                }
                OutFormat::Json => {
                    let mut v = rule_json(rule.meta());
                    if let (Some(a), Some(rows)) = (arch, &rows) {
                        v["arch"] = serde_json::json!(a.name());
                        v["tables"] = rows_json(rows);
                    }
                    println!("{}", serde_json::to_string_pretty(&v).expect("json"));
                }
            }
            Ok(Outcome::Clean)
        }
    }
}

fn fix_word(f: FixAvailability) -> &'static str {
    match f {
        FixAvailability::None => "never",
        FixAvailability::Sometimes => "sometimes",
        FixAvailability::Always => "always",
    }
}

/// Every rule reports its findings as errors (`FileSyntax::finding_at`) except
/// `unused-suppression`, whose findings `crate::suppress` makes warnings; abiport.toml's
/// `[severity]` changes either.
fn default_severity(m: &rules::RuleMeta) -> Severity {
    if m.id == "unused-suppression" {
        Severity::Warning
    } else {
        Severity::Error
    }
}

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

fn rule_json(m: &rules::RuleMeta) -> serde_json::Value {
    serde_json::json!({
        "id": m.id,
        "summary": m.summary,
        "fix": match m.fix {
            FixAvailability::None => "none",
            FixAvailability::Sometimes => "sometimes",
            FixAvailability::Always => "always",
        },
        "severity": severity_word(default_severity(m)),
        "doc": m.doc,
    })
}

/// The x/sys structs a rule compares field by field; the rules not listed read whole
/// tables (names, constants, syscall numbers), which `abiport abi show|diff` prints.
fn structs_read(rule: &str) -> &'static [&'static str] {
    match rule {
        "epoll-event-layout" => &["EpollEvent"],
        "kernel-struct-mirror" => &["EpollEvent", "Timespec", "Timeval"],
        "raw-syscall-abi" => &["Stat_t"],
        "struct-field-width" => &["Stat_t", "Statfs_t", "Timespec", "Timeval", "Utsname"],
        _ => &[],
    }
}

/// The rows of the tables a rule reads on `arch`: its structs' layouts, the parts of the
/// reference → arch diff it reports from, or what else it reads.
enum TableRows {
    Structs(
        Vec<(
            String,
            &'static crate::abi::Struct,
            crate::abi::query::Origin,
        )>,
    ),
    Diffs(Vec<crate::abi::query::PackageDiff>, &'static [DiffPart]),
    Other(&'static str),
}

fn table_rows(rule: &str, arch: Arch, reference: Arch) -> TableRows {
    let names = structs_read(rule);
    if !names.is_empty() {
        return TableRows::Structs(
            names
                .iter()
                .filter_map(|n| {
                    let (s, origin) = lookup_struct(arch, Package::Unix, n).ok()?;
                    Some((n.to_string(), s, origin))
                })
                .collect(),
        );
    }
    let both = [Package::Syscall, Package::Unix];
    let (packages, parts): (&[Package], &'static [DiffPart]) = match rule {
        "undefined-on-arch" => (&both, &[DiffPart::OnlyOneSide]),
        "arch-constant-literal" => (&both, &[DiffPart::ConstantValues]),
        "syscall-number-literal" => (&both, &[DiffPart::SyscallNumbers]),
        "abi-struct-drift" => (&[Package::Unix], &[DiffPart::StructLayouts]),
        "impossible-goarch" | "arch-allowlist" => {
            return TableRows::Other("Go's list of GOARCH and GOOS names, no ABI table")
        }
        "arch-keyed-table" => {
            return TableRows::Other(
                "the syscall numbers and seccomp/audit arch tokens of each arch's table",
            )
        }
        _ => return TableRows::Other("no ABI table"),
    };
    TableRows::Diffs(
        packages
            .iter()
            .map(|p| package_diff(reference, arch, *p))
            .collect(),
        parts,
    )
}

fn rows_human(arch: Arch, rows: &TableRows) -> String {
    match rows {
        TableRows::Structs(list) => list
            .iter()
            .map(|(_, s, origin)| super::abi::show_struct_human(arch, origin, s))
            .collect::<Vec<_>>()
            .join("\n"),
        TableRows::Diffs(diffs, parts) => diffs
            .iter()
            .map(|d| package_diff_parts_human(d, parts))
            .collect::<Vec<_>>()
            .join("\n"),
        TableRows::Other(what) => format!("This rule reads {what}.\n"),
    }
}

fn rows_json(rows: &TableRows) -> serde_json::Value {
    match rows {
        TableRows::Structs(list) => serde_json::json!(list
            .iter()
            .map(|(name, s, _)| serde_json::json!({
                "struct": name,
                "size": s.size,
                "align": s.align,
                "fields": s.fields.iter().map(|f| serde_json::json!({
                    "name": f.name, "type": f.ty, "offset": f.offset, "size": f.size,
                })).collect::<Vec<_>>(),
            }))
            .collect::<Vec<_>>()),
        TableRows::Diffs(diffs, parts) => serde_json::json!(diffs
            .iter()
            .map(|d| package_diff_parts_json(d, parts))
            .collect::<Vec<_>>()),
        TableRows::Other(what) => serde_json::json!({ "reads": what }),
    }
}
