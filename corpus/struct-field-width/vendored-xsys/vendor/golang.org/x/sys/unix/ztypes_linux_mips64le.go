// Minimal hand-written copy for abiport's corpus (silent).

package unix

type Stat_t struct {
	Dev   uint32
	Ino   uint64
	Nlink uint32
	Rdev  uint32
}
