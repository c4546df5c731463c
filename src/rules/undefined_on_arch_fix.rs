//! The fix of `undefined-on-arch`: extend the build constraint of the file that declares
//! the name for the reference arch, once per declaring file, when its declarations are
//! valid on the target; for a `SYS_*` name a vendored x/sys lacks, add the kernel's number
//! to the copy (`edit::sysnum`).

use super::META;
use crate::abi;
use crate::arch::{Arch, ArchSet};
use crate::edit::constraint;
use crate::edit::sysnum::{attach_missing_sysnums, is_vendored_sysnum};
use crate::edit::FixCtx;
use crate::finding::{cite, Applicability, Finding, Fix, Payload};
use crate::index::{FileId, Index, PkgId, Target};
use std::collections::BTreeMap;

pub fn attach(cx: &FixCtx<'_>, findings: &mut [Finding]) {
    let index = cx.index;
    attach_missing_sysnums(cx, findings, META.id);
    // Finding index → the file declaring its name for the reference arch.
    let mut by_decl: BTreeMap<FileId, Vec<usize>> = BTreeMap::new();
    for (i, f) in findings.iter().enumerate() {
        if f.rule != META.id {
            continue;
        }
        let Some(r) = declaring_file(cx, f) else {
            continue;
        };
        if is_vendored_sysnum(index, r.pkg, &r.name) {
            continue;
        }
        by_decl.entry(r.decl).or_default().push(i);
    }
    for (decl, users) in by_decl {
        let wanted = users
            .iter()
            .fold(ArchSet::EMPTY, |acc, &i| acc.union(findings[i].arches))
            .intersect(index.targets);
        let plan = plan_file(cx, decl, wanted);
        let rel = &index.files[decl].rel;
        match plan {
            Ok((fix, add)) => {
                for &i in &users {
                    if findings[i].arches.intersect(add).is_empty() {
                        findings[i].set_no_fix(fix.title.clone());
                    } else {
                        findings[i].fix = Some(fix.clone());
                    }
                }
            }
            Err(why) => {
                for &i in &users {
                    findings[i].set_no_fix(format!("cannot extend `{}`: {why}", cite(rel)));
                }
            }
        }
    }
}

/// The finding's name and the declaring file that builds for the reference arch. `None`
/// for names from the syscall tables and for members (their payload names no package).
fn declaring_file(cx: &FixCtx<'_>, f: &Finding) -> Option<Resolved> {
    let index = cx.index;
    let Payload::Undefined { package: pkg, name } = &f.payload else {
        return None;
    };
    let (pkg, name) = (*pkg, name.as_str());
    let from_test = index.files[f.file].is_test;
    let sites = index.decls[pkg].names.get(name)?;
    let mut files: Vec<FileId> = sites
        .iter()
        .map(|s| s.file)
        .filter(|&d| from_test || !index.files[d].is_test)
        .filter(|&d| index.files[d].arches.contains(index.reference))
        .collect();
    files.sort_by(|a, b| index.files[*a].rel.cmp(&index.files[*b].rel));
    Some(Resolved {
        pkg,
        name: name.to_string(),
        decl: files.first().copied()?,
    })
}

/// A finding's name, its package, and the file declaring it for the reference arch.
struct Resolved {
    pkg: PkgId,
    name: String,
    decl: FileId,
}

/// Why `decl` cannot build for `arch` as it is, if it cannot.
fn invalid_on(cx: &FixCtx<'_>, decl: FileId, arch: Arch, src: &[u8]) -> Option<String> {
    let index = cx.index;
    let info = &index.files[decl];
    let pkg = index.file_package[decl]?;
    let bindings = index.import_bindings(decl);
    for (i, (_, target)) in info.imports.iter().zip(bindings.iter()) {
        if let Some(Target::Local(p)) = target {
            if !package_builds(index, *p, arch) {
                return Some(format!("it imports `{}`, which has no files there", i.path));
            }
        }
    }
    let mut why: Option<String> = None;
    crate::lexer::for_each_selector(src, |q, name, _| {
        if why.is_some() {
            return;
        }
        let Some((_, Some(target))) = bindings.iter().find(|(n, _)| n == q) else {
            return;
        };
        let missing = match target {
            Target::Local(p) => index
                .decl_arches(*p, name, false)
                .is_some_and(|(a, _)| a.contains(index.reference) && !a.contains(arch)),
            Target::Table(t) => {
                abi::table(index.reference, *t).has_exported(name)
                    && !abi::table(arch, *t).has_exported(name)
            }
        };
        if missing {
            why = Some(format!("`{q}.{name}` is undefined there"));
        }
    });
    if why.is_some() {
        return why;
    }
    let varying = &index.varying[pkg];
    crate::lexer::for_each_ident(src, |name, _| {
        if why.is_some() || !varying.contains(name) || index.declares(decl, name) {
            return;
        }
        if let Some((a, _)) = index.decl_arches(pkg, name, info.is_test) {
            if !a.contains(arch) {
                why = Some(format!("it uses `{name}`, which is undefined there"));
            }
        }
    });
    if why.is_some() {
        return why;
    }
    // Names the file declares must not be declared for `arch` by another file.
    let mut clash: Vec<String> = Vec::new();
    for (name, sites) in &index.decls[pkg].names {
        if !sites.iter().any(|s| s.file == decl) {
            continue;
        }
        for s in sites.iter().filter(|s| s.file != decl) {
            let other = &index.files[s.file];
            if other.arches.contains(arch) && (!other.is_test || info.is_test) {
                clash.push(format!(
                    "`{name}` is also declared in {} there",
                    cite(&other.rel)
                ));
            }
        }
    }
    clash.sort();
    clash.into_iter().next()
}

