// Minimal hand-written copy for abiport's corpus; the layout is right, but there is no
// file for riscv64.

package unix // want abi-struct-drift arches=riscv64 "vendored `golang.org/x/sys/unix` has no `ztypes_linux_\*.go` for riscv64"

type EpollEvent struct {
	Events uint32
	Fd     int32
	Pad    int32
}
