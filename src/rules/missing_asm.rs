//! `missing-asm`: a Go function declared without a body, implemented in `.s` files for
//! some arches (the reference's among them) but by no `.s` file that builds for a target
//! the declaration builds for. Without a `.s` file the go command compiles the package
//! with `-complete` and the compiler says "missing function body"; with other `.s` files
//! but none defining the function, the package compiles and a program calling it fails
//! to link ("relocation target … not defined").
//!
//! The other way round, a `TEXT ·name` of a `.s` file that builds for a target: with no
//! Go declaration of `name` there, the assembly is dead (`go vet`: "missing Go
//! declaration"); with a Go body there too, the compiler says "defined in both Go and
//! assembly". Reported at the `TEXT` line, from the package's first file.

use super::build_file::BUILD_FILE;
use super::{FileCtx, FixAvailability, Rule, RuleMeta, SourceView};
use crate::arch::ArchSet;
use crate::finding::{Anchor, Finding};
use crate::index::asm::{AsmFile, TextSymbol};
use crate::index::{FileId, Index};
use crate::syntax::tree::FIELD;
use crate::syntax::{text, FileSyntax};

pub struct MissingAsm;

pub(super) static META: RuleMeta = RuleMeta {
    id: "missing-asm",
    summary: "a Go function without a body whose assembly exists for some arches but no `.s` file defining it builds for a target",
    doc: include_str!("../../rules/missing-asm.md"),
    fix: FixAvailability::None,
    imports: None,
    words: &[],
    fixer: None,
};

impl Rule for MissingAsm {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// Only files beside `.s` files: a body-less function elsewhere is not assembly's.
    fn wants(&self, index: &Index, file: FileId) -> bool {
        index.asm_in_dir(&index.files[file].dir).next().is_some()
    }

    /// Files with something to report: a body-less function (per the lexer) that lacks
    /// assembly on a target, or, for the package's first file, a `TEXT` line or `.syso`
    /// object that is wrong on one (neither needs the file's tree).
    fn wants_source(&self, index: &Index, file: FileId, src: &SourceView<'_>) -> bool {
        if reports_text_lines(index, file) {
            let mut found = Vec::new();
            text_lines(index, file, &mut found);
            if !found.is_empty()
                || wrong_objects(index, &index.files[file].dir)
                    .next()
                    .is_some()
            {
                return true;
            }
        }
        let lacks = |name: &str| name != "_" && lacking(index, file, name).is_some();
        // The index lexed the functions of a file beside `.s` files already.
        match index.asm_funcs_of(file) {
            Some(funcs) => funcs.iter().any(|f| !f.body && lacks(&f.name)),
            None => {
                src.mentions("func")
                    && crate::lexer::bodyless_funcs(src.bytes())
                        .into_iter()
                        .any(lacks)
            }
        }
    }

    fn check(&self, cx: &FileCtx<'_>, out: &mut Vec<Finding>) {
        let cx: &FileSyntax<'_> = cx;
        if reports_text_lines(cx.index, cx.file) {
            text_lines(cx.index, cx.file, out);
            foreign_objects(cx, out);
        }
        if cx.targets().is_empty() {
            return;
        }
        let root = cx.tree.root_node();
        let mut c = root.walk();
        for decl in root.named_children(&mut c) {
            if decl.kind() != "function_declaration" || decl.child_by_field_id(FIELD.body).is_some()
            {
                continue;
            }
            let Some(name_node) = decl.child_by_field_id(FIELD.name) else {
                continue;
            };
            let name = text(name_node, cx.src);
            if name == "_" || has_linkname(cx.src, name) {
                continue;
            }
            if let Some(f) = judge(cx, name_node, name) {
                out.push(f);
            }
        }
    }
}

