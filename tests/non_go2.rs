//! Issue 17, second part: local images as base-image-platform's ground truth (OCI
//! layouts and `docker save` archives built here from small JSON documents).

use crate::non_go::{findings_of, json};
use crate::util::{assert_error, run};
use sha2::{Digest, Sha256};
use std::path::Path;

/// (line, arches, fact) of each base-image-platform finding.
fn base_image_findings(doc: &serde_json::Value) -> Vec<(u64, String, String)> {
    findings_of(doc, "base-image-platform")
        .iter()
        .map(|f| {
            let arches: Vec<&str> = f["arches"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a.as_str().unwrap())
                .collect();
            (
                f["line"].as_u64().unwrap(),
                arches.join(","),
                // The fact, without the no-fix reason the finding appends.
                f["fact"]
                    .as_str()
                    .unwrap()
                    .split("; no automatic fix")
                    .next()
                    .unwrap()
                    .to_string(),
            )
        })
        .collect()
}

/// An OCI layout being written: blobs named by their sha256.
struct Layout {
    dir: std::path::PathBuf,
}

impl Layout {
    fn new(dir: &Path) -> Layout {
        std::fs::create_dir_all(dir.join("blobs/sha256")).unwrap();
        std::fs::write(dir.join("oci-layout"), r#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
        Layout {
            dir: dir.to_path_buf(),
        }
    }

    /// Write a JSON blob; its digest.
    fn blob(&self, v: serde_json::Value) -> String {
        let bytes = serde_json::to_vec(&v).unwrap();
        let hex: String = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        std::fs::write(self.dir.join("blobs/sha256").join(&hex), bytes).unwrap();
        format!("sha256:{hex}")
    }

    /// A single-platform image manifest whose platform only its config says.
    fn image(&self, os: &str, arch: &str, variant: Option<&str>) -> String {
        let mut config = serde_json::json!({"os": os, "architecture": arch, "rootfs": {"type": "layers", "diff_ids": []}});
        if let Some(v) = variant {
            config["variant"] = v.into();
        }
        let config = self.blob(config);
        self.blob(serde_json::json!({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config, "size": 1},
            "layers": []
        }))
    }

    /// An image index over `platforms` (`os/arch[/variant]`), each entry carrying its
    /// platform, as registries publish them.
    fn index(&self, platforms: &[&str]) -> String {
        let manifests: Vec<serde_json::Value> = platforms
            .iter()
            .map(|p| {
                let parts: Vec<&str> = p.split('/').collect();
                let digest = self.image(parts[0], parts[1], parts.get(2).copied());
                let mut platform = serde_json::json!({"os": parts[0], "architecture": parts[1]});
                if let Some(v) = parts.get(2) {
                    platform["variant"] = (*v).into();
                }
                serde_json::json!({
                    "mediaType": "application/vnd.oci.image.manifest.v1+json",
                    "digest": digest, "size": 1, "platform": platform
                })
            })
            .collect();
        self.blob(serde_json::json!({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.index.v1+json",
            "manifests": manifests
        }))
    }

    /// `index.json` naming `(digest, media type, ref name)` entries.
    fn top(&self, entries: &[(&str, &str, Option<&str>)]) {
        let manifests: Vec<serde_json::Value> = entries
            .iter()
            .map(|(digest, media, name)| {
                let mut e = serde_json::json!({"mediaType": media, "digest": digest, "size": 1});
                if let Some(n) = name {
                    e["annotations"] = serde_json::json!({"org.opencontainers.image.ref.name": n});
                }
                e
            })
            .collect();
        let index = serde_json::json!({"schemaVersion": 2, "manifests": manifests});
        std::fs::write(self.dir.join("index.json"), index.to_string()).unwrap();
    }
}

const INDEX: &str = "application/vnd.oci.image.index.v1+json";
const MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";

/// A tar archive of `files` (name, bytes).
fn tar_of(path: &Path, files: &[(&str, Vec<u8>)]) {
    let mut b = tar::Builder::new(std::fs::File::create(path).unwrap());
    for (name, bytes) in files {
        let mut h = tar::Header::new_gnu();
        h.set_size(bytes.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, name, bytes.as_slice()).unwrap();
    }
    b.finish().unwrap();
}

