//go:build cgo

// Package dev differs with cgo but builds either way: packages importing it are judged
// under both settings.
package dev

/*
#include <sys/types.h>
#include <sys/sysmacros.h>
static unsigned int dev_major(unsigned long long d) { return major(d); }
*/
import "C"

// Major of a device number, from the C library.
func Major(d uint64) uint32 { return uint32(C.dev_major(C.ulonglong(d))) }
