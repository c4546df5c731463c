//! `undefined-on-arch`: a package-level name used from a file that builds for a target,
//! declared for the reference arch but by no file that builds for the target.

use super::{FileCtx, FixAvailability, Rule, RuleMeta, TypeNeed};
use crate::abi;
use crate::abi::table_source;
use crate::arch::{Arch, ArchSet};
use crate::finding::{Finding, Payload, Severity};
use crate::fix::FixCtx;
use crate::index::{DeclSite, FileId, Index, Target};

pub struct UndefinedOnArch;

pub(crate) use fixes::attach_missing_sysnums;

static META: RuleMeta = RuleMeta {
    id: "undefined-on-arch",
    summary: "a name the reference arch declares is undefined on a target arch",
    doc: include_str!("../../rules/undefined-on-arch.md"),
    fix: FixAvailability::Sometimes,
};

impl Rule for UndefinedOnArch {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn wants(&self, index: &Index, file: FileId) -> bool {
        index.touches_varying(file)
    }

    /// Parse only files that mention a varying name: unqualified in their own package (and
    /// not declared by the file itself, which then builds only where the name exists), or
    /// selected through an import of a package where it varies.
    fn wants_source(&self, index: &Index, file: FileId, src: &[u8]) -> bool {
        if self.type_need(index, file, src) != TypeNeed::None {
            return true;
        }
        let mut hit = false;
        if let Some(p) = index.file_package[file] {
            let varying = &index.varying[p];
            if !varying.is_empty() {
                crate::lexer::for_each_ident(src, |name, _| {
                    hit = hit || (varying.contains(name) && !index.declares(file, name));
                });
                if hit {
                    return true;
                }
            }
        }
        let mut by_alias: Vec<(String, Varying<'_>)> = Vec::new();
        for (alias, target) in index.import_bindings(file) {
            match target {
                Some(Target::Local(p)) if !index.varying[p].is_empty() => {
                    by_alias.push((alias, Varying::Local(&index.varying[p])))
                }
                Some(Target::Table(pkg)) => {
                    by_alias.push((alias, Varying::Table(&index.table_varying[pkg as usize])))
                }
                _ => {}
            }
        }
        if by_alias.is_empty() {
            return false;
        }
        crate::lexer::for_each_selector(src, |q, name, _| {
            hit = hit || by_alias.iter().any(|(a, v)| a == q && v.contains(name));
        });
        hit
    }

    /// Members (`t.Ispeed`) need the operand's type on each arch: files that import a
    /// syscall package and select a member some target lacks. Operands come from the file's
    /// own package or one it imports, so their declarations suffice.
    fn type_need(&self, index: &Index, file: FileId, src: &[u8]) -> TypeNeed {
        if !index.file_imports_abi(file) {
            return TypeNeed::None;
        }
        let members = index.member_tokens();
        let mut hit = false;
        crate::lexer::for_each_selected(src, |name| hit = hit || members.contains(name));
        if hit {
            TypeNeed::Direct
        } else {
            TypeNeed::None
        }
    }

    fn check(&self, cx: &FileCtx<'_>, out: &mut Vec<Finding>) {
        let index = cx.index;
        let info = cx.info();
        let builds_for = info.arches.intersect(index.targets);
        if builds_for.is_empty() {
            return;
        }
        super::undefined_member::check(cx, builds_for, out);
        let own_pkg = index.file_package[cx.file];
        for r in cx.refs {
            let (declared, origin) = match &r.qualifier {
                Some(q) => match cx.imports.get(q) {
                    Some(Target::Local(p)) => match index.decl_arches(*p, &r.name, false) {
                        Some((arches, sites)) => (arches, Origin::Local(sites)),
                        None => continue,
                    },
                    Some(Target::Table(pkg)) => (table_arches(*pkg, &r.name), Origin::Table(*pkg)),
                    None => continue,
                },
                None => match own_pkg.filter(|p| index.packages[*p].varies) {
                    Some(p) => match index.decl_arches(p, &r.name, info.is_test) {
                        Some((arches, sites)) => (arches, Origin::Local(sites)),
                        None => continue,
                    },
                    None => continue,
                },
            };
            if !declared.contains(index.reference) {
                continue;
            }
            let broken = builds_for.minus(declared);
            if broken.is_empty() {
                continue;
            }
            let shown = match &r.qualifier {
                Some(q) => format!("{q}.{}", r.name),
                None => r.name.clone(),
            };
            let fact = match origin {
                Origin::Local(sites) => {
                    local_fact(index, &r.name, sites, declared, broken, info.is_test)
                }
                Origin::Table(pkg) => table_fact(pkg, &r.name, declared, broken),
            };
            out.push(Finding {
                rule: META.id,
                severity: Severity::Error,
                file: cx.file,
                path: info.rel.clone(),
                span: r.span,
                arches: broken,
                message: format!("`{shown}` is undefined on {broken}"),
                fact,
                payload: Payload::None,
                no_fix: None,
                fix: None,
            });
        }
    }

    fn attach_fixes(&self, cx: &FixCtx<'_>, findings: &mut [Finding]) {
        fixes::attach(cx, findings);
    }
}

enum Varying<'a> {
    Local(&'a std::collections::HashSet<String>),
    Table(&'a std::collections::HashSet<&'static str>),
}

impl Varying<'_> {
    fn contains(&self, name: &str) -> bool {
        match self {
            Varying::Local(s) => s.contains(name),
            Varying::Table(s) => s.contains(name),
        }
    }
}

