//! Package-level declarations of one parsed file, found by one walk over its top-level
//! nodes: the names and kinds every package declares (for `undefined-on-arch` and the
//! lexer's equivalence check) and the typed items the type layer reads (struct fields,
//! named types, function and method signatures, typed vars and consts), kept as source text.
//! Qualifiers in the text are resolved later through the declaring file's imports.

use crate::lexer::{DeclKind, TopDecl};
use crate::syntax::tree::text;
use crate::syntax::tree::Span;
use crate::syntax::tree::FIELD;
use tree_sitter::{Node, Tree};

/// Package-level names are the same data whether the lexer's fast path
/// ([`crate::lexer::top_level_decls`]) or this walk finds them.
pub use crate::lexer::typed::{FieldDecl, ItemKind, SigDecl, TypedItem};

/// What one walk over a file's top-level declarations finds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileDecls {
    /// Every package-level name (methods and `init` excluded: they can't be referenced by
    /// name; blank `_` excluded).
    pub names: Vec<TopDecl>,
    /// Every typed package-level declaration, methods as `T.Method`.
    pub typed: Vec<TypedItem>,
}

/// Every package-level name the file declares; see [`FileDecls::names`].
pub fn top_level(tree: &Tree, src: &[u8]) -> Vec<TopDecl> {
    walk(tree, src).names
}

/// Every typed package-level declaration of a file; see [`FileDecls::typed`].
pub fn typed_items(tree: &Tree, src: &[u8]) -> Vec<TypedItem> {
    walk(tree, src).typed
}

/// The one walk over a file's top-level declarations.
pub fn walk(tree: &Tree, src: &[u8]) -> FileDecls {
    let mut out = FileDecls::default();
    let root = tree.root_node();
    let mut cursor = root.walk();
    for decl in root.named_children(&mut cursor) {
        match decl.kind() {
            "function_declaration" => {
                if let Some(name) = decl.child_by_field_id(FIELD.name) {
                    out.name(name, DeclKind::Func, src);
                    out.typed.push(TypedItem {
                        name: text(name, src).to_string(),
                        kind: ItemKind::Func(signature(decl, src)),
                        span: Span::from_node(&name),
                    });
                }
            }
            "method_declaration" => {
                let (Some(name), Some(recv)) = (
                    decl.child_by_field_id(FIELD.name),
                    decl.child_by_field_id(FIELD.receiver),
                ) else {
                    continue;
                };
                let Some(rt) = first_param_type(recv) else {
                    continue;
                };
                let base = text(rt, src).trim_start_matches('*').trim();
                let base = base.split('[').next().unwrap_or(base);
                out.typed.push(TypedItem {
                    name: format!("{base}.{}", text(name, src)),
                    kind: ItemKind::Func(signature(decl, src)),
                    span: Span::from_node(&name),
                });
            }
            "type_declaration" => {
                let mut c = decl.walk();
                for spec in decl.named_children(&mut c) {
                    let name = spec.child_by_field_id(FIELD.name);
                    if let Some(name) = name {
                        if matches!(spec.kind(), "type_spec" | "type_alias") {
                            out.name(name, DeclKind::Type, src);
                        }
                    }
                    let (Some(name), Some(ty)) = (name, spec.child_by_field_id(FIELD.ty)) else {
                        continue;
                    };
                    if spec.child_by_field_id(FIELD.type_parameters).is_some() {
                        continue;
                    }
                    let kind = if spec.kind() == "type_alias" {
                        ItemKind::Alias(text(ty, src).to_string())
                    } else if ty.kind() == "struct_type" {
                        ItemKind::Struct(struct_fields(ty, src))
                    } else {
                        ItemKind::Named(text(ty, src).to_string())
                    };
                    out.typed.push(TypedItem {
                        name: text(name, src).to_string(),
                        kind,
                        span: Span::from_node(&name),
                    });
                }
            }
            "var_declaration" | "const_declaration" => {
                let is_var = decl.kind() == "var_declaration";
                let kind = if is_var {
                    DeclKind::Var
                } else {
                    DeclKind::Const
                };
                for spec in specs(decl) {
                    let ty = spec
                        .child_by_field_id(FIELD.ty)
                        .map(|t| text(t, src).to_string());
                    let value = literal_init(spec, src);
                    let mut c = spec.walk();
                    // The `name` field also holds the commas of `const A, B = 1, 2`.
                    for name in spec.children_by_field_name("name", &mut c) {
                        if name.kind() == "identifier" {
                            out.name(name, kind, src);
                            if let Some(d) = out
                                .names
                                .last_mut()
                                .filter(|d| d.span.start == name.start_byte())
                            {
                                d.value = value;
                            }
                        }
                        out.typed.push(TypedItem {
                            name: text(name, src).to_string(),
                            kind: if is_var {
                                ItemKind::Var(ty.clone())
                            } else {
                                ItemKind::Const(ty.clone())
                            },
                            span: Span::from_node(&name),
                        });
                    }
                }
            }
            _ => {}
        }
    }
    out
}

