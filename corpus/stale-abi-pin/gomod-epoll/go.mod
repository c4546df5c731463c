module example.com/poller

go 1.13

require golang.org/x/sys v0.0.0-20190916202348-b4ddaad3f8a3 // want stale-abi-pin arches=arm64,mips64le,riscv64 "predates the ABI fixes the tree uses: `unix.EpollEvent` on mips64le \(poll.go:13, fixed by 52ab43148777 of 2019-11-15 15:19:21 UTC\); `unix.EpollCreate` on arm64, riscv64 \(poll.go:9, .*v0.0.0-20210915083310-ed5796bab164 or later"
