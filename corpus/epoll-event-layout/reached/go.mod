module example.com/epollreach

go 1.19

require golang.org/x/sys v0.3.0

replace golang.org/x/sys => /usr/share/gocode/src/golang.org/x/sys
