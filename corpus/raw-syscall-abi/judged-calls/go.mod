module example.com/judgedcalls

go 1.19
