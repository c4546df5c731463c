//! The fix of `syscall-number-literal`: a literal trap replaced by the `SYS_*` name it is
//! on the reference arch, when the calling package declares that name for every arch the
//! file builds for.

use super::META;
use crate::edit::{node_at, FixCtx};
use crate::finding::{Edit, Finding, Fix, Payload};
use crate::rules::fix_per_file_checked;
use crate::syntax::calls::strip_pointer_conversions;

pub fn attach(cx: &FixCtx<'_>, findings: &mut [Finding]) {
    fix_per_file_checked(cx, findings, META.id, |fcx, fs| {
        for f in fs.iter_mut().filter(|f| f.rule == META.id) {
            let Payload::SyscallName { replacement } = &f.payload else {
                continue;
            };
            let Some(trap) = node_at(fcx.tree, f.span) else {
                continue;
            };
            let core = strip_pointer_conversions(fcx.src, trap);
            f.fix = Some(Fix::safe(
                format!("replace with `{replacement}`"),
                vec![Edit::replace(
                    core.start_byte(),
                    core.end_byte(),
                    replacement.clone(),
                )],
            ));
        }
    });
}
