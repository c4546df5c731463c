//! Typed package-level declarations of one parsed file, kept as source text: struct fields,
//! named types, function and method signatures, typed vars and consts. Qualifiers in the
//! text are resolved later through the declaring file's imports.

use crate::finding::Span;
use crate::index::decls::specs;
use crate::syntax::text;
use tree_sitter::{Node, Tree};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldDecl {
    /// Field name; for an embedded field, its type name.
    pub name: String,
    pub ty: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SigDecl {
    pub params: Vec<String>,
    pub variadic: bool,
    pub results: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ItemKind {
    Struct(Vec<FieldDecl>),
    /// `type T U` (defined type, U as text).
    Named(String),
    /// `type T = U`.
    Alias(String),
    Func(SigDecl),
    /// A var, or a const with a declared type; `None` when the type comes from the value.
    Var(Option<String>),
    /// A const; `Some` when declared with a type.
    Const(Option<String>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypedItem {
    /// `T`, `F`, or `T.Method` for methods.
    pub name: String,
    pub kind: ItemKind,
    pub span: Span,
}

/// Every typed package-level declaration of a file.
pub fn collect(tree: &Tree, src: &[u8]) -> Vec<TypedItem> {
    let mut out = Vec::new();
    let root = tree.root_node();
    let mut c = root.walk();
    for decl in root.named_children(&mut c) {
        match decl.kind() {
            "function_declaration" => {
                if let Some(name) = decl.child_by_field_name("name") {
                    out.push(TypedItem {
                        name: text(name, src).to_string(),
                        kind: ItemKind::Func(signature(decl, src)),
                        span: Span::from_node(&name),
                    });
                }
            }
            "method_declaration" => {
                let (Some(name), Some(recv)) = (
                    decl.child_by_field_name("name"),
                    decl.child_by_field_name("receiver"),
                ) else {
                    continue;
                };
                let Some(rt) = first_param_type(recv) else {
                    continue;
                };
                let base = text(rt, src).trim_start_matches('*').trim();
                let base = base.split('[').next().unwrap_or(base);
                out.push(TypedItem {
                    name: format!("{base}.{}", text(name, src)),
                    kind: ItemKind::Func(signature(decl, src)),
                    span: Span::from_node(&name),
                });
            }
            "type_declaration" => {
                let mut c2 = decl.walk();
                for spec in decl.named_children(&mut c2) {
                    let (Some(name), Some(ty)) = (
                        spec.child_by_field_name("name"),
                        spec.child_by_field_name("type"),
                    ) else {
                        continue;
                    };
                    if spec.child_by_field_name("type_parameters").is_some() {
                        continue;
                    }
                    let kind = if spec.kind() == "type_alias" {
                        ItemKind::Alias(text(ty, src).to_string())
                    } else if ty.kind() == "struct_type" {
                        ItemKind::Struct(struct_fields(ty, src))
                    } else {
                        ItemKind::Named(text(ty, src).to_string())
                    };
                    out.push(TypedItem {
                        name: text(name, src).to_string(),
                        kind,
                        span: Span::from_node(&name),
                    });
                }
            }
            "var_declaration" | "const_declaration" => {
                let is_var = decl.kind() == "var_declaration";
                for spec in specs(decl) {
                    let ty = spec
                        .child_by_field_name("type")
                        .map(|t| text(t, src).to_string());
                    let mut c2 = spec.walk();
                    for name in spec.children_by_field_name("name", &mut c2) {
                        out.push(TypedItem {
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
        let Some(ty) = fd.child_by_field_name("type") else {
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
    p.child_by_field_name("type")
}

/// Parameter and result types of a function, method or func literal, one per name.
pub fn signature(decl: Node<'_>, src: &[u8]) -> SigDecl {
    let mut sig = SigDecl {
        params: Vec::new(),
        variadic: false,
        results: Vec::new(),
    };
    if let Some(ps) = decl.child_by_field_name("parameters") {
        sig.variadic = param_types(ps, src, &mut sig.params);
    }
    match decl.child_by_field_name("result") {
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
        let Some(ty) = p.child_by_field_name("type") else {
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
    use crate::syntax::parse_go;

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
        let items = collect(&tree, src);
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
