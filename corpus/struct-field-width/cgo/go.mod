module example.com/cgowidth

go 1.19
