// Minimal hand-written copy for abiport's corpus (silent).

package unix

type Stat_t struct {
	Dev   uint64
	Ino   uint64
	Nlink uint32
	Rdev  uint64
}
