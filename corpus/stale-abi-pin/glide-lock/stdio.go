// Package stdio redirects and waits with a glide-pinned x/sys. The pin is the Dup2 fix
// itself: Dup2 stays silent, Select's later fixes are missing.
package stdio

import "golang.org/x/sys/unix"

// Redirect points fd 2 at fd and waits until it is writable.
func Redirect(fd int) error {
	var w unix.FdSet
	if err := unix.Dup2(fd, 2); err != nil {
		return err
	}
	_, err := unix.Select(fd+1, nil, &w, nil, nil)
	return err
}
