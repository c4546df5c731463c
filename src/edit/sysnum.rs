//! Syscall numbers a vendored copy of golang.org/x/sys lacks: the fix adding the kernel's
//! number to the copy's `zsysnum_linux_<arch>.go`, shared by the rules that report uses of
//! such names.

use super::FixCtx;
use crate::abi::{self, table_source};
use crate::arch::ArchSet;
use crate::finding::{Edit, Finding, Fix, Payload};
use crate::index::{FileId, Index, PkgId};
use std::collections::BTreeMap;

/// A `SYS_*` name of a vendored `golang.org/x/sys/unix` (its generated `zsysnum_*` files).
pub fn is_vendored_sysnum(index: &Index, pkg: PkgId, name: &str) -> bool {
    name.starts_with("SYS_") && index.copied_table(pkg) == Some(abi::Package::Unix)
}

/// Attach to `rule`'s findings on uses of a `SYS_*` name missing from a vendored x/sys
/// the fix adding the kernel's number to that arch's `zsysnum_linux_<arch>.go`, or why
/// there is none. The edit is built from every finding naming such a constant
/// (`Payload::Undefined`: undefined-on-arch's and abi-struct-drift's), so when both rules
/// run each zsysnum file gets one edit, identical in the two fixes (the plan merges
/// identical edits).
pub fn attach_missing_sysnums(cx: &FixCtx<'_>, findings: &mut [Finding], rule: &str) {
    let index = cx.index;
    // zsysnum file → (name → number, `rule`'s findings).
    let mut by_sysnum: BTreeMap<FileId, (BTreeMap<String, String>, Vec<usize>)> = BTreeMap::new();
    let mut reasons: Vec<(usize, String)> = Vec::new();
    for (i, f) in findings.iter().enumerate() {
        let Payload::Undefined { package: pkg, name } = &f.payload else {
            continue;
        };
        let (pkg, name) = (*pkg, name.clone());
        if !is_vendored_sysnum(index, pkg, &name) {
            continue;
        }
        let mine = f.rule == rule;
        match sysnum_target(cx, pkg, &name, f.arches.intersect(index.targets)) {
            Ok((file, number)) => {
                let e = by_sysnum.entry(file).or_default();
                e.0.insert(name, number);
                if mine {
                    e.1.push(i);
                }
            }
            Err(why) if mine => reasons.push((i, why)),
            Err(_) => {}
        }
    }
    for (i, why) in reasons {
        findings[i].set_no_fix(why);
    }
    for (file, (names, users)) in by_sysnum {
        let fix = sysnum_fix(cx, file, &names);
        for i in users {
            match &fix {
                Some(fix) => findings[i].fix = Some(fix.clone()),
                None => findings[i].set_no_fix("the vendored syscall table cannot be read"),
            }
        }
    }
}

/// The vendored `zsysnum_linux_<arch>.go` that lacks `name`, and the number the tables
/// give for that arch. One arch at a time: a fix edits one file.
fn sysnum_target(
    cx: &FixCtx<'_>,
    pkg: PkgId,
    name: &str,
    broken: ArchSet,
) -> Result<(FileId, String), String> {
    let index = cx.index;
    let mut found = Vec::new();
    let mut absent = ArchSet::EMPTY;
    for arch in broken.iter() {
        let Some(c) = abi::table(arch, abi::Package::Unix).syscall(name) else {
            absent.insert(arch);
            continue;
        };
        let Some(n) = c.value.as_int() else {
            continue;
        };
        let want = format!("zsysnum_linux_{arch}.go");
        let file = index.packages[pkg]
            .files
            .iter()
            .copied()
            .find(|&f| index.files[f].rel.rsplit('/').next() == Some(want.as_str()))
            .ok_or_else(|| format!("the vendored x/sys has no {want} to add `{name}` to"))?;
        found.push((file, n.to_string()));
    }
    match found.len() {
        1 => Ok(found.remove(0)),
        0 if !absent.is_empty() => Err(format!(
            "the kernel has no `{name}` on {absent} ({}); use the call it has instead",
            table_source(abi::Package::Unix)
        )),
        0 => Err(format!("no number for `{name}` in the tables")),
        n => Err(format!(
            "`{name}` is missing from {n} vendored syscall tables; fix one `--arch` at a time"
        )),
    }
}

/// One edit per vendored `zsysnum` file: the missing numbers as a const block at its
/// end, aligned as gofmt aligns them.
fn sysnum_fix(cx: &FixCtx<'_>, file: FileId, names: &BTreeMap<String, String>) -> Option<Fix> {
    let rel = &cx.index.files[file].rel;
    let src = cx.source(file)?;
    let source = table_source(abi::Package::Unix);
    let mut text = String::new();
    if !src.ends_with(b"\n") {
        text.push('\n');
    }
    text.push_str(&format!(
        "\n// Missing from this vendored copy of golang.org/x/sys: added by abiport from its\n\
         // {source}. Updating golang.org/x/sys supersedes this.\n"
    ));
    let width = names.keys().map(|n| n.len()).max().unwrap_or(0);
    if names.len() == 1 {
        let (n, v) = names.iter().next()?;
        text.push_str(&format!("const {n} = {v}\n"));
    } else {
        text.push_str("const (\n");
        for (n, v) in names {
            text.push_str(&format!("\t{n:width$} = {v}\n"));
        }
        text.push_str(")\n");
    }
    let list: Vec<String> = names.iter().map(|(n, v)| format!("`{n} = {v}`")).collect();
    let subject = format!("add {} to the vendored `{rel}` ({source})", list.join(", "));
    Some(
        Fix::safe(subject, vec![Edit::insert(src.len(), text)])
            .detail("; update golang.org/x/sys to keep it")
            .in_file(rel.clone()),
    )
}