/// The arches `.s` files define `name` for, and those files.
fn defining<'i>(index: &'i Index, file: FileId, name: &str) -> (ArchSet, Vec<&'i AsmFile>) {
    let info = &index.files[file];
    let import_path =
        index.file_package[file].and_then(|p| index.packages[p].import_path.as_deref());
    let files: Vec<&AsmFile> = index
        .asm_in_dir(&info.dir)
        .filter(|a| !a.defines_on().is_empty())
        .filter(|a| {
            a.symbols
                .iter()
                .any(|s| s.defines(name, import_path, &info.dir))
        })
        .collect();
    let arches = files
        .iter()
        .fold(ArchSet::EMPTY, |acc, a| acc.union(a.defines_on()));
    (arches, files)
}

/// For body-less `name` of `file`: the arches assembly defines it for, those files, and
/// the targets the file builds for that none covers. `None` unless assembly defines it
/// for some arches, the reference's included (where the declaration builds there), and
/// not for a target. The check and the prefilter both judge by it.
fn lacking<'i>(
    index: &'i Index,
    file: FileId,
    name: &str,
) -> Option<(ArchSet, Vec<&'i AsmFile>, ArchSet)> {
    let info = &index.files[file];
    let (defined, files) = defining(index, file, name);
    if defined.is_empty() {
        return None; // not assembly's: linked from elsewhere, or broken everywhere
    }
    if info.arches.contains(index.reference) && !defined.contains(index.reference) {
        return None; // broken on the reference arch too: not a porting bug
    }
    let missing = info.arches.intersect(index.targets).minus(defined);
    (!missing.is_empty()).then_some((defined, files, missing))
}

/// The finding for body-less `name`, when [`lacking`] says assembly lacks it on a target.
fn judge(cx: &FileSyntax<'_>, at: tree_sitter::Node<'_>, name: &str) -> Option<Finding> {
    let info = cx.info();
    let index = cx.index;
    let (defined, files, missing) = lacking(index, cx.file, name)?;
    // Per missing arch: does any `.s` file (or cgo file) of the package build there? Then
    // the compiler accepts the declaration and only the link fails.
    let pkg_files = index.file_package[cx.file]
        .map(|p| index.packages[p].files.as_slice())
        .unwrap_or(&[]);
    let other_asm = |arch| index.asm_in_dir(&info.dir).any(|a| a.arches.contains(arch));
    let cgo_file = |arch| {
        pkg_files.iter().any(|&f| {
            index.files[f].arches.contains(arch)
                && index.files[f].imports.iter().any(|i| i.path == "C")
        })
    };
    let link_only: ArchSet = missing
        .iter()
        .filter(|&a| other_asm(a) || cgo_file(a))
        .collect();
    let no_compile = missing.minus(link_only);
    let base = |rel: &str| crate::walk::file_name(rel).to_string();
    let implemented: Vec<String> = files
        .iter()
        .map(|a| format!("{} ({})", base(&a.rel), a.defines_on().names().join(", ")))
        .collect();
    let mut fact = format!(
        "`{name}` is declared without a body; {} {}",
        if files.iter().any(|a| a.machine.is_some()) {
            "it is defined in".to_string()
        } else {
            format!("`TEXT ·{name}` is in")
        },
        implemented.join(", ")
    );
    if !no_compile.is_empty() {
        fact.push_str(&format!(
            "; no `.s` file builds for {}, so the go command compiles the package as complete Go and the compiler says \"missing function body\"",
            no_compile.names().join(", ")
        ));
    }
    if !link_only.is_empty() {
        fact.push_str(&format!(
            "; the `.s` files that build for {} do not define it, so the package compiles and a program calling `{name}` fails to link (\"relocation target … not defined\")",
            link_only.names().join(", ")
        ));
    }
    let mut f = cx.finding(
        META.id,
        at,
        missing,
        format!(
            "`{name}` has no body, and no assembly defines it for {}",
            missing.names().join(", ")
        ),
        fact,
    );
    let only = defined.names().join(" || ");
    let not: Vec<String> = defined.iter().map(|a| format!("!{}", a.name())).collect();
    f.set_no_fix(format!(
        "abiport cannot write the Go body the other arches need; build this declaration only where assembly defines `{name}` (`//go:build {only}`) and add a pure-Go `{name}` in a file with `//go:build {}`",
        not.join(" && ")
    ));
    Some(f)
}

