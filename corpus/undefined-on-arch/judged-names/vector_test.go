package judged

import "testing"

// Only the tests declare `vector`: varying (no non-test file declares it), yet every test
// file builds wherever this one does.
type vector struct{ in, out int }

func TestSpeed(t *testing.T) {
	for _, v := range vectors {
		if v.in < 0 {
			t.Fatal(v.out)
		}
	}
}
