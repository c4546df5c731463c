// Package judged uses names that vary by arch from files the prefilter must keep and
// files it can drop unparsed: a name declared for every arch the file builds for, a name
// only its tests declare, a syscall number the file's own arch has.
package judged

func fast() int { return 1 }
