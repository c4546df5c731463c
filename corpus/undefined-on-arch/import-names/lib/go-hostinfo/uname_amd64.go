// Package hostinfo lives in a directory named go-hostinfo: importers call it hostinfo.
package hostinfo

// Uname exists only on amd64.
func Uname() string { return "x86_64" }
