//! Go types as the inference sees them: enough structure for identity and assignability.

use crate::abi;
use crate::index::PkgId;
use crate::syntax::literals::parse_u64;
use std::fmt;

/// Which package a named type belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Home {
    /// `syscall` or `golang.org/x/sys/unix` from the embedded tables.
    Table(abi::Package),
    /// A package of the scanned tree.
    Local(PkgId),
    /// A package abiport knows nothing about, by import path.
    Foreign(String),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Ty {
    /// A predeclared type, `byte`/`rune` spelled `uint8`/`int32`; also `unsafe.Pointer`.
    Basic(&'static str),
    /// A defined (named) type.
    Named(Home, String),
    Pointer(Box<Ty>),
    Slice(Box<Ty>),
    Array(u64, Box<Ty>),
    Map(Box<Ty>, Box<Ty>),
    Chan(Box<Ty>),
    /// Any interface type: every value is assignable to it as far as width goes.
    Interface,
    /// Several results of a call.
    Tuple(Vec<Ty>),
    /// An untyped constant (or `nil`): adapts to the context.
    Untyped,
}

const BASICS: [&str; 19] = [
    "bool",
    "string",
    "int",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "uintptr",
    "float32",
    "float64",
    "complex64",
    "complex128",
    "unsafe.Pointer",
    "error",
];

/// The predeclared type named `name` (`byte` → `uint8`), if it is one.
pub fn basic(name: &str) -> Option<Ty> {
    match name {
        "byte" => Some(Ty::Basic("uint8")),
        "rune" => Some(Ty::Basic("int32")),
        "any" | "error" => Some(Ty::Interface),
        _ => BASICS
            .iter()
            .find(|b| **b == name && name != "unsafe.Pointer")
            .map(|b| Ty::Basic(b)),
    }
}

impl Ty {
    pub fn is_integer(&self) -> bool {
        matches!(self, Ty::Basic(b) if b.starts_with("int") || b.starts_with("uint"))
    }
    /// The pointee of a pointer, or the type itself (Go auto-dereferences for selectors).
    pub fn pointee(&self) -> &Ty {
        match self {
            Ty::Pointer(t) => t,
            t => t,
        }
    }
    pub fn is_named(&self) -> bool {
        matches!(self, Ty::Named(..) | Ty::Basic(_))
    }

    /// How many pointers lead to the first non-pointer (`**T`: 2), without recursion.
    pub fn pointer_depth(&self) -> u32 {
        let mut n = 0;
        let mut t = self;
        while let Ty::Pointer(inner) = t {
            n += 1;
            t = inner;
        }
        n
    }
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ty::Basic(b) => f.write_str(b),
            Ty::Named(Home::Table(p), n) => write!(f, "{}.{n}", p.name()),
            Ty::Named(Home::Foreign(p), n) => {
                write!(f, "{}.{n}", p.rsplit('/').next().unwrap_or(p))
            }
            Ty::Named(Home::Local(_), n) => f.write_str(n),
            Ty::Pointer(t) => write!(f, "*{t}"),
            Ty::Slice(t) => write!(f, "[]{t}"),
            Ty::Array(n, t) => write!(f, "[{n}]{t}"),
            Ty::Map(k, v) => write!(f, "map[{k}]{v}"),
            Ty::Chan(t) => write!(f, "chan {t}"),
            Ty::Interface => f.write_str("interface{}"),
            Ty::Tuple(ts) => {
                let parts: Vec<String> = ts.iter().map(|t| t.to_string()).collect();
                write!(f, "({})", parts.join(", "))
            }
            Ty::Untyped => f.write_str("untyped constant"),
        }
    }
}

/// Parse a Go type as spelled in the tables or in source text. `qualify` maps a package
/// qualifier (`syscall`, `unix`, `time`) to a home; `home` is where unqualified names live.
/// `None` for types outside the model (funcs, anonymous structs, generics, constant
/// expressions as array lengths).
pub fn parse(s: &str, home: &Home, qualify: &dyn Fn(&str) -> Option<Home>) -> Option<Ty> {
    let mut p = Parser {
        s: s.trim(),
        home,
        qualify,
        depth: 0,
    };
    let t = p.ty()?;
    p.s.trim().is_empty().then_some(t)
}

struct Parser<'a> {
    s: &'a str,
    home: &'a Home,
    qualify: &'a dyn Fn(&str) -> Option<Home>,
    depth: u32,
}

