package sys

// fastPath exists only on amd64 and only amd64 code calls it.
func fastPath() int { return PageShift }