/// Whether `file` is the one its package's `TEXT` lines are judged from: the first
/// non-test file of a package beside `.s` files.
fn reports_text_lines(index: &Index, file: FileId) -> bool {
    let Some(pkg) = index.file_package[file] else {
        return false;
    };
    let p = &index.packages[pkg];
    p.files.first() == Some(&file)
        && !index.files[file].is_test
        && index.asm_in_dir(&p.dir).next().is_some()
}

/// How one `TEXT` line fares on one arch its `.s` file builds for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum TextFate {
    /// A body-less Go declaration builds there: the assembly implements it.
    Implements,
    /// No Go file declaring the name builds there: dead assembly.
    Undeclared,
    /// A Go body builds there too: the compiler refuses the pair.
    Duplicate,
}

/// The `TEXT` lines of the package of `file` whose name no Go declaration has, or a Go
/// body has, on a target the `.s` file builds for (and not on the reference, where that
/// would be no porting bug).
fn text_lines(index: &Index, file: FileId, out: &mut Vec<Finding>) {
    let Some(pkg) = index.file_package[file] else {
        return;
    };
    let p = &index.packages[pkg];
    let import_path = p.import_path.as_deref();
    let targets = index.targets;
    for asm in index.asm_in_dir(&p.dir) {
        if asm.machine.is_some() {
            continue; // an object's symbols are no `TEXT` lines
        }
        if asm.arches.intersect(targets).is_empty() && !asm.arches.contains(index.reference) {
            continue;
        }
        for sym in &asm.symbols {
            if !sym.defines(&sym.name, import_path, &p.dir) {
                continue;
            }
            // A declaration in the package's tests counts (`go vet` checks the package
            // with them: assembly only tests call); a body there clashes in `go test`
            // alone, not in the build.
            let fate = |arch| {
                let mut declared = false;
                for g in index.asm_funcs_named(pkg, &sym.name) {
                    let f = &index.files[g.file];
                    if f.arches.contains(arch) {
                        if g.body && !f.is_test {
                            return TextFate::Duplicate;
                        }
                        declared = true;
                    }
                }
                if declared {
                    TextFate::Implements
                } else {
                    TextFate::Undeclared
                }
            };
            let on_reference = asm
                .arches
                .contains(index.reference)
                .then(|| fate(index.reference));
            for kind in [TextFate::Undeclared, TextFate::Duplicate] {
                if on_reference == Some(kind) {
                    continue;
                }
                let arches: ArchSet = asm
                    .arches
                    .intersect(targets)
                    .iter()
                    .filter(|&a| fate(a) == kind)
                    .collect();
                if !arches.is_empty() {
                    out.push(text_finding(index, pkg, asm, sym, kind, arches));
                }
            }
        }
    }
}

/// `.syso` objects the go command links into the package on targets their ELF machine is
/// not for (a `foo.syso` without `_GOARCH` suffix built for x86-64): the linker refuses
/// them ("elf object but not mips64"). Reported at the package clause of the package's
/// first file; silent where the reference is refused too.
fn foreign_objects(cx: &FileSyntax<'_>, out: &mut Vec<Finding>) {
    let index = cx.index;
    let dir = &cx.info().dir;
    let Some(clause) = cx.package_clause() else {
        return;
    };
    for (obj, machine, wrong) in wrong_objects(index, dir) {
        let base = crate::walk::file_name(&obj.rel);
        let mut f = cx.finding(
            META.id,
            clause,
            wrong,
            format!("{base} is an object for {machine}, linked into this package on {wrong} too"),
            format!(
                "the go command links every `.syso` file of the package whose name has no other `_GOOS_GOARCH` suffix, whatever machine its ELF header names; on {wrong} the linker refuses it (\"loadelf: …({base}): elf object but not …\")"
            ),
        );
        let suffix = machine
            .iter()
            .next()
            .map_or(String::new(), |a| format!("_{a}"));
        f.set_no_fix(format!(
            "abiport cannot build the object for {wrong}; name it with its arch (`…{suffix}.syso`) so the go command links it only there, and give the other arches their own object or a Go fallback"
        ));
        out.push(f);
    }
}

