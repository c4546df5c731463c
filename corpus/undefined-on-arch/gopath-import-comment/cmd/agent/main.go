// Command agent is part of a GOPATH-era tree: no go.mod, and its own packages are
// imported by full path.
// The tree's path comes from the canonical import comments of system/umask.go and
// version.go (the vendored one's is not the tree's).
package main

import (
	"fmt"

	agent "github.com/acme/agent"
	"github.com/acme/agent/system"
	"github.com/acme/log"
)

func main() {
	fmt.Println(system.Umask(022))               // declared for every arch: silent
	if err := system.Setuid(65534); err != nil { // want undefined-on-arch arches=386,arm,loong64,mips,mipsle,mips64le,ppc64,riscv64 "`system.Setuid` is undefined on"
		fmt.Println(err)
	}
	log.Info(agent.Version)
}