impl FileDecls {
    fn name(&mut self, name: Node<'_>, kind: DeclKind, src: &[u8]) {
        let n = text(name, src);
        if n.is_empty() || n == "_" || (kind == DeclKind::Func && n == "init") {
            return;
        }
        self.names.push(TopDecl {
            name: n.to_string(),
            kind,
            span: Span::from_node(&name),
            value: None,
        });
    }
}

/// The value of a one-name var or const spec initialised with a lone integer literal,
/// its type (if any) a plain or qualified name: as [`crate::lexer::top_level_decls`]
/// reads it.
fn literal_init(spec: Node<'_>, src: &[u8]) -> Option<i128> {
    let mut c = spec.walk();
    let names = spec
        .children_by_field_name("name", &mut c)
        .filter(|n| n.kind() == "identifier")
        .count();
    if names != 1 {
        return None;
    }
    if let Some(ty) = spec.child_by_field_id(FIELD.ty) {
        if !matches!(ty.kind(), "type_identifier" | "qualified_type") {
            return None;
        }
    }
    let list = spec.child_by_field_id(FIELD.value)?;
    if list.named_child_count() != 1 {
        return None;
    }
    let lit = list.named_child(0)?;
    if lit.kind() != "int_literal" {
        return None;
    }
    crate::lexer::parse_int(text(lit, src))
}

