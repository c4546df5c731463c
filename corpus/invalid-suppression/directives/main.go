//abiport:file-ignore arch-constant-literal // want invalid-suppression "`abiport:file-ignore` without a reason accepts nothing"

// Command invalidsuppression holds directives abiport cannot honour: each accepts nothing,
// so the socket-type findings they meant to accept are reported too.
package main

import "syscall"

//abiport:file-ignore arch-constant-literal -- too late // want invalid-suppression "after the package clause"

func main() {
	//abiport:ignore arch-constant-literal // want invalid-suppression "without a reason"
	a, _ := syscall.Socket(syscall.AF_UNIX, 1, 0) // want arch-constant-literal arches=mips,mipsle,mips64,mips64le
	//abiport:ignore arch-constant-litteral -- typo in the id // want invalid-suppression "unknown rule `arch-constant-litteral`"
	b, _ := syscall.Socket(syscall.AF_UNIX, 1, 0) // want arch-constant-literal arches=mips,mipsle,mips64,mips64le
	//abiport:ignore all -- ids are required // want invalid-suppression "`all` is not a rule"
	c, _ := syscall.Socket(syscall.AF_UNIX, 1, 0) // want arch-constant-literal arches=mips,mipsle,mips64,mips64le
	//abiport:ignore arch-constant-literal arch=mips65 -- bad arch // want invalid-suppression "unknown architecture `mips65`"
	d, _ := syscall.Socket(syscall.AF_UNIX, 1, 0) // want arch-constant-literal arches=mips,mipsle,mips64,mips64le
	//abiport:ignroe arch-constant-literal -- bad verb // want invalid-suppression "unknown directive `abiport:ignroe`"
	e, _ := syscall.Socket(syscall.AF_UNIX, 1, 0) // want arch-constant-literal arches=mips,mipsle,mips64,mips64le
	// A directive abiport honours stays silent, and so does the finding it accepts.
	//abiport:ignore arch-constant-literal -- the probe works with datagrams too
	f, _ := syscall.Socket(syscall.AF_UNIX, 1, 0)
	_, _, _, _, _, _ = a, b, c, d, e, f
}
