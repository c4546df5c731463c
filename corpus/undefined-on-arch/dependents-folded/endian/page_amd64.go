package endian

// PageSize is declared for amd64 only.
func PageSize() int { return 4096 }
