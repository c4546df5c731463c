//! Rules: one module per rule, each with a doc file under `rules/`.

pub mod cmd;
