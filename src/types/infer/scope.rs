//! Locals and their scopes: which declaration an identifier refers to under Go's block
//! rules (`var`/`const` specs and groups, `:=`, `if`/`switch`/`for` initialisers,
//! parameters, receivers and named results, range variables, type-switch aliases), the
//! identifiers that use a local, and the type a local has on this arch.

use super::{specs, Binding, Infer, LocalDecl, Ty, MAX_SCOPES};
use crate::syntax::tree::FIELD;
use crate::syntax::ScopeLink;
use tree_sitter::Node;

impl<'c, 'a> Infer<'c, 'a> {
    pub(super) fn is_in_function(&self, n: Node<'a>) -> bool {
        self.enclosing_function(n).is_some()
    }

    /// The nearest function declaration or literal around `n` (functions are scope nodes:
    /// the climb follows the scope links).
    pub(super) fn enclosing_function(&self, n: Node<'a>) -> Option<Node<'a>> {
        let mut link = self.cx.parents.scope_of(n);
        while let Some(l) = link {
            if matches!(
                l.scope.kind(),
                "function_declaration" | "method_declaration" | "func_literal"
            ) {
                return Some(l.scope);
            }
            link = self.cx.parents.scope_of(l.scope);
        }
        None
    }

    /// The local declaration an identifier refers to; `None` for package-level,
    /// imported, predeclared or unknown names.
    pub fn resolve(&self, ident: Node<'a>) -> Option<Binding<'a>> {
        if let Some(b) = self.shared.resolved.borrow().get(&ident.id()) {
            return *b;
        }
        let b = self.resolve_uncached(ident);
        self.shared.resolved.borrow_mut().insert(ident.id(), b);
        b
    }

    fn resolve_uncached(&self, ident: Node<'a>) -> Option<Binding<'a>> {
        let name = self.text(ident);
        if name == "_" {
            return None;
        }
        let pos = ident.start_byte();
        // Only scope nodes matter below: climb their links, not every parent (a name at the
        // bottom of a long operator chain would cost its depth on each resolve).
        let mut link = self.cx.parents.scope_of(ident);
        let mut climbed = 0;
        while let Some(ScopeLink { scope: n, child }) = link {
            climbed += 1;
            if climbed > MAX_SCOPES {
                self.cx.note_too_deep(ident, "block", MAX_SCOPES);
                return None;
            }
            match n.kind() {
                "statement_list" | "block" | "expression_case" | "default_case"
                | "communication_case" | "type_case" => {
                    // From the node table: a long list is not stepped through by a cursor
                    // for each name resolved in it.
                    let stmts = self.cx.parents.named_children(n);
                    for s in stmts.iter().rev() {
                        if s.end_byte() > pos || s.id() == child.id() {
                            continue;
                        }
                        if let Some((id, how)) = self.binds_in_stmt(*s, name) {
                            return Some(Binding {
                                ident: id,
                                scope: n,
                                how,
                            });
                        }
                    }
                    if matches!(n.kind(), "type_case" | "default_case") {
                        if let Some(sw) = self
                            .parent(n)
                            .filter(|p| p.kind() == "type_switch_statement")
                        {
                            if let Some(alias) = sw.child_by_field_id(FIELD.alias) {
                                if let Some(id) = self.named_in_list(alias, name) {
                                    return Some(Binding {
                                        ident: id,
                                        scope: n,
                                        how: LocalDecl::TypeCase {
                                            case: n,
                                            switch: sw,
                                        },
                                    });
                                }
                            }
                        }
                    }
                }
                // `var ( a = x; b = a )`: earlier specs of a group are in scope.
                "var_declaration" | "const_declaration" | "var_spec_list" => {
                    let mut specs = self.cx.parents.named_children(n);
                    specs.retain(|s| matches!(s.kind(), "var_spec" | "const_spec"));
                    for spec in specs.iter().rev() {
                        if spec.end_byte() > pos || spec.id() == child.id() {
                            continue;
                        }
                        let mut c2 = spec.walk();
                        let names: Vec<Node<'a>> =
                            spec.children_by_field_name("name", &mut c2).collect();
                        if let Some(i) = names.iter().position(|x| self.text(*x) == name) {
                            let mut decl = n;
                            while decl.kind() == "var_spec_list" {
                                decl = self.parent(decl)?;
                            }
                            let scope = self.parent(decl).unwrap_or(decl);
                            return Some(Binding {
                                ident: names[i],
                                scope,
                                how: LocalDecl::Spec {
                                    spec: *spec,
                                    index: i,
                                },
                            });
                        }
                    }
                }
                "if_statement" | "expression_switch_statement" | "type_switch_statement" => {
                    if let Some(init) = n.child_by_field_id(FIELD.initializer) {
                        if init.id() != child.id() {
                            if let Some((id, how)) = self.binds_in_stmt(init, name) {
                                return Some(Binding {
                                    ident: id,
                                    scope: n,
                                    how,
                                });
                            }
                        }
                    }
                }
                "for_statement" => {
                    let mut c = n.walk();
                    for ch in n.named_children(&mut c) {
                        if ch.id() == child.id() {
                            continue;
                        }
                        match ch.kind() {
                            "range_clause" if child.kind() == "block" => {
                                if let Some(left) = ch.child_by_field_id(FIELD.left) {
                                    if self.has_token(ch, ":=") {
                                        if let Some((i, id)) = self.index_in_list(left, name) {
                                            return Some(Binding {
                                                ident: id,
                                                scope: n,
                                                how: LocalDecl::Range {
                                                    clause: ch,
                                                    index: i,
                                                },
                                            });
                                        }
                                    }
                                }
                            }
                            "for_clause" => {
                                if let Some(init) = ch.child_by_field_id(FIELD.initializer) {
                                    if let Some((id, how)) = self.binds_in_stmt(init, name) {
                                        return Some(Binding {
                                            ident: id,
                                            scope: n,
                                            how,
                                        });
                                    }
                                }
                            }
                            _ => {}
                        }
                    }
                }
                "for_clause" => {
                    if let Some(init) = n.child_by_field_id(FIELD.initializer) {
                        if init.id() != child.id() {
                            if let Some((id, how)) = self.binds_in_stmt(init, name) {
                                return Some(Binding {
                                    ident: id,
                                    scope: n,
                                    how,
                                });
                            }
                        }
                    }
                }
                "function_declaration" | "method_declaration" | "func_literal" => {
                    for field in [FIELD.receiver, FIELD.parameters, FIELD.result] {
                        let Some(list) = n.child_by_field_id(field) else {
                            continue;
                        };
                        if list.kind() != "parameter_list" || list.id() == child.id() {
                            continue;
                        }
                        let mut c = list.walk();
                        for p in list.named_children(&mut c) {
                            let mut c2 = p.walk();
                            for id in p.children_by_field_name("name", &mut c2) {
                                if self.text(id) == name {
                                    return Some(Binding {
                                        ident: id,
                                        scope: n,
                                        how: LocalDecl::Param { decl: p },
                                    });
                                }
                            }
                        }
                    }
                    if n.kind() != "func_literal" {
                        return None;
                    }
                }
                "source_file" => return None,
                _ => {}
            }
            link = self.cx.parents.scope_of(n);
        }
        None
    }

    fn has_token(&self, node: Node<'a>, tok: &str) -> bool {
        let mut c = node.walk();
        let found = node
            .children(&mut c)
            .any(|ch| !ch.is_named() && ch.kind() == tok);
        found
    }

    fn index_in_list(&self, list: Node<'a>, name: &str) -> Option<(usize, Node<'a>)> {
        let mut c = list.walk();
        let found = list
            .named_children(&mut c)
            .enumerate()
            .find(|(_, n)| n.kind() == "identifier" && self.text(*n) == name);
        found
    }

    fn named_in_list(&self, list: Node<'a>, name: &str) -> Option<Node<'a>> {
        self.index_in_list(list, name).map(|(_, n)| n)
    }

    /// Whether a statement declares `name`: the identifier and how.
    fn binds_in_stmt(&self, s: Node<'a>, name: &str) -> Option<(Node<'a>, LocalDecl<'a>)> {
        match s.kind() {
            "short_var_declaration" => {
                let left = s.child_by_field_id(FIELD.left)?;
                let (i, id) = self.index_in_list(left, name)?;
                Some((id, LocalDecl::Spec { spec: s, index: i }))
            }
            "var_declaration" | "const_declaration" => {
                for spec in specs(s) {
                    let mut c = spec.walk();
                    let names: Vec<Node<'a>> =
                        spec.children_by_field_name("name", &mut c).collect();
                    if let Some((i, id)) = names
                        .iter()
                        .enumerate()
                        .find(|(_, n)| self.text(**n) == name)
                    {
                        return Some((*id, LocalDecl::Spec { spec, index: i }));
                    }
                }
                None
            }
            _ => None,
        }
    }

    /// Identifiers in the binding's scope that refer to it (not the declaration itself).
    /// Memoised per declaring identifier: each value flowing into the local asks again,
    /// and the walk covers the whole scope.
    pub fn uses_of(&self, b: &Binding<'a>) -> Vec<Node<'a>> {
        let key = (b.ident.id(), b.scope.id());
        if let Some(u) = self.shared.uses.borrow().get(&key) {
            return u.clone();
        }
        let u = self.find_uses(b);
        self.shared.uses.borrow_mut().insert(key, u.clone());
        u
    }

    fn find_uses(&self, b: &Binding<'a>) -> Vec<Node<'a>> {
        let name = self.text(b.ident);
        let mut out = Vec::new();
        crate::index::refs::walk_tree(b.scope, |v| {
            let n = v.node;
            if v.kind == "identifier"
                && n.id() != b.ident.id()
                && n.start_byte() > b.ident.start_byte()
                && self.text(n) == name
                && self
                    .resolve(n)
                    .is_some_and(|r| r.ident.id() == b.ident.id())
            {
                out.push(n);
            }
            true
        });
        out
    }

    /// The type of a local on this arch.
    pub fn binding_type(&self, b: &Binding<'a>) -> Option<Ty> {
        match b.how {
            LocalDecl::Param { decl } => {
                let t = self.type_expr(decl.child_by_field_id(FIELD.ty)?)?;
                if decl.kind() == "variadic_parameter_declaration" {
                    Some(Ty::Slice(Box::new(t)))
                } else {
                    Some(t)
                }
            }
            LocalDecl::Spec { spec, index } => {
                let is_const = spec.kind() == "const_spec";
                if let Some(t) = spec.child_by_field_id(FIELD.ty) {
                    return self.type_expr(t);
                }
                let values = spec
                    .child_by_field_id(FIELD.value)
                    .or_else(|| spec.child_by_field_id(FIELD.right))?;
                let mut c = values.walk();
                let vals: Vec<Node<'a>> = values.named_children(&mut c).collect();
                let names = match spec.kind() {
                    "short_var_declaration" => {
                        let left = spec.child_by_field_id(FIELD.left)?;
                        left.named_child_count()
                    }
                    _ => {
                        let mut c2 = spec.walk();
                        let n = spec.children_by_field_name("name", &mut c2).count();
                        n
                    }
                };
                if vals.len() == names {
                    let v = vals[index];
                    let t = self.type_of(v)?;
                    if t == Ty::Untyped && !is_const {
                        return self.default_type(v);
                    }
                    return Some(t);
                }
                if vals.len() == 1 && names == 2 {
                    let v = vals[0];
                    let inner = strip_parens(v);
                    if matches!(
                        inner.kind(),
                        "type_assertion_expression" | "index_expression"
                    ) || (inner.kind() == "unary_expression"
                        && inner
                            .child_by_field_id(FIELD.operator)
                            .is_some_and(|o| self.text(o) == "<-"))
                    {
                        return if index == 0 {
                            self.type_of(inner)
                        } else {
                            Some(Ty::Basic("bool"))
                        };
                    }
                }
                if vals.len() == 1 {
                    if let Some(Ty::Tuple(ts)) = self.type_of(vals[0]) {
                        if ts.len() == names {
                            return ts.get(index).cloned();
                        }
                    }
                }
                None
            }
            LocalDecl::Range { clause, index } => {
                let right = clause.child_by_field_id(FIELD.right)?;
                let t = self.type_of(right)?;
                match (self.underlying(t.pointee())?, index) {
                    (Ty::Slice(_) | Ty::Array(..), 0) => Some(Ty::Basic("int")),
                    (Ty::Slice(e) | Ty::Array(_, e), 1) => Some(*e),
                    (Ty::Map(k, _), 0) => Some(*k),
                    (Ty::Map(_, v), 1) => Some(*v),
                    (Ty::Basic("string"), 0) => Some(Ty::Basic("int")),
                    (Ty::Basic("string"), 1) => Some(Ty::Basic("int32")),
                    (Ty::Chan(e), 0) => Some(*e),
                    (t, 0) if t.is_integer() => Some(t),
                    _ => None,
                }
            }
            LocalDecl::TypeCase { case, switch } => {
                let mut c = case.walk();
                let types: Vec<Node<'a>> = case.children_by_field_name("type", &mut c).collect();
                if types.len() == 1 && self.text(types[0]) != "nil" {
                    return self.type_expr(types[0]);
                }
                self.type_of(switch.child_by_field_id(FIELD.value)?)
            }
        }
    }
}

fn strip_parens(mut n: Node<'_>) -> Node<'_> {
    while n.kind() == "parenthesized_expression" {
        match n.named_child(0) {
            Some(c) => n = c,
            None => break,
        }
    }
    n
}
