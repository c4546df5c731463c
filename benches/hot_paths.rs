//! Criterion benches of the hot paths of a scan, one stage at a time, on a fixed sample of
//! real Go files (every 8th `.go` file of Debian's tree when installed, else `corpus/`;
//! `ABIPORT_BENCH_TREE=DIR` picks another tree):
//! - `header_scan`: constraint lines, package clause and imports of every file;
//! - `constraints`: evaluating those headers for every arch (cgo off);
//! - `lexer`: top-level declarations and typed declarations from the token scanner;
//! - `parse`: tree-sitter parse of every file (what the check phase pays per parsed file);
//! - `scan_demo`: a whole `abiport scan corpus/demo --arch all` (tables, index build,
//!   parse + rules per file, report data), the per-run fixed cost;
//! - `scan_no_parse`: a whole scan of the sample tree with a rule that parses nothing (walk,
//!   headers, constraints, index, plan: the fixed cost that grows with the tree).
//!
//! `cargo bench --bench hot_paths`; `-- --test` runs each once (the CI smoke check).
//! Throughput is reported in bytes so the stages compare with each other and with
//! `benches/scan.rs`'s read and parse baselines.

mod common;

use abiport::constraints::{self, BuildConfig};
use abiport::walk::{self, WalkOptions};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use std::path::Path;
use std::time::Duration;

/// Every 8th `.go` file of the tree in path order: the same sample on every run.
fn sample() -> Vec<(String, Vec<u8>)> {
    let opts = WalkOptions {
        respect_gitignore: false,
        include_tests: true,
        jobs: 1,
        exclude: walk::Exclude::default(),
    };
    let mut files = walk::collect(&common::tree(), &opts).expect("walk").files;
    files.sort_by(|a, b| a.rel.cmp(&b.rel));
    files
        .iter()
        .filter(|f| f.rel.ends_with(".go"))
        .step_by(8)
        .filter_map(|f| {
            let name = f.rel.rsplit('/').next()?.to_string();
            Some((name, walk::read_source(f).ok()?))
        })
        .collect()
}

fn scan_options(args: &[&str]) -> abiport::scan::ScanOptions {
    let cli = <abiport::cmd::Cli as clap::Parser>::parse_from(
        std::iter::once("abiport").chain(args.iter().copied()),
    );
    let abiport::cmd::Command::Scan(scan_args) = cli.command else {
        unreachable!("a scan command line")
    };
    abiport::cmd::scan::options(&scan_args).expect("scan options")
}

fn stages(c: &mut Criterion) {
    let files = sample();
    assert!(
        !files.is_empty(),
        "no .go files under {}",
        common::tree().display()
    );
    let bytes: u64 = files.iter().map(|(_, s)| s.len() as u64).sum();
    let cfg = BuildConfig::default();

    let mut g = c.benchmark_group("per_file");
    g.throughput(Throughput::Bytes(bytes));
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(5));
    g.bench_function("header_scan", |b| {
        b.iter(|| {
            files
                .iter()
                .map(|(_, s)| abiport::header::scan(s).imports.len())
                .sum::<usize>()
        })
    });
    let headers: Vec<_> = files
        .iter()
        .map(|(n, s)| (n.as_str(), abiport::header::scan(s)))
        .collect();
    g.bench_function("constraints", |b| {
        b.iter(|| {
            headers
                .iter()
                .map(|(n, h)| {
                    constraints::evaluate_header(&cfg, n, h)
                        .arches
                        .iter()
                        .count()
                })
                .sum::<usize>()
        })
    });
    g.bench_function("lexer_idents", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for (_, s) in &files {
                abiport::lexer::for_each_ident(s, |_, _| n += 1);
            }
            n
        })
    });
    g.bench_function("lexer_decls", |b| {
        b.iter(|| {
            files
                .iter()
                .map(|(_, s)| abiport::lexer::top_level_decls(s).len())
                .sum::<usize>()
        })
    });
    g.bench_function("lexer_typed", |b| {
        b.iter(|| {
            files
                .iter()
                .map(|(_, s)| abiport::lexer::typed::typed_items(s).len())
                .sum::<usize>()
        })
    });
    g.bench_function("parse", |b| {
        b.iter(|| {
            files
                .iter()
                .filter_map(|(_, s)| abiport::syntax::parse_go(s))
                .map(|t| t.root_node().child_count() as usize)
                .sum::<usize>()
        })
    });
    g.finish();

    let mut g = c.benchmark_group("scan");
    g.sample_size(10);
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/demo");
    let demo_opts = scan_options(&["scan", demo.to_str().unwrap(), "--arch=all"]);
    g.bench_function("scan_demo", |b| {
        b.iter(|| {
            abiport::scan::analyze(&demo_opts)
                .expect("scan")
                .findings
                .len()
        })
    });

    // The sample copied into one directory: a tree of real files with no parse.
    let dir = tempfile::tempdir().expect("tempdir");
    for (i, (name, src)) in files.iter().enumerate() {
        let sub = dir.path().join(format!("p{:03}", i / 64));
        std::fs::create_dir_all(&sub).expect("mkdir");
        std::fs::write(sub.join(format!("{i}_{name}")), src).expect("write");
    }
    let tree_opts = scan_options(&[
        "scan",
        dir.path().to_str().unwrap(),
        "--arch=all",
        "--rules=build-arch-list",
    ]);
    g.throughput(Throughput::Bytes(bytes));
    g.bench_function("scan_no_parse", |b| {
        b.iter_batched(
            || (),
            |()| {
                abiport::scan::analyze(&tree_opts)
                    .expect("scan")
                    .stats
                    .files
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
