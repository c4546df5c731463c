module example.com/x86numbers

go 1.19
