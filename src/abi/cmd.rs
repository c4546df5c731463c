//! `abiport abi show|diff|syscall`: the embedded tables, for people.

use super::{kernel, table, ArchTable, Const, ConstValue, Field, Package, Struct};
use crate::arch::Arch;
use crate::cli::{AbiArgs, AbiCommand, AbiPackage, OutFormat};
use crate::error::{Outcome, Result, UserError};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;

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
                    let d = PackageDiff::new(table(a, pkg), table(b, pkg));
                    if json {
                        to_json(&d.to_json())
                    } else {
                        d.human()
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
    Ok(s.parse::<Arch>()?)
}

/// Where a struct came from, for headings and JSON: `unix`, `syscall` or `kernel`.
struct Origin {
    package: &'static str,
    name: String,
}

impl Origin {
    /// `unix.Stat_t`, or `kernel struct stat`.
    fn title(&self) -> String {
        if self.package == "kernel" {
            format!("kernel {}", self.name)
        } else {
            format!("{}.{}", self.package, self.name)
        }
    }
}

/// `Stat_t` in the chosen package, or `kernel.stat` / `struct stat` from the kernel view.
fn lookup_struct(arch: Arch, pkg: Package, ty: &str) -> Result<(&'static Struct, Origin)> {
    let kernel_name = ty
        .strip_prefix("kernel.")
        .or_else(|| ty.strip_prefix("struct "));
    if let Some(name) = kernel_name {
        let k = kernel(arch).ok_or_else(|| {
            let have: Vec<&str> = Arch::ALL
                .iter()
                .filter(|a| kernel(**a).is_some())
                .map(|a| a.name())
                .collect();
            UserError::new(format!("no kernel tables for {arch}")).with_help(format!(
                "kernel layouts are generated for {}; see arch-tables/README.md",
                have.join(", ")
            ))
        })?;
        return match k.strukt(name) {
            Some(s) => Ok((
                s,
                Origin {
                    package: "kernel",
                    name: format!("struct {name}"),
                },
            )),
            None => Err(unknown(
                &format!("unknown kernel struct `{name}` on {arch}"),
                name,
                k.structs.iter().map(|s| s.name),
            )),
        };
    }
    let t = table(arch, pkg);
    if let Some(s) = t.strukt(ty) {
        return Ok((
            s,
            Origin {
                package: pkg.name(),
                name: ty.to_string(),
            },
        ));
    }
    if let Some(n) = t.named(ty) {
        return Err(UserError::new(format!(
            "`{}.{ty}` is not a struct: its underlying type is `{}`",
            pkg.name(),
            n.ty
        )));
    }
    let other = match pkg {
        Package::Unix => Package::Syscall,
        Package::Syscall => Package::Unix,
    };
    if table(arch, other).strukt(ty).is_some() {
        return Err(
            UserError::new(format!("`{ty}` is not in {} on {arch}", pkg.name())).with_help(
                format!(
                    "it is in `{}`: add `--package {}`",
                    other.name(),
                    other.name()
                ),
            ),
        );
    }
    Err(unknown(
        &format!("unknown type `{ty}` in {} on {arch}", pkg.name()),
        ty,
        t.structs.iter().map(|s| s.name),
    ))
}

fn unknown<'a>(title: &str, given: &str, candidates: impl Iterator<Item = &'a str>) -> UserError {
    let close = crate::suggest::closest(given, candidates, 3);
    let err = UserError::new(title.to_string());
    if close.is_empty() {
        err.with_help("`abiport abi show ARCH` lists what the tables hold")
    } else {
        err.with_help(format!("did you mean {}?", quoted(&close)))
    }
}

fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
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

