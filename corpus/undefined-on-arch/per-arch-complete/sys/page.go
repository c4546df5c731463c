package sys

// PageSize uses a name that every arch declares: silent.
func PageSize() int { return 1 << PageShift }
