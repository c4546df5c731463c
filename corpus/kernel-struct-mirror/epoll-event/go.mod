module example.com/epollmirror

go 1.19
