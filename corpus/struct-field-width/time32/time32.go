// Package time32 builds and reads Timespec, Timeval, Statfs_t and Sysinfo_t, whose fields
// are 32 bits wide on 386, arm, mips and mipsle.
package time32

import (
	"strconv"
	"time"

	"golang.org/x/sys/unix"
)

// Values given to table struct fields: keyed and positional literals, field assignment.
func deadline(sec, nsec int64) unix.Timespec {
	ts := unix.Timespec{
		Sec:  sec,  // want struct-field-width arches=386,arm,mips,mipsle "field `Sec` of `unix.Timespec` is `int32` on 386, arm, mips, mipsle, not `int64` as on amd64; given a value of type `int64`"
		Nsec: nsec, // want struct-field-width arches=386,arm,mips,mipsle
	}
	tv := unix.Timeval{
		sec, // want struct-field-width arches=386,arm,mips,mipsle "field `Sec` of `unix.Timeval`"
		0,   // silent: untyped constant
	}
	tv.Usec = nsec / 1000 // want struct-field-width arches=386,arm,mips,mipsle "assigned a value of type `int64` at line 22"
	_ = tv
	return ts
}

// Fields read into std functions with known int64 parameters.
func mtime(st *unix.Stat_t) time.Time {
	return time.Unix(st.Mtim.Sec, st.Mtim.Nsec) // want struct-field-width arches=386,arm,mips,mipsle "argument to `time.Unix`" struct-field-width arches=386,arm,mips,mipsle
}

// Flow through two locals, reported at the field.
func uptime() (string, error) {
	var si unix.Sysinfo_t
	if err := unix.Sysinfo(&si); err != nil {
		return "", err
	}
	up := si.Uptime // want struct-field-width arches=386,arm,mips,mipsle "`secs` is used as `int64` at line 40 \(argument to `strconv.FormatInt`\)"
	secs := up
	return strconv.FormatInt(secs, 10), nil
}

// Statfs_t.Bsize is int32 on 32-bit arches and uint32 on s390x.
func blockSize(path string) (int64, error) {
	var fs unix.Statfs_t
	if err := unix.Statfs(path, &fs); err != nil {
		return 0, err
	}
	return fs.Bsize, nil // want struct-field-width arches=386,arm,mips,mipsle,s390x "return"
}

// Silent: conversions and helpers that adapt on every arch.
func silent(sec, nsec int64, st *unix.Stat_t) (unix.Timespec, time.Time) {
	ts := unix.NsecToTimespec(sec*1e9 + nsec)               // silent: the helper takes int64 everywhere
	t := time.Unix(int64(st.Mtim.Sec), int64(st.Mtim.Nsec)) // silent: explicit conversions
	ts.Sec = 5                                              // silent: untyped constant
	sec2, nsec2 := st.Atim.Unix()                           // silent: the method returns int64 everywhere
	var total int64 = sec2 + nsec2                          // silent: int64 on every arch
	_ = total
	return ts, t
}
