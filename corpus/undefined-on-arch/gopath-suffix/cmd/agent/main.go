// Command agent is part of a GOPATH-era tree: no go.mod, and its own packages are
// imported by full path.
// No metadata names the tree: its imports of itself do, by the suffix `system` they
// share with the tree's system/ directory.
package main

import (
	"fmt"

	"github.com/acme/agent/system"
	othersys "github.com/other/system"
)

func main() {
	fmt.Println(system.Umask(022))               // declared for every arch: silent
	if err := system.Setuid(65534); err != nil { // want undefined-on-arch arches=386,arm,loong64,mips,mipsle,mips64le,ppc64,riscv64 "`system.Setuid` is undefined on"
		fmt.Println(err)
	}
	fmt.Println(othersys.Hostname())
}
