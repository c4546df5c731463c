package main

import (
	"fmt"

	"example.com/importnames/lib/go-hostinfo"
)

func main() {
	fmt.Println(hostinfo.Hostname())
	fmt.Println(hostinfo.Uname()) // want undefined-on-arch arches=386,arm,arm64,loong64,mips,mipsle,mips64,mips64le,ppc64,ppc64le,riscv64,s390x "`hostinfo.Uname`"
}