/// A legacy `docker save` archive: manifest.json, the config as `<id>.json`, a layer.
fn docker_save(path: &Path, repo_tag: &str, arch: &str, variant: Option<&str>) {
    let mut config = serde_json::json!({"os": "linux", "architecture": arch});
    if let Some(v) = variant {
        config["variant"] = v.into();
    }
    let manifest = serde_json::json!([{
        "Config": "0123abcd.json",
        "RepoTags": [repo_tag],
        "Layers": ["4567/layer.tar"]
    }]);
    tar_of(
        path,
        &[
            ("manifest.json", manifest.to_string().into_bytes()),
            ("0123abcd.json", config.to_string().into_bytes()),
            ("4567/layer.tar", vec![0; 1024]),
        ],
    );
}

#[test]
fn an_image_store_wins_over_the_table_and_the_finding_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("Dockerfile"),
        "FROM alpine:3.18 AS base\n\
         FROM registry.example.com/team/agent:1 AS agent\n\
         FROM docker.io/library/busybox:1.36\n\
         FROM debian:bookworm-slim\n",
    )
    .unwrap();
    let args = ["scan", ".", "--arch", "mips64le", "--format", "json"];
    // The table alone: alpine has no mips64le; the other registry's image is not judged.
    let by_table = base_image_findings(&json(&args, root));
    assert_eq!(
        by_table.iter().map(|f| f.0).collect::<Vec<_>>(),
        vec![1],
        "{by_table:?}"
    );
    assert!(by_table[0].2.contains("arch-tables/base-images.toml"));

    let store = root.join("images");
    // skopeo's `oci:images/alpine:3.18`: a bare tag, the directory is the name; a mirror
    // that has a mips64le build.
    let alpine = Layout::new(&store.join("alpine"));
    let idx = alpine.index(&["linux/amd64", "linux/arm64/v8", "linux/mips64le"]);
    alpine.top(&[(&idx, INDEX, Some("3.18"))]);
    // `docker save` of an image for two arches (one archive per arch, as docker saves).
    docker_save(
        &store.join("agent-amd64.tar"),
        "registry.example.com/team/agent:1",
        "amd64",
        None,
    );
    docker_save(
        &store.join("agent-arm.tar"),
        "registry.example.com/team/agent:1",
        "arm",
        Some("v7"),
    );
    // An OCI archive (a layout as a tar) whose manifest entry has no platform: the
    // image config says it, x86_64 being a name of amd64.
    let tmp = root.join("busybox-layout");
    let busybox = Layout::new(&tmp);
    let m = busybox.image("linux", "x86_64", None);
    busybox.top(&[(&m, MANIFEST, Some("docker.io/library/busybox:1.36"))]);
    let mut files = vec![
        ("index.json", std::fs::read(tmp.join("index.json")).unwrap()),
        ("oci-layout", std::fs::read(tmp.join("oci-layout")).unwrap()),
    ];
    let blobs: Vec<(String, Vec<u8>)> = std::fs::read_dir(tmp.join("blobs/sha256"))
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                format!("blobs/sha256/{}", e.file_name().to_string_lossy()),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.extend(blobs.iter().map(|(n, b)| (n.as_str(), b.clone())));
    tar_of(&store.join("busybox.tar"), &files);
    std::fs::remove_dir_all(&tmp).unwrap();

    let mut with_store = args.to_vec();
    with_store.extend(["--image-store", "images"]);
    let doc = json(&with_store, root);
    let found = base_image_findings(&doc);
    assert_eq!(
        found.iter().map(|f| f.0).collect::<Vec<_>>(),
        vec![2, 3],
        "alpine's local mirror has mips64le, beating the table: {doc}"
    );
    assert_eq!(
        found[0].2,
        "docker save archive images/agent-amd64.tar and docker save archive \
         images/agent-arm.tar hold linux/amd64, linux/arm/v7 (read instead of \
         arch-tables/base-images.toml)"
    );
    assert_eq!(
        found[1].2,
        "OCI image archive images/busybox.tar holds linux/x86_64 (read instead of \
         arch-tables/base-images.toml)"
    );
    let messages: Vec<&str> = findings_of(&doc, "base-image-platform")
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        [
            "base image `registry.example.com/team/agent:1` is published for amd64, arm, \
             not mips64le",
            "base image `docker.io/library/busybox:1.36` is published for amd64, not mips64le"
        ]
    );
    // The same from abiport.toml, relative to its directory.
    std::fs::write(root.join("abiport.toml"), "image-store = \"images\"\n").unwrap();
    assert_eq!(base_image_findings(&json(&args, root)), found);
}

