//! `abiport abi show|diff|syscall`: the embedded tables, for people. The answers come from
//! [`crate::abi::query`]; this module renders them as text tables or JSON.

use super::OutFormat;
use crate::abi::query::{
    diff_fields, lookup_struct, syscall_numbers, ConstDiff, FieldDiff, Origin, PackageDiff,
    SyscallNumbers,
};
use crate::abi::{kernel, table, Const, ConstValue, Field, Package, Struct};
use crate::arch::Arch;
use crate::error::{Outcome, Result};
use clap::{Args, Subcommand, ValueEnum};
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::io::Write as _;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum AbiPackage {
    Syscall,
    #[default]
    Unix,
}

#[derive(Args, Debug, Clone)]
#[command(
    after_help = "Exit codes:\n  0  printed\n  2  unknown arch, type, syscall or usage error"
)]
pub struct AbiArgs {
    #[command(subcommand)]
    pub command: AbiCommand,
    /// Go package whose tables to use
    #[arg(long, value_enum, default_value_t = AbiPackage::Unix, global = true)]
    pub package: AbiPackage,
    /// Output format
    #[arg(long, value_enum, default_value_t = OutFormat::Human, global = true)]
    pub format: OutFormat,
}

#[derive(Subcommand, Debug, Clone)]
pub enum AbiCommand {
    /// One struct's layout, or the arch's summary
    Show {
        arch: String,
        r#type: Option<String>,
    },
    /// Differences between two arches: struct layouts, syscalls, constants
    Diff {
        arch_a: String,
        arch_b: String,
        r#type: Option<String>,
    },
    /// A syscall's number on every arch
    Syscall { name: String },
}

pub fn run(args: &AbiArgs) -> Result<Outcome> {
    let pkg = match args.package {
        AbiPackage::Syscall => Package::Syscall,
        AbiPackage::Unix => Package::Unix,
    };
    let json = args.format == OutFormat::Json;
    let text = match &args.command {
        AbiCommand::Show { arch, r#type } => {
            let arch = parse_arch(arch)?;
            match r#type {
                Some(ty) => {
                    let (s, origin) = lookup_struct(arch, pkg, ty)?;
                    if json {
                        to_json(&struct_json(arch, &origin, s))
                    } else {
                        show_struct_human(arch, &origin, s)
                    }
                }
                None if json => to_json(&summary_json(arch, pkg)),
                None => summary_human(arch, pkg),
            }
        }
        AbiCommand::Diff {
            arch_a,
            arch_b,
            r#type,
        } => {
            let (a, b) = (parse_arch(arch_a)?, parse_arch(arch_b)?);
            match r#type {
                Some(ty) => match (lookup_struct(a, pkg, ty), lookup_struct(b, pkg, ty)) {
                    (Ok((sa, origin)), Ok((sb, _))) => {
                        let rows = diff_fields(sa, sb);
                        if json {
                            to_json(&struct_diff_json(a, b, &origin, sa, sb, &rows))
                        } else {
                            struct_diff_human(a, b, &origin, sa, sb, &rows)
                        }
                    }
                    // A type only one arch declares (PtraceRegsAmd64) is a difference, not an error.
                    (Ok((s, origin)), Err(_)) => one_sided(&origin, s, a, b, json, true),
                    (Err(_), Ok((s, origin))) => one_sided(&origin, s, b, a, json, false),
                    (Err(e), Err(_)) => return Err(e),
                },
                None => {
                    let d = package_diff(a, b, pkg);
                    if json {
                        to_json(&package_diff_json(&d))
                    } else {
                        package_diff_human(&d)
                    }
                }
            }
        }
        AbiCommand::Syscall { name } => {
            let numbers = syscall_numbers(pkg, name)?;
            if json {
                to_json(&syscall_json(pkg, &numbers))
            } else {
                syscall_human(pkg, &numbers)
            }
        }
    };
    emit(&text);
    Ok(Outcome::Clean)
}

/// Write to stdout; a closed pipe (`| head`) is not an error.
fn emit(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|_| out.flush());
}

fn to_json(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}

