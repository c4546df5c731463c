//! `base-image-platform`: a Dockerfile or Containerfile `FROM` whose base image publishes
//! no variant for a target, from the checked-in table `arch-tables/base-images.toml`
//! (docker-library's published architectures; no registry is queried).

use super::build_file::BuildFileCtx;
use super::{FixAvailability, Rule, RuleMeta};
use crate::arch::ArchSet;
use crate::finding::{Edit, Finding, Fix};
use crate::image::LocalImage;
use crate::walk::BuildFileKind;
use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

pub struct BaseImagePlatform;

pub const ID: &str = "base-image-platform";

static META: RuleMeta = RuleMeta {
    id: ID,
    summary: "a Dockerfile base image that publishes no variant for the target",
    doc: include_str!("../../rules/base-image-platform.md"),
    fix: FixAvailability::Sometimes,
    imports: None,
    words: &[],
    fixer: None,
};

impl Rule for BaseImagePlatform {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
    fn build_file_kinds(&self) -> &'static [BuildFileKind] {
        &[BuildFileKind::Dockerfile]
    }
    fn check_build_file(&self, cx: &BuildFileCtx<'_>, out: &mut Vec<Finding>) {
        check(cx, out);
    }
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    image: Vec<Image>,
}

/// What one image's tags (matching `tags`) publish.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Image {
    name: String,
    tags: Vec<String>,
    platforms: Vec<String>,
    /// The distribution the image is built on: a replacement from another family needs
    /// its install commands rewritten.
    family: String,
    #[serde(default)]
    replace: BTreeMap<String, String>,
    source: String,
    as_of: String,
}

/// Whether `text` (`[[image]]` tables, from abiport.toml's `[[base-image]]`) is a valid
/// extension of the table: the error says why not.
pub fn check_extra_images(text: &str) -> Result<(), String> {
    let t: Table = toml::from_str(text).map_err(|e| e.message().to_string())?;
    for i in &t.image {
        for p in i.platforms.iter().chain(i.replace.keys()) {
            crate::arch::Arch::from_name(p)
                .ok_or_else(|| format!("image `{}`: `{p}` is no GOARCH", i.name))?;
        }
        for g in &i.tags {
            globset::Glob::new(g).map_err(|e| format!("image `{}`: {e}", i.name))?;
        }
    }
    Ok(())
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        toml::from_str(include_str!("../../arch-tables/base-images.toml"))
            .expect("arch-tables/base-images.toml is valid (unit test)")
    })
}

impl Image {
    fn matches(&self, name: &str, tag: &str) -> bool {
        self.name == name
            && self
                .tags
                .iter()
                .any(|t| globset::Glob::new(t).is_ok_and(|g| g.compile_matcher().is_match(tag)))
    }
    fn platforms(&self) -> ArchSet {
        ArchSet::parse_list(&self.platforms.join(",")).unwrap_or(ArchSet::EMPTY)
    }
}

/// An image reference split into the table's name (Docker Hub's host and `library/`
/// dropped; other registries' hosts kept) and its tag (`latest` when none).
fn image_name(reference: &str) -> Option<(String, String)> {
    let no_digest = reference.split('@').next()?;
    let mut parts: Vec<&str> = no_digest.split('/').collect();
    if parts.len() > 1 {
        let first = parts[0];
        // Docker Hub's names are the table's; another registry's image keeps its host
        // (only abiport.toml's entries name such images).
        if first == "docker.io" || first == "index.docker.io" {
            parts.remove(0);
        }
    }
    if parts.len() > 1 && parts[0] == "library" {
        parts.remove(0);
    }
    let last = parts.pop()?;
    let (base, tag) = last.split_once(':').unwrap_or((last, "latest"));
    parts.push(base);
    Some((parts.join("/"), tag.to_string()))
}

/// `$NAME`, `${NAME}`, `${NAME:-default}` in `text`, from the global `ARG` defaults;
/// `None` when a variable has no value.
fn substitute(text: &str, args: &HashMap<String, (String, usize, usize)>) -> Option<String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let (name, default, used) = if let Some(inner) = after.strip_prefix('{') {
            let close = inner.find('}')?;
            let body = &inner[..close];
            let (name, default) = match body.split_once(":-").or_else(|| body.split_once('-')) {
                Some((n, d)) => (n, Some(d)),
                None => (body, None),
            };
            (name, default, close + 2)
        } else {
            let len = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            (&after[..len], None, len)
        };
        let value = args
            .get(name)
            .map(|v| v.0.as_str())
            .filter(|v| !v.is_empty())
            .or(default)?;
        out.push_str(value);
        rest = &after[used..];
    }
    out.push_str(rest);
    Some(out)
}

