module example.com/judgedmirrors

go 1.19
