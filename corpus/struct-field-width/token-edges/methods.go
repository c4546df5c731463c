package tokenedges

import (
	"os"

	"golang.org/x/sys/unix"
)

// Silent, and not parsed: names of varying fields only as called methods and bare
// identifiers.
func info(fi os.FileInfo) (int64, os.FileMode) {
	Mode, Nlink := fi.Mode(), fi.Size() // silent: method calls, locals
	unix.Getpid()
	return Nlink, Mode
}
