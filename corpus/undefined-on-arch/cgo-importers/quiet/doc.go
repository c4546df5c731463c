// Package quiet holds one cgo-only file that declares nothing another package can name,
// and no exported name any arch lacks: the packages importing it see the same package
// under both settings.
package quiet