fn show_struct_human(arch: Arch, origin: &Origin, s: &Struct) -> String {
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

/// One line of a struct diff: a field on either side, and what differs.
struct FieldDiff {
    a: Option<&'static Field>,
    b: Option<&'static Field>,
}

impl FieldDiff {
    fn name(&self) -> String {
        match (self.a, self.b) {
            (Some(a), Some(b)) if a.name != b.name => format!("{} / {}", a.name, b.name),
            (Some(f), _) | (_, Some(f)) => f.name.to_string(),
            (None, None) => String::new(),
        }
    }
    fn changes(&self) -> Vec<&'static str> {
        match (self.a, self.b) {
            (Some(a), Some(b)) => {
                let mut c = Vec::new();
                if a.name != b.name {
                    c.push("name");
                }
                if a.ty != b.ty {
                    c.push("type");
                }
                if a.offset != b.offset {
                    c.push("offset");
                }
                if a.size != b.size {
                    c.push("size");
                }
                c
            }
            (Some(_), None) => vec!["only_a"],
            (None, Some(_)) => vec!["only_b"],
            (None, None) => Vec::new(),
        }
    }
}

/// Pairs fields by name, then leftover fields (pads, `_`) by offset and size, since pad
/// names differ between arches and packages. Ordered by offset, A's side first.
fn diff_fields(a: &'static Struct, b: &'static Struct) -> Vec<FieldDiff> {
    let mut used_b = vec![false; b.fields.len()];
    let mut pairs: Vec<(Option<usize>, Option<usize>)> = Vec::new();
    let mut unmatched_a = Vec::new();
    for (i, fa) in a.fields.iter().enumerate() {
        let j = (fa.name != "_")
            .then(|| {
                b.fields
                    .iter()
                    .enumerate()
                    .position(|(j, fb)| !used_b[j] && fb.name == fa.name)
            })
            .flatten();
        match j {
            Some(j) => {
                used_b[j] = true;
                pairs.push((Some(i), Some(j)));
            }
            None => unmatched_a.push(i),
        }
    }
    for i in unmatched_a {
        let fa = &a.fields[i];
        let j = b
            .fields
            .iter()
            .enumerate()
            .position(|(j, fb)| !used_b[j] && fb.offset == fa.offset && fb.size == fa.size);
        match j {
            Some(j) => {
                used_b[j] = true;
                pairs.push((Some(i), Some(j)));
            }
            None => pairs.push((Some(i), None)),
        }
    }
    for (j, used) in used_b.iter().enumerate() {
        if !used {
            pairs.push((None, Some(j)));
        }
    }
    let key = |p: &(Option<usize>, Option<usize>)| match p {
        (Some(i), _) => (a.fields[*i].offset, 0, *i),
        (None, Some(j)) => (b.fields[*j].offset, 1, *j),
        (None, None) => (u64::MAX, 2, 0),
    };
    pairs.sort_by_key(key);
    pairs
        .into_iter()
        .map(|(i, j)| FieldDiff {
            a: i.map(|i| &a.fields[i]),
            b: j.map(|j| &b.fields[j]),
        })
        .collect()
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

/// What differs between one package's tables on two arches.
struct PackageDiff {
    a: &'static ArchTable,
    b: &'static ArchTable,
    structs_only_a: Vec<&'static str>,
    structs_only_b: Vec<&'static str>,
    structs_changed: Vec<(&'static Struct, &'static Struct)>,
    sys: ConstDiff,
    consts: ConstDiff,
}

#[derive(Default)]
struct ConstDiff {
    only_a: Vec<&'static Const>,
    only_b: Vec<&'static Const>,
    changed: Vec<(&'static Const, &'static Const)>,
}

impl ConstDiff {
    fn new(a: super::ConstList, b: super::ConstList) -> ConstDiff {
        let mut d = ConstDiff::default();
        for ca in a.iter() {
            match b.find(ca.name) {
                Some(cb) if cb.value != ca.value => d.changed.push((ca, cb)),
                Some(_) => {}
                None => d.only_a.push(ca),
            }
        }
        d.only_b = b.iter().filter(|cb| a.find(cb.name).is_none()).collect();
        d
    }
    fn to_json(&self, changed_key: &str) -> Value {
        json!({
            "only_a": self.only_a.iter().map(|c| json!({"name": c.name, "value": value_json(c.value)})).collect::<Vec<_>>(),
            "only_b": self.only_b.iter().map(|c| json!({"name": c.name, "value": value_json(c.value)})).collect::<Vec<_>>(),
            changed_key: self.changed.iter().map(|(x, y)| json!({"name": x.name, "a": value_json(x.value), "b": value_json(y.value)})).collect::<Vec<_>>(),
        })
    }
}

impl PackageDiff {
    fn new(a: &'static ArchTable, b: &'static ArchTable) -> PackageDiff {
        let mut d = PackageDiff {
            a,
            b,
            structs_only_a: Vec::new(),
            structs_only_b: Vec::new(),
            structs_changed: Vec::new(),
            sys: ConstDiff::new(a.syscalls, b.syscalls),
            consts: ConstDiff::new(a.consts, b.consts),
        };
        for sa in a.exported_structs() {
            match b.strukt(sa.name) {
                Some(sb) if !same_layout(sa, sb) => d.structs_changed.push((sa, sb)),
                Some(_) => {}
                None => d.structs_only_a.push(sa.name),
            }
        }
        d.structs_only_b = b
            .exported_structs()
            .filter(|s| a.strukt(s.name).is_none())
            .map(|s| s.name)
            .collect();
        d
    }

    fn to_json(&self) -> Value {
        json!({
            "arch_a": self.a.arch.name(),
            "arch_b": self.b.arch.name(),
            "package": self.a.view.name(),
            "structs": {
                "only_a": self.structs_only_a,
                "only_b": self.structs_only_b,
                "changed": self.structs_changed.iter().map(|(x, y)| json!({"name": x.name, "size": [x.size, y.size]})).collect::<Vec<_>>(),
            },
            "syscalls": self.sys.to_json("renumbered"),
            "constants": self.consts.to_json("changed"),
        })
    }

    fn human(&self) -> String {
        let (a, b) = (self.a.arch.name(), self.b.arch.name());
        let mut out = format!("{}: {a} → {b}\n", self.a.view.import_path());
        let section = |out: &mut String, title: String, items: Vec<String>| {
            if items.is_empty() {
                return;
            }
            let _ = writeln!(out, "\n{title} ({}):", items.len());
            for line in wrap(&items, 96) {
                let _ = writeln!(out, "  {line}");
            }
        };
        let changed: Vec<Vec<String>> = self
            .structs_changed
            .iter()
            .map(|(x, y)| vec![x.name.to_string(), x.size.to_string(), y.size.to_string()])
            .collect();
        if !changed.is_empty() {
            let _ = writeln!(
                out,
                "\nstructs with a different layout ({}; `abiport abi diff {a} {b} TYPE` for fields):",
                changed.len()
            );
            out.push_str(&table_text(&["type", a, b], &changed, &[false, true, true]));
        }
        let names = |v: &[&'static str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        section(
            &mut out,
            format!("structs only on {a}"),
            names(&self.structs_only_a),
        );
        section(
            &mut out,
            format!("structs only on {b}"),
            names(&self.structs_only_b),
        );
        let cnames = |v: &[&'static Const]| v.iter().map(|c| c.name.to_string()).collect();
        section(
            &mut out,
            format!("syscalls only on {a}"),
            cnames(&self.sys.only_a),
        );
        section(
            &mut out,
            format!("syscalls only on {b}"),
            cnames(&self.sys.only_b),
        );
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
        for (title, rows) in [
            (
                "syscalls numbered differently",
                pairs(&self.sys.changed, true),
            ),
            (
                "constants with different values",
                pairs(&self.consts.changed, false),
            ),
        ] {
            if !rows.is_empty() {
                let _ = writeln!(out, "\n{title} ({}):", rows.len());
                out.push_str(&table_text(&["name", a, b], &rows, &[false, true, true]));
            }
        }
        section(
            &mut out,
            format!("constants only on {a}"),
            cnames(&self.consts.only_a),
        );
        section(
            &mut out,
            format!("constants only on {b}"),
            cnames(&self.consts.only_b),
        );
        out
    }
}

fn same_layout(a: &Struct, b: &Struct) -> bool {
    a.size == b.size
        && a.align == b.align
        && a.fields.len() == b.fields.len()
        && a.fields.iter().zip(b.fields).all(|(x, y)| x == y)
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

/// A syscall's number per arch (`None` where the package lacks it), plus the kernel's.
struct SyscallNumbers {
    name: String,
    per_arch: Vec<(Arch, Option<i128>, Option<i128>)>,
}

fn syscall_numbers(pkg: Package, given: &str) -> Result<SyscallNumbers> {
    let name = super::sys_const_name(given);
    let per_arch: Vec<(Arch, Option<i128>, Option<i128>)> = Arch::ALL
        .iter()
        .map(|&arch| {
            let go = table(arch, pkg)
                .syscalls
                .find(&name)
                .and_then(|c| c.value.as_int());
            let k = kernel(arch)
                .and_then(|k| k.syscall(&name))
                .and_then(|c| c.value.as_int());
            (arch, go, k)
        })
        .collect();
    if per_arch.iter().all(|(_, go, _)| go.is_none()) {
        let mut all: BTreeMap<&str, ()> = BTreeMap::new();
        for arch in Arch::ALL {
            for c in table(arch, pkg).syscalls.iter() {
                all.insert(c.name, ());
            }
        }
        let close = crate::suggest::closest(&name, all.keys().copied(), 3);
        let err = UserError::new(format!(
            "unknown syscall `{given}`: no `{name}` in {} on any arch",
            pkg.name()
        ));
        return Err(if close.is_empty() {
            err.with_help("give a name like `epoll_wait` or `SYS_EPOLL_WAIT`")
        } else {
            err.with_help(format!("did you mean {}?", quoted(&close)))
        });
    }
    Ok(SyscallNumbers { name, per_arch })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn diff(a: Arch, b: Arch, pkg: Package, ty: &str) -> Vec<(String, Vec<&'static str>)> {
        let sa = table(a, pkg).strukt(ty).unwrap();
        let sb = table(b, pkg).strukt(ty).unwrap();
        diff_fields(sa, sb)
            .iter()
            .map(|r| (r.name(), r.changes()))
            .collect()
    }

    #[test]
    fn pads_pair_by_slot_not_by_name() {
        // arm names the EpollEvent pad `PadFd`, mips64le leaves it `_`: same slot, one row.
        let rows = diff(Arch::Arm, Arch::Mips64le, Package::Unix, "EpollEvent");
        assert_eq!(
            rows,
            vec![
                ("Events".to_string(), vec![]),
                ("PadFd / _".to_string(), vec!["name"]),
                ("Fd".to_string(), vec![]),
                ("Pad".to_string(), vec![]),
            ]
        );
        // amd64 has no pad at all: mips64le's `_` is a field on one side only.
        let rows = diff(Arch::Amd64, Arch::Mips64le, Package::Unix, "EpollEvent");
        assert!(
            rows.contains(&("_".to_string(), vec!["only_b"])),
            "{rows:?}"
        );
        assert!(
            rows.contains(&("Fd".to_string(), vec!["offset"])),
            "{rows:?}"
        );
    }

    #[test]
    fn stat_t_amd64_to_mips64le_changes() {
        let rows = diff(Arch::Amd64, Arch::Mips64le, Package::Unix, "Stat_t");
        let of = |n: &str| rows.iter().find(|r| r.0 == n).unwrap().1.clone();
        assert_eq!(of("Dev"), vec!["type", "size"]);
        assert_eq!(of("Blksize"), vec!["type", "offset", "size"]);
        assert_eq!(of("Pad1"), vec!["only_b"]);
        assert_eq!(of("Mode"), Vec::<&str>::new());
    }

    #[test]
    fn values_print_as_go_spells_them() {
        assert_eq!(ConstValue::Int(5).to_string(), "5");
        assert_eq!(ConstValue::Int(0x80087467).to_string(), "0x80087467");
        assert_eq!(ConstValue::Int(-1).to_string(), "-1");
        assert_eq!(ConstValue::Str("a\"b").to_string(), "\"a\\\"b\"");
    }
}
