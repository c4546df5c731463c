module example.com/statpipe

go 1.19
