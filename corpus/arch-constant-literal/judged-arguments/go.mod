module example.com/judgedargs

go 1.19
