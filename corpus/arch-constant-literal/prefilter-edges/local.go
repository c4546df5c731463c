package edges

import "syscall"

// A constant declared in a function body, in a file that calls nothing judged.
func local() int {
	const sigusr1 = 10 // want arch-constant-literal arches=mips,mipsle,mips64,mips64le "`sigusr1` is amd64's `SIGUSR1` \(10\)"
	return sigusr1 + syscall.Getpid()
}
