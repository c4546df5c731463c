//! `stale-abi-pin`: golang.org/x/sys pinned (go.mod, vendor/modules.txt, Gopkg.lock,
//! glide.lock, vendor.conf, Godeps.json) at a version older than a per-arch ABI fix
//! (`arch-tables/abi-fixes.toml`) whose API the tree's Go code uses on an affected target.
//! Silent when the tree vendors x/sys: abi-struct-drift compares the copy itself.

use super::build_file::{BuildFileCtx, TreeFacts};
use super::{FixAvailability, Rule, RuleMeta};
use crate::arch::ArchSet;
use crate::finding::{cite, Edit, Finding, Fix};
use crate::walk::{self, BuildFileKind};
use std::sync::OnceLock;

pub struct StaleAbiPin;

pub const ID: &str = "stale-abi-pin";

const XSYS: &str = "golang.org/x/sys";

static META: RuleMeta = RuleMeta {
    id: ID,
    summary:
        "golang.org/x/sys pinned before a per-arch ABI fix of an API the tree uses on a target",
    doc: include_str!("../../rules/stale-abi-pin.md"),
    fix: FixAvailability::Sometimes,
    imports: None,
    words: &[],
    fixer: None,
};

impl Rule for StaleAbiPin {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
    fn build_file_kinds(&self) -> &'static [BuildFileKind] {
        &[
            BuildFileKind::GoMod,
            BuildFileKind::ModulesTxt,
            BuildFileKind::GopkgLock,
            BuildFileKind::GlideLock,
            BuildFileKind::VendorConf,
            BuildFileKind::GodepsJson,
        ]
    }
    fn check_build_file(&self, cx: &BuildFileCtx<'_>, out: &mut Vec<Finding>) {
        check(cx, out);
    }
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    fix: Vec<AbiFix>,
    commit: Vec<KnownCommit>,
}

/// One upstream commit fixing `apis` on `arches`.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct AbiFix {
    commit: String,
    time: String,
    apis: Vec<String>,
    arches: Vec<String>,
    what: String,
    #[allow(dead_code)]
    verified: Option<String>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct KnownCommit {
    commit: String,
    time: String,
    #[allow(dead_code)]
    verified: Option<String>,
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        toml::from_str(include_str!("../../arch-tables/abi-fixes.toml"))
            .expect("arch-tables/abi-fixes.toml is valid (unit test)")
    })
}

impl AbiFix {
    fn arch_set(&self) -> ArchSet {
        ArchSet::parse_list(&self.arches.join(",")).unwrap_or(ArchSet::EMPTY)
    }
    fn pseudo_version(&self) -> String {
        format!("v0.0.0-{}-{}", self.time, self.commit)
    }
    /// "2019-11-15 15:19:21 UTC".
    fn shown_time(&self) -> String {
        let t = &self.time;
        format!(
            "{}-{}-{} {}:{}:{} UTC",
            &t[0..4],
            &t[4..6],
            &t[6..8],
            &t[8..10],
            &t[10..12],
            &t[12..14]
        )
    }
}

/// When a pinned version was made, as far as abiport can tell.
#[derive(Debug, PartialEq, Eq)]
enum PinTime {
    /// A pseudo-version before the first tag, or a known commit: its UTC time.
    At(String),
    /// v0.1.0 or later (or a pseudo-version based on it): every fix in the table.
    Tagged,
    /// A commit the table does not know.
    Unknown,
}

/// The time of a version as go.mod writes it, or of a bare commit hash.
fn pin_time(version: &str) -> PinTime {
    let v = version.trim().trim_matches('"');
    if let Some(rest) = v.strip_prefix('v') {
        let parts: Vec<&str> = rest.split('-').collect();
        let base: Vec<u64> = parts[0]
            .split('.')
            .map(|n| n.parse().unwrap_or(0))
            .collect();
        if base.len() >= 2 && (base[0], base[1]) >= (0, 1) {
            return PinTime::Tagged;
        }
        if parts.len() >= 3 {
            let time = parts[parts.len() - 2].rsplit('.').next().unwrap_or("");
            if time.len() == 14 && time.bytes().all(|b| b.is_ascii_digit()) {
                return PinTime::At(time.to_string());
            }
        }
        return PinTime::Unknown;
    }
    if v.len() >= 7 && v.bytes().all(|b| b.is_ascii_hexdigit()) {
        let t = table();
        let known = t
            .fix
            .iter()
            .map(|f| (&f.commit, &f.time))
            .chain(t.commit.iter().map(|c| (&c.commit, &c.time)))
            .find(|(c, _)| c.starts_with(v) || v.starts_with(c.as_str()));
        return match known {
            Some((_, time)) => PinTime::At(time.clone()),
            None => PinTime::Unknown,
        };
    }
    PinTime::Unknown
}

