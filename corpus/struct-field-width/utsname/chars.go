package utsname

type devID = uint64

type cache struct{ seen map[devID]bool }

func (c *cache) add(d devID) { c.seen[d] = true }

// charsToString is the helper every pre-2019 tree had; silent: nothing here reads a field.
func charsToString(ca [65]int8) string {
	s := make([]byte, 0, len(ca))
	for _, c := range ca {
		if c == 0 {
			break
		}
		s = append(s, byte(c))
	}
	return string(s)
}
