// Package statwidth uses Stat_t fields whose types differ by arch in every context where
// Go demands identical types, next to the contexts that adapt (which stay silent).
package statwidth

import (
	"fmt"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

type info struct {
	dev   uint64
	nlink uint64
}

type walker struct {
	total int64
	seen  map[uint64]string
	names map[string]uint64
	devs  chan uint64
}

// The K8S-MIPS bug: the value goes into a local first; the finding sits at the field and
// names the line that breaks.
func devices(path string) (uint32, uint32, error) {
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return 0, 0, err
	}
	rdev := st.Rdev // want struct-field-width arches=mips,mipsle,mips64,mips64le "`rdev` is used as `uint64` at line 33 \(argument to `unix.Major`, argument to `unix.Minor`\)"
	return unix.Major(rdev), unix.Minor(rdev), nil
}

func contexts(st *unix.Stat_t, other uint64, w *walker) {
	var blk int64 = st.Blksize // want struct-field-width arches=386,arm,arm64,loong64,mips,mipsle,mips64,mips64le,riscv64 "used as `int64` \(typed `var`\)"
	var n uint64
	n = st.Nlink            // want struct-field-width arches=386,arm,arm64,loong64,mips,mipsle,mips64,mips64le,riscv64 "used as `uint64` \(assignment\)"
	_ = unix.Major(st.Rdev) // want struct-field-width arches=mips,mipsle,mips64,mips64le "argument to `unix.Major`"
	_ = info{dev: st.Dev}   // want struct-field-width arches=mips,mipsle,mips64,mips64le "literal field"
	_ = info{
		st.Dev,   // want struct-field-width arches=mips,mipsle,mips64,mips64le "literal element"
		st.Nlink, // want struct-field-width arches=386,arm,arm64,loong64,mips,mipsle,mips64,mips64le,riscv64
	}
	if st.Dev == other { // want struct-field-width arches=mips,mipsle,mips64,mips64le "comparison with `other`"
		return
	}
	w.devs <- st.Rdev           // want struct-field-width arches=mips,mipsle,mips64,mips64le "channel send"
	w.seen[st.Dev] = "root"     // want struct-field-width arches=mips,mipsle,mips64,mips64le "map key"
	w.names["links"] = st.Nlink // want struct-field-width arches=386,arm,arm64,loong64,mips,mipsle,mips64,mips64le,riscv64 "assignment"
	w.total += st.Blksize       // want struct-field-width arches=386,arm,arm64,loong64,mips,mipsle,mips64,mips64le,riscv64 "compound assignment"
	sum := other + st.Rdev      // want struct-field-width arches=mips,mipsle,mips64,mips64le "operand with `other`"
	dev, ino := st.Dev, st.Ino  // want struct-field-width arches=mips,mipsle,mips64,mips64le "`dev` is used as `uint64` at line 55 \(element appended\)"
	keys := append([]uint64{}, dev, ino)
	_, _, _, _ = blk, n, sum, keys
}

// Returns and named results.
func links(st *unix.Stat_t) uint64 {
	return st.Nlink // want struct-field-width arches=386,arm,arm64,loong64,mips,mipsle,mips64,mips64le,riscv64 "return"
}

func blocks(st *unix.Stat_t) (n int64) {
	n = st.Blksize // want struct-field-width arches=386,arm,arm64,loong64,mips,mipsle,mips64,mips64le,riscv64
	return
}

// A type assertion from os.FileInfo, a receiver, and std syscall's Stat_t.
func (w *walker) visit(fi os.FileInfo) {
	st := fi.Sys().(*syscall.Stat_t)
	w.total += st.Blksize // want struct-field-width arches=386,arm,arm64,loong64,mips,mipsle,mips64,mips64le,riscv64
}

// A type switch.
func major(v interface{}) uint32 {
	switch s := v.(type) {
	case *unix.Stat_t:
		return unix.Major(s.Rdev) // want struct-field-width arches=mips,mipsle,mips64,mips64le
	}
	return 0
}

// Silent: each use below adapts to the field's type on every arch.
func silent(st *unix.Stat_t, other uint64) {
	_ = unix.Major(uint64(st.Rdev))  // silent: explicit conversion
	fmt.Println(st.Rdev, st.Nlink)   // silent: interface parameters
	var anyv interface{} = st.Dev    // silent: interface-typed var
	if st.Dev == 0 || st.Nlink > 1 { // silent: untyped constants
		return
	}
	_ = other << st.Nlink                     // silent: shift count
	var bytes int64 = int64(st.Blksize) * 512 // silent: arithmetic after a conversion
	var sz int64 = st.Size                    // silent: `Size` is `int64` everywhere
	same := st.Dev == st.Rdev                 // silent: both sides change together
	d := st.Dev                               // silent: the local is only used where any type fits
	fmt.Printf("%d %v %v\n", d, same, anyv)
	_, _ = bytes, sz
	mode := os.FileMode(st.Mode) // silent: conversion (and Mode is uint32 everywhere)
	_ = mode
}
