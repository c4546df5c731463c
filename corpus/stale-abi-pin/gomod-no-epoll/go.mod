module example.com/ids

go 1.13

require golang.org/x/sys v0.0.0-20190916202348-b4ddaad3f8a3
