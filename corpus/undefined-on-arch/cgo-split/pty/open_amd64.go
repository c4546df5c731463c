package pty

// cgoOnlyAMD64 is declared for amd64 only and used below from a generic file.
func cgoOnlyAMD64() int { return 1 }
