// Command gen-tables writes abiport's per-arch ABI tables (arch-tables/<goarch>.jsonl).
//
// For every Linux GOARCH it type-checks Go's syscall package and x/sys/unix with go/types
// and the gc size rules of that arch, and records structs (with computed field offsets),
// constants, syscall numbers, functions, named types and variables. Where a cross C
// compiler is installed it adds the kernel's own UAPI view (struct layouts, constants Go
// lacks, __NR_* numbers) with the asm-offsets technique: compile with -S, never run.
//
// Output is sorted and free of paths, times and map order, so two runs are byte-identical.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"go/ast"
	"go/build"
	"go/constant"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

var allArches = []string{"386", "amd64", "arm", "arm64", "loong64", "mips", "mipsle", "mips64", "mips64le", "ppc64", "ppc64le", "riscv64", "s390x"}

func main() {
	goroot := flag.String("goroot", "", "GOROOT whose src/syscall is read (required)")
	unixDir := flag.String("unix", "", "directory of golang.org/x/sys/unix (required)")
	out := flag.String("out", "arch-tables", "output directory")
	arches := flag.String("arches", strings.Join(allArches, ","), "comma-separated GOARCHes")
	goBin := flag.String("go", "go", "go command used to ask for each arch's tool tags")
	kernelArches := flag.String("kernel-arches", "amd64,arm64,mips64le", "GOARCHes whose kernel UAPI view is probed with their C cross compiler (must be installed)")
	flag.Parse()
	if *goroot == "" || *unixDir == "" {
		fatalf("-goroot and -unix are required")
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fatalf("%v", err)
	}
	withKernel := map[string]bool{}
	for _, a := range strings.Split(*kernelArches, ",") {
		if a != "" {
			withKernel[a] = true
		}
	}
	for _, arch := range strings.Split(*arches, ",") {
		var rows []string
		rows = append(rows, dumpPackage(*goBin, *goroot, arch, filepath.Join(*goroot, "src", "syscall"), "syscall")...)
		rows = append(rows, dumpPackage(*goBin, *goroot, arch, *unixDir, "unix")...)
		if withKernel[arch] {
			rows = append(rows, dumpKernel(arch)...)
		}
		path := filepath.Join(*out, arch+".jsonl")
		if err := os.WriteFile(path, []byte(strings.Join(rows, "\n")+"\n"), 0o644); err != nil {
			fatalf("%v", err)
		}
		fmt.Fprintf(os.Stderr, "gen-tables: %s: %d rows\n", path, len(rows))
	}
}

func fatalf(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "gen-tables: "+format+"\n", args...)
	os.Exit(1)
}

// toolTags asks the go command for the arch's tool tags: the host's tags (regabi
// experiments, amd64.v1) would select the wrong files in internal/abi and break type-checking.
func toolTags(goBin, goroot, arch string) []string {
	cmd := exec.Command(goBin, "list", "-f", "{{join context.ToolTags \" \"}}", "runtime")
	cmd.Dir = filepath.Join(goroot, "src")
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH="+arch, "CGO_ENABLED=0", "GOFLAGS=")
	outb, err := cmd.Output()
	if err != nil {
		fatalf("%s list (tool tags for %s): %v", goBin, arch, err)
	}
	return strings.Fields(string(outb))
}

type field struct {
	Name, Type   string
	Offset, Size int64
}

func (f field) MarshalJSON() ([]byte, error) {
	return json.Marshal([]interface{}{f.Name, f.Type, f.Offset, f.Size})
}

type param struct{ Name, Type string }

func (p param) MarshalJSON() ([]byte, error) { return json.Marshal([]string{p.Name, p.Type}) }

// Rows are JSON arrays, one per line, led by package and kind:
//
//	["unix","struct",NAME,SIZE,ALIGN,[[FIELD,TYPE,OFFSET,SIZE],...]]
//	["unix","const",NAME,TYPE,VALUE]      (also "sys" for SYS_*, and kernel "nr" for __NR_*)
//	["unix","func",NAME,[[PARAM,TYPE],...],[[RESULT,TYPE],...],VARIADIC]
//	["unix","type",NAME,UNDERLYING] and ["unix","var",NAME,TYPE]
//
// VALUE is a JSON number for integers, a string or a bool; TYPE is "" for untyped constants.
func structRow(pkg, name string, size, align int64, fields []field) []interface{} {
	if fields == nil {
		fields = []field{}
	}
	return []interface{}{pkg, "struct", name, size, align, fields}
}

