// Package quiet holds one cgo-only file that declares nothing another package can name.
package quiet
