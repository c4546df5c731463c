// Minimal hand-written copy for abiport's corpus: a common declaration that drifted
// (Ucred.Pid as int64) is wrong on every arch.

package unix

type Ucred struct { // want abi-struct-drift arches=amd64,arm64,mips64le "vendored `unix.Ucred` for amd64, arm64, mips64le is 16 bytes, not 12, has a 8-byte `Pid`"
	Pid int64
	Uid uint32
	Gid uint32
}
