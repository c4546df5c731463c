//! A finding's place in the code without line numbers: the enclosing top-level
//! declaration's identity and the matched text, for its fingerprint (README "Baseline").

use super::tree::{text, Span};
use crate::syntax::tree::FIELD;
use tree_sitter::{Node, Tree};

/// A tree's top-level declarations, listed once for the anchors of all of a file's
/// findings (each found by a binary search: a linear walk per finding was a fifth of a
/// Kubernetes scan's serial fix phase).
pub struct Anchors<'t> {
    decls: Vec<Node<'t>>,
}

impl<'t> Anchors<'t> {
    pub fn new(tree: &'t Tree) -> Anchors<'t> {
        let root = tree.root_node();
        let mut cursor = root.walk();
        Anchors {
            decls: root.named_children(&mut cursor).collect(),
        }
    }

    /// `kind name` of the top-level declaration holding `span` ("func Open", "method
    /// File.Close", "type Stat_t", "var a,b"; in a grouped declaration, the spec holding the
    /// span), then the span's text with whitespace runs collapsed to one space, separated
    /// by a NUL. Outside any declaration (imports, the package clause) the identity is the
    /// node kind alone.
    pub fn code_anchor(&self, src: &[u8], span: Span) -> String {
        let snippet = src
            .get(span.start..span.end.min(src.len()))
            .map(String::from_utf8_lossy)
            .unwrap_or_default();
        let snippet = snippet.split_whitespace().collect::<Vec<_>>().join(" ");
        format!("{}\0{snippet}", self.declaration_identity(src, span))
    }

    /// The first declaration holding `span.start` (an empty node holds its own byte):
    /// declarations are disjoint and in order, so their ends never decrease.
    fn holding(&self, at: usize) -> Option<Node<'t>> {
        let end = |n: &Node<'_>| n.end_byte().max(n.start_byte() + 1);
        let i = self.decls.partition_point(|n| end(n) <= at);
        self.decls.get(i).copied().filter(|n| n.start_byte() <= at)
    }

    fn declaration_identity(&self, src: &[u8], span: Span) -> String {
        let Some(decl) = self.holding(span.start) else {
            return "file".into();
        };
        match decl.kind() {
            "function_declaration" => format!("func {}", field_text(decl, "name", src)),
            "method_declaration" => {
                let receiver = decl
                    .child_by_field_id(FIELD.receiver)
                    .and_then(|r| r.named_child(0))
                    .and_then(|p| p.child_by_field_id(FIELD.ty))
                    .map(|t| text(t, src))
                    .unwrap_or("");
                let base = receiver.trim_start_matches('*').trim();
                let base = base.split('[').next().unwrap_or(base);
                format!("method {base}.{}", field_text(decl, "name", src))
            }
            "type_declaration" | "var_declaration" | "const_declaration" => {
                let kind = decl.kind().trim_end_matches("_declaration");
                let specs = specs(decl);
                let spec = specs
                    .iter()
                    .find(|s| s.start_byte() <= span.start && span.start < s.end_byte())
                    .or(specs.first());
                let names = spec.map(|s| spec_names(*s, src)).unwrap_or_default();
                format!("{kind} {names}")
            }
            other => other.to_string(),
        }
    }
}

fn field_text<'s>(node: Node<'_>, field: &str, src: &'s [u8]) -> &'s str {
    node.child_by_field_name(field)
        .map(|n| text(n, src))
        .unwrap_or("")
}

/// The specs of a type, var or const declaration, grouped or not.
fn specs(decl: Node<'_>) -> Vec<Node<'_>> {
    let mut out = Vec::new();
    let mut stack = vec![decl];
    while let Some(n) = stack.pop() {
        let mut c = n.walk();
        for child in n.named_children(&mut c) {
            match child.kind() {
                "type_spec" | "type_alias" | "var_spec" | "const_spec" => out.push(child),
                "var_spec_list" => stack.push(child),
                _ => {}
            }
        }
    }
    out.sort_by_key(|n| n.start_byte());
    out
}

/// A spec's declared names, comma separated.
fn spec_names(spec: Node<'_>, src: &[u8]) -> String {
    let mut c = spec.walk();
    spec.children_by_field_name("name", &mut c)
        .map(|n| text(n, src))
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse_go;

    fn anchor_of(src: &str, needle: &str, nth: usize) -> String {
        let tree = parse_go(src.as_bytes()).unwrap();
        let start = src.match_indices(needle).nth(nth).unwrap().0;
        let span = Span {
            start,
            end: start + needle.len(),
            line: 0,
            column: 0,
            end_line: 0,
            end_column: 0,
        };
        Anchors::new(&tree).code_anchor(src.as_bytes(), span)
    }

    #[test]
    fn names_the_enclosing_declaration() {
        let src = "package p\n\nimport \"syscall\"\n\nfunc Open() {\n\t_ = syscall.SYS_OPEN\n}\n\n\
                   func (f *File) Close() {\n\t_ = syscall.SYS_OPEN\n}\n\n\
                   type (\n\tA int\n\tB struct{ X syscall.Stat_t }\n)\n\n\
                   var x, y = syscall.SYS_OPEN, 1\n";
        assert_eq!(
            anchor_of(src, "syscall.SYS_OPEN", 0),
            "func Open\0syscall.SYS_OPEN"
        );
        assert_eq!(
            anchor_of(src, "syscall.SYS_OPEN", 1),
            "method File.Close\0syscall.SYS_OPEN"
        );
        assert_eq!(
            anchor_of(src, "syscall.Stat_t", 0),
            "type B\0syscall.Stat_t"
        );
        assert_eq!(
            anchor_of(src, "syscall.SYS_OPEN", 2),
            "var x,y\0syscall.SYS_OPEN"
        );
        assert_eq!(
            anchor_of(src, "\"syscall\"", 0),
            "import_declaration\0\"syscall\""
        );
    }

    #[test]
    fn whitespace_is_collapsed_and_lines_do_not_matter() {
        let a = anchor_of("package p\nfunc F() { g(1,\n\t\t2) }\n", "g(1,\n\t\t2)", 0);
        let b = anchor_of(
            "package p\n\n\n// moved\nvar z = 1\nfunc F() { g(1, 2) }\n",
            "g(1, 2)",
            0,
        );
        assert_eq!(a, b);
    }
}
