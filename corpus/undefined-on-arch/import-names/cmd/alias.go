package main

import hi "example.com/importnames/lib/go-hostinfo"

func viaAlias() string {
	return hi.Uname() // want undefined-on-arch arches=386,arm,arm64,loong64,mips,mipsle,mips64,mips64le,ppc64,ppc64le,riscv64,s390x "`hi.Uname`"
}

type info struct{ Uname func() string }

// A local named like the import shadows it: silent.
func shadowed() string {
	hi := info{Uname: func() string { return "" }}
	return hi.Uname()
}
