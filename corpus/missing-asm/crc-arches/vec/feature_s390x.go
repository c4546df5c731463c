package vec

// Defined by feature_s390x.s on the only arch this file builds for: silent.
func hasVX() bool
