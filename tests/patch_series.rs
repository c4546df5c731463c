//! Issue 15: `fix --format-patch DIR` writes a series per upstream unit that the upstream
//! accepts: `DIR/<unit>/0000-cover-letter.patch` + `0001-….patch`, subjects within 72
//! characters, `--signoff`, a non-empty DIR refused unless `--force` (which removes only
//! what abiport wrote), the `git am` command per unit, and `verify --patches DIR`.

use crate::compiler::copy_dir;
use crate::corpus::corpus_root;
use crate::fix::{first_patch, git};
use crate::util::{abiport, require_tool};
use std::path::{Path, PathBuf};
use std::process::Output;

const AUTHOR: (&str, &str) = ("Dee Co", "dee@example.org");

/// `abiport fix ROOT --format-patch DIR …` run in `cwd`, with a fixed date and author.
fn format_patch(cwd: &Path, root: &str, dir: &Path, more: &[&str]) -> Output {
    abiport()
        .current_dir(cwd)
        .args(["fix", root, "--format-patch"])
        .arg(dir)
        .args(more)
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .env("GIT_AUTHOR_NAME", AUTHOR.0)
        .env("GIT_AUTHOR_EMAIL", AUTHOR.1)
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A git repository holding `dir`'s files, committed.
fn repo_of(dir: &Path) -> tempfile::TempDir {
    let repo = tempfile::tempdir().unwrap();
    copy_dir(dir, repo.path());
    assert!(git(repo.path(), &["init", "-q"], None).status.success());
    assert!(git(repo.path(), &["add", "."], None).status.success());
    assert!(git(repo.path(), &["commit", "-qm", "import"], None)
        .status
        .success());
    repo
}

fn subject_of(patch: &Path) -> String {
    let text = std::fs::read_to_string(patch).unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix("Subject: "))
        .unwrap()
        .to_string()
}

