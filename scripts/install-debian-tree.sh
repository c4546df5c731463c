#!/usr/bin/env bash
# Install a dozen real Go projects from Debian (about 275 golang-*-dev packages, sources under
# /usr/share/gocode/src): the negative set and speed benchmark for `abiport scan`.
set -euo pipefail
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
  golang-github-opencontainers-runc-dev golang-github-docker-docker-dev \
  golang-github-containerd-containerd-dev golang-etcd-server-dev \
  golang-github-vishvananda-netlink-dev golang-github-shirou-gopsutil-dev \
  golang-github-prometheus-procfs-dev golang-github-creack-pty-dev \
  golang-github-fsnotify-fsnotify-dev golang-github-coreos-go-systemd-dev \
  golang-github-moby-sys-dev golang-k8s-utils-dev golang-k8s-system-validators-dev \
  golang-github-containers-storage-dev >/dev/null
