//! User-facing errors: a title, a help line, and the exit code they map to.

use std::fmt;

/// An error that stops a command. Exit code 2.
#[derive(Debug)]
pub struct UserError {
    pub title: String,
    pub help: Option<String>,
    /// The text the error is about, drawn under the title with the span marked (a config
    /// file's bad key).
    pub located: Option<Box<Located>>,
}

/// A span of a named text, with what to say at it.
#[derive(Debug)]
pub struct Located {
    pub name: String,
    pub text: String,
    pub span: std::ops::Range<usize>,
    pub label: String,
}

impl UserError {
    pub fn new(title: impl Into<String>) -> Self {
        UserError {
            title: title.into(),
            help: None,
            located: None,
        }
    }
    pub fn with_located(mut self, located: Located) -> Self {
        self.located = Some(Box::new(located));
        self
    }
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for UserError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.title)
    }
}

impl std::error::Error for UserError {}

impl From<crate::arch::UnknownArch> for UserError {
    fn from(e: crate::arch::UnknownArch) -> Self {
        UserError::new(e.to_string()).with_help(format!(
            "known architectures (GOARCH): {}; Debian, `uname -m` and GNU triplet names \
             are accepted too (mips64el, x86_64, aarch64, armhf, mips64el-linux-gnuabi64)",
            crate::arch::Arch::ALL.map(|a| a.name()).join(", ")
        ))
    }
}

/// What a command ended with: exit 0 clean, 1 findings/problems found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Clean,
    Findings,
}

pub type Result<T, E = UserError> = std::result::Result<T, E>;
