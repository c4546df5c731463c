//! Where a value goes: [`Infer::contexts`] climbs from an expression to the places that
//! demand a type of it (argument, assignment, return, literal element, operand, map key,
//! channel send…), adapt it (conversion, condition, shift count, index…) or initialise a
//! local with it; [`Infer::demanded`] gives the type such a context demands on this arch and
//! [`Infer::assignable`] whether a value's type fits it.

use super::expr::is_builtin_func;
use super::named::qualify_in;
use super::{ty, Ctx, Infer, Need, Ty, Use, MAX_DEPTH};
use crate::syntax::tree::FIELD;
use tree_sitter::Node;

impl<'c, 'a> Infer<'c, 'a> {
    /// Where the value of `e` goes, climbing through parentheses, unary and arithmetic
    /// operators with constants, `&`, indexing and field selection into the first
    /// context that demands or adapts a type.
    ///
    /// A value more than [`MAX_DEPTH`] levels below its context is not followed (unknown,
    /// with a note on the file): each level of an operator chain can add a use, so every
    /// leaf of a chain of 50,000 `+` would otherwise climb, and give, thousands.
    pub fn contexts(&self, e: Node<'a>) -> Vec<Use<'a>> {
        let mut out = Vec::new();
        if self.climb_len(e) > MAX_DEPTH {
            self.cx.note_too_deep(e, "expression", MAX_DEPTH);
            out.push(unknown(e));
            return out;
        }
        let mut node = e;
        while let Some(p) = self.climb_step(node, &mut out) {
            node = p;
        }
        out
    }

    /// How many levels [`Infer::contexts`] climbs from `n`, memoised per node: the climb
    /// from a node does not depend on where below it a value started, so over a chain the
    /// whole computation is linear (one step per node, without recursion).
    fn climb_len(&self, n: Node<'a>) -> u32 {
        let mut path = Vec::new();
        let mut node = n;
        let mut scratch = Vec::new();
        let base = loop {
            if let Some(&len) = self.climbs.borrow().get(&node.id()) {
                break len;
            }
            scratch.clear();
            match self.climb_step(node, &mut scratch) {
                Some(p) => {
                    path.push(node);
                    node = p;
                }
                None => {
                    self.climbs.borrow_mut().insert(node.id(), 0);
                    break 0;
                }
            }
        };
        let mut climbs = self.climbs.borrow_mut();
        let mut len = base;
        for p in path.iter().rev() {
            len = len.saturating_add(1);
            climbs.insert(p.id(), len);
        }
        len
    }

    /// One level of the climb from `node`: push the uses its parent gives and return the
    /// parent when the value goes on up through it, `None` when the climb ends there.
    fn climb_step(&self, node: Node<'a>, out: &mut Vec<Use<'a>>) -> Option<Node<'a>> {
        let Some(p) = self.parent(node) else {
            out.push(unknown(node));
            return None;
        };
        let u = |ctx, what| Use {
            value: node,
            ctx,
            what,
        };
        match p.kind() {
            "parenthesized_expression" => {}
            "unary_expression" => {
                let op = p.child_by_field_id(FIELD.operator).map(|o| self.text(o));
                if op == Some("!") {
                    out.push(u(Ctx::Adapts, "condition"));
                    return None;
                }
            }
            "index_expression" => {
                if p.child_by_field_id(FIELD.index)
                    .is_some_and(|i| i.id() == node.id())
                {
                    let op = match p.child_by_field_id(FIELD.operand) {
                        Some(o) => o,
                        None => {
                            out.push(unknown(node));
                            return None;
                        }
                    };
                    let is_map = self
                        .type_of(op)
                        .and_then(|t| self.underlying(t.pointee()))
                        .map(|t| matches!(t, Ty::Map(..)));
                    out.push(match is_map {
                        Some(true) => u(Ctx::Need(Need::MapKey(op)), "map key"),
                        Some(false) => u(Ctx::Adapts, "index"),
                        None => u(Ctx::Unknown, "index"),
                    });
                    return None;
                }
            }
            "slice_expression" => {
                if p.child_by_field_id(FIELD.operand)
                    .is_none_or(|o| o.id() != node.id())
                {
                    out.push(u(Ctx::Adapts, "slice bound"));
                    return None;
                }
            }
            "selector_expression" => {
                out.push(u(Ctx::Adapts, "selector"));
                return None;
            }
            "binary_expression" => {
                let op = p
                    .child_by_field_id(FIELD.operator)
                    .map_or("", |o| self.text(o));
                let left = p.child_by_field_id(FIELD.left);
                let right = p.child_by_field_id(FIELD.right);
                let is_left = left.is_some_and(|l| l.id() == node.id());
                let other = if is_left { right } else { left };
                match op {
                    "&&" | "||" => {
                        out.push(u(Ctx::Adapts, "condition"));
                        return None;
                    }
                    "<<" | ">>" => {
                        if !is_left {
                            out.push(u(Ctx::Adapts, "shift count"));
                            return None;
                        }
                    }
                    _ => {
                        let Some(other) = other else {
                            out.push(unknown(node));
                            return None;
                        };
                        let cmp = matches!(op, "==" | "!=" | "<" | "<=" | ">" | ">=");
                        match self.type_of(other) {
                            Some(Ty::Untyped) => {
                                if cmp {
                                    out.push(u(Ctx::Adapts, "comparison with a constant"));
                                    return None;
                                }
                            }
                            Some(_) => {
                                out.push(u(
                                    Ctx::Need(Need::Expr(other)),
                                    if cmp { "comparison" } else { "operand" },
                                ));
                                if cmp {
                                    return None;
                                }
                            }
                            None => {
                                out.push(u(Ctx::Unknown, "operand"));
                                return None;
                            }
                        }
                    }
                }
            }
            "argument_list" => {
                out.push(self.argument_use(p, node));
                return None;
            }
            "expression_list" => {
                out.push(self.list_use(p, node));
                return None;
            }
            "literal_element" => {
                out.push(self.literal_use(p, node));
                return None;
            }
            "send_statement" => {
                let ch = p.child_by_field_id(FIELD.channel);
                out.push(match ch {
                    Some(ch) if ch.id() != node.id() => {
                        u(Ctx::Need(Need::ChanElem(ch)), "channel send")
                    }
                    _ => u(Ctx::Adapts, "channel"),
                });
                return None;
            }
            "inc_statement"
            | "dec_statement"
            | "expression_statement"
            | "if_statement"
            | "for_statement"
            | "range_clause"
            | "go_statement"
            | "defer_statement"
            | "type_assertion_expression"
            | "type_switch_statement" => {
                out.push(u(Ctx::Adapts, "statement"));
                return None;
            }
            "call_expression" => {
                out.push(u(Ctx::Adapts, "method call"));
                return None;
            }
            "expression_switch_statement" => {
                let is_tag = p
                    .child_by_field_id(FIELD.value)
                    .is_some_and(|v| v.id() == node.id());
                if !is_tag {
                    out.push(u(Ctx::Adapts, "statement"));
                    return None;
                }
                // Each typed case value must match the tag; constants adapt.
                let mut c = p.walk();
                for case in p
                    .named_children(&mut c)
                    .filter(|n| n.kind() == "expression_case")
                {
                    let Some(vals) = case.child_by_field_id(FIELD.value) else {
                        continue;
                    };
                    let mut c2 = vals.walk();
                    for v in vals.named_children(&mut c2) {
                        match self.type_of(v) {
                            Some(Ty::Untyped) => {}
                            Some(_) => out.push(u(Ctx::Need(Need::Expr(v)), "switch case")),
                            None => out.push(u(Ctx::Unknown, "switch case")),
                        }
                    }
                }
                if out.is_empty() {
                    out.push(u(Ctx::Adapts, "switch on constants"));
                }
                return None;
            }
            "type_conversion_expression" => {
                out.push(u(Ctx::Adapts, "conversion"));
                return None;
            }
            _ => {
                out.push(unknown(node));
                return None;
            }
        }
        Some(p)
    }

