package pty

/*
#include <stdlib.h>
*/
import "C"

// ptsname exists only in cgo builds, and in a cross build cgo is off.
func ptsname(fd int) string { return C.GoString(nil) }

// Grant exists in cgo builds and in the fallback below: silent.
func Grant(fd int) error { return nil }