/// The logical lines of a Dockerfile (`\` continues a line; comment lines dropped), as
/// byte ranges.
fn instructions(src: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let b = src.as_bytes();
    while start < b.len() {
        let mut end = start;
        loop {
            end = memchr::memchr(b'\n', &b[end..]).map_or(b.len(), |n| end + n);
            let line = src[..end].trim_end_matches('\r');
            if line.ends_with('\\') && end < b.len() {
                end += 1;
                continue;
            }
            break;
        }
        let text = src[start..end].trim_start();
        if !text.is_empty() && !text.starts_with('#') {
            out.push((start, end));
        }
        start = end + 1;
    }
    out
}

/// The words of an instruction with their byte ranges.
fn words(src: &str, start: usize, end: usize) -> Vec<(usize, usize)> {
    let mut v = Vec::new();
    let b = src.as_bytes();
    let mut i = start;
    while i < end {
        while i < end && (b[i].is_ascii_whitespace() || b[i] == b'\\') {
            i += 1;
        }
        let s = i;
        while i < end && !b[i].is_ascii_whitespace() {
            i += 1;
        }
        if s < i {
            v.push((s, i));
        }
    }
    v
}

/// A tag's leading version: up to its first `-` outside `${…}` (`1.25` of `1.25-alpine`,
/// `${GO_VERSION}` of `${GO_VERSION}-alpine`).
fn leading_version(tag: &str) -> Option<&str> {
    let mut depth = 0;
    for (i, c) in tag.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            '-' if depth == 0 => return Some(&tag[..i]).filter(|v| !v.is_empty()),
            _ => {}
        }
    }
    Some(tag).filter(|v| !v.is_empty())
}

/// One `FROM` judged against the table.
struct Stage<'t> {
    /// Where the image name was written: the `FROM` word, or the `ARG` default it came
    /// from.
    edit_at: (usize, usize),
    shown: String,
    reference: String,
    name: Option<String>,
    /// Lines of the stage's `RUN` instructions that call apk or BusyBox's `adduser` and
    /// `addgroup`.
    apk_lines: Vec<usize>,
    report_at: (usize, usize),
    image: Option<&'t Image>,
    /// The image read from disk under this reference: believed before any table.
    local: Option<&'t LocalImage>,
    tag: String,
}

