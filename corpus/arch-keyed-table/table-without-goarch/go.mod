module example.com/nogoarch

go 1.19