fn parse_arch(s: &str) -> Result<Arch> {
    let name = Arch::parse_name(s)?;
    super::note_arch_names("arch", std::slice::from_ref(&name));
    Ok(name.arch)
}

fn int_json(v: i128) -> Value {
    if let Ok(i) = i64::try_from(v) {
        json!(i)
    } else if let Ok(u) = u64::try_from(v) {
        json!(u)
    } else {
        json!(v.to_string())
    }
}

fn value_json(v: ConstValue) -> Value {
    match v {
        ConstValue::Int(i) => int_json(i),
        ConstValue::Str(s) => json!(s),
        ConstValue::Bool(b) => json!(b),
    }
}

fn field_json(f: &Field) -> Value {
    json!({"name": f.name, "type": f.ty, "offset": f.offset, "size": f.size})
}

fn struct_json(arch: Arch, origin: &Origin, s: &Struct) -> Value {
    json!({
        "arch": arch.name(),
        "package": origin.package,
        "type": s.name,
        "size": s.size,
        "align": s.align,
        "fields": s.fields.iter().map(field_json).collect::<Vec<_>>(),
    })
}

/// Left-aligned columns, two spaces apart; numeric columns are right-aligned by the caller.
fn table_text(header: &[&str], rows: &[Vec<String>], right: &[bool]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for r in rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    let line = |out: &mut String, cells: &[String]| {
        let mut l = String::from("  ");
        for (i, c) in cells.iter().enumerate() {
            let pad = widths[i].saturating_sub(c.chars().count());
            if right.get(i).copied().unwrap_or(false) {
                l.push_str(&" ".repeat(pad));
                l.push_str(c);
            } else {
                l.push_str(c);
                if i + 1 < cells.len() {
                    l.push_str(&" ".repeat(pad));
                }
            }
            if i + 1 < cells.len() {
                l.push_str("  ");
            }
        }
        out.push_str(l.trim_end());
        out.push('\n');
    };
    line(
        &mut out,
        &header.iter().map(|h| h.to_string()).collect::<Vec<_>>(),
    );
    for r in rows {
        line(&mut out, r);
    }
    out
}

pub(crate) fn show_struct_human(arch: Arch, origin: &Origin, s: &Struct) -> String {
    let mut out = format!(
        "{} on {arch}: size {}, align {}\n",
        origin.title(),
        s.size,
        s.align
    );
    let rows: Vec<Vec<String>> = s
        .fields
        .iter()
        .map(|f| {
            vec![
                f.offset.to_string(),
                f.size.to_string(),
                f.name.to_string(),
                f.ty.to_string(),
            ]
        })
        .collect();
    out.push_str(&table_text(
        &["offset", "size", "field", "type"],
        &rows,
        &[true, true, false, false],
    ));
    out
}

fn summary_json(arch: Arch, pkg: Package) -> Value {
    let t = table(arch, pkg);
    let k = kernel(arch);
    json!({
        "arch": arch.name(),
        "package": pkg.name(),
        "pointer_size": arch.ptr_size(),
        "big_endian": arch.is_big_endian(),
        "structs": t.structs.len(),
        "syscalls": t.syscalls.len(),
        "constants": t.consts.len(),
        "funcs": t.funcs.len(),
        "types": t.types.len(),
        "vars": t.vars.len(),
        "kernel": k.map(|k| json!({
            "structs": k.structs.len(),
            "constants": k.consts.len(),
            "syscalls": k.syscalls.len(),
        })),
    })
}