#[test]
fn one_series_per_unit_each_applies_with_git_am_and_carries_the_signoff() {
    if !require_tool("git", "git") {
        return;
    }
    let demo = corpus_root().join("demo");
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("series");
    let out = format_patch(tmp.path(), demo.to_str().unwrap(), &out_dir, &["--signoff"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("5 fixes in 3 files for 5 of 8 findings"),
        "{err}"
    );
    assert!(!err.contains("(s)"), "{err}");

    let mut units: Vec<String> = std::fs::read_dir(&out_dir)
        .unwrap()
        .flatten()
        .filter(|e| e.file_type().unwrap().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    units.sort();
    assert_eq!(units, ["example-com-nodeagent", "example-com-system"]);
    for unit in &units {
        let dir = out_dir.join(unit);
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        // One patch per logical change (a rule's fixes, rules in id order), each unit
        // numbered from 0001 after its cover letter. The area names the directory each
        // patch's change lies in; the system patch edits its root: the unit's name.
        let want: &[(&str, &str)] = if unit == "example-com-nodeagent" {
            &[
                ("pkg/devices", "epoll-event-layout"),
                ("pkg/rawsys", "kernel-struct-mirror"),
                ("pkg/rawsys", "raw-syscall-abi"),
                ("pkg/devices", "struct-field-width"),
            ]
        } else {
            &[("system", "undefined-on-arch")]
        };
        let n = want.len();
        assert_eq!(names.len(), n + 1, "{names:?}");
        assert_eq!(names[0], "0000-cover-letter.patch");
        let cover = std::fs::read_to_string(dir.join(&names[0])).unwrap();
        for (k, (area_wanted, rule)) in want.iter().enumerate() {
            let name = &names[k + 1];
            assert!(name.starts_with(&format!("{:04}-", k + 1)), "{names:?}");
            let subject = subject_of(&dir.join(name));
            let summary = subject
                .strip_prefix(&format!("[PATCH {}/{n}] ", k + 1))
                .unwrap_or_else(|| panic!("{subject}"));
            assert!(summary.chars().count() <= 72, "{summary}");
            let (area, what) = summary.split_once(": ").expect("area: summary");
            assert!(!what.is_empty(), "{summary}");
            assert_eq!(area, *area_wanted, "{summary}");
            let text = std::fs::read_to_string(dir.join(name)).unwrap();
            assert!(
                text.contains(&format!("Found by abiport ({rule}) in ")),
                "{text}"
            );
            // The cover letter's shortlog lists every patch.
            assert!(cover.contains(&format!("\n  {summary}\n")), "{cover}");
        }
        // The cover letter lists the findings and the arches.
        assert!(
            cover.contains(&format!("Subject: [PATCH 0/{n}] ")),
            "{cover}"
        );
        assert!(cover.contains(&format!("{} ({n}):", AUTHOR.0)), "{cover}");
        assert!(cover.contains("Arches: mips64le"), "{cover}");
        assert!(cover.contains("Findings fixed ("), "{cover}");
    }
    let system_cover =
        std::fs::read_to_string(out_dir.join("example-com-system/0000-cover-letter.patch"))
            .unwrap();
    assert!(
        system_cover.contains(
            "cmd/nodeagent/main.go:16: [undefined-on-arch] `system.Setuid` is undefined on mips64le"
        ),
        "{system_cover}"
    );
    // The git am command per unit, with --directory for the vendored one.
    let system_patch = first_patch(&out_dir.join("example-com-system"));
    assert!(
        err.contains(&format!("  upstream:  git am {}", system_patch.display())),
        "{err}"
    );

    // Upstream: the vendored module's own repository.
    let upstream = repo_of(&demo.join("vendor/example.com/system"));
    let am = git(
        upstream.path(),
        &["am", system_patch.to_str().unwrap()],
        None,
    );
    assert!(am.status.success(), "git am: {}", stderr(&am));
    let body = git(upstream.path(), &["log", "-1", "--format=%B"], None);
    let body = String::from_utf8_lossy(&body.stdout);
    assert!(
        body.contains(&format!("Signed-off-by: {} <{}>", AUTHOR.0, AUTHOR.1)),
        "{body}"
    );
    assert!(
        std::fs::read_to_string(upstream.path().join("setuid_linux.go"))
            .unwrap()
            .contains("linux,mips64le")
    );

    // The main module: the demo's own repository, without its vendor/ (another unit).
    // `git am` takes the whole series, one commit per patch, and ends where `fix
    // --apply` does.
    let series = all_patches(&out_dir.join("example-com-nodeagent"));
    assert_eq!(series.len(), 4);
    let main = repo_of(&demo);
    let mut am_args = vec!["am".to_string()];
    am_args.extend(series.iter().map(|p| p.to_str().unwrap().to_string()));
    let am_args: Vec<&str> = am_args.iter().map(String::as_str).collect();
    let am = git(main.path(), &am_args, None);
    assert!(am.status.success(), "git am: {}", stderr(&am));
    let log = git(main.path(), &["log", "--format=%s", "-5"], None);
    let log = String::from_utf8_lossy(&log.stdout).into_owned();
    assert_eq!(log.lines().count(), 5, "{log}");
    assert_eq!(log.lines().last(), Some("import"), "{log}");
    let applied = tempfile::tempdir().unwrap();
    copy_dir(&demo, applied.path());
    let fix = abiport()
        .current_dir(applied.path())
        .args(["fix", ".", "--apply"])
        .output()
        .unwrap();
    assert!(matches!(fix.status.code(), Some(0 | 1)), "{}", stderr(&fix));
    for file in ["pkg/devices/devices.go", "pkg/rawsys/rawsys.go"] {
        let via_am = std::fs::read_to_string(main.path().join(file)).unwrap();
        let via_fix = std::fs::read_to_string(applied.path().join(file)).unwrap();
        assert_eq!(via_am, via_fix, "{file}");
    }
    let fixed = std::fs::read_to_string(main.path().join("pkg/devices/devices.go")).unwrap();
    assert!(fixed.contains("uint64(st.Rdev)"), "{fixed}");
}

/// A unit's patches, in series order (cover letter left out).
fn all_patches(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|x| x == "patch") && !p.ends_with("0000-cover-letter.patch")
        })
        .collect();
    v.sort();
    v
}

