#!/bin/sh
# Silent: no arch list here, only the host's arch: the script builds what it runs on.
docker build -f Containerfile.$(go env GOARCH) -t tools .
