// Minimal hand-written copy for abiport's corpus. Silent: the common declarations match
// the tables on every arch they are checked for.

package unix

type Winsize struct {
	Row    uint16
	Col    uint16
	Xpixel uint16
	Ypixel uint16
}

type RawSockaddrInet4 struct {
	Family uint16
	Port   uint16
	Addr   [4]byte
	Zero   [8]uint8
}