    fn argument_use(&self, args: Node<'a>, node: Node<'a>) -> Use<'a> {
        let u = |ctx, what| Use {
            value: node,
            ctx,
            what,
        };
        let Some(call) = self.parent(args) else {
            return unknown(node);
        };
        let Some(f) = call.child_by_field_id(FIELD.function) else {
            return unknown(node);
        };
        if self.conversion_type(f).is_some() {
            return u(Ctx::Adapts, "conversion");
        }
        if matches!(
            self.text(f),
            "unsafe.Sizeof" | "unsafe.Offsetof" | "unsafe.Alignof"
        ) {
            return u(Ctx::Adapts, "unsafe size query");
        }
        let mut c = args.walk();
        let list: Vec<Node<'a>> = args.named_children(&mut c).collect();
        let Some(index) = list.iter().position(|a| a.id() == node.id()) else {
            return unknown(node);
        };
        if f.kind() == "identifier" && self.resolve(f).is_none() {
            let name = self.text(f);
            let own = self.pkg.and_then(|p| self.item(p, name)).is_some();
            if !own && is_builtin_func(name) {
                return match name {
                    "append" if index > 0 => {
                        u(Ctx::Need(Need::SliceElem(list[0])), "element appended")
                    }
                    "len" | "cap" | "print" | "println" | "panic" | "delete" | "make" | "new"
                    | "close" => u(Ctx::Adapts, "builtin argument"),
                    _ => u(Ctx::Unknown, "builtin argument"),
                };
            }
        }
        u(Ctx::Need(Need::Param { call, index }), "argument")
    }

    fn list_use(&self, list: Node<'a>, node: Node<'a>) -> Use<'a> {
        let u = |value, ctx, what| Use { value, ctx, what };
        let Some(stmt) = self.parent(list) else {
            return unknown(node);
        };
        let mut c = list.walk();
        let items: Vec<Node<'a>> = list.named_children(&mut c).collect();
        let Some(index) = items.iter().position(|a| a.id() == node.id()) else {
            return unknown(node);
        };
        let field = |id: u16| stmt.child_by_field_id(id);
        let is = |id: u16| field(id).is_some_and(|x| x.id() == list.id());
        match stmt.kind() {
            "var_spec" if is(FIELD.value) => {
                if let Some(t) = field(FIELD.ty) {
                    return u(node, Ctx::Need(Need::TypeNode(t)), "typed `var`");
                }
                let mut c2 = stmt.walk();
                let names: Vec<Node<'a>> = stmt.children_by_field_name("name", &mut c2).collect();
                if names.len() != items.len() {
                    return unknown(node);
                }
                let in_func = self.is_in_function(stmt);
                if self.text(names[index]) == "_" {
                    u(node, Ctx::Adapts, "blank")
                } else if in_func {
                    u(node, Ctx::Local(names[index]), "local")
                } else {
                    unknown(node)
                }
            }
            "short_var_declaration" | "assignment_statement" if is(FIELD.right) => {
                let Some(left) = field(FIELD.left) else {
                    return unknown(node);
                };
                let mut c2 = left.walk();
                let lhs: Vec<Node<'a>> = left.named_children(&mut c2).collect();
                let op = stmt
                    .child_by_field_id(FIELD.operator)
                    .map_or("=", |o| self.text(o));
                if matches!(op, "<<=" | ">>=") {
                    return u(node, Ctx::Adapts, "shift count");
                }
                if op != "=" && op != ":=" && stmt.kind() == "assignment_statement" {
                    return match lhs.first() {
                        Some(l) => u(node, Ctx::Need(Need::Expr(*l)), "compound assignment"),
                        None => unknown(node),
                    };
                }
                if lhs.len() != items.len() {
                    return unknown(node);
                }
                let target = lhs[index];
                if target.kind() == "identifier" && self.text(target) == "_" {
                    return u(node, Ctx::Adapts, "blank");
                }
                if stmt.kind() == "short_var_declaration" {
                    // A new variable unless redeclared in the same scope.
                    let b = self.resolve(target);
                    let same_scope = b.is_some_and(|b| {
                        self.parent(stmt).is_some_and(|sp| sp.id() == b.scope.id())
                    });
                    if !same_scope {
                        return u(node, Ctx::Local(target), "local");
                    }
                }
                u(node, Ctx::Need(Need::Expr(target)), "assignment")
            }
            // The value is the target of an assignment: the right side must fit it.
            "assignment_statement" | "short_var_declaration" if is(FIELD.left) => {
                let Some(right) = field(FIELD.right) else {
                    return unknown(node);
                };
                let op = stmt
                    .child_by_field_id(FIELD.operator)
                    .map_or("=", |o| self.text(o));
                let mut c2 = right.walk();
                let rhs: Vec<Node<'a>> = right.named_children(&mut c2).collect();
                if matches!(op, "<<=" | ">>=") {
                    return u(node, Ctx::Adapts, "shift");
                }
                if rhs.len() != items.len() {
                    return u(node, Ctx::Unknown, "assignment");
                }
                u(rhs[index], Ctx::Need(Need::Expr(node)), "assigned value")
            }
            "return_statement" => u(node, Ctx::Need(Need::Result { ret: stmt, index }), "return"),
            "expression_case" => match self
                .parent(stmt)
                .and_then(|sw| sw.child_by_field_id(FIELD.value))
            {
                Some(v) => u(node, Ctx::Need(Need::Expr(v)), "switch case"),
                None => u(node, Ctx::Adapts, "switch case"),
            },
            "range_clause" | "receive_statement" => u(node, Ctx::Adapts, "statement"),
            _ => unknown(node),
        }
    }

    fn literal_use(&self, elem: Node<'a>, node: Node<'a>) -> Use<'a> {
        let u = |ctx, what| Use {
            value: node,
            ctx,
            what,
        };
        match self.parent(elem) {
            Some(k) if k.kind() == "keyed_element" => {
                if k.child_by_field_id(FIELD.key)
                    .is_some_and(|x| x.id() == elem.id())
                {
                    // A struct field name is no value; a map key is.
                    match self
                        .literal_type(self.parent(k).unwrap_or(k))
                        .and_then(|t| self.underlying(&t))
                    {
                        Some(Ty::Map(..)) => u(Ctx::Need(Need::LitKey { elem }), "map key"),
                        Some(_) => u(Ctx::Adapts, "key"),
                        None => u(Ctx::Unknown, "key"),
                    }
                } else {
                    u(Ctx::Need(Need::LitElem { elem }), "literal field")
                }
            }
            Some(_) => u(Ctx::Need(Need::LitElem { elem }), "literal element"),
            None => unknown(node),
        }
    }

    /// The type a `literal_value` builds: its composite literal's type, or for elided inner
    /// literals the element type of the outer one.
    pub fn literal_type(&self, lv: Node<'a>) -> Option<Ty> {
        self.literal_type_in(lv, 0)
    }

    /// [`Infer::literal_type`] `depth` elided literals below the one asked about: each
    /// elided level asks the one around it (`[][]T{{{…}}}`), so the climb is bounded.
    fn literal_type_in(&self, lv: Node<'a>, depth: u32) -> Option<Ty> {
        if depth > MAX_DEPTH {
            self.cx.note_too_deep(lv, "expression", MAX_DEPTH);
            return None;
        }
        let p = self.parent(lv)?;
        match p.kind() {
            "composite_literal" => self.type_of(p),
            "literal_element" => self.literal_elem_type(p, depth + 1).map(|t| match t {
                Ty::Pointer(inner) => *inner,
                t => t,
            }),
            _ => None,
        }
    }

    /// The type a context demands on this arch.
    pub fn demanded(&self, need: &Need<'a>) -> Option<Ty> {
        match *need {
            Need::TypeNode(t) => self.type_expr(t),
            Need::Expr(e) => self.type_of(e),
            Need::Param { call, index } => {
                let f = call.child_by_field_id(FIELD.function)?;
                let sig = self.sig_of(f)?;
                let args = call.child_by_field_id(FIELD.arguments)?;
                let spread = {
                    let mut c = args.walk();
                    let s = args.children(&mut c).any(|ch| ch.kind() == "...");
                    s
                };
                let n = sig.params.len();
                if sig.variadic && index + 1 >= n && n > 0 {
                    let t = sig.params[n - 1].clone()?;
                    return Some(if spread { Ty::Slice(Box::new(t)) } else { t });
                }
                sig.params.get(index).cloned().flatten()
            }
            Need::Result { ret, index } => {
                let f = self.enclosing_function(ret)?;
                let s = crate::index::decls::signature(f, self.src());
                let list = ret.named_child(0)?;
                if list.named_child_count() != s.results.len() {
                    return None;
                }
                let r = s.results.get(index)?;
                ty::parse(r, &self.home, &|q| {
                    qualify_in(self.cx.index, self.cx.file, q)
                })
            }
            Need::LitElem { elem } => self.literal_elem_type(elem, 0),
            Need::LitKey { elem } => {
                let lv = self.parent(self.parent(elem)?)?;
                match self.underlying(&self.literal_type(lv)?)? {
                    Ty::Map(k, _) => Some(*k),
                    _ => None,
                }
            }
            Need::ChanElem(ch) => match self.underlying(&self.type_of(ch)?)? {
                Ty::Chan(e) => Some(*e),
                _ => None,
            },
            Need::MapKey(m) => match self.underlying(self.type_of(m)?.pointee())? {
                Ty::Map(k, _) => Some(*k),
                _ => None,
            },
            Need::SliceElem(s) => match self.underlying(&self.type_of(s)?)? {
                Ty::Slice(e) => Some(*e),
                _ => None,
            },
        }
    }

    /// The type the element `elem` of a literal must have (`Need::LitElem`).
    fn literal_elem_type(&self, elem: Node<'a>, depth: u32) -> Option<Ty> {
        let (lv, key) = match self.parent(elem)? {
            k if k.kind() == "keyed_element" => (self.parent(k)?, k.child_by_field_id(FIELD.key)),
            lv => (lv, None),
        };
        let t = self.literal_type_in(lv, depth)?;
        match self.underlying(&t)? {
            Ty::Slice(e) | Ty::Array(_, e) => Some(*e),
            Ty::Map(_, v) => Some(*v),
            st @ Ty::Named(..) => {
                let fields = self.fields_of(&st)?;
                match key {
                    Some(k) => {
                        let name = self.text(k);
                        fields.into_iter().find(|f| f.name == name)?.ty
                    }
                    None => {
                        let mut c = lv.walk();
                        let pos = lv
                            .named_children(&mut c)
                            .filter(|n| n.kind() != "comment")
                            .position(|n| n.id() == elem.id())?;
                        fields.into_iter().nth(pos)?.ty
                    }
                }
            }
            _ => None,
        }
    }

    /// Whether a value of type `v` may be used where `d` is demanded (Go's assignability,
    /// minus method sets: interfaces accept everything). `None` when unknown.
    pub fn assignable(&self, v: &Ty, d: &Ty) -> Option<bool> {
        let (v, d) = (&self.unalias(v), &self.unalias(d));
        if v == d || *d == Ty::Interface || *v == Ty::Untyped {
            return Some(true);
        }
        if matches!(v, Ty::Tuple(_)) || matches!(d, Ty::Tuple(_) | Ty::Untyped) {
            return None;
        }
        if matches!(d, Ty::Named(..)) && self.underlying(d) == Some(Ty::Interface) {
            return Some(true);
        }
        if v.is_named() && d.is_named() {
            return Some(false);
        }
        let (uv, ud) = (self.underlying(v)?, self.underlying(d)?);
        Some(uv == ud)
    }
}

fn unknown(node: Node<'_>) -> Use<'_> {
    Use {
        value: node,
        ctx: Ctx::Unknown,
        what: "unknown",
    }
}
