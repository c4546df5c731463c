package main

import (
	"fmt"

	"example.com/gobuildgroup/sys"
)

func main() {
	fmt.Println(sys.Winsize())    // want undefined-on-arch arches=386,arm,loong64,mips,mipsle,mips64,mips64le,ppc64,ppc64le,riscv64,s390x
	fmt.Println(sys.WaitNumber()) // want undefined-on-arch arches=386,arm,arm64,loong64,mips,mipsle,mips64,mips64le,ppc64,ppc64le,riscv64,s390x
	fmt.Println(sys.Features())   // want undefined-on-arch arches=386,arm,arm64,loong64,mips,mipsle,mips64,mips64le,ppc64,ppc64le,riscv64,s390x "`sys.Features`"
	// Nothing else here names a per-arch declaration: silent.
	fmt.Println("done")
}
