//go:build cgo

package quiet

// cgoWidth exists with cgo only, and is unexported: the packages importing quiet see the
// same package under both settings.
func cgoWidth() int { return 8 }
