package main

import (
	"fmt"

	"example.com/folded/endian"
)

func main() {
	// Undefined only where endian itself does not build: silent here, folded into its finding.
	fmt.Println(endian.Native)
	fmt.Println(endian.Order(), len(endian.Native))
	// Undefined on arm64 too, where endian builds: reported.
	fmt.Println(endian.PageSize()) // want undefined-on-arch arches=386,arm,arm64,loong64,mips,mipsle,mips64,mips64le,ppc64,ppc64le,riscv64,s390x
}
