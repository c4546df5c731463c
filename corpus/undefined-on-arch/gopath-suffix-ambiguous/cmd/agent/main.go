// Command agent imports the tree's system/ as github.com/acme/agent/system, and
// cmd/forked imports it as github.com/acme/fork/system: the suffix match sees two
// prefixes and infers nothing rather than guess. Both calls stay silent (a note says
// why and asks for --import-path).
package main

import (
	"fmt"

	"github.com/acme/agent/system"
)

func main() {
	if err := system.Setuid(65534); err != nil { // silent: the import resolves to nothing
		fmt.Println(err)
	}
}
