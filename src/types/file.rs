//! [`FileCtx`]: what a rule sees of one file: its [`FileSyntax`] plus the per-arch type
//! inference, each built once per file and shared by every rule that checks it.

use super::infer::{Infer, Shared};
use crate::arch::{Arch, ArchSet};
use crate::syntax::FileSyntax;
use std::cell::OnceCell;
use std::ops::Deref;
use std::rc::Rc;

/// One file for the rules: the syntactic view (through `Deref`: `cx.src`, `cx.tree`, …)
/// and [`FileCtx::infer`].
pub struct FileCtx<'a> {
    syntax: &'a FileSyntax<'a>,
    infers: [OnceCell<Infer<'a, 'a>>; Arch::ALL.len()],
    /// What the arches' inferences share: each result that reads no arch-varying fact is
    /// computed once, by whichever arch asks first.
    shared: Rc<Shared<'a>>,
}

impl<'a> FileCtx<'a> {
    pub fn new(syntax: &'a FileSyntax<'a>) -> Self {
        FileCtx {
            syntax,
            infers: Default::default(),
            shared: Rc::default(),
        }
    }

    /// The syntactic view alone.
    pub fn syntax(&self) -> &'a FileSyntax<'a> {
        self.syntax
    }

    /// Type inference on `arch`, built on first use and shared by the rules.
    pub fn infer(&self, arch: Arch) -> &Infer<'a, 'a> {
        self.infers[arch.index()]
            .get_or_init(|| Infer::with_shared(self.syntax, arch, Rc::clone(&self.shared)))
    }

    /// Inference on the reference arch and on each of `targets`, in arch order.
    pub fn infer_each(&self, targets: ArchSet) -> (&Infer<'a, 'a>, Vec<(Arch, &Infer<'a, 'a>)>) {
        let re = self.infer(self.index.reference);
        (re, targets.iter().map(|a| (a, self.infer(a))).collect())
    }
}

impl<'a> Deref for FileCtx<'a> {
    type Target = FileSyntax<'a>;
    fn deref(&self) -> &FileSyntax<'a> {
        self.syntax
    }
}
