// Package report imports quiet alone: it is judged once for both cgo settings, and is
// silent.
package report

import "example.com/cgoimporters/quiet"

func Size() int {
	return quiet.Width()
}
