// Command forked was copied from a fork and kept the fork's import path.
package main

import (
	"fmt"

	"github.com/acme/fork/system"
)

func main() {
	if err := system.Setuid(65534); err != nil { // silent: the import resolves to nothing
		fmt.Println(err)
	}
}