/// The `.syso` objects of `dir` linked on targets their machine is not: each with its
/// machine and those targets.
fn wrong_objects<'i>(
    index: &'i Index,
    dir: &str,
) -> impl Iterator<Item = (&'i AsmFile, ArchSet, ArchSet)> + 'i {
    index.asm_in_dir(dir).filter_map(|obj| {
        let machine = obj.machine?;
        if machine.is_empty() {
            return None; // no ELF object abiport knows: not judged
        }
        if obj.arches.contains(index.reference) && !machine.contains(index.reference) {
            return None;
        }
        let wrong = obj.arches.intersect(index.targets).minus(machine);
        (!wrong.is_empty()).then_some((obj, machine, wrong))
    })
}

fn text_finding(
    index: &Index,
    pkg: crate::index::PkgId,
    asm: &AsmFile,
    sym: &TextSymbol,
    kind: TextFate,
    arches: ArchSet,
) -> Finding {
    let name = &sym.name;
    let base = |rel: &str| crate::walk::file_name(rel).to_string();
    let on = arches.names().join(", ");
    let (message, fact, no_fix) = match kind {
        TextFate::Duplicate => {
            let bodies: Vec<String> = index
                .asm_funcs_named(pkg, name)
                .filter(|g| g.body && !index.files[g.file].is_test)
                .filter(|g| !index.files[g.file].arches.intersect(arches).is_empty())
                .map(|g| format!("{}:{}", base(&index.files[g.file].rel), g.line))
                .collect();
            (
                format!("`{name}` is defined in both Go and assembly on {on}"),
                format!(
                    "{} builds for {on}, and so does the Go body of `{name}` ({}); the compiler says \"{name} defined in both Go and assembly\"",
                    base(&asm.rel),
                    bodies.join(", ")
                ),
                format!(
                    "abiport cannot tell whether the assembly or the Go body is meant for {on}; exclude {on} from the constraint of one of them"
                ),
            )
        }
        _ => (
            format!("`TEXT ·{name}` has no Go declaration on {on}"),
            format!(
                "{} builds for {on}, but no Go file of the package that declares `{name}` does: the go command builds the package without the assembly's function (dead code there) and `go vet` says \"function {name} missing Go declaration\"",
                base(&asm.rel)
            ),
            format!(
                "abiport cannot tell which was meant: a body-less `func {name}` that builds for {on}, or a `.s` file that does not"
            ),
        ),
    };
    let mut f = Finding::at(
        META.id,
        BUILD_FILE,
        asm.rel.clone(),
        sym.span,
        arches,
        message,
        fact,
    );
    f.anchor = Some(Anchor {
        code: format!("TEXT ·{name}"),
        occurrence: 0,
    });
    f.set_no_fix(no_fix);
    f
}

/// Whether the file pulls `name` from elsewhere with `//go:linkname name target`: such a
/// declaration needs no body (the compiler accepts it even without `.s` files).
fn has_linkname(src: &[u8], name: &str) -> bool {
    String::from_utf8_lossy(src).lines().any(|l| {
        let mut words = l.trim_start().split_ascii_whitespace();
        words.next() == Some("//go:linkname") && words.next() == Some(name)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linkname_pulls_are_recognised_by_local_name() {
        let src = b"package p\n\nimport _ \"unsafe\"\n\n//go:linkname nanotime runtime.nanotime\nfunc nanotime() int64\n";
        assert!(has_linkname(src, "nanotime"));
        assert!(!has_linkname(src, "runtime.nanotime"));
        assert!(!has_linkname(b"// go:linkname f x.f\n", "f"));
    }
}
