//! The fix of `impossible-goarch`: the literal becomes the Go name it stands for, when that
//! name is certain (another tool's name such as `x86_64`, or a Go name in other case).

use super::META;
use crate::edit::{node_at, FixCtx};
use crate::finding::{Edit, Finding, Fix};
use crate::rules::fix_per_file;
use crate::rules::platform::{meant, string_value, Meant, Platform};

pub fn attach(cx: &FixCtx<'_>, findings: &mut [Finding]) {
    fix_per_file(cx, findings, META.id, |fcx, fs| {
        for f in fs.iter_mut().filter(|f| f.rule == META.id) {
            if f.no_fix.is_some() {
                continue;
            }
            let Some(lit) = node_at(fcx.tree, f.span) else {
                continue;
            };
            let Some(given) = string_value(fcx.src, lit) else {
                continue;
            };
            let Some(go) =
                [Platform::Arch, Platform::Os]
                    .into_iter()
                    .find_map(|p| match meant(p, given) {
                        Meant::Certain(n) => Some(n),
                        _ => None,
                    })
            else {
                continue;
            };
            f.fix = Some(
                Fix::unsafe_edit(
                    format!("replace `\"{given}\"` with `\"{go}\"`"),
                    vec![Edit::replace(lit.start_byte() + 1, lit.end_byte() - 1, go)],
                )
                .with_note(format!(
                    "the fix is unsafe: code that never ran starts running on {}",
                    f.arches
                )),
            );
        }
    });
}
