package main

// runCLI is not called by main: the silent caller of checkPlatform, named in its finding.
func runCLI() error {
	return checkPlatform()
}
