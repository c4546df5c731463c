// Hand-written for abiport's corpus.

package unix

// NsecToTimespec mirrors x/sys: the conversions make it build whatever Timespec holds.
func NsecToTimespec(nsec int64) Timespec {
	return Timespec{Sec: int32(nsec / 1e9), Nsec: int32(nsec % 1e9)}
}
