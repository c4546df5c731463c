//go:build !mips64le

package rec

type Rec struct {
	Sec  int64
	Nsec func() int64
}

type Wrap struct{ big }

type Clock struct{ Ticks int64 }

type Event struct {
	Events uint32
	Fd     int32
}
