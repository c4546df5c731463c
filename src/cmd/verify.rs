//! `abiport verify`: apply a patch set to a temporary copy of the tree, rescan it, and
//! report the patches that do not apply, the findings left and the findings introduced.

use super::scan::{self, ScanArgs, ScanFormat};
use crate::error::{Outcome, Result, UserError};
use crate::finding::Finding;
use crate::fix::verify::{verify, Policy, Verdict, DEFAULT_BUDGET};
use clap::Args;
use std::path::PathBuf;

#[derive(Args, Debug, Clone)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub scan: ScanArgs,
    /// Patches, applied in order: diffs relative to PATH (`abiport fix`), or
    /// `fix --format-patch` files (applied in the one directory holding their files)
    #[arg(long, required = true, num_args = 1.., value_name = "PATCH")]
    pub patches: Vec<PathBuf>,
    /// Apply binary patches too (refused by default: they cannot be reviewed)
    #[arg(long)]
    pub allow_binary: bool,
    /// Most bytes the patch set may write into the copy (added lines, binary sizes); a
    /// patch that would pass it is not applied
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_BUDGET)]
    pub max_patch_bytes: u64,
}

pub fn run(args: &VerifyArgs) -> Result<Outcome> {
    let mut opts = scan::single_tree_options(&args.scan, "verify")?;
    if !opts.root.is_dir() {
        return Err(UserError::new(format!(
            "{}: no such directory",
            opts.root.display()
        )));
    }
    // The rescanned copy is not where the tree is: keep the import path its place gives.
    if opts.import_path.is_none() {
        opts.import_path = crate::index::location_import_path(&opts.root);
    }
    let policy = Policy {
        allow_binary: args.allow_binary,
        budget: args.max_patch_bytes,
    };
    let v = verify(&opts, &args.patches, policy)?;
    if args.scan.format == ScanFormat::Json {
        println!("{}", json(&v));
    } else {
        human(&v);
    }
    eprintln!(
        "abiport: {} of {} patch(es) apply; {} of {} finding(s) left, {} introduced",
        v.applied.len(),
        args.patches.len(),
        v.left.len(),
        v.before,
        v.introduced.len()
    );
    Ok(if v.passed() {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}

/// `{"version":1,"passed","applied":[…],"not_applied":[{"patch","reason"}],"left":[…],
/// "introduced":[…],"before"}`, findings as `{"rule","path","line","column","arches","message"}`.
pub fn json(v: &Verdict) -> String {
    let finding = |f: &Finding| {
        serde_json::json!({
            "rule": f.rule,
            "path": f.path,
            "line": f.span.line,
            "column": f.span.column,
            "arches": f.arches.names(),
            "message": f.message,
        })
    };
    let doc = serde_json::json!({
        "version": 1,
        "passed": v.passed(),
        "applied": v.applied.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
        "not_applied": v.not_applied.iter().map(|(p, why)| serde_json::json!({
            "patch": p.display().to_string(),
            "reason": why,
        })).collect::<Vec<_>>(),
        "left": v.left.iter().map(finding).collect::<Vec<_>>(),
        "introduced": v.introduced.iter().map(finding).collect::<Vec<_>>(),
        "before": v.before,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

fn human(v: &Verdict) {
    for p in &v.applied {
        println!("applies: {}", p.display());
    }
    for (p, why) in &v.not_applied {
        println!("does not apply: {}: {why}", p.display());
    }
    let line = |f: &Finding| {
        format!(
            "{}:{}:{}: {} [{}] ({})",
            f.path, f.span.line, f.span.column, f.message, f.rule, f.arches
        )
    };
    for f in &v.left {
        println!("left: {}", line(f));
    }
    for f in &v.introduced {
        println!("introduced: {}", line(f));
    }
}
