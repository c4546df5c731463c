module example.com/epollrefused

go 1.19