fn package_builds(index: &Index, p: PkgId, arch: Arch) -> bool {
    index.packages[p]
        .files
        .iter()
        .any(|&f| !index.files[f].is_test && index.files[f].arches.contains(arch))
}

/// Whether the file already builds for an arch with `arch`'s word size and byte order:
/// then its constants, conversions and layouts were compiled under the same rules.
fn same_data_model(current: ArchSet, arch: Arch) -> bool {
    current
        .iter()
        .any(|a| a.ptr_size() == arch.ptr_size() && a.is_big_endian() == arch.is_big_endian())
}

/// The fix for one declaring file and the arches it adds; Err: why there is none.
fn plan_file(cx: &FixCtx<'_>, decl: FileId, wanted: ArchSet) -> Result<(Fix, ArchSet), String> {
    let index = cx.index;
    let info = &index.files[decl];
    let src = cx
        .source(decl)
        .ok_or_else(|| "the file cannot be read".to_string())?;
    let name = crate::walk::file_name(&info.rel);
    if let Some(a) = crate::constraints::file_name::name_arch(name) {
        return Err(format!(
            "it builds only for {a} by its file name; the target needs its own file"
        ));
    }
    let (mut safe, mut unsafe_) = (ArchSet::EMPTY, ArchSet::EMPTY);
    // Reasons, each with the arches it holds for.
    let mut invalid: Vec<(ArchSet, String)> = Vec::new();
    for arch in wanted.iter() {
        match invalid_on(cx, decl, arch, &src) {
            Some(why) => match invalid.iter_mut().find(|(_, w)| *w == why) {
                Some((set, _)) => set.insert(arch),
                None => invalid.push((ArchSet::single(arch), why)),
            },
            None if same_data_model(info.arches, arch) => safe.insert(arch),
            None => unsafe_.insert(arch),
        }
    }
    let (add, applicability) = if cx.options.unsafe_fixes && !unsafe_.is_empty() {
        (safe.union(unsafe_), Applicability::Unsafe)
    } else if !safe.is_empty() {
        (safe, Applicability::Safe)
    } else if !unsafe_.is_empty() {
        (unsafe_, Applicability::Unsafe)
    } else {
        let why: Vec<String> = invalid
            .iter()
            .map(|(arches, why)| format!("on {arches}, {why}"))
            .collect();
        return Err(why.join("; "));
    };
    let edit = constraint::extend_file(cx.build, name, &src, add)?;
    let mut fix = Fix::new(
        format!("add {add} to the build constraint of `{}`", cite(&info.rel)),
        applicability,
        vec![edit],
    )
    .in_file(info.rel.clone());
    let left = unsafe_.minus(add);
    if !left.is_empty() {
        fix = fix.detail(&format!(
            "; not {left}: the file was never built with their word size or byte order \
             (an unsafe fix, `--unsafe-fixes`)"
        ));
    }
    for (arches, why) in &invalid {
        fix = fix.detail(&format!("; not {arches}: {why}"));
    }
    if applicability == Applicability::Unsafe {
        let new = add.minus(safe);
        let verb = if new.len() == 1 { "has" } else { "have" };
        fix = fix.detail(&format!(
            " (unsafe: {new} {verb} another word size or byte order than every arch the \
             file builds for; review its constants and conversions)"
        ));
    }
    Ok((fix, add))
}