/// The vendored unit's patch applied in the tree that vendors it, with the `--directory`
/// abiport prints (the tree is a subdirectory of a git repository).
#[test]
fn vendored_unit_applies_in_the_vendoring_repo_with_directory() {
    if !require_tool("git", "git") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    copy_dir(&corpus_root().join("demo"), &repo.join("agent"));
    assert!(git(&repo, &["init", "-q"], None).status.success());
    assert!(git(&repo, &["add", "."], None).status.success());
    assert!(git(&repo, &["commit", "-qm", "import"], None)
        .status
        .success());
    let out_dir = tmp.path().join("out");
    let out = format_patch(&repo, "agent", &out_dir, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    let line = err
        .lines()
        .find(|l| l.contains("this tree: git am --directory=agent/vendor/example.com/system"))
        .unwrap_or_else(|| panic!("{err}"));
    let command = line.trim().strip_prefix("this tree: ").unwrap();
    let args: Vec<&str> = command.split(' ').skip(1).collect();
    let am = git(&repo, &args, None);
    assert!(am.status.success(), "{command}: {}", stderr(&am));
    let fixed =
        std::fs::read_to_string(repo.join("agent/vendor/example.com/system/setuid_linux.go"))
            .unwrap();
    assert!(fixed.contains("linux,mips64le"), "{fixed}");
    // Without --directory the vendored patch does not apply at the top.
    assert!(git(&repo, &["reset", "-q", "--hard", "HEAD~1"], None)
        .status
        .success());
    let plain = git(&repo, &["am", args[2]], None);
    assert!(!plain.status.success());
}

#[test]
fn a_non_empty_dir_is_refused_and_force_keeps_foreign_files() {
    let case = corpus_root().join("undefined-on-arch/plus-build-list");
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let foreign = out_dir.join("README");
    std::fs::write(&foreign, "my notes\n").unwrap();
    let refused = format_patch(tmp.path(), case.to_str().unwrap(), &out_dir, &[]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("not empty"),
        "{}",
        stderr(&refused)
    );
    assert!(stderr(&refused).contains("--force"), "{}", stderr(&refused));
    assert_eq!(std::fs::read_dir(&out_dir).unwrap().count(), 1);

    let first = format_patch(tmp.path(), case.to_str().unwrap(), &out_dir, &["--force"]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    // A patch of another run that abiport did not write into this dir (a foreign .patch),
    // and a stale patch abiport wrote with an older subject: only the latter goes.
    let unit = out_dir.join(listed_units(&out_dir)[0].clone());
    let foreign_patch = unit.join("0002-mine.patch");
    std::fs::write(&foreign_patch, "From me\n").unwrap();
    let ours = first_patch(&unit);
    let stale = unit.join("0001-old-subject.patch");
    std::fs::copy(&ours, &stale).unwrap();
    let manifest = out_dir.join(".abiport-patches");
    let mut listed = std::fs::read_to_string(&manifest).unwrap();
    listed.push_str(&format!(
        "{}/0001-old-subject.patch\n",
        unit.file_name().unwrap().to_str().unwrap()
    ));
    // A line leading out of DIR is never followed.
    let outside = tmp.path().join("outside.patch");
    std::fs::copy(&ours, &outside).unwrap();
    listed.push_str("../outside.patch\n");
    std::fs::write(&manifest, listed).unwrap();

    let again = format_patch(tmp.path(), case.to_str().unwrap(), &out_dir, &[]);
    assert_eq!(again.status.code(), Some(2), "refused without --force");
    let forced = format_patch(tmp.path(), case.to_str().unwrap(), &out_dir, &["--force"]);
    assert_eq!(forced.status.code(), Some(0), "{}", stderr(&forced));
    assert_eq!(std::fs::read_to_string(&foreign).unwrap(), "my notes\n");
    assert_eq!(
        std::fs::read_to_string(&foreign_patch).unwrap(),
        "From me\n"
    );
    assert!(!stale.exists(), "the stale patch abiport wrote is gone");
    assert!(outside.exists());
    assert!(first_patch(&unit).exists());
}

fn listed_units(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|e| e.file_type().unwrap().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// `verify --patches DIR` takes the whole series directory (recursively, sorted, cover
/// letters left out).
#[test]
fn verify_takes_the_series_directory() {
    if !require_tool("git", "git") {
        return;
    }
    let demo = corpus_root().join("demo");
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("series");
    let out = format_patch(tmp.path(), demo.to_str().unwrap(), &out_dir, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let verify = |patches: &[PathBuf]| {
        let mut c = abiport();
        c.current_dir(tmp.path())
            .arg("verify")
            .arg(&demo)
            .args(["--format", "json", "--patches"])
            .args(patches);
        let o = c.output().unwrap();
        let v: serde_json::Value =
            serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stderr(&o)));
        (o.status.code(), v)
    };
    let (code, v) = verify(std::slice::from_ref(&out_dir));
    // The demo keeps findings no fix covers: 1, but every patch of both units applied
    // (4 of the main module, one per rule, and the vendored one).
    assert_eq!(code, Some(1), "{v}");
    let applied = v["applied"].as_array().unwrap();
    assert_eq!(applied.len(), 5, "{v}");
    assert!(v["not_applied"].as_array().unwrap().is_empty(), "{v}");
    // The same as naming the patch files.
    let main_series = all_patches(&out_dir.join("example-com-nodeagent"));
    let system_patch = first_patch(&out_dir.join("example-com-system"));
    let mut files = main_series.clone();
    files.push(system_patch.clone());
    let (code2, v2) = verify(&files);
    assert_eq!(code2, code);
    assert_eq!(v2["left"], v["left"]);
    // `DIR/*/*.patch` names the cover letters too: nothing to apply in them.
    let mut with_covers = vec![out_dir.join("example-com-nodeagent/0000-cover-letter.patch")];
    with_covers.extend(main_series);
    with_covers.push(out_dir.join("example-com-system/0000-cover-letter.patch"));
    with_covers.push(system_patch);
    let (code3, v3) = verify(&with_covers);
    assert_eq!(code3, code);
    assert!(v3["not_applied"].as_array().unwrap().is_empty(), "{v3}");
    assert_eq!(v3["left"], v["left"]);
    // A directory with no patch is a usage error.
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let o = abiport()
        .arg("verify")
        .arg(&demo)
        .arg("--patches")
        .arg(&empty)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}
