package system

// A local of the same name shadows the package-level one: nothing to report.
func shadow() int {
	Setuid := func(int) int { return 1 }
	MaxUID := 2
	return Setuid(MaxUID)
}

// A parameter shadows too.
func param(Setuid func(int) error) error {
	return Setuid(1)
}
