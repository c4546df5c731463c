module example.com/cgosplit

go 1.19
