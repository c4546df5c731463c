module example.com/invalidsuppression

go 1.19
