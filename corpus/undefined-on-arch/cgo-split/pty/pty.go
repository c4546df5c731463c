package pty

// Open calls a name amd64 declares and other arches don't.
func Open(fd int) int {
	_ = Grant(fd)
	return cgoOnlyAMD64() // want undefined-on-arch arches=386,arm,arm64,loong64,mips,mipsle,mips64,mips64le,ppc64,ppc64le,riscv64,s390x
}