func constRow(pkg, kind, name, ty string, value interface{}) []interface{} {
	return []interface{}{pkg, kind, name, ty, value}
}

func funcRow(pkg, name string, params, results []param, variadic bool) []interface{} {
	return []interface{}{pkg, "func", name, params, results, variadic}
}

func namedRow(pkg, kind, name, ty string) []interface{} {
	return []interface{}{pkg, kind, name, ty}
}

func mustJSON(v interface{}) string {
	b, err := json.Marshal(v)
	if err != nil {
		fatalf("%v", err)
	}
	return string(b)
}

// rowKey orders rows by kind then name, so each file reads as sections.
var kindOrder = map[string]int{"struct": 0, "sys": 1, "const": 2, "func": 3, "type": 4, "var": 5, "nr": 6}

type keyed struct {
	kind, name, line string
}

func sortRows(rs []keyed) []string {
	sort.Slice(rs, func(i, j int) bool {
		if rs[i].kind != rs[j].kind {
			return kindOrder[rs[i].kind] < kindOrder[rs[j].kind]
		}
		return rs[i].name < rs[j].name
	})
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.line
	}
	return out
}

func dumpPackage(goBin, goroot, arch, dir, pkgName string) []string {
	ctx := build.Default
	ctx.GOOS = "linux"
	ctx.GOARCH = arch
	ctx.GOROOT = goroot
	ctx.GOPATH = ""
	ctx.CgoEnabled = false
	ctx.BuildTags = nil
	ctx.ToolTags = toolTags(goBin, goroot, arch)
	// The source importer reads build.Default when it is created.
	build.Default = ctx

	bp, err := ctx.ImportDir(dir, 0)
	if err != nil {
		fatalf("%s/%s: %v", arch, pkgName, err)
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, name := range bp.GoFiles {
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.ParseComments)
		if err != nil {
			fatalf("%s/%s: %v", arch, pkgName, err)
		}
		files = append(files, f)
	}
	sizes := types.SizesFor("gc", arch)
	if sizes == nil {
		fatalf("no gc sizes for %s", arch)
	}
	var typeErrs []string
	conf := types.Config{
		Importer: importer.ForCompiler(fset, "source", nil),
		Sizes:    sizes,
		Error:    func(err error) { typeErrs = append(typeErrs, err.Error()) },
	}
	pkg, _ := conf.Check(pkgName, fset, files, nil)
	if len(typeErrs) > 0 {
		fatalf("%s/%s: %d type errors, first: %s", arch, pkgName, len(typeErrs), typeErrs[0])
	}
	qual := func(p *types.Package) string {
		if p == pkg {
			return ""
		}
		return p.Name()
	}
	tstr := func(t types.Type) string { return types.TypeString(t, qual) }

	var rows []keyed
	scope := pkg.Scope()
	for _, name := range scope.Names() {
		obj := scope.Lookup(name)
		switch o := obj.(type) {
		case *types.TypeName:
			named, ok := o.Type().(*types.Named)
			if !ok || o.IsAlias() {
				if o.Exported() {
					rows = append(rows, keyed{"type", name, mustJSON(namedRow(pkgName, "type", name, tstr(o.Type().Underlying())))})
				}
				continue
			}
			if named.TypeParams().Len() > 0 {
				continue // generic: no layout until instantiated
			}
			if st, ok := named.Underlying().(*types.Struct); ok {
				rows = append(rows, keyed{"struct", name, mustJSON(structLayout(pkgName, name, st, sizes, tstr))})
			} else if o.Exported() {
				rows = append(rows, keyed{"type", name, mustJSON(namedRow(pkgName, "type", name, tstr(named.Underlying())))})
			}
			if o.Exported() {
				for i := 0; i < named.NumMethods(); i++ {
					m := named.Method(i)
					if m.Exported() {
						full := name + "." + m.Name()
						rows = append(rows, keyed{"func", full, mustJSON(funcOf(pkgName, full, m.Type().(*types.Signature), tstr))})
					}
				}
			}
		case *types.Const:
			if !o.Exported() {
				continue
			}
			kind := "const"
			if strings.HasPrefix(name, "SYS_") {
				kind = "sys"
			}
			ty := ""
			if b, ok := o.Type().(*types.Basic); !ok || b.Info()&types.IsUntyped == 0 {
				ty = tstr(o.Type())
			}
			var val interface{}
			switch o.Val().Kind() {
			case constant.Int:
				val = json.Number(o.Val().ExactString())
			case constant.String:
				val = constant.StringVal(o.Val())
			case constant.Bool:
				val = constant.BoolVal(o.Val())
			default:
				fatalf("%s/%s: constant %s has unsupported kind %v", arch, pkgName, name, o.Val().Kind())
			}
			rows = append(rows, keyed{kind, name, mustJSON(constRow(pkgName, kind, name, ty, val))})
		case *types.Func:
			if o.Exported() {
				rows = append(rows, keyed{"func", name, mustJSON(funcOf(pkgName, name, o.Type().(*types.Signature), tstr))})
			}
		case *types.Var:
			if o.Exported() {
				rows = append(rows, keyed{"var", name, mustJSON(namedRow(pkgName, "var", name, tstr(o.Type())))})
			}
		}
	}
	return sortRows(rows)
}

