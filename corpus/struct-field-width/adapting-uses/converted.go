package adapting

import "golang.org/x/sys/unix"

// Silent, and not parsed: every varying field is converted where it is selected.
func converted(path string) (uint64, int64, error) {
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return 0, 0, err
	}
	return uint64(unix.Major(uint64(st.Rdev))), int64(st.Atim.Sec) + int64(st.Blksize), nil
}
