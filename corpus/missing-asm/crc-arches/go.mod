module example.com/asmports

go 1.19
