package quiet

// Width is declared for amd64 alone, under both cgo settings.
func Width() int { return 8 }
