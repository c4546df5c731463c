//! Turns `arch-tables/<goarch>.jsonl` into static Rust data (`$OUT_DIR/tables.rs`), which
//! `src/abi/mod.rs` includes: the binary parses nothing at run time.
//!
//! Compile time matters more than elegance here: identical field lists, parameter lists and
//! whole per-arch slices are emitted once and shared, so rustc sees each distinct item once.

use serde_json::Value;
use std::collections::HashMap;
use std::fmt::Write as _;
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
    for (goarch, variant) in ARCHES {
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
        for pkg in ["syscall", "unix"] {
            let rows = pkgs
                .get_mut(pkg)
                .unwrap_or_else(|| panic!("{}: no {pkg} rows", path.display()));
            tables.push(gen.arch_table(variant, pkg, rows));
        }
        kernels.push(match pkgs.get_mut("kernel") {
            Some(rows) => format!("Some({})", gen.kernel_table(variant, rows)),
            None => "None".to_string(),
        });
    }
    let manifest = std::fs::read_to_string(root.join("MANIFEST")).expect("arch-tables/MANIFEST");

    let mut out = gen.const_pool_item();
    out.push_str(&gen.items);
    writeln!(
        out,
        "static TABLES: [ArchTable; {}] = [{}];",
        tables.len(),
        tables.join(",\n")
    )
    .unwrap();
    writeln!(
        out,
        "static KERNEL: [Option<KernelTable>; 13] = [{}];",
        kernels.join(",\n")
    )
    .unwrap();
    writeln!(out, "static MANIFEST: &str = {manifest:?};").unwrap();
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("tables.rs");
    std::fs::write(&dest, out).unwrap();
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

/// Emits items, reusing one item for identical contents.
#[derive(Default)]
struct Gen {
    items: String,
    seen: HashMap<String, String>,
    /// Distinct constants (rendered constructor call → pool index), across all tables.
    const_pool: HashMap<String, usize>,
}

impl Gen {
    /// A `static NAME: [ty; n]` holding `elems`; returns `&NAME`, shared with identical arrays.
    fn slice(&mut self, prefix: &str, ty: &str, elems: &[String]) -> String {
        if elems.is_empty() {
            return "&[]".to_string();
        }
        let body = elems.join(",");
        let n = self.seen.len();
        let name = self
            .seen
            .entry(format!("{ty}:{body}"))
            .or_insert_with(|| {
                let name = format!("{prefix}{n}");
                writeln!(
                    self.items,
                    "static {name}: [{ty}; {}] = [{body}];",
                    elems.len()
                )
                .unwrap();
                name
            })
            .clone();
        format!("&{name}")
    }

    fn structs(&mut self, rows: &[&Vec<Value>]) -> String {
        let elems: Vec<String> = rows
            .iter()
            .map(|r| {
                let fields: Vec<String> = array_at(r, 5)
                    .iter()
                    .map(|f| {
                        let f = f.as_array().expect("field is an array");
                        format!(
                            "Field{{name:{:?},ty:{:?},offset:{},size:{}}}",
                            str_at(f, 0),
                            str_at(f, 1),
                            u64_at(f, 2),
                            u64_at(f, 3)
                        )
                    })
                    .collect();
                let fields = self.slice("F", "Field", &fields);
                format!(
                    "Struct{{name:{:?},size:{},align:{},fields:{fields}}}",
                    str_at(r, 2),
                    u64_at(r, 3),
                    u64_at(r, 4)
                )
            })
            .collect();
        self.slice("S", "Struct", &elems)
    }

