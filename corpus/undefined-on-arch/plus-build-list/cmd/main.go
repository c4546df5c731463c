package main

import (
	"fmt"

	"example.com/plusbuild/system"
)

func main() {
	fmt.Println(system.Umask(0o22))
	if err := system.Setuid(1000); err != nil { // want undefined-on-arch arches=386,arm,loong64,mips,mipsle,mips64,mips64le,ppc64,riscv64 "`system.Setuid` is undefined on"
		fmt.Println(err)
	}
	var limit = system.MaxUID // want undefined-on-arch arches=386,arm,loong64,mips,mipsle,mips64,mips64le,ppc64,riscv64
	fmt.Println(limit)
}