fn check(cx: &BuildFileCtx<'_>, out: &mut Vec<Finding>) {
    let src = cx.src;
    // abiport.toml's entries (checked when the config was read) come first.
    let extra: Option<Table> = cx
        .tree
        .extra_base_images
        .as_deref()
        .and_then(|t| toml::from_str(t).ok());
    let mut args: HashMap<String, (String, usize, usize)> = HashMap::new();
    let mut stages: Vec<Stage<'_>> = Vec::new();
    let mut stage_names: Vec<String> = Vec::new();
    for (start, end) in instructions(src) {
        let w = words(src, start, end);
        let Some(&(ks, ke)) = w.first() else { continue };
        let keyword = src[ks..ke].to_ascii_uppercase();
        match keyword.as_str() {
            "ARG" if stages.is_empty() => {
                for &(s, e) in &w[1..] {
                    let word = &src[s..e];
                    let (name, value) = word.split_once('=').unwrap_or((word, ""));
                    let v_start = s + name.len() + 1;
                    let value_trim = value.trim_matches(['"', '\'']);
                    let q = (value.len() - value_trim.len()) / 2;
                    args.insert(
                        name.to_string(),
                        (
                            value_trim.to_string(),
                            v_start + q,
                            (v_start + q + value_trim.len()).min(e),
                        ),
                    );
                }
            }
            "FROM" => {
                let mut rest = &w[1..];
                let mut platform = None;
                while let Some(&(s, e)) = rest.first() {
                    let word = &src[s..e];
                    match word.strip_prefix("--platform=") {
                        Some(p) => platform = Some(p.to_string()),
                        None if word.starts_with("--") => {}
                        None => break,
                    }
                    rest = &rest[1..];
                }
                let Some(&(is, ie)) = rest.first() else {
                    continue;
                };
                if rest.len() >= 3 && src[rest[1].0..rest[1].1].eq_ignore_ascii_case("as") {
                    stage_names.push(src[rest[2].0..rest[2].1].to_ascii_lowercase());
                } else {
                    stage_names.push(String::new());
                }
                let written = &src[is..ie];
                // A stage run on the build machine, or pinned to one platform, is not the
                // target's.
                let for_target = platform
                    .as_deref()
                    .is_none_or(|p| p.contains("TARGETPLATFORM"));
                let resolved = substitute(written, &args);
                // An image named by one ARG is fixed at the ARG's default.
                let edit_at = match written
                    .strip_prefix("${")
                    .and_then(|r| r.strip_suffix('}'))
                    .or_else(|| written.strip_prefix('$'))
                    .and_then(|n| args.get(n))
                {
                    Some((_, s, e)) if s < e => (*s, *e),
                    _ => (is, ie),
                };
                let mut stage = Stage {
                    edit_at,
                    shown: written.to_string(),
                    reference: resolved.clone().unwrap_or_default(),
                    name: None,
                    apk_lines: Vec::new(),
                    report_at: (is, ie),
                    image: None,
                    local: None,
                    tag: String::new(),
                };
                if let (true, Some(reference)) = (for_target, resolved) {
                    let lower = reference.to_ascii_lowercase();
                    let earlier_stage = stage_names[..stage_names.len() - 1].contains(&lower);
                    if !earlier_stage && lower != "scratch" {
                        if let Some((name, tag)) = image_name(&reference) {
                            stage.image = extra
                                .iter()
                                .flat_map(|t| t.image.iter())
                                .chain(table().image.iter())
                                .find(|i| i.matches(&name, &tag));
                            stage.local = cx.tree.local_images.iter().find(|i| {
                                i.refs.iter().any(|r| {
                                    image_name(r).is_some_and(|(n, t)| n == name && t == tag)
                                })
                            });
                            stage.name = Some(name);
                            stage.tag = tag;
                        }
                    }
                }
                stages.push(stage);
            }
            "RUN" => {
                if let Some(stage) = stages.last_mut() {
                    let text = &src[start..end];
                    // Alpine's package manager and BusyBox's user tools.
                    let alpine_only = ["apk", "adduser", "addgroup"];
                    if text.split_whitespace().any(|t| alpine_only.contains(&t)) {
                        stage.apk_lines.push(cx.span(start, end).line);
                    }
                }
            }
            _ => {}
        }
    }
    for stage in &stages {
        // A local image's platforms win over the tables; its replacement still comes
        // from the table's entry for the same image, when there is one.
        let (platforms, fact) = match (stage.local, stage.image) {
            (Some(local), _) => {
                let held: Vec<String> = local.platforms.iter().map(|p| p.to_string()).collect();
                let arches: ArchSet = local
                    .platforms
                    .iter()
                    .filter_map(|p| p.linux_arch())
                    .collect();
                let fact = format!(
                    "{} hold{} {} (read instead of arch-tables/base-images.toml)",
                    local.sources.join(" and "),
                    if local.sources.len() == 1 { "s" } else { "" },
                    if held.is_empty() {
                        "no platform".to_string()
                    } else {
                        held.join(", ")
                    }
                );
                (arches, fact)
            }
            (None, Some(image)) => (
                image.platforms(),
                format!(
                    "{} as of {} (arch-tables/base-images.toml; no registry was queried)",
                    image.source, image.as_of
                ),
            ),
            (None, None) => continue,
        };
        let missing = cx.targets.minus(platforms);
        if missing.is_empty() {
            continue;
        }
        let via = if stage.shown != stage.reference {
            format!("`{}` (= `{}`)", stage.shown, stage.reference)
        } else {
            format!("`{}`", stage.reference)
        };
        let published = if platforms.is_empty() {
            "no Linux arch abiport knows".to_string()
        } else {
            platforms.names().join(", ")
        };
        let mut f = cx.finding(
            ID,
            stage.report_at.0,
            stage.report_at.1,
            missing,
            &format!("FROM {}", stage.reference),
            format!(
                "base image {via} is published for {published}, not {}",
                missing.names().join(", ")
            ),
            fact,
        );
        let Some(image) = stage.image else {
            f.set_no_fix("the image was read from disk and the table names no replacement for it");
            out.push(f);
            continue;
        };
        let replacements: Vec<&String> = missing
            .iter()
            .filter_map(|a| image.replace.get(a.name()))
            .collect();
        let same = replacements.windows(2).all(|w| w[0] == w[1]);
        match replacements.first() {
            Some(r) if same && replacements.len() == missing.len() => {
                // The version as written keeps an ARG (`golang:${GO_VERSION}-alpine`).
                let written_tag = (stage.edit_at == stage.report_at)
                    .then(|| stage.shown.rsplit_once(':').map(|(_, t)| t))
                    .flatten()
                    .filter(|t| !t.contains('/'));
                let version = written_tag
                    .map(leading_version)
                    .unwrap_or_else(|| leading_version(&stage.tag))
                    .filter(|v| v.starts_with(|c: char| c.is_ascii_digit() || c == '$'));
                let replacement = match version {
                    Some(v) => r.replace("{version}", v),
                    None => r.replace("{version}-", "").replace("{version}", ""),
                };
                let family = table()
                    .image
                    .iter()
                    .find(|i| image_name(&replacement).is_some_and(|(n, t)| i.matches(&n, &t)))
                    .map(|i| i.family.as_str());
                let mut fix = Fix::unsafe_edit(
                    format!("use `{replacement}` as the base"),
                    vec![Edit::replace(
                        stage.edit_at.0,
                        stage.edit_at.1,
                        replacement.clone(),
                    )],
                );
                let mut note = format!(
                    "the fix is unsafe: `{replacement}` is another image (the table knows \
                     platforms, not every tag: check that the tag exists); rebuild and test it"
                );
                if family.is_some_and(|fam| fam != image.family) {
                    note.push_str(&format!(
                        ", built on {} where the old one is {}: packages and tools differ",
                        family.unwrap_or(""),
                        image.family
                    ));
                    if !stage.apk_lines.is_empty() {
                        let lines: Vec<String> =
                            stage.apk_lines.iter().map(|l| l.to_string()).collect();
                        note.push_str(&format!(
                            "; review the commands on line {}: `apk add` becomes \
                             `apt-get update && apt-get install -y --no-install-recommends` \
                             (package names differ), BusyBox's `adduser -S`/`addgroup -S` \
                             become Debian's `--system` forms",
                            lines.join(", ")
                        ));
                    }
                }
                if stage.edit_at != stage.report_at {
                    note.push_str("; the ARG default is changed, for every stage that uses it");
                }
                fix = fix.with_note(note);
                f.fix = Some(fix);
            }
            _ => f.set_no_fix("the table suggests no base with every target"),
        }
        out.push(f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_reads() {
        let t = table();
        assert!(t.image.len() >= 5);
        for i in &t.image {
            assert_eq!(
                i.platforms().len(),
                i.platforms.len(),
                "{}: platforms are GOARCH names",
                i.name
            );
            for target in i.replace.keys() {
                assert!(crate::arch::Arch::from_name(target).is_some(), "{target}");
            }
        }
    }

    #[test]
    fn references_and_args() {
        assert_eq!(
            image_name("docker.io/library/golang:1.25-alpine@sha256:00"),
            Some(("golang".into(), "1.25-alpine".into()))
        );
        assert_eq!(
            image_name("alpine"),
            Some(("alpine".into(), "latest".into()))
        );
        assert_eq!(
            image_name("quay.io/x/alpine:3"),
            Some(("quay.io/x/alpine".into(), "3".into()))
        );
        let mut args = HashMap::new();
        args.insert("GO".to_string(), ("1.25".to_string(), 0, 0));
        assert_eq!(
            substitute("golang:${GO}-${FLAVOUR:-alpine}", &args).as_deref(),
            Some("golang:1.25-alpine")
        );
        assert_eq!(substitute("$UNSET", &args), None);
        assert_eq!(leading_version("${GO:-1.2}-alpine"), Some("${GO:-1.2}"));
        assert_eq!(leading_version("alpine"), Some("alpine"));
        let img = table()
            .image
            .iter()
            .find(|i| i.matches("debian", "trixie-slim"))
            .unwrap();
        assert!(!img.platforms().contains(crate::arch::Arch::Mips64le));
        let img = table()
            .image
            .iter()
            .find(|i| i.matches("debian", "bookworm-slim"))
            .unwrap();
        assert!(img.platforms().contains(crate::arch::Arch::Mips64le));
    }
}
