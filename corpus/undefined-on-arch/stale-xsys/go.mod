module example.com/stalexsys

go 1.19

require golang.org/x/sys v0.0.0-20200826173525-f9321e4c35a6