    /// A `ConstList`: the constants live once in `CONST_POOL` (141k rows are 13k distinct
    /// ones), each table is a byte string of little-endian u16 pool indices.
    fn consts(&mut self, rows: &[&Vec<Value>]) -> String {
        let mut idx = Vec::with_capacity(rows.len() * 2);
        for r in rows {
            let (name, ty) = (str_at(r, 2), str_at(r, 3));
            let ctor = match r.get(4) {
                Some(Value::Number(n)) => {
                    let v: i128 = n.to_string().parse().expect("integer constant");
                    format!("ci({name:?},{ty:?},{v})")
                }
                Some(Value::String(s)) => format!("cs({name:?},{ty:?},{s:?})"),
                Some(Value::Bool(b)) => format!("cb({name:?},{ty:?},{b})"),
                other => panic!("row {r:?}: bad constant value {other:?}"),
            };
            let n = self.const_pool.len();
            let i = *self.const_pool.entry(ctor).or_insert(n);
            let i = u16::try_from(i).expect("more than 65536 distinct constants: widen ConstList");
            idx.extend_from_slice(&i.to_le_bytes());
        }
        let mut lit = String::with_capacity(idx.len() * 4 + 3);
        lit.push_str("b\"");
        for b in idx {
            write!(lit, "\\x{b:02x}").unwrap();
        }
        lit.push('"');
        format!("ConstList{{idx:{lit}}}")
    }

    /// The pool every `ConstList` indexes, in first-seen order.
    fn const_pool_item(&self) -> String {
        let mut pool: Vec<(&String, &usize)> = self.const_pool.iter().collect();
        pool.sort_by_key(|(_, i)| **i);
        let body: Vec<&str> = pool.iter().map(|(c, _)| c.as_str()).collect();
        format!(
            "static CONST_POOL: [Const; {}] = [{}];\n",
            body.len(),
            body.join(",\n")
        )
    }

    fn params(&mut self, list: &[Value]) -> String {
        let elems: Vec<String> = list
            .iter()
            .map(|p| {
                let p = p.as_array().expect("param is an array");
                format!("Param{{name:{:?},ty:{:?}}}", str_at(p, 0), str_at(p, 1))
            })
            .collect();
        self.slice("P", "Param", &elems)
    }

    fn funcs(&mut self, rows: &[&Vec<Value>]) -> String {
        let elems: Vec<String> = rows
            .iter()
            .map(|r| {
                let params = self.params(array_at(r, 3));
                let results = self.params(array_at(r, 4));
                let variadic = r.get(5).and_then(Value::as_bool).unwrap_or(false);
                format!(
                    "Func{{name:{:?},params:{params},results:{results},variadic:{variadic}}}",
                    str_at(r, 2)
                )
            })
            .collect();
        self.slice("U", "Func", &elems)
    }

    fn named(&mut self, rows: &[&Vec<Value>]) -> String {
        let elems: Vec<String> = rows
            .iter()
            .map(|r| format!("Named{{name:{:?},ty:{:?}}}", str_at(r, 2), str_at(r, 3)))
            .collect();
        self.slice("N", "Named", &elems)
    }

    fn arch_table(&mut self, variant: &str, pkg: &str, rows: &mut Rows) -> String {
        sort_rows(rows);
        let kind =
            |k: &str| -> Vec<&Vec<Value>> { rows.iter().filter(|r| str_at(r, 1) == k).collect() };
        let structs = self.structs(&kind("struct"));
        let syscalls = self.consts(&kind("sys"));
        let consts = self.consts(&kind("const"));
        let funcs = self.funcs(&kind("func"));
        let types = self.named(&kind("type"));
        let vars = self.named(&kind("var"));
        let package = if pkg == "syscall" { "Syscall" } else { "Unix" };
        format!(
            "ArchTable{{arch:Arch::{variant},package:Package::{package},structs:{structs},syscalls:{syscalls},consts:{consts},funcs:{funcs},types:{types},vars:{vars}}}"
        )
    }

    fn kernel_table(&mut self, variant: &str, rows: &mut Rows) -> String {
        sort_rows(rows);
        let kind =
            |k: &str| -> Vec<&Vec<Value>> { rows.iter().filter(|r| str_at(r, 1) == k).collect() };
        let structs = self.structs(&kind("struct"));
        let consts = self.consts(&kind("const"));
        let syscalls = self.consts(&kind("nr"));
        format!("KernelTable{{arch:Arch::{variant},structs:{structs},consts:{consts},syscalls:{syscalls}}}")
    }
}

/// Sorted by name so that lookups can binary-search (byte order, as `str::cmp`).
fn sort_rows(rows: &mut Rows) {
    rows.sort_by(|a, b| str_at(a, 2).cmp(str_at(b, 2)));
}
