package endian

// Order is compiled for every arch: the package does not build where Native is missing,
// and the go command then reports no error of the packages importing it.
func Order() string {
	return Native // want undefined-on-arch arches=386,arm,loong64,mips,mipsle,mips64,mips64le,ppc64,ppc64le,riscv64,s390x "does not build there, and 2 uses of its names in 1 importing package are not reported"
}
