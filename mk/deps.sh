#!/bin/sh
# Install every Debian package the build, `make run` and `make test` need.
# Idempotent and quick: dpkg is asked first, apt only runs for what is missing.
set -eu
packages="
	build-essential clang lld llvm libclang-rt-14-dev dpkg-dev
	grub-common grub-pc-bin grub-efi-amd64-bin xorriso mtools
	qemu-system-x86 ovmf swtpm swtpm-tools tpm2-tools
	libtss2-dev libjson-c-dev libcmocka-dev python3 python3-pytest
	busybox-static linux-libc-dev
"
missing=""
for p in $packages; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$status" in
		*"install ok installed"*) ;;
		*) missing="$missing $p" ;;
	esac
done
if [ -n "$missing" ]; then
	echo "deps: installing$missing"
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	$sudo apt-get update -q
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing
fi