/// How deeply a type may nest (`*[]*T` is 3) for the inference to model it: a spelling
/// nested deeper is outside the model, so neither parsing nor the recursive drop, clone and
/// comparison of [`Ty`] can overflow the stack on a crafted `var p ********…T`.
pub const MAX_TYPE_NESTING: u32 = 64;

impl Parser<'_> {
    fn eat(&mut self, tok: &str) -> bool {
        let t = self.s.trim_start();
        if let Some(rest) = t.strip_prefix(tok) {
            self.s = rest;
            true
        } else {
            false
        }
    }

    fn ident(&mut self) -> Option<&str> {
        let t = self.s.trim_start();
        let end = t
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(t.len());
        if end == 0 {
            return None;
        }
        let (id, rest) = t.split_at(end);
        self.s = rest;
        Some(id)
    }

    fn ty(&mut self) -> Option<Ty> {
        if self.depth >= MAX_TYPE_NESTING {
            return None;
        }
        self.depth += 1;
        let t = self.ty_inner();
        self.depth -= 1;
        t
    }

    fn ty_inner(&mut self) -> Option<Ty> {
        if self.eat("*") {
            return Some(Ty::Pointer(Box::new(self.ty()?)));
        }
        if self.eat("(") {
            let t = self.ty()?;
            return self.eat(")").then_some(t);
        }
        if self.eat("[]") {
            return Some(Ty::Slice(Box::new(self.ty()?)));
        }
        if self.eat("[") {
            let t = self.s.trim_start();
            let end = t.find(']')?;
            let n = parse_u64(t[..end].trim())?;
            self.s = &t[end + 1..];
            return Some(Ty::Array(n, Box::new(self.ty()?)));
        }
        if self.eat("<-chan") || self.eat("chan<-") || self.eat("chan ") {
            return Some(Ty::Chan(Box::new(self.ty()?)));
        }
        if self.eat("map[") {
            let k = self.ty()?;
            if !self.eat("]") {
                return None;
            }
            return Some(Ty::Map(Box::new(k), Box::new(self.ty()?)));
        }
        if self.eat("interface{") {
            // Method sets do not matter for width checks.
            let end = self.s.find('}')?;
            self.s = &self.s[end + 1..];
            return Some(Ty::Interface);
        }
        if self.s.trim_start().starts_with("struct") || self.s.trim_start().starts_with("func") {
            return None;
        }
        let first = self.ident()?.to_string();
        if self.s.starts_with('.') {
            self.s = &self.s[1..];
            let name = self.ident()?.to_string();
            if self.s.trim_start().starts_with('[') {
                return None; // generic instantiation
            }
            if first == "unsafe" && name == "Pointer" {
                return Some(Ty::Basic("unsafe.Pointer"));
            }
            let home = (self.qualify)(&first)?;
            return Some(Ty::Named(home, name));
        }
        if self.s.trim_start().starts_with('[') {
            return None;
        }
        if let Some(b) = basic(&first) {
            return Some(b);
        }
        Some(Ty::Named(self.home.clone(), first))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Option<Ty> {
        let home = Home::Table(abi::Package::Unix);
        parse(s, &home, &|q| match q {
            "syscall" => Some(Home::Table(abi::Package::Syscall)),
            "time" => Some(Home::Foreign("time".into())),
            _ => None,
        })
    }

    #[test]
    fn parses_table_spellings() {
        assert_eq!(p("uint32"), Some(Ty::Basic("uint32")));
        assert_eq!(p("[65]byte"), p("[65]uint8"));
        assert_ne!(p("[65]int8"), p("[65]uint8"));
        assert_eq!(
            p("*Stat_t"),
            Some(Ty::Pointer(Box::new(Ty::Named(
                Home::Table(abi::Package::Unix),
                "Stat_t".into()
            ))))
        );
        assert_eq!(
            p("syscall.Errno"),
            Some(Ty::Named(
                Home::Table(abi::Package::Syscall),
                "Errno".into()
            ))
        );
        assert_eq!(
            p("map[string][]int"),
            Some(Ty::Map(
                Box::new(Ty::Basic("string")),
                Box::new(Ty::Slice(Box::new(Ty::Basic("int"))))
            ))
        );
        assert_eq!(p("interface{ String() string }"), Some(Ty::Interface));
        assert_eq!(p("func()"), None);
        assert_eq!(p("[N]byte"), None);
        assert_eq!(p("other.T"), None);
        assert_eq!(p("unsafe.Pointer"), Some(Ty::Basic("unsafe.Pointer")));
        assert_eq!(p("any"), Some(Ty::Interface));
    }
}
