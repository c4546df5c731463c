module example.com/complete

go 1.19