func structLayout(pkgName, name string, st *types.Struct, sizes types.Sizes, tstr func(types.Type) string) []interface{} {
	vars := make([]*types.Var, st.NumFields())
	for i := range vars {
		vars[i] = st.Field(i)
	}
	offsets := sizes.Offsetsof(vars)
	fields := make([]field, len(vars))
	for i, v := range vars {
		fields[i] = field{v.Name(), tstr(v.Type()), offsets[i], sizes.Sizeof(v.Type())}
	}
	return structRow(pkgName, name, sizes.Sizeof(st), sizes.Alignof(st), fields)
}

func funcOf(pkgName, name string, sig *types.Signature, tstr func(types.Type) string) []interface{} {
	tuple := func(t *types.Tuple) []param {
		ps := make([]param, t.Len())
		for i := range ps {
			ps[i] = param{t.At(i).Name(), tstr(t.At(i).Type())}
		}
		return ps
	}
	return funcRow(pkgName, name, tuple(sig.Params()), tuple(sig.Results()), sig.Variadic())
}

// kernelTarget names the C compiler whose UAPI headers describe an arch's kernel.
var kernelTarget = map[string]string{
	"386":      "i686-linux-gnu-gcc",
	"amd64":    "x86_64-linux-gnu-gcc",
	"arm":      "arm-linux-gnueabihf-gcc",
	"arm64":    "aarch64-linux-gnu-gcc",
	"mips":     "mips-linux-gnu-gcc",
	"mipsle":   "mipsel-linux-gnu-gcc",
	"mips64":   "mips64-linux-gnuabi64-gcc",
	"mips64le": "mips64el-linux-gnuabi64-gcc",
	"ppc64":    "powerpc64-linux-gnu-gcc",
	"ppc64le":  "powerpc64le-linux-gnu-gcc",
	"riscv64":  "riscv64-linux-gnu-gcc",
	"s390x":    "s390x-linux-gnu-gcc",
}

// UAPI headers of the kernel view; the glibc headers are deliberately left out.
const kernelIncludes = `#include <asm/stat.h>
#include <asm/statfs.h>
#include <linux/eventpoll.h>
#include <asm/termbits.h>
#include <asm/termios.h>
#include <asm/ioctls.h>
#include <asm/signal.h>
#include <asm/socket.h>
#include <asm/fcntl.h>
#include <asm/mman.h>
#include <asm/resource.h>
#include <asm/errno.h>
#include <linux/time_types.h>
#include <linux/time.h>
`

// kernelStructs are the UAPI structs recorded; absent ones (termios2 on ppc) are skipped.
var kernelStructs = []string{"stat", "stat64", "statfs", "statfs64", "epoll_event", "termios", "termios2", "ktermios", "winsize", "timespec", "__kernel_timespec", "timeval", "rlimit", "rlimit64", "sigaction", "flock"}

