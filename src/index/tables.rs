//! What the ABI tables alone say for a reference arch and its targets: the struct fields
//! and members some target has otherwise ([`differing_fields`], [`missing_members`]), and the table names that lead to those structs.
//! Every index of a scan (one per cgo setting) asks the same, so they are made once per
//! process ([`facts`]): the second setting made the tokens again (2-3 ms of one thread).

use super::reach::{table_reach, TableReach};
use super::width::{width_tokens, WidthTokens};
use crate::abi;
use crate::arch::{Arch, ArchSet};
use rustc_hash::FxHashSet;
use std::sync::{Arc, Mutex};

/// The tables' facts for one reference arch and set of targets.
pub struct TableFacts {
    /// `Index::width_tokens`.
    pub width_tokens: WidthTokens,
    /// `Index::member_tokens`.
    pub member_tokens: FxHashSet<&'static str>,
    /// The tables' part of `Index::reach`.
    pub(super) reach: TableReach,
}

/// Values made from the tables alone, by reference arch and targets.
pub(super) type Made<T> = Mutex<Vec<((Arch, ArchSet), Arc<T>)>>;

/// `made`'s value for `reference` and `targets`, made by `make` on first use: every index
/// of a scan (one per cgo setting) shares it.
pub(super) fn made_once<T>(
    made: &Made<T>,
    reference: Arch,
    targets: ArchSet,
    make: impl FnOnce() -> T,
) -> Arc<T> {
    // Held while it is made: a second asker waits rather than makes it again. Nothing
    // made here waits on the pool.
    let mut made = made.lock().unwrap_or_else(|e| e.into_inner());
    let at = (reference, targets);
    if let Some((_, f)) = made.iter().find(|(k, _)| *k == at) {
        return f.clone();
    }
    let f = Arc::new(make());
    made.push((at, f.clone()));
    f
}

/// The facts for `reference` and `targets`, made on first use.
pub fn facts(reference: Arch, targets: ArchSet) -> Arc<TableFacts> {
    static MADE: Made<TableFacts> = Mutex::new(Vec::new());
    made_once(&MADE, reference, targets, || TableFacts {
        width_tokens: width_tokens(reference, targets),
        member_tokens: missing_members(reference, targets)
            .map(|(_, m)| m)
            .collect(),
        reach: table_reach(reference, targets),
    })
}

/// Each field and method of a table struct that the reference arch has and a target,
/// which has the struct, lacks: (struct, member).
pub(super) fn missing_members(
    reference: Arch,
    targets: ArchSet,
) -> impl Iterator<Item = (&'static str, &'static str)> {
    abi::Package::ALL.into_iter().flat_map(move |pkg| {
        let fields = abi::differing_structs(pkg, reference, targets, true)
            .filter_map(|(s, o)| Some((s, o?)))
            .flat_map(|(s, o)| {
                s.fields
                    .iter()
                    .filter(move |f| f.name != "_" && o.field(f.name).is_none())
                    .map(move |f| (s.name, f.name))
            });
        let base = abi::table(reference, pkg);
        let methods = targets.iter().flat_map(move |target| {
            let other = abi::table(target, pkg);
            base.funcs.iter().filter_map(move |f| {
                let (ty, m) = f.name.split_once('.')?;
                (other.strukt(ty).is_some() && other.func(f.name).is_none()).then_some((ty, m))
            })
        });
        fields.chain(methods)
    })
}

/// Each field of a table struct that differs between the reference arch and a target
/// (another type or size, or missing): (struct, field).
pub(super) fn differing_fields(
    reference: Arch,
    targets: ArchSet,
) -> impl Iterator<Item = (&'static str, &'static str)> {
    abi::Package::ALL.into_iter().flat_map(move |pkg| {
        abi::differing_structs(pkg, reference, targets, true).flat_map(|(s, other)| {
            s.fields
                .iter()
                .filter(move |f| {
                    !other
                        .and_then(|o| o.field(f.name))
                        .is_some_and(|g| g.ty == f.ty && g.size == f.size)
                })
                .map(move |f| (s.name, f.name))
        })
    })
}
