// Package endian declares its byte order in per-arch files for two arches only (no file
// can be extended to another arch: no fix), and uses it everywhere.
package endian

// Native is the byte order; nothing declares it for the other arches.
var Native = "little"
