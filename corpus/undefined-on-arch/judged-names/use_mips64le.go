package judged

func speed() int {
	return fast() // want undefined-on-arch arches=mips64le "`fast` is undefined on mips64le"
}
