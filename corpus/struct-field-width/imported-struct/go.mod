module example.com/imported

go 1.19
