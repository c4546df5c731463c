package judged

func fast() int { return 2 }