/// Where a lock file pins x/sys: the version's byte range (without quotes).
fn find_pin(kind: BuildFileKind, src: &str) -> Option<(usize, usize)> {
    let lines = line_ranges(src);
    let text = |r: (usize, usize)| &src[r.0..r.1];
    // The first word after `start` on the line (a version), as a range.
    let word_at = |from: usize, to: usize| -> Option<(usize, usize)> {
        let s = &src[from..to];
        let lead = s.len() - s.trim_start_matches([' ', '\t', '"', ':', '=']).len();
        let rest = &s[lead..];
        let len = rest
            .find(|c: char| c.is_whitespace() || c == '"' || c == ',')
            .unwrap_or(rest.len());
        (len > 0).then_some((from + lead, from + lead + len))
    };
    match kind {
        BuildFileKind::GoMod => {
            // A replace with a version wins over the require.
            let mut require = None;
            let mut replace = None;
            let mut block = "";
            for r in &lines {
                let line = text(*r);
                let code = line.split("//").next().unwrap_or("").trim();
                if code.ends_with('(') {
                    block = code.split_whitespace().next().unwrap_or("");
                    continue;
                }
                if code == ")" {
                    block = "";
                    continue;
                }
                let (verb, rest) = match code.split_once(char::is_whitespace) {
                    Some((v, rest)) if v == "require" || v == "replace" => (v, rest.trim()),
                    _ => (block, code),
                };
                let mut words = rest.split_whitespace();
                if words.next() != Some(XSYS) {
                    continue;
                }
                let at = |w: &str| {
                    let i = r.0 + line.find(w).unwrap_or(0);
                    (i, i + w.len())
                };
                match verb {
                    "require" => require = words.next().map(at),
                    "replace" => {
                        // `old [v] => new v`: only a module replacement has a version.
                        let after: Vec<&str> =
                            rest.split("=>").nth(1)?.split_whitespace().collect();
                        replace = match after.as_slice() {
                            [module, v] if *module == XSYS => {
                                let i = r.0 + line.rfind(v).unwrap_or(0);
                                Some((i, i + v.len()))
                            }
                            // A local directory or another module: not a version here.
                            _ => return None,
                        };
                    }
                    _ => {}
                }
            }
            replace.or(require)
        }
        BuildFileKind::ModulesTxt => lines.iter().find_map(|r| {
            let line = text(*r);
            let rest = line.strip_prefix("# golang.org/x/sys ")?;
            let v = match rest.split_once("=>") {
                Some((_, new)) => {
                    let mut w = new.split_whitespace();
                    (w.next() == Some(XSYS)).then_some(())?;
                    w.next()?
                }
                None => rest.split_whitespace().next()?,
            };
            let i = r.0 + line.rfind(v)?;
            Some((i, i + v.len()))
        }),
        BuildFileKind::VendorConf => lines.iter().find_map(|r| {
            let line = text(*r);
            let rest = line.strip_prefix(XSYS)?;
            rest.starts_with([' ', '\t'])
                .then(|| word_at(r.0 + XSYS.len(), r.1))?
        }),
        BuildFileKind::GopkgLock | BuildFileKind::GlideLock | BuildFileKind::GodepsJson => {
            // The name line, then the first version key before the next entry.
            let (name_key, version_keys, next_entry): (&str, &[&str], &str) = match kind {
                BuildFileKind::GopkgLock => ("name", &["revision"], "[[projects]]"),
                BuildFileKind::GlideLock => ("name", &["version"], "- name:"),
                _ => ("\"ImportPath\"", &["\"Rev\""], "\"ImportPath\""),
            };
            let named = |line: &str| {
                let l = line.trim().trim_start_matches("- ");
                l.starts_with(name_key)
                    && l.contains(XSYS)
                    && l[name_key.len()..]
                        .trim_start_matches([' ', ':', '=', '"'])
                        .starts_with(XSYS)
            };
            let start = lines.iter().position(|r| named(text(*r)))?;
            for r in &lines[start + 1..] {
                let line = text(*r);
                let l = line.trim();
                if l.starts_with(next_entry) {
                    break;
                }
                if let Some(key) = version_keys.iter().find(|k| l.starts_with(**k)) {
                    let from = r.0 + line.find(key)? + key.len();
                    return word_at(from, r.1);
                }
            }
            None
        }
        _ => None,
    }
}