/// `var_spec`/`const_spec` nodes of a declaration, grouped (`var ( … )`) or not.
pub fn specs(decl: Node<'_>) -> Vec<Node<'_>> {
    let mut out = Vec::new();
    let mut c = decl.walk();
    for child in decl.named_children(&mut c) {
        match child.kind() {
            "var_spec" | "const_spec" => out.push(child),
            "var_spec_list" => {
                let mut c2 = child.walk();
                out.extend(
                    child
                        .named_children(&mut c2)
                        .filter(|n| n.kind() == "var_spec"),
                );
            }
            _ => {}
        }
    }
    out
}

/// Fields of a `struct_type` node, one per name.
pub fn struct_fields(st: Node<'_>, src: &[u8]) -> Vec<FieldDecl> {
    let mut out = Vec::new();
    let Some(list) = st.named_child(0) else {
        return out;
    };
    let mut c = list.walk();
    for fd in list
        .named_children(&mut c)
        .filter(|n| n.kind() == "field_declaration")
    {
        let Some(ty) = fd.child_by_field_id(FIELD.ty) else {
            continue;
        };
        let ty_text = text(ty, src).to_string();
        let mut c2 = fd.walk();
        let names: Vec<Node<'_>> = fd.children_by_field_name("name", &mut c2).collect();
        if names.is_empty() {
            let base = ty_text.trim_start_matches('*');
            let base = base.rsplit('.').next().unwrap_or(base).to_string();
            out.push(FieldDecl {
                name: base,
                ty: ty_text.clone(),
                span: Span::from_node(&fd),
            });
        }
        for n in names {
            out.push(FieldDecl {
                name: text(n, src).to_string(),
                ty: ty_text.clone(),
                span: Span::from_node(&n),
            });
        }
    }
    out
}

fn first_param_type(list: Node<'_>) -> Option<Node<'_>> {
    let mut c = list.walk();
    let p = list
        .named_children(&mut c)
        .find(|n| n.kind() == "parameter_declaration")?;
    p.child_by_field_id(FIELD.ty)
}

/// Parameter and result types of a function, method or func literal, one per name.
pub fn signature(decl: Node<'_>, src: &[u8]) -> SigDecl {
    let mut sig = SigDecl {
        params: Vec::new(),
        variadic: false,
        results: Vec::new(),
    };
    if let Some(ps) = decl.child_by_field_id(FIELD.parameters) {
        sig.variadic = param_types(ps, src, &mut sig.params);
    }
    match decl.child_by_field_id(FIELD.result) {
        Some(r) if r.kind() == "parameter_list" => {
            param_types(r, src, &mut sig.results);
        }
        Some(r) => sig.results.push(text(r, src).to_string()),
        None => {}
    }
    sig
}

/// Push one type per declared name (or one per unnamed parameter); whether the last is
/// variadic (its type is pushed as the element type).
fn param_types(list: Node<'_>, src: &[u8], out: &mut Vec<String>) -> bool {
    let mut variadic = false;
    let mut c = list.walk();
    for p in list.named_children(&mut c) {
        let Some(ty) = p.child_by_field_id(FIELD.ty) else {
            continue;
        };
        variadic = p.kind() == "variadic_parameter_declaration";
        let mut c2 = p.walk();
        let n = p.children_by_field_name("name", &mut c2).count().max(1);
        for _ in 0..n {
            out.push(text(ty, src).to_string());
        }
    }
    variadic
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::tree::parse_go;

    #[test]
    fn finds_every_top_level_kind() {
        let src = br#"package p
func init() {}
func Setuid(uid int) error { var local int; _ = local; return nil }
func (s *T) Method() {}
type (
	T struct{}
	A = T
)
type G[X any] struct{ v X }
var a, b = 1, 2
var (
	c int
	_ int
)
const (
	K = iota
	L
)
"#;
        let tree = parse_go(src).unwrap();
        let got: Vec<(String, DeclKind)> = top_level(&tree, src)
            .into_iter()
            .map(|d| (d.name, d.kind))
            .collect();
        let want: Vec<(String, DeclKind)> = [
            ("Setuid", DeclKind::Func),
            ("T", DeclKind::Type),
            ("A", DeclKind::Type),
            ("G", DeclKind::Type),
            ("a", DeclKind::Var),
            ("b", DeclKind::Var),
            ("c", DeclKind::Var),
            ("K", DeclKind::Const),
            ("L", DeclKind::Const),
        ]
        .into_iter()
        .map(|(n, k)| (n.to_string(), k))
        .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn collects_structs_funcs_and_methods() {
        let src = br#"package p
type EpollEvent struct {
	Events uint32
	_      int32
	Fd, Pad int32
	Timespec
}
type Dev uint64
type A = Dev
func Major(dev uint64) uint32 { return 0 }
func (s *Stat_t) Size(a, b int, rest ...string) (n int64, err error) { return }
var X, Y Dev
const K uint32 = 1
const U = 2
"#;
        let tree = parse_go(src).unwrap();
        let items = walk(&tree, src).typed;
        let by = |n: &str| items.iter().find(|i| i.name == n).unwrap().kind.clone();
        let ItemKind::Struct(f) = by("EpollEvent") else {
            panic!()
        };
        let names: Vec<(&str, &str)> = f.iter().map(|f| (&f.name[..], &f.ty[..])).collect();
        assert_eq!(
            names,
            vec![
                ("Events", "uint32"),
                ("_", "int32"),
                ("Fd", "int32"),
                ("Pad", "int32"),
                ("Timespec", "Timespec")
            ]
        );
        assert_eq!(by("Dev"), ItemKind::Named("uint64".into()));
        assert_eq!(by("A"), ItemKind::Alias("Dev".into()));
        assert_eq!(
            by("Major"),
            ItemKind::Func(SigDecl {
                params: vec!["uint64".into()],
                variadic: false,
                results: vec!["uint32".into()]
            })
        );
        assert_eq!(
            by("Stat_t.Size"),
            ItemKind::Func(SigDecl {
                params: vec!["int".into(), "int".into(), "string".into()],
                variadic: true,
                results: vec!["int64".into(), "error".into()]
            })
        );
        assert_eq!(by("Y"), ItemKind::Var(Some("Dev".into())));
        assert_eq!(by("K"), ItemKind::Const(Some("uint32".into())));
        assert_eq!(by("U"), ItemKind::Const(None));
    }
}
