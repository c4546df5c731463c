module example.com/folded

go 1.19