enum Origin<'a> {
    Local(&'a [DeclSite]),
    Table(abi::Package),
}

/// Arches whose table of `pkg` declares `name`.
pub fn table_arches(pkg: abi::Package, name: &str) -> ArchSet {
    Arch::ALL
        .into_iter()
        .filter(|a| abi::table(*a, pkg).has_exported(name))
        .collect()
}

fn local_fact(
    index: &Index,
    name: &str,
    sites: &[DeclSite],
    declared: ArchSet,
    broken: ArchSet,
    from_test: bool,
) -> String {
    let mut parts: Vec<String> = sites
        .iter()
        .filter(|s| from_test || !index.files[s.file].is_test)
        .map(|s| {
            let f = &index.files[s.file];
            let why = f
                .constraint
                .as_deref()
                .map(|c| format!(" (`{c}`)"))
                .unwrap_or_default();
            format!("{}:{}{why}", f.rel, s.span.line)
        })
        .collect();
    parts.sort();
    parts.dedup();
    let more = parts.len().saturating_sub(3);
    parts.truncate(3);
    let mut text = format!("`{name}` is declared in {}", parts.join(", "));
    if more > 0 {
        text.push_str(&format!(" and {more} more"));
    }
    text.push_str(&format!(
        ", which build for {declared}; no file declaring it builds for {broken}"
    ));
    text
}

fn table_fact(pkg: abi::Package, name: &str, declared: ArchSet, broken: ArchSet) -> String {
    let mut text = format!(
        "`{}` declares `{name}` on {declared} but not on {broken} ({})",
        pkg.import_path(),
        table_source(pkg)
    );
    if let Some(stem) = name.strip_prefix("SYS_") {
        // Group arches that offer the same replacements: "arm64, riscv64 have `SYS_EPOLL_PWAIT`".
        let mut groups: Vec<(Vec<String>, ArchSet)> = Vec::new();
        for arch in broken.iter() {
            let alts = syscall_alternatives(pkg, arch, stem);
            if alts.is_empty() {
                continue;
            }
            match groups.iter_mut().find(|(a, _)| *a == alts) {
                Some((_, set)) => set.insert(arch),
                None => groups.push((alts, ArchSet::single(arch))),
            }
        }
        for (alts, set) in groups {
            let verb = if set.len() == 1 { "has" } else { "have" };
            let list = alts
                .iter()
                .map(|a| format!("`{a}`"))
                .collect::<Vec<_>>()
                .join(", ");
            text.push_str(&format!("; {set} {verb} {list}"));
        }
    }
    text
}

