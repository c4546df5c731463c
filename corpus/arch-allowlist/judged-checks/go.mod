module example.com/judgedchecks

go 1.19