fn line_ranges(src: &str) -> Vec<(usize, usize)> {
    let mut v = Vec::new();
    let mut s = 0;
    for e in memchr::memchr_iter(b'\n', src.as_bytes()) {
        v.push((s, e));
        s = e + 1;
    }
    if s < src.len() {
        v.push((s, src.len()));
    }
    v
}

/// The directory whose Go code the pin governs: the module or project root.
fn governed_dir(path: &str) -> &str {
    let dir = path.rfind('/').map_or("", |i| &path[..i]);
    let parent = |d: &'static str| {
        move |dir: &str| -> Option<usize> {
            (dir == d || dir.ends_with(&format!("/{d}"))).then(|| dir.len() - d.len())
        }
    };
    for d in ["vendor", "Godeps"] {
        if let Some(cut) = parent(d)(dir) {
            return dir[..cut].trim_end_matches('/');
        }
    }
    dir
}

/// Whether the tree holds its own copy of x/sys/unix under `dir`.
fn vendors_xsys(facts: &TreeFacts, dir: &str) -> bool {
    [
        "vendor/golang.org/x/sys/unix",
        "Godeps/_workspace/src/golang.org/x/sys/unix",
    ]
    .iter()
    .any(|copy| {
        let rel = if dir.is_empty() {
            copy.to_string()
        } else {
            format!("{dir}/{copy}")
        };
        walk::rel_to_path(&facts.root, &rel).is_dir()
    })
}

/// Whether the project at `dir` has a `vendor/` directory.
fn has_vendor_dir(facts: &TreeFacts, dir: &str) -> bool {
    let rel = if dir.is_empty() {
        "vendor".to_string()
    } else {
        format!("{dir}/vendor")
    };
    walk::rel_to_path(&facts.root, &rel).is_dir()
}

/// The first line of `src` naming `.api` as a whole word (`unix.EpollWait(`) outside a
/// line comment, or importing x/sys/unix for `*`.
fn uses_api(src: &str, api: &str) -> Option<usize> {
    if api == "*" {
        // The package itself: the import's line.
        let at = src.find("\"golang.org/x/sys/unix\"")?;
        return Some(1 + src[..at].matches('\n').count());
    }
    let needle = format!(".{api}");
    let mut from = 0;
    while let Some(i) = src[from..].find(&needle) {
        let at = from + i;
        let after = src[at + needle.len()..].chars().next();
        let line_start = src[..at].rfind('\n').map_or(0, |i| i + 1);
        let in_comment = src[line_start..at].trim_start().starts_with("//");
        if !in_comment && !after.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            return Some(1 + src[..at].matches('\n').count());
        }
        from = at + needle.len();
    }
    None
}

/// One fix the tree needs: the fix, the affected arches, and the first use.
struct Needed<'t> {
    fix: &'t AbiFix,
    arches: ArchSet,
    api: String,
    at: String,
}

