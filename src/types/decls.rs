//! Typed package-level declarations as the type layer names them. They are index data,
//! found by the index's one declaration walk ([`crate::index::decls`]); this module only
//! re-exports them (`collect` is [`crate::index::decls::typed_items`]).

pub use crate::index::decls::{
    signature, struct_fields, typed_items as collect, FieldDecl, ItemKind, SigDecl, TypedItem,
};
