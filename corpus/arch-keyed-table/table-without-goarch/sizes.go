// Package nogoarch keys a size table by arch names it gets from its caller: the file
// never names the runtime variable, and the table is judged all the same.
package nogoarch

// statSize is sizeof(struct stat) per arch.
var statSize = map[string]int{ // want arch-keyed-table arches=mips64le,riscv64 "per-arch table of the size of `Stat_t` has no entry for mips64le, riscv64"
	"amd64": 144,
	"arm64": 128,
}

// Silent: page sizes are the size of no struct.
var pageSize = map[string]int{`amd64`: 4096, `arm64`: 65536}

// StatSize is the size of a stat buffer on arch.
func StatSize(arch string) (int, int) { return statSize[arch], pageSize[arch] }