fn check(cx: &BuildFileCtx<'_>, out: &mut Vec<Finding>) {
    let Some((vs, ve)) = find_pin(cx.kind, cx.src) else {
        return;
    };
    let dir = governed_dir(cx.path);
    if vendors_xsys(cx.tree, dir) {
        return;
    }
    // A lock file of a tool that fills vendor/ (vndr, dep, glide, godep) beside a vendor/
    // without x/sys: the copy was pruned (Debian's source packages build against their
    // own x/sys), so the pin is not what builds.
    let lock_file = !matches!(cx.kind, BuildFileKind::GoMod | BuildFileKind::ModulesTxt);
    if lock_file && has_vendor_dir(cx.tree, dir) {
        return;
    }
    // vendor/modules.txt repeats go.mod's pin: reported there.
    if cx.kind == BuildFileKind::ModulesTxt {
        let go_mod = if dir.is_empty() {
            "go.mod".to_string()
        } else {
            format!("{dir}/go.mod")
        };
        if walk::rel_to_path(&cx.tree.root, &go_mod).is_file() {
            return;
        }
    }
    let version = &cx.src[vs..ve];
    let pinned = pin_time(version);
    let in_dir = |rel: &str| dir.is_empty() || rel.starts_with(&format!("{dir}/"));
    let users: Vec<(&str, ArchSet, String)> = cx
        .tree
        .xsys_users
        .iter()
        .filter(|(rel, arches)| in_dir(rel) && !arches.intersect(cx.targets).is_empty())
        .filter_map(|(rel, arches)| {
            let src = std::fs::read_to_string(walk::rel_to_path(&cx.tree.root, rel)).ok()?;
            Some((rel.as_str(), *arches, src))
        })
        .collect();
    let mut needed: Vec<Needed<'_>> = Vec::new();
    for fix in &table().fix {
        let older = match &pinned {
            PinTime::At(t) => *t < fix.time,
            PinTime::Tagged => false,
            PinTime::Unknown => true,
        };
        let arches = fix.arch_set().intersect(cx.targets);
        if !older || arches.is_empty() {
            continue;
        }
        let hit = users.iter().find_map(|(rel, file_arches, src)| {
            let on = arches.intersect(*file_arches);
            if on.is_empty() {
                return None;
            }
            fix.apis.iter().find_map(|api| {
                let line = uses_api(src, api)?;
                Some((on, api.clone(), format!("{}:{line}", cite(rel))))
            })
        });
        if let Some((on, api, at)) = hit {
            needed.push(Needed {
                fix,
                arches: on,
                api,
                at,
            });
        }
    }
    // Several fixes of one API on the same arches: the newest stands for them.
    needed.sort_by(|a, b| (&a.api, a.arches, &b.fix.time).cmp(&(&b.api, b.arches, &a.fix.time)));
    needed.dedup_by(|later, first| later.api == first.api && later.arches == first.arches);
    needed.sort_by(|a, b| a.fix.time.cmp(&b.fix.time));
    if needed.is_empty() {
        return;
    }
    let arches = needed.iter().fold(ArchSet::EMPTY, |a, n| a.union(n.arches));
    let uses: Vec<String> = needed
        .iter()
        .map(|n| {
            let api = if n.api == "*" {
                "x/sys/unix".to_string()
            } else {
                format!("`unix.{}`", n.api)
            };
            format!(
                "{api} on {} ({}, fixed by {} of {})",
                n.arches.names().join(", "),
                n.at,
                n.fix.commit,
                n.fix.shown_time()
            )
        })
        .collect();
    let newest = needed
        .iter()
        .map(|n| n.fix)
        .max_by(|a, b| a.time.cmp(&b.time))
        .expect("non-empty");
    let fact: Vec<String> = needed
        .iter()
        .map(|n| {
            format!(
                "{} {} on {}",
                n.fix.commit,
                n.fix.what,
                n.fix.arches.join(", ")
            )
        })
        .collect();
    let fact = format!("{} (arch-tables/abi-fixes.toml)", fact.join("; "));
    let undated = pinned == PinTime::Unknown;
    // A commit the table cannot date: say so instead of guessing.
    let message = if undated {
        format!(
            "golang.org/x/sys is pinned at `{version}`, which abiport cannot date; the tree uses {}",
            uses.join("; ")
        )
    } else {
        format!(
            "golang.org/x/sys `{version}` predates the ABI fixes the tree uses: {}; {} or later has them",
            uses.join("; "),
            newest.pseudo_version()
        )
    };
    let mut f = cx.finding(ID, vs, ve, arches, "x/sys pin", message, fact);
    if undated {
        f.severity = crate::finding::Severity::Warning;
        f.set_no_fix(format!(
            "check that `{version}` is {} or later",
            newest.pseudo_version()
        ));
        out.push(f);
        return;
    }
    if cx.kind == BuildFileKind::GoMod {
        f.fix = Some(
            Fix::unsafe_edit(
                format!("require golang.org/x/sys {}", newest.pseudo_version()),
                vec![Edit::replace(vs, ve, newest.pseudo_version())],
            )
            .with_note(
                "the fix is unsafe: run `go mod tidy && go mod vendor` after it (go.sum, and \
                 vendor/ when used, must follow), and review what else the newer x/sys changes",
            ),
        );
    } else {
        f.set_no_fix(format!(
            "update the pin with the tool that wrote {} to commit {} or later",
            crate::walk::file_name(cx.path),
            newest.commit
        ));
    }
    out.push(f);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_reads_and_orders_by_time() {
        let t = table();
        assert!(t.fix.len() >= 10);
        for f in &t.fix {
            assert_eq!(f.time.len(), 14, "{}", f.commit);
            assert_eq!(f.commit.len(), 12, "{}", f.commit);
            assert!(!f.arch_set().is_empty(), "{}", f.commit);
        }
    }

    #[test]
    fn versions_and_commits_are_dated() {
        assert_eq!(
            pin_time("v0.0.0-20190916202348-b4ddaad3f8a3"),
            PinTime::At("20190916202348".into())
        );
        assert_eq!(pin_time("v0.3.0"), PinTime::Tagged);
        assert_eq!(
            pin_time("v0.1.1-0.20221010170243-090e33056c14"),
            PinTime::Tagged
        );
        assert_eq!(
            pin_time("b4ddaad3f8a3"),
            PinTime::At("20190916202348".into())
        );
        assert_eq!(
            pin_time("52ab431487773bc9dd9cd8d8a8f5a4ab85a6d5d8"),
            PinTime::At("20191115151921".into())
        );
        assert_eq!(pin_time("0123456789ab"), PinTime::Unknown);
    }

    #[test]
    fn pins_are_found_in_each_format() {
        let v = "v0.0.0-20190916202348-b4ddaad3f8a3";
        let check = |kind, src: &str, want: &str| {
            let (s, e) = find_pin(kind, src).unwrap_or_else(|| panic!("{src}"));
            assert_eq!(&src[s..e], want, "{src}");
        };
        check(
            BuildFileKind::GoMod,
            &format!("module a\n\nrequire (\n\tgolang.org/x/sys {v} // indirect\n)\n"),
            v,
        );
        check(
            BuildFileKind::GoMod,
            &format!("require golang.org/x/sys v0.3.0\nreplace golang.org/x/sys => golang.org/x/sys {v}\n"),
            v,
        );
        assert!(find_pin(
            BuildFileKind::GoMod,
            "require golang.org/x/sys v0.0.0-20170512163750-6b7068925cc7\nreplace golang.org/x/sys => ../sys\n"
        )
        .is_none());
        check(
            BuildFileKind::ModulesTxt,
            &format!("# golang.org/x/sys {v}\n## explicit\ngolang.org/x/sys/unix\n"),
            v,
        );
        check(
            BuildFileKind::GopkgLock,
            "[[projects]]\n  name = \"golang.org/x/sys\"\n  packages = [\"unix\"]\n  revision = \"b4ddaad3f8a3\"\n",
            "b4ddaad3f8a3",
        );
        check(
            BuildFileKind::GlideLock,
            "imports:\n- name: golang.org/x/sys\n  version: b4ddaad3f8a3\n  subpackages:\n  - unix\n",
            "b4ddaad3f8a3",
        );
        check(
            BuildFileKind::VendorConf,
            "github.com/a/b v1\ngolang.org/x/sys b4ddaad3f8a3 https://github.com/golang/sys\n",
            "b4ddaad3f8a3",
        );
        check(
            BuildFileKind::GodepsJson,
            "{\"Deps\": [\n{\n\"ImportPath\": \"golang.org/x/sys/unix\",\n\"Rev\": \"b4ddaad3f8a3\"\n}]}\n",
            "b4ddaad3f8a3",
        );
        assert_eq!(governed_dir("vendor/modules.txt"), "");
        assert_eq!(governed_dir("sub/Godeps/Godeps.json"), "sub");
        assert_eq!(
            uses_api(
                "x := unix.EpollWaitX()\n// unix.EpollWait\nunix.EpollWait(",
                "EpollWait"
            ),
            Some(3)
        );
    }
}
