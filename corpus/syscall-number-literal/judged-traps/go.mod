module example.com/judgedtraps

go 1.19
