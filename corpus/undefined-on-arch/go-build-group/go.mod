module example.com/gobuildgroup

go 1.19
