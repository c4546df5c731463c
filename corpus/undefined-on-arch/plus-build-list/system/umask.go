package system

// Umask builds everywhere: references to it are fine.
func Umask(mask int) int { return mask }

// useSetuid is in a file that builds everywhere, so its unqualified call breaks where
// setuid_linux.go is excluded.
func useSetuid() error {
	return Setuid(0) // want undefined-on-arch arches=386,arm,loong64,mips,mipsle,mips64,mips64le,ppc64,riscv64
}
