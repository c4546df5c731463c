package judged

// Silent, and not parsed: this file builds for arm64 alone, which declares `fast`.
func near() int { return fast() + 1 }
