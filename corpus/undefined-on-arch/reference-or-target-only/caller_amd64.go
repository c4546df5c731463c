package only

// Silent: this file builds for the reference alone, which declares `helper`.
func onReference() int { return helper() }