fn summary_human(arch: Arch, pkg: Package) -> String {
    let t = table(arch, pkg);
    let mut out = format!(
        "{arch} ({}-bit, {} endian), package {}\n",
        arch.ptr_size() * 8,
        if arch.is_big_endian() {
            "big"
        } else {
            "little"
        },
        pkg.import_path()
    );
    let numbers: Vec<i128> = t.syscalls.iter().filter_map(|c| c.value.as_int()).collect();
    let range = match (numbers.iter().min(), numbers.iter().max()) {
        (Some(lo), Some(hi)) => format!(" (numbers {lo}..{hi})"),
        _ => String::new(),
    };
    let exported = t.exported_structs().count();
    let _ = writeln!(
        out,
        "  structs    {} ({exported} exported)",
        t.structs.len()
    );
    let _ = writeln!(out, "  syscalls   {}{range}", t.syscalls.len());
    let _ = writeln!(out, "  constants  {}", t.consts.len());
    let _ = writeln!(out, "  functions  {}", t.funcs.len());
    let _ = writeln!(out, "  types      {}", t.types.len());
    let _ = writeln!(out, "  variables  {}", t.vars.len());
    match kernel(arch) {
        Some(k) => {
            let names: Vec<&str> = k.structs.iter().map(|s| s.name).collect();
            let _ = writeln!(
                out,
                "  kernel     {} structs ({}), {} constants, {} syscalls",
                k.structs.len(),
                names.join(", "),
                k.consts.len(),
                k.syscalls.len()
            );
        }
        None => out.push_str("  kernel     not generated for this arch\n"),
    }
    let key = ["Stat_t", "EpollEvent", "Statfs_t", "Termios", "Timespec"];
    let sizes: Vec<String> = key
        .iter()
        .filter_map(|n| t.strukt(n).map(|s| format!("{n} {}", s.size)))
        .collect();
    let _ = writeln!(out, "  sizes      {}", sizes.join(", "));
    out.push_str("  (`abiport abi show ARCH TYPE` for a layout, `abiport abi diff` to compare)\n");
    out
}

fn slot(f: Option<&Field>) -> String {
    match f {
        Some(f) => format!("{} @{} ({})", f.ty, f.offset, f.size),
        None => "—".to_string(),
    }
}

