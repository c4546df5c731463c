module example.com/deadbranches

go 1.19
