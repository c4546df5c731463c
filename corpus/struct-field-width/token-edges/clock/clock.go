// Package clock defines a type over a table struct, used by its importer.
package clock

import "golang.org/x/sys/unix"

// Stamp has unix.Timespec's fields.
type Stamp unix.Timespec
