// Silent, and dropped unparsed: `SyscallConn` is no raw syscall.

package judgedtraps

import "syscall"

// Control runs f on the connection's descriptor.
func Control(c syscall.Conn, f func(fd uintptr)) error {
	raw, err := c.SyscallConn()
	if err != nil {
		return err
	}
	return raw.Control(f)
}