// kernelConsts are macros code hard-codes that x/sys lacks or that tests check against.
var kernelConsts = []string{"FIONREAD", "FIONBIO", "FIOCLEX", "FIONCLEX", "FIOASYNC", "TIOCINQ", "TIOCOUTQ", "TIOCGWINSZ", "TIOCSWINSZ", "TCGETS", "TCSETS", "TCGETS2", "TCSETS2", "NCCS", "VMIN", "VTIME",
	"SA_NOCLDSTOP", "SA_NOCLDWAIT", "SA_SIGINFO", "SA_ONSTACK", "SA_RESTART", "SA_NODEFER", "SA_RESETHAND", "SA_RESTORER", "SA_EXPOSE_TAGBITS", "SA_UNSUPPORTED",
	"_NSIG", "_NSIG_BPW", "_NSIG_WORDS", "SIGSTKSZ", "MINSIGSTKSZ", "SIG_BLOCK", "SIG_UNBLOCK", "SIG_SETMASK",
	"SOL_SOCKET", "SO_REUSEADDR", "SO_REUSEPORT", "SO_KEEPALIVE", "SO_RCVBUF", "SO_SNDBUF", "SO_ERROR", "SO_TYPE",
	"O_NONBLOCK", "O_APPEND", "O_CREAT", "O_EXCL", "O_NOCTTY", "O_DIRECTORY", "O_NOFOLLOW", "O_DIRECT", "O_LARGEFILE", "O_CLOEXEC",
	"F_GETLK", "F_SETLK", "F_SETLKW", "F_GETOWN", "F_SETOWN",
	"MAP_ANONYMOUS", "MAP_NORESERVE", "MAP_STACK", "MAP_HUGETLB",
	"RLIMIT_NOFILE", "RLIMIT_AS", "RLIMIT_NPROC", "RLIM_INFINITY",
	"EAGAIN", "ENOSYS", "EADDRINUSE", "ECONNREFUSED", "ETIMEDOUT", "EINPROGRESS", "EDQUOT",
	"SIGCHLD", "SIGUSR1", "SIGUSR2", "SIGBUS", "SIGSTOP", "SIGCONT", "SIGWINCH", "SIGSYS", "SIGIO", "SIGPWR"}

func dumpKernel(arch string) []string {
	cc, ok := kernelTarget[arch]
	if !ok {
		fatalf("%s: no C cross compiler known for its kernel headers", arch)
	}
	if _, err := exec.LookPath(cc); err != nil {
		fatalf("%s: %s not found (Debian package gcc-%s)", arch, cc, strings.TrimSuffix(cc, "-gcc"))
	}
	var rows []keyed
	pre := preprocess(cc, kernelIncludes)
	var probe strings.Builder
	probe.WriteString(kernelIncludes)
	probe.WriteString("#define DEF(name, val) __asm__ volatile(\"\\n.ascii \\\"->\" name \" %0\\\"\" : : \"i\"((long long)(val)))\n")
	probe.WriteString("#define DEFU(name, val) DEF(name, (val)); DEF(name \"@neg\", (val) < 0)\nvoid probe(void) {\n")
	type cfield struct{ name, ctype string }
	found := map[string][]cfield{}
	for _, s := range kernelStructs {
		body, ok := structBody(pre, s)
		if !ok {
			continue
		}
		var fs []cfield
		for _, decl := range splitDecls(body) {
			name, ctype := declName(decl)
			if name == "" {
				fatalf("%s: cannot read a field of struct %s: %q", arch, s, decl)
			}
			fs = append(fs, cfield{name, ctype})
		}
		found[s] = fs
		fmt.Fprintf(&probe, "DEF(\"%s\", sizeof(struct %s)); DEF(\"%s@align\", __alignof__(struct %s));\n", s, s, s, s)
		for _, f := range fs {
			fmt.Fprintf(&probe, "DEF(\"%s.%s\", __builtin_offsetof(struct %s, %s)); DEF(\"%s.%s@size\", sizeof(((struct %s *)0)->%s));\n", s, f.name, s, f.name, s, f.name, s, f.name)
		}
	}
	for _, c := range kernelConsts {
		fmt.Fprintf(&probe, "#ifdef %s\nDEFU(\"%s\", %s);\n#endif\n", c, c, c)
	}
	// Syscall numbers: names from the preprocessor (they are gated by __ARCH_WANT_*), values by the probe.
	var nrs []string
	for _, line := range strings.Split(preprocessMacros(cc, "#include <asm/unistd.h>\n"), "\n") {
		fs := strings.Fields(line)
		if len(fs) >= 3 && fs[0] == "#define" && strings.HasPrefix(fs[1], "__NR_") && fs[1] != "__NR_syscalls" && !strings.Contains(fs[1], "(") {
			nrs = append(nrs, fs[1])
		}
	}
	sort.Strings(nrs)
	probe.WriteString("}\n#include <asm/unistd.h>\nvoid probe_nr(void) {\n")
	for _, n := range nrs {
		fmt.Fprintf(&probe, "DEF(\"%s\", %s);\n", n, n)
	}
	probe.WriteString("}\n")
	vals := compileProbe(cc, probe.String())
	get := func(key string) int64 {
		v, ok := vals[key]
		if !ok {
			fatalf("%s: probe lacks %s", arch, key)
		}
		return v
	}
	for s, fs := range found {
		var fields []field
		for _, f := range fs {
			fields = append(fields, field{f.name, f.ctype, get(s + "." + f.name), get(s + "." + f.name + "@size")})
		}
		rows = append(rows, keyed{"struct", s, mustJSON(structRow("kernel", s, get(s), get(s+"@align"), fields))})
	}
	for _, c := range kernelConsts {
		v, ok := vals[c]
		if !ok {
			continue
		}
		val := json.Number(fmt.Sprint(v))
		if vals[c+"@neg"] == 0 && v < 0 {
			val = json.Number(fmt.Sprint(uint64(v))) // unsigned macro above 2^63 (RLIM_INFINITY)
		}
		rows = append(rows, keyed{"const", c, mustJSON(constRow("kernel", "const", c, "", val))})
	}
	for _, n := range nrs {
		rows = append(rows, keyed{"nr", n, mustJSON(constRow("kernel", "nr", n, "", get(n)))})
	}
	return sortRows(rows)
}

