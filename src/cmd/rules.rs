//! `abiport rules [ID]`: list the rules or print one rule's doc.

use super::OutFormat;
use crate::error::{Outcome, Result, UserError};
use crate::rules::{self, by_id, FixAvailability, RULES};
use clap::Args;

#[derive(Args, Debug, Clone)]
pub struct RulesArgs {
    /// Rule id whose documentation to print
    pub id: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = OutFormat::Human)]
    pub format: OutFormat,
}

pub fn run(args: &RulesArgs) -> Result<Outcome> {
    match &args.id {
        None => {
            match args.format {
                OutFormat::Human => {
                    for r in RULES {
                        let m = r.meta();
                        println!("{:<24} {}", m.id, m.summary);
                    }
                }
                OutFormat::Json => {
                    let list: Vec<_> = RULES.iter().map(|r| rule_json(r.meta())).collect();
                    println!("{}", serde_json::to_string_pretty(&list).expect("json"));
                }
            }
            Ok(Outcome::Clean)
        }
        Some(id) => {
            let rule = by_id(id).ok_or_else(|| {
                let near = crate::suggest::closest(id, rules::ids(), 3);
                let mut e = UserError::new(format!("unknown rule `{id}`"));
                e = if near.is_empty() {
                    e.with_help(format!(
                        "rules: {}",
                        rules::ids().collect::<Vec<_>>().join(", ")
                    ))
                } else {
                    e.with_help(format!("did you mean {}?", near.join(", ")))
                };
                e
            })?;
            match args.format {
                OutFormat::Human => print!("{}", rule.meta().doc),
                OutFormat::Json => println!(
                    "{}",
                    serde_json::to_string_pretty(&rule_json(rule.meta())).expect("json")
                ),
            }
            Ok(Outcome::Clean)
        }
    }
}

fn rule_json(m: &rules::RuleMeta) -> serde_json::Value {
    serde_json::json!({
        "id": m.id,
        "summary": m.summary,
        "fix": match m.fix {
            FixAvailability::None => "none",
            FixAvailability::Sometimes => "sometimes",
            FixAvailability::Always => "always",
        },
        "doc": m.doc,
    })
}
