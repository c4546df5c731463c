// Minimal hand-written copy for abiport's corpus (silent: no uses here).

package unix

// Major returns the major component of a Linux device number.
func Major(dev uint64) uint32 { return uint32((dev & 0x00000000000fff00) >> 8) }
