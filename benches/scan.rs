//! Scan speed against baselines measured in the same process, on the same tree:
//! - `read`: walk the tree and read every .go file (what ripgrep must do at least);
//! - `parse`: tree-sitter parse of every .go file (what a parse-everything linter pays);
//! - `scan`: `abiport scan --arch all` with every rule.
//!
//! `cargo bench --bench scan` uses Debian's Go sources (`/usr/share/gocode/src`) when
//! installed, else `corpus/`; `ABIPORT_BENCH_TREE=DIR` picks another tree and
//! `ABIPORT_BENCH_RUNS=N` the repetitions (median reported).

mod common;

use abiport::scan::analyze;
use abiport::walk::{self, WalkOptions};
use rayon::prelude::*;
use std::time::Instant;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn time(runs: usize, mut f: impl FnMut()) -> f64 {
    median(
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed().as_secs_f64()
            })
            .collect(),
    )
}

fn main() {
    // `cargo test --all-targets` runs bench binaries without `--bench`: stay quick there.
    if !std::env::args().any(|a| a == "--bench") {
        eprintln!("benches/scan: run with `cargo bench --bench scan`");
        return;
    }
    // As the command line does (src/main.rs): the scan and the parse-all baseline alike.
    // SAFETY: before any tree-sitter call.
    unsafe { abiport::syntax::tree::allocate_trees_with_mimalloc() };
    abiport::syntax::tree::retain_freed_pages();
    let tree = common::tree();
    let runs: usize = std::env::var("ABIPORT_BENCH_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    let jobs = std::thread::available_parallelism().map_or(1, |n| n.get());
    let wopts = WalkOptions {
        respect_gitignore: false,
        include_tests: true,
        jobs,
        exclude: walk::Exclude::default(),
    };
    let files = walk::collect(&tree, &wopts).expect("walk").files;
    let read = || -> Vec<Vec<u8>> {
        files
            .par_iter()
            .filter_map(|f| walk::read_source(f).ok())
            .collect()
    };
    let bytes: usize = read().iter().map(Vec::len).sum();

    let t_read = time(runs, || {
        let fresh = walk::collect(&tree, &wopts).expect("walk").files;
        let n: usize = fresh
            .par_iter()
            .filter_map(|f| walk::read_source(f).ok())
            .map(|s| s.len())
            .sum();
        assert!(n > 0);
    });
    let t_parse = time(1.max(runs / 3), || {
        let fresh = walk::collect(&tree, &wopts).expect("walk").files;
        let nodes: usize = fresh
            .par_iter()
            .filter_map(|f| walk::read_source(f).ok())
            .filter_map(|s| abiport::syntax::parse_go(&s))
            .map(|t| t.root_node().child_count() as usize)
            .sum();
        assert!(nodes > 0);
    });
    let args = vec![
        "abiport".to_string(),
        "scan".into(),
        tree.display().to_string(),
        "--arch=all".into(),
    ];
    let cli = <abiport::cmd::Cli as clap::Parser>::parse_from(&args);
    let abiport::cmd::Command::Scan(scan_args) = cli.command else {
        unreachable!()
    };
    let opts = abiport::cmd::scan::options(&scan_args).expect("options");
    let mut last = None;
    let t_scan = time(runs, || last = Some(analyze(&opts).expect("scan")));
    let out = last.unwrap();

    println!(
        "tree: {} ({} files, {:.0} MB, {jobs} threads, median of {runs})",
        tree.display(),
        files.len(),
        bytes as f64 / 1e6
    );
    println!("read  (walk + read every file): {t_read:>8.3} s");
    println!("parse (tree-sitter every file): {t_parse:>8.3} s");
    println!(
        "scan  (abiport, --arch all):     {t_scan:>8.3} s  ({} parsed, {} findings)",
        out.stats.parsed_files,
        out.findings.len()
    );
    println!(
        "scan / parse = {:.3}   scan / read = {:.2}",
        t_scan / t_parse,
        t_scan / t_read
    );
}
