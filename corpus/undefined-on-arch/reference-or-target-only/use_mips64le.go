package only

func onTarget() int {
	return helper() // want undefined-on-arch arches=mips64le "`helper` is undefined on mips64le"
}