func runCC(cc string, args []string, src string) string {
	cmd := exec.Command(cc, args...)
	cmd.Stdin = strings.NewReader(src)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	outb, err := cmd.Output()
	if err != nil {
		fatalf("%s %s: %v\n%s", cc, strings.Join(args, " "), err, stderr.String())
	}
	return string(outb)
}

func preprocess(cc, src string) string {
	return runCC(cc, []string{"-E", "-P", "-x", "c", "-"}, src)
}

func preprocessMacros(cc, src string) string {
	return runCC(cc, []string{"-E", "-dM", "-x", "c", "-"}, src)
}

// compileProbe compiles to assembly and reads back the "->name value" markers.
func compileProbe(cc, src string) map[string]int64 {
	asm := runCC(cc, []string{"-O2", "-S", "-x", "c", "-o", "-", "-"}, src)
	vals := map[string]int64{}
	sc := bufio.NewScanner(strings.NewReader(asm))
	for sc.Scan() {
		line := sc.Text()
		i := strings.Index(line, "\"->")
		if i < 0 {
			continue
		}
		rest := strings.TrimSuffix(strings.TrimSpace(line[i+3:]), "\"")
		parts := strings.Fields(rest)
		if len(parts) != 2 {
			fatalf("odd probe line %q", line)
		}
		var v int64
		if _, err := fmt.Sscan(strings.TrimLeft(parts[1], "$#"), &v); err != nil {
			fatalf("odd probe value %q: %v", line, err)
		}
		vals[parts[0]] = v
	}
	return vals
}

// structBody returns the text between the braces of "struct name {".
func structBody(pre, name string) (string, bool) {
	toks := "struct " + name + " {"
	i := strings.Index(pre, toks)
	if i < 0 {
		return "", false
	}
	start := i + len(toks)
	depth := 1
	for j := start; j < len(pre); j++ {
		switch pre[j] {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return pre[start:j], true
			}
		}
	}
	return "", false
}

// splitDecls splits a struct body into top-level member declarations.
func splitDecls(body string) []string {
	var decls []string
	depth, start := 0, 0
	for i := 0; i < len(body); i++ {
		switch body[i] {
		case '{':
			depth++
		case '}':
			depth--
		case ';':
			if depth == 0 {
				if d := strings.Join(strings.Fields(body[start:i]), " "); d != "" {
					decls = append(decls, d)
				}
				start = i + 1
			}
		}
	}
	return decls
}

// declName splits "unsigned int st_pad1[3]" into ("st_pad1", "unsigned int[3]").
func declName(decl string) (string, string) {
	decl = strings.TrimSpace(decl)
	if strings.Contains(decl, ",") || strings.Contains(decl, "(") || strings.Contains(decl, "{") {
		return "", ""
	}
	arr := ""
	if i := strings.Index(decl, "["); i >= 0 {
		arr = strings.ReplaceAll(decl[i:], " ", "")
		decl = strings.TrimSpace(decl[:i])
	}
	j := strings.LastIndexAny(decl, " *")
	if j < 0 {
		return "", ""
	}
	return decl[j+1:], strings.TrimSpace(decl[:j+1]) + arr
}