/// Syscalls a target has in place of a missing one: the `*at`, `p*`, numbered, `*64` and
/// `_new*` variants the kernel added when it retired the old entry points.
pub fn syscall_alternatives(pkg: abi::Package, arch: Arch, stem: &str) -> Vec<String> {
    let mut cands = vec![
        format!("{stem}AT"),
        format!("F{stem}AT"),
        format!("NEWF{stem}AT"),
        format!("P{stem}"),
        format!("P{stem}6"),
        format!("{stem}1"),
        format!("{stem}64"),
        format!("_NEW{stem}"),
        format!("NEW{stem}"),
        format!("{stem}X"),
    ];
    // EPOLL_WAIT → EPOLL_PWAIT
    for (i, _) in stem.match_indices('_') {
        cands.push(format!("{}_P{}", &stem[..i], &stem[i + 1..]));
    }
    // DUP2 → DUP3, PIPE → PIPE2
    if let Some(d) = stem.chars().last().and_then(|c| c.to_digit(10)) {
        cands.push(format!("{}{}", &stem[..stem.len() - 1], d + 1));
    } else {
        cands.push(format!("{stem}2"));
    }
    let table = abi::table(arch, pkg);
    let mut out: Vec<String> = cands
        .into_iter()
        .map(|c| format!("SYS_{c}"))
        .filter(|c| table.syscall(c).is_some())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The fix: extend the build constraint of the file that declares the name for the
/// reference arch, once per declaring file, when its declarations are valid on the target.
mod fixes {
    use super::META;
    use crate::abi;
    use crate::arch::{Arch, ArchSet};
    use crate::finding::{Applicability, Edit, Finding, Fix};
    use crate::fix::{constraint, FixCtx};
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
            let Some(use_file) = cx.file_of(&f.path) else {
                continue;
            };
            let Some(r) = declaring_file(cx, use_file, f) else {
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
                        findings[i].set_no_fix(format!("cannot extend `{rel}`: {why}"));
                    }
                }
            }
        }
    }

    /// A `SYS_*` name of a vendored `golang.org/x/sys/unix` (its generated `zsysnum_*` files).
    fn is_vendored_sysnum(index: &Index, pkg: PkgId, name: &str) -> bool {
        name.starts_with("SYS_")
            && crate::rules::abi_struct_drift::copied_table(index, pkg) == Some(abi::Package::Unix)
    }

    /// Rules that report a use of a `SYS_*` name the vendored x/sys lacks. Their fixes are
    /// built from the findings of both, so when both run each zsysnum file gets one edit,
    /// identical in the two fixes (the plan merges identical edits).
    const SYSNUM_RULES: [&str; 2] = [META.id, "abi-struct-drift"];

    /// Attach to `rule`'s findings on uses of a `SYS_*` name missing from a vendored x/sys
    /// the fix adding the kernel's number to that arch's `zsysnum_linux_<arch>.go`, or why
    /// there is none.
    pub(crate) fn attach_missing_sysnums(cx: &FixCtx<'_>, findings: &mut [Finding], rule: &str) {
        let index = cx.index;
        // zsysnum file → (name → number, `rule`'s findings).
        let mut by_sysnum: BTreeMap<FileId, (BTreeMap<String, String>, Vec<usize>)> =
            BTreeMap::new();
        let mut reasons: Vec<(usize, String)> = Vec::new();
        for (i, f) in findings.iter().enumerate() {
            if !SYSNUM_RULES.contains(&f.rule) {
                continue;
            }
            let Some(use_file) = cx.file_of(&f.path) else {
                continue;
            };
            let Some((pkg, name)) = used_name(cx, use_file, f) else {
                continue;
            };
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
                super::table_source(abi::Package::Unix)
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
        let source = super::table_source(abi::Package::Unix);
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

    /// The local package and name a finding's span refers to (`q.Name` or `Name`), resolved
    /// again from the source. `None` for names from the syscall tables and for spans that
    /// are not a name.
    fn used_name(cx: &FixCtx<'_>, use_file: FileId, f: &Finding) -> Option<(PkgId, String)> {
        let index = cx.index;
        let src = cx.source(use_file)?;
        let text = std::str::from_utf8(src.get(f.span.start..f.span.end)?).ok()?;
        let (qual, name) = match text.rsplit_once('.') {
            Some((q, n)) => (Some(q.trim()), n.trim()),
            None => (None, text.trim()),
        };
        // A member (`t.Ispeed`, spanned at the field): no declaration of ours to extend.
        let before = src[..f.span.start].trim_ascii_end();
        if qual.is_none() && before.ends_with(b".") {
            return None;
        }
        let ident = |s: &str| !s.is_empty() && s.chars().all(|c| c == '_' || c.is_alphanumeric());
        if !ident(name) || !qual.is_none_or(ident) {
            return None;
        }
        let pkg: PkgId = match qual {
            Some(q) => match index
                .import_bindings(use_file)
                .into_iter()
                .find(|(n, _)| n == q)?
                .1?
            {
                Target::Local(p) => p,
                Target::Table(_) => return None,
            },
            None => index.file_package[use_file]?,
        };
        Some((pkg, name.to_string()))
    }

    /// Resolve the finding's name again from its span and pick the declaring file that
    /// builds for the reference arch. `None` for names from the syscall tables.
    fn declaring_file(cx: &FixCtx<'_>, use_file: FileId, f: &Finding) -> Option<Resolved> {
        let index = cx.index;
        let (pkg, name) = used_name(cx, use_file, f)?;
        let name = name.as_str();
        let from_test = index.files[use_file].is_test;
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
                    clash.push(format!("`{name}` is also declared in {} there", other.rel));
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
        let name = info.rel.rsplit('/').next().unwrap_or(&info.rel);
        if let Some(a) = constraint::name_arch(name) {
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
        let (add, applicability) = if cx.unsafe_fixes && !unsafe_.is_empty() {
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
            format!("add {add} to the build constraint of `{}`", info.rel),
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
}