#[test]
fn a_layout_named_in_the_config_judges_that_image() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("Dockerfile"),
        "ARG GO=1.21\nFROM golang:${GO}-alpine AS build\nRUN apk add git\nFROM scratch\n",
    )
    .unwrap();
    let layout = Layout::new(&root.join("layouts/golang"));
    // A nested index (an index naming an index) without platforms at the top.
    let inner = layout.index(&["linux/amd64", "linux/arm64/v8", "linux/riscv64"]);
    let outer = layout.blob(serde_json::json!({
        "schemaVersion": 2, "mediaType": INDEX,
        "manifests": [{"mediaType": INDEX, "digest": inner, "size": 1}]
    }));
    layout.top(&[(&outer, INDEX, None)]);
    std::fs::write(
        root.join("abiport.toml"),
        "[[base-image]]\nimage = \"golang:1.21-alpine\"\nlayout = \"layouts/golang\"\n",
    )
    .unwrap();
    let doc = json(
        &[
            "scan",
            ".",
            "--arch",
            "mips64le,riscv64,s390x",
            "--format",
            "json",
        ],
        root,
    );
    let found = base_image_findings(&doc);
    // The table says golang's alpine tags have s390x and lack mips64le; the layout, read
    // instead, lacks both s390x and mips64le and has riscv64.
    assert_eq!(found.len(), 1, "{doc}");
    assert_eq!(found[0].0, 2);
    assert_eq!(found[0].1, "mips64le,s390x");
    assert!(
        found[0].2.starts_with(
            "OCI image layout layouts/golang holds linux/amd64, linux/arm64/v8, linux/riscv64 \
             (read instead of arch-tables/base-images.toml)"
        ),
        "{found:?}"
    );
    let f = findings_of(&doc, "base-image-platform")[0];
    assert_eq!(
        f["fixable"], false,
        "the table's replacement has no s390x: {f}"
    );

    // An entry with `layout` takes `image` and `layout` only.
    std::fs::write(
        root.join("abiport.toml"),
        "[[base-image]]\nimage = \"golang:1.21-alpine\"\nlayout = \"layouts/golang\"\nfamily = \"alpine\"\n",
    )
    .unwrap();
    let out = run(&["scan", "."], root);
    assert_error(&out, 2, "exactly `image`");

    // A layout that cannot be read leaves the scan incomplete: exit 1 with a note.
    std::fs::write(
        root.join("abiport.toml"),
        "[[base-image]]\nimage = \"golang:1.21-alpine\"\nlayout = \"layouts/missing\"\n",
    )
    .unwrap();
    let out = run(&["scan", ".", "--select", "base-image-platform"], root);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("layouts/missing") && stdout.contains("cannot read"),
        "{stdout}"
    );
}

/// The `ifeq ($(ARCH),…)` finding is what make does: with ARCH=mips64le the variable is
/// empty, while the variables abiport leaves silent (an `else`, a default) have values or
/// are meant empty.
#[test]
fn make_leaves_the_reported_ifeq_variable_empty_on_the_target() {
    if !crate::util::require_tool("make", "make") {
        return;
    }
    let case = crate::util::repo_root().join("corpus/build-arch-list/makefile-ifeq");
    let make = |var: &str, arch: &str| -> String {
        let out = std::process::Command::new("make")
            .args(["-s", &format!("print-{var}"), &format!("ARCH={arch}")])
            .current_dir(&case)
            .output()
            .expect("run make");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    };
    assert_eq!(make("BASEIMAGE", "arm64"), "arm64v8/debian:bookworm-slim");
    assert_eq!(make("BASEIMAGE", "mips64le"), "");
    assert_eq!(make("QEMUARCH", "mips64le"), "mips64le");
    let doc = json(
        &["scan", ".", "--arch", "mips64le", "--format", "json"],
        &case,
    );
    let messages: Vec<&str> = findings_of(&doc, "build-arch-list")
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        ["`BASEIMAGE` is set in `ifeq ($(ARCH),…)` branches for amd64, arm64, ppc64le but not mips64le"]
    );
}
