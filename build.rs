//! Turns `arch-tables/<goarch>.jsonl` into static Rust data (`$OUT_DIR/tables.rs`), which
//! `src/abi/mod.rs` includes: the binary parses nothing at run time.
//!
//! The rows are read into typed values and emitted as token streams (`quote`); the rendered
//! file is checked with `syn::parse_file` before it is written.
//!
//! Compile time matters more than elegance here: identical field lists, parameter lists and
//! whole per-arch slices are emitted once and shared, so rustc sees each distinct item once.

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote, ToTokens};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;
use std::path::Path;

/// GOARCH spelling and `crate::arch::Arch` variant, in `Arch::ALL` order.
const ARCHES: [(&str, &str); 13] = [
    ("386", "I386"),
    ("amd64", "Amd64"),
    ("arm", "Arm"),
    ("arm64", "Arm64"),
    ("loong64", "Loong64"),
    ("mips", "Mips"),
    ("mipsle", "Mipsle"),
    ("mips64", "Mips64"),
    ("mips64le", "Mips64le"),
    ("ppc64", "Ppc64"),
    ("ppc64le", "Ppc64le"),
    ("riscv64", "Riscv64"),
    ("s390x", "S390x"),
];

fn main() {
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let root = Path::new(&manifest_dir).join("arch-tables");
    println!("cargo::rerun-if-changed=build.rs");
    println!(
        "cargo::rerun-if-changed={}",
        root.join("MANIFEST").display()
    );
    let mut gen = Gen::default();
    let mut tables = Vec::new();
    let mut kernels = Vec::new();
    // Per Go package: every exported package-level name and the arches declaring it.
    let mut exported: [BTreeMap<String, u16>; 2] = Default::default();
    for (arch_index, (goarch, variant)) in ARCHES.iter().enumerate() {
        let path = root.join(format!("{goarch}.jsonl"));
        println!("cargo::rerun-if-changed={}", path.display());
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
        let mut pkgs: HashMap<String, Rows> = HashMap::new();
        for (n, line) in text.lines().enumerate() {
            let row: Vec<Value> = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("{}:{}: {e}", path.display(), n + 1));
            let pkg = str_at(&row, 0).to_string();
            pkgs.entry(pkg).or_default().push(row);
        }
        let variant = Ident::new(variant, Span::call_site());
        for (pkg_index, pkg) in ["syscall", "unix"].into_iter().enumerate() {
            let rows = pkgs
                .get_mut(pkg)
                .unwrap_or_else(|| panic!("{}: no {pkg} rows", path.display()));
            for row in rows.iter() {
                let name = str_at(row, 2);
                let kind = str_at(row, 1);
                // As `ArchTable::has_exported`: package-level (no methods), exported.
                if EXPORTED_KINDS.contains(&kind)
                    && name.starts_with(|c: char| c.is_uppercase())
                    && !name.contains('.')
                {
                    *exported[pkg_index].entry(name.to_string()).or_default() |= 1 << arch_index;
                }
            }
            tables.push(gen.arch_table(&variant, pkg, rows));
        }
        kernels.push(match pkgs.get_mut("kernel") {
            Some(rows) => {
                let k = gen.kernel_table(&variant, rows);
                quote!(Some(#k))
            }
            None => quote!(None),
        });
    }
    let manifest = std::fs::read_to_string(root.join("MANIFEST")).expect("arch-tables/MANIFEST");

    let mut items = vec![gen.const_pool_item()];
    items.append(&mut gen.items);
    let n_tables = Literal::usize_unsuffixed(tables.len());
    let n_kernels = Literal::usize_unsuffixed(kernels.len());
    let manifest = Literal::string(&manifest);
    items.push(quote!(static TABLES: [ArchTable; #n_tables] = [#(#tables),*];).to_string());
    items.push(
        quote!(static KERNEL: [Option<ArchTable>; #n_kernels] = [#(#kernels),*];).to_string(),
    );
    items.push(quote!(static MANIFEST: &str = #manifest;).to_string());
    let exported = exported.map(|names| exported_names(&names));
    items.push(quote!(static EXPORTED: [ExportedNames; 2] = [#(#exported),*];).to_string());

    // One item per line, so that the file stays readable and diffable.
    let mut code = String::with_capacity(items.iter().map(|i| i.len() + 1).sum());
    for item in &items {
        code.push_str(item);
        code.push('\n');
    }
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("tables.rs");
    std::fs::write(&dest, &code).unwrap_or_else(|e| panic!("writing {}: {e}", dest.display()));
    if let Err(e) = syn::parse_file(&code) {
        panic!(
            "build.rs generated invalid Rust in {}: {e}{}",
            dest.display(),
            first_invalid_item(&items)
        );
    }
}

/// Row kinds whose names `ArchTable::has_exported` looks up.
const EXPORTED_KINDS: [&str; 6] = ["struct", "sys", "const", "func", "type", "var"];

/// One string of all names and 8 bytes per name (offset u32, length u16, arch bits u16,
/// little-endian): two relocations however many names, and a byte string rustc reads fast.
fn exported_names(names: &BTreeMap<String, u16>) -> TokenStream {
    let mut blob = String::new();
    let mut entries = Vec::with_capacity(names.len() * 8);
    for (name, bits) in names {
        let offset = u32::try_from(blob.len()).expect("names under 4 GB");
        let len = u16::try_from(name.len()).expect("a name under 64 KB");
        entries.extend_from_slice(&offset.to_le_bytes());
        entries.extend_from_slice(&len.to_le_bytes());
        entries.extend_from_slice(&bits.to_le_bytes());
        blob.push_str(name);
    }
    let blob = Literal::string(&blob);
    let entries = Literal::byte_string(&entries);
    quote!(ExportedNames{blob:#blob,entries:#entries})
}

/// For the error message: the first generated item that does not parse on its own.
fn first_invalid_item(items: &[String]) -> String {
    for (i, item) in items.iter().enumerate() {
        if let Err(e) = syn::parse_str::<syn::Item>(item) {
            let mut head: String = item.chars().take(300).collect();
            if head.len() < item.len() {
                head.push('…');
            }
            return format!("\nline {}: {e}\n  {head}", i + 1);
        }
    }
    String::new()
}

type Rows = Vec<Vec<Value>>;

fn str_at(row: &[Value], i: usize) -> &str {
    row.get(i)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("row {row:?}: field {i} is not a string"))
}

fn u64_at(row: &[Value], i: usize) -> u64 {
    row.get(i)
        .and_then(Value::as_u64)
        .unwrap_or_else(|| panic!("row {row:?}: field {i} is not a number"))
}

fn array_at(row: &[Value], i: usize) -> &[Value] {
    row.get(i)
        .and_then(Value::as_array)
        .unwrap_or_else(|| panic!("row {row:?}: field {i} is not an array"))
}

fn string(s: &str) -> Literal {
    Literal::string(s)
}

/// `&NAME` of a generated static, or `&[]` for an empty slice.
#[derive(Clone, PartialEq, Eq, Hash)]
struct SliceRef(Option<Ident>);

impl ToTokens for SliceRef {
    fn to_tokens(&self, t: &mut TokenStream) {
        match &self.0 {
            Some(name) => t.extend(quote!(&#name)),
            None => t.extend(quote!(&[])),
        }
    }
}

// The generated values, as the types of `src/abi/mod.rs`; equal values share one static.

#[derive(PartialEq, Eq, Hash)]
struct Field {
    name: String,
    ty: String,
    offset: u64,
    size: u64,
}

impl ToTokens for Field {
    fn to_tokens(&self, t: &mut TokenStream) {
        let (name, ty) = (string(&self.name), string(&self.ty));
        let offset = Literal::u64_unsuffixed(self.offset);
        let size = Literal::u64_unsuffixed(self.size);
        t.extend(quote!(Field{name:#name,ty:#ty,offset:#offset,size:#size}));
    }
}

#[derive(PartialEq, Eq, Hash)]
struct Struct {
    name: String,
    size: u64,
    align: u64,
    fields: SliceRef,
}

impl ToTokens for Struct {
    fn to_tokens(&self, t: &mut TokenStream) {
        let name = string(&self.name);
        let size = Literal::u64_unsuffixed(self.size);
        let align = Literal::u64_unsuffixed(self.align);
        let fields = &self.fields;
        t.extend(quote!(Struct{name:#name,size:#size,align:#align,fields:#fields}));
    }
}

#[derive(PartialEq, Eq, Hash)]
struct Param {
    name: String,
    ty: String,
}

impl ToTokens for Param {
    fn to_tokens(&self, t: &mut TokenStream) {
        let (name, ty) = (string(&self.name), string(&self.ty));
        t.extend(quote!(Param{name:#name,ty:#ty}));
    }
}

#[derive(PartialEq, Eq, Hash)]
struct Func {
    name: String,
    params: SliceRef,
    results: SliceRef,
    variadic: bool,
}

impl ToTokens for Func {
    fn to_tokens(&self, t: &mut TokenStream) {
        let name = string(&self.name);
        let (params, results, variadic) = (&self.params, &self.results, self.variadic);
        t.extend(quote!(Func{name:#name,params:#params,results:#results,variadic:#variadic}));
    }
}

#[derive(PartialEq, Eq, Hash)]
struct Named {
    name: String,
    ty: String,
}

impl ToTokens for Named {
    fn to_tokens(&self, t: &mut TokenStream) {
        let (name, ty) = (string(&self.name), string(&self.ty));
        t.extend(quote!(Named{name:#name,ty:#ty}));
    }
}

#[derive(PartialEq, Eq, Hash)]
enum ConstValue {
    Int(i128),
    Str(String),
    Bool(bool),
}

#[derive(PartialEq, Eq, Hash)]
struct Const {
    name: String,
    ty: String,
    value: ConstValue,
}

impl ToTokens for Const {
    /// Through the short constructors `ci`/`cs`/`cb` of `src/abi/mod.rs`.
    fn to_tokens(&self, t: &mut TokenStream) {
        let (name, ty) = (string(&self.name), string(&self.ty));
        t.extend(match &self.value {
            ConstValue::Int(v) => {
                let v = Literal::i128_unsuffixed(*v);
                quote!(ci(#name,#ty,#v))
            }
            ConstValue::Str(s) => {
                let s = string(s);
                quote!(cs(#name,#ty,#s))
            }
            ConstValue::Bool(b) => quote!(cb(#name,#ty,#b)),
        });
    }
}

/// An element type of a generated static slice.
trait Elem: Hash + Eq + ToTokens + Sized {
    /// Prefix of the generated static's name.
    const PREFIX: &'static str;
    /// The Rust type, as `src/abi/mod.rs` names it.
    const TYPE: &'static str;
    /// The slices of this type emitted so far.
    fn seen(seen: &mut Seen) -> &mut HashMap<Vec<Self>, Ident>;
}

macro_rules! elem {
    ($ty:ident, $prefix:literal, $field:ident) => {
        impl Elem for $ty {
            const PREFIX: &'static str = $prefix;
            const TYPE: &'static str = stringify!($ty);
            fn seen(seen: &mut Seen) -> &mut HashMap<Vec<Self>, Ident> {
                &mut seen.$field
            }
        }
    };
}
elem!(Field, "F", fields);
elem!(Struct, "S", structs);
elem!(Param, "P", params);
elem!(Func, "U", funcs);
elem!(Named, "N", named);

#[derive(Default)]
struct Seen {
    fields: HashMap<Vec<Field>, Ident>,
    structs: HashMap<Vec<Struct>, Ident>,
    params: HashMap<Vec<Param>, Ident>,
    funcs: HashMap<Vec<Func>, Ident>,
    named: HashMap<Vec<Named>, Ident>,
}

/// Emits items, reusing one item for identical contents.
#[derive(Default)]
struct Gen {
    /// `static` items, rendered, in the order they were first needed.
    items: Vec<String>,
    seen: Seen,
    /// Distinct constants → pool index, across all tables.
    const_index: HashMap<Const, u16>,
    /// The same constants in pool order.
    const_pool: Vec<TokenStream>,
}

impl Gen {
    /// A `static NAME: [T; n]` holding `elems`, shared with identical arrays.
    fn slice<T: Elem>(&mut self, elems: Vec<T>) -> SliceRef {
        if elems.is_empty() {
            return SliceRef(None);
        }
        let n = self.items.len();
        if let Some(name) = T::seen(&mut self.seen).get(&elems) {
            return SliceRef(Some(name.clone()));
        }
        let name = format_ident!("{}{}", T::PREFIX, n);
        let ty = Ident::new(T::TYPE, Span::call_site());
        let len = Literal::usize_unsuffixed(elems.len());
        self.items
            .push(quote!(static #name: [#ty; #len] = [#(#elems),*];).to_string());
        T::seen(&mut self.seen).insert(elems, name.clone());
        SliceRef(Some(name))
    }

    fn structs(&mut self, rows: &[&Vec<Value>]) -> SliceRef {
        let elems = rows
            .iter()
            .map(|r| {
                let fields = array_at(r, 5)
                    .iter()
                    .map(|f| {
                        let f = f.as_array().expect("field is an array");
                        Field {
                            name: str_at(f, 0).to_string(),
                            ty: str_at(f, 1).to_string(),
                            offset: u64_at(f, 2),
                            size: u64_at(f, 3),
                        }
                    })
                    .collect();
                Struct {
                    name: str_at(r, 2).to_string(),
                    size: u64_at(r, 3),
                    align: u64_at(r, 4),
                    fields: self.slice(fields),
                }
            })
            .collect();
        self.slice(elems)
    }

    /// A `ConstList`: the constants live once in `CONST_POOL` (141k rows are 13k distinct
    /// ones), each table is a byte string of little-endian u16 pool indices.
    fn consts(&mut self, rows: &[&Vec<Value>]) -> TokenStream {
        let mut idx = Vec::with_capacity(rows.len() * 2);
        for r in rows {
            let value = match r.get(4) {
                Some(Value::Number(n)) => ConstValue::Int(match (n.as_i64(), n.as_u64()) {
                    (Some(v), _) => v.into(),
                    (None, Some(v)) => v.into(),
                    _ => panic!("row {r:?}: constant is not an integer"),
                }),
                Some(Value::String(s)) => ConstValue::Str(s.clone()),
                Some(Value::Bool(b)) => ConstValue::Bool(*b),
                other => panic!("row {r:?}: bad constant value {other:?}"),
            };
            let c = Const {
                name: str_at(r, 2).to_string(),
                ty: str_at(r, 3).to_string(),
                value,
            };
            let i = match self.const_index.get(&c) {
                Some(&i) => i,
                None => {
                    let i = u16::try_from(self.const_pool.len())
                        .expect("more than 65536 distinct constants: widen ConstList");
                    self.const_pool.push(c.to_token_stream());
                    self.const_index.insert(c, i);
                    i
                }
            };
            idx.extend_from_slice(&i.to_le_bytes());
        }
        let idx = Literal::byte_string(&idx);
        quote!(ConstList{idx:#idx})
    }

    /// The pool every `ConstList` indexes, in first-seen order.
    fn const_pool_item(&self) -> String {
        let len = Literal::usize_unsuffixed(self.const_pool.len());
        let pool = &self.const_pool;
        quote!(static CONST_POOL: [Const; #len] = [#(#pool),*];).to_string()
    }

    fn params(&mut self, list: &[Value]) -> SliceRef {
        let elems = list
            .iter()
            .map(|p| {
                let p = p.as_array().expect("param is an array");
                Param {
                    name: str_at(p, 0).to_string(),
                    ty: str_at(p, 1).to_string(),
                }
            })
            .collect();
        self.slice(elems)
    }

    fn funcs(&mut self, rows: &[&Vec<Value>]) -> SliceRef {
        let elems = rows
            .iter()
            .map(|r| Func {
                name: str_at(r, 2).to_string(),
                params: self.params(array_at(r, 3)),
                results: self.params(array_at(r, 4)),
                variadic: r.get(5).and_then(Value::as_bool).unwrap_or(false),
            })
            .collect();
        self.slice(elems)
    }

    fn named(&mut self, rows: &[&Vec<Value>]) -> SliceRef {
        let elems = rows
            .iter()
            .map(|r| Named {
                name: str_at(r, 2).to_string(),
                ty: str_at(r, 3).to_string(),
            })
            .collect();
        self.slice(elems)
    }

    fn arch_table(&mut self, variant: &Ident, pkg: &str, rows: &mut Rows) -> TokenStream {
        sort_rows(rows);
        let mut by_kind = by_kind(rows);
        let mut kind = |k: &str| by_kind.remove(k).unwrap_or_default();
        let structs = self.structs(&kind("struct"));
        let syscalls = self.consts(&kind("sys"));
        let consts = self.consts(&kind("const"));
        let funcs = self.funcs(&kind("func"));
        let types = self.named(&kind("type"));
        let vars = self.named(&kind("var"));
        let package = if pkg == "syscall" {
            quote!(Syscall)
        } else {
            quote!(Unix)
        };
        quote!(ArchTable{
            arch:Arch::#variant,
            view:View::Go(Package::#package),
            structs:#structs,
            syscalls:#syscalls,
            consts:#consts,
            funcs:#funcs,
            types:#types,
            vars:#vars
        })
    }

    fn kernel_table(&mut self, variant: &Ident, rows: &mut Rows) -> TokenStream {
        sort_rows(rows);
        let mut by_kind = by_kind(rows);
        let mut kind = |k: &str| by_kind.remove(k).unwrap_or_default();
        let structs = self.structs(&kind("struct"));
        let consts = self.consts(&kind("const"));
        let syscalls = self.consts(&kind("nr"));
        quote!(ArchTable{
            arch:Arch::#variant,
            view:View::Kernel,
            structs:#structs,
            syscalls:#syscalls,
            consts:#consts,
            funcs:&[],
            types:&[],
            vars:&[]
        })
    }
}

/// The rows of each kind (`struct`, `const`…), in order.
fn by_kind(rows: &Rows) -> HashMap<&str, Vec<&Vec<Value>>> {
    let mut kinds: HashMap<&str, Vec<&Vec<Value>>> = HashMap::new();
    for r in rows {
        kinds.entry(str_at(r, 1)).or_default().push(r);
    }
    kinds
}

/// Sorted by name so that lookups can binary-search (byte order, as `str::cmp`).
fn sort_rows(rows: &mut Rows) {
    rows.sort_by(|a, b| str_at(a, 2).cmp(str_at(b, 2)));
}
