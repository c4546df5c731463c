module example.com/judged

go 1.19
