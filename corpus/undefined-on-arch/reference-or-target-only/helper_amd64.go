// Package only uses a name the reference declares from files that build for one arch:
// the target's file breaks (it does not build for the reference, and is still judged);
// the reference's own file cannot.
package only

func helper() int { return 1 }