fn struct_diff_human(
    a: Arch,
    b: Arch,
    origin: &Origin,
    sa: &Struct,
    sb: &Struct,
    rows: &[FieldDiff],
) -> String {
    let mut out = format!("{}: {a} → {b}\n", origin.title());
    let same_shape = sa.size == sb.size && sa.align == sb.align;
    let _ = writeln!(
        out,
        "  size {} → {}, align {} → {}{}",
        sa.size,
        sb.size,
        sa.align,
        sb.align,
        if same_shape { "" } else { "  (differs)" }
    );
    let changed: Vec<Vec<String>> = rows
        .iter()
        .filter(|r| !r.changes().is_empty())
        .map(|r| {
            vec![
                r.name(),
                slot(r.a),
                slot(r.b),
                r.changes()
                    .iter()
                    .map(|c| match *c {
                        "only_a" => format!("only on {a}"),
                        "only_b" => format!("only on {b}"),
                        other => other.to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
            ]
        })
        .collect();
    let same = rows.len() - changed.len();
    if changed.is_empty() {
        let _ = writeln!(out, "  all {same} fields identical");
        return out;
    }
    out.push('\n');
    out.push_str(&table_text(
        &["field", a.name(), b.name(), "differs in"],
        &changed,
        &[],
    ));
    let _ = writeln!(
        out,
        "\n  {same} other field{} identical",
        if same == 1 { "" } else { "s" }
    );
    out
}

/// A struct that `has` declares and `lacks` does not.
fn one_sided(
    origin: &Origin,
    s: &Struct,
    has: Arch,
    lacks: Arch,
    json: bool,
    is_a: bool,
) -> String {
    if json {
        let (a, b) = if is_a { (has, lacks) } else { (lacks, has) };
        let layout = struct_json(has, origin, s);
        return to_json(&json!({
            "arch_a": a.name(),
            "arch_b": b.name(),
            "package": origin.package,
            "type": s.name,
            "a": if is_a { layout.clone() } else { Value::Null },
            "b": if is_a { Value::Null } else { layout },
        }));
    }
    format!(
        "{} exists only on {has} (size {}), not on {lacks}\n",
        origin.title(),
        s.size
    )
}

fn struct_diff_json(
    a: Arch,
    b: Arch,
    origin: &Origin,
    sa: &Struct,
    sb: &Struct,
    rows: &[FieldDiff],
) -> Value {
    json!({
        "arch_a": a.name(),
        "arch_b": b.name(),
        "package": origin.package,
        "type": sa.name,
        "size": [sa.size, sb.size],
        "align": [sa.align, sb.align],
        "fields": rows.iter().map(|r| json!({
            "name": r.name(),
            "a": r.a.map(field_json),
            "b": r.b.map(field_json),
            "changes": r.changes(),
        })).collect::<Vec<_>>(),
    })
}

fn const_diff_json(d: &ConstDiff, changed_key: &str) -> Value {
    json!({
        "only_a": d.only_a.iter().map(|c| json!({"name": c.name, "value": value_json(c.value)})).collect::<Vec<_>>(),
        "only_b": d.only_b.iter().map(|c| json!({"name": c.name, "value": value_json(c.value)})).collect::<Vec<_>>(),
        changed_key: d.changed.iter().map(|(x, y)| json!({"name": x.name, "a": value_json(x.value), "b": value_json(y.value)})).collect::<Vec<_>>(),
    })
}

/// The parts of a package diff, so a rule can show only the rows it reads.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum DiffPart {
    /// Structs whose layout differs.
    StructLayouts,
    /// Structs, syscalls and constants only one arch declares.
    OnlyOneSide,
    /// Syscalls numbered differently.
    SyscallNumbers,
    /// Constants with different values.
    ConstantValues,
}

pub(crate) const ALL_PARTS: [DiffPart; 4] = [
    DiffPart::StructLayouts,
    DiffPart::OnlyOneSide,
    DiffPart::SyscallNumbers,
    DiffPart::ConstantValues,
];

/// The package diff of `a` and `b`.
pub(crate) fn package_diff(a: Arch, b: Arch, pkg: Package) -> PackageDiff {
    PackageDiff::new(table(a, pkg), table(b, pkg))
}

fn package_diff_json(d: &PackageDiff) -> Value {
    package_diff_parts_json(d, &ALL_PARTS)
}

pub(crate) fn package_diff_parts_json(d: &PackageDiff, parts: &[DiffPart]) -> Value {
    let has = |p: DiffPart| parts.contains(&p);
    let mut v = json!({
        "arch_a": d.a.arch.name(),
        "arch_b": d.b.arch.name(),
        "package": d.a.view.name(),
    });
    let mut structs = serde_json::Map::new();
    if has(DiffPart::OnlyOneSide) {
        structs.insert("only_a".into(), json!(d.structs_only_a));
        structs.insert("only_b".into(), json!(d.structs_only_b));
    }
    if has(DiffPart::StructLayouts) {
        structs.insert(
            "changed".into(),
            json!(d
                .structs_changed
                .iter()
                .map(|(x, y)| json!({"name": x.name, "size": [x.size, y.size]}))
                .collect::<Vec<_>>()),
        );
    }
    if !structs.is_empty() {
        v["structs"] = Value::Object(structs);
    }
    for (key, diff, changed_key, part) in [
        ("syscalls", &d.sys, "renumbered", DiffPart::SyscallNumbers),
        ("constants", &d.consts, "changed", DiffPart::ConstantValues),
    ] {
        let mut full = const_diff_json(diff, changed_key);
        let Value::Object(map) = &mut full else {
            continue;
        };
        if !has(DiffPart::OnlyOneSide) {
            map.remove("only_a");
            map.remove("only_b");
        }
        if !has(part) {
            map.remove(changed_key);
        }
        if !map.is_empty() {
            v[key] = full;
        }
    }
    v
}

fn package_diff_human(d: &PackageDiff) -> String {
    package_diff_parts_human(d, &ALL_PARTS)
}

pub(crate) fn package_diff_parts_human(d: &PackageDiff, parts: &[DiffPart]) -> String {
    let has = |p: DiffPart| parts.contains(&p);
    let (a, b) = (d.a.arch.name(), d.b.arch.name());
    let mut out = format!("{}: {a} → {b}\n", d.a.view.import_path());
    let section = |out: &mut String, title: String, items: Vec<String>| {
        if items.is_empty() {
            return;
        }
        let _ = writeln!(out, "\n{title} ({}):", items.len());
        for line in wrap(&items, 96) {
            let _ = writeln!(out, "  {line}");
        }
    };
    let changed: Vec<Vec<String>> = d
        .structs_changed
        .iter()
        .map(|(x, y)| vec![x.name.to_string(), x.size.to_string(), y.size.to_string()])
        .collect();
    if !changed.is_empty() && has(DiffPart::StructLayouts) {
        let _ = writeln!(
            out,
            "\nstructs with a different layout ({}; `abiport abi diff {a} {b} TYPE` for fields):",
            changed.len()
        );
        out.push_str(&table_text(&["type", a, b], &changed, &[false, true, true]));
    }
    let names = |v: &[&'static str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let cnames = |v: &[&'static Const]| v.iter().map(|c| c.name.to_string()).collect();
    if has(DiffPart::OnlyOneSide) {
        section(
            &mut out,
            format!("structs only on {a}"),
            names(&d.structs_only_a),
        );
        section(
            &mut out,
            format!("structs only on {b}"),
            names(&d.structs_only_b),
        );
        section(
            &mut out,
            format!("syscalls only on {a}"),
            cnames(&d.sys.only_a),
        );
        section(
            &mut out,
            format!("syscalls only on {b}"),
            cnames(&d.sys.only_b),
        );
    }
    // Syscall numbers read best in decimal, flags and ioctls in hex.
    let pairs = |v: &[(&'static Const, &'static Const)], decimal: bool| -> Vec<Vec<String>> {
        let show = |c: &Const| match c.value {
            ConstValue::Int(i) if decimal => i.to_string(),
            other => other.to_string(),
        };
        v.iter()
            .map(|(x, y)| vec![x.name.to_string(), show(x), show(y)])
            .collect()
    };
    for (title, rows, part) in [
        (
            "syscalls numbered differently",
            pairs(&d.sys.changed, true),
            DiffPart::SyscallNumbers,
        ),
        (
            "constants with different values",
            pairs(&d.consts.changed, false),
            DiffPart::ConstantValues,
        ),
    ] {
        if !rows.is_empty() && has(part) {
            let _ = writeln!(out, "\n{title} ({}):", rows.len());
            out.push_str(&table_text(&["name", a, b], &rows, &[false, true, true]));
        }
    }
    if has(DiffPart::OnlyOneSide) {
        section(
            &mut out,
            format!("constants only on {a}"),
            cnames(&d.consts.only_a),
        );
        section(
            &mut out,
            format!("constants only on {b}"),
            cnames(&d.consts.only_b),
        );
    }
    out
}

/// Space-separated names, wrapped to `width` columns.
fn wrap(items: &[String], width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for it in items {
        if !line.is_empty() && line.len() + 1 + it.len() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(it);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

fn syscall_json(pkg: Package, n: &SyscallNumbers) -> Value {
    json!({
        "name": n.name,
        "package": pkg.name(),
        "arches": n.per_arch.iter().map(|(arch, go, k)| json!({
            "arch": arch.name(),
            "number": go.map(int_json),
            "kernel": k.map(int_json),
        })).collect::<Vec<_>>(),
        "absent": n.per_arch.iter().filter(|(_, go, _)| go.is_none()).map(|(a, _, _)| a.name()).collect::<Vec<_>>(),
    })
}

fn syscall_human(pkg: Package, n: &SyscallNumbers) -> String {
    let mut out = format!("{}.{}\n", pkg.name(), n.name);
    let rows: Vec<Vec<String>> = n
        .per_arch
        .iter()
        .map(|(arch, go, k)| {
            vec![
                arch.name().to_string(),
                go.map_or("—".to_string(), |v| v.to_string()),
                match (go, k) {
                    (_, None) if kernel(*arch).is_none() => String::new(),
                    (_, None) => "—".to_string(),
                    (Some(g), Some(k)) if g == k => k.to_string(),
                    (_, Some(k)) => format!("{k} (differs)"),
                },
            ]
        })
        .collect();
    out.push_str(&table_text(
        &["arch", "number", ""],
        &rows,
        &[false, true, false],
    ));
    let absent: Vec<&str> = n
        .per_arch
        .iter()
        .filter(|(_, go, _)| go.is_none())
        .map(|(a, _, _)| a.name())
        .collect();
    if !absent.is_empty() {
        let _ = writeln!(out, "absent on: {}", absent.join(", "));
    }
    out
}
