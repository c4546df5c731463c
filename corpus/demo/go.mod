module example.com/nodeagent

go 1.19

require (
	example.com/runtime v0.1.0
	example.com/system v0.1.0
	golang.org/x/sys v0.3.0
)
