#!/bin/sh
# Fetch the headers that match the kernel mk/fetch-kernel.sh fetched into $1
# (build/linux), so that out-of-tree modules (guest/driver/) build against exactly
# that kernel: `apt-get download` of linux-headers-<release>, its -common part and
# linux-kbuild-6.1, all at the kernel package's own version, unpacked with `dpkg -x`
# into $1/headers. Nothing is installed.
#   mk/fetch-kernel-headers.sh build/linux  ->  build/linux/kbuild (a KDIR for make -C)
set -eu
out="$1"
release=$(cat "$out/version")
# Up to date only if they are the headers of the kernel fetched now.
[ -f "$out/kbuild/Makefile" ] &&
	[ "$(readlink "$out/kbuild")" = "headers/usr/src/linux-headers-$release" ] && exit 0

# The headers must come from the very build of the image: same package version.
version=$(dpkg-deb -f "$out"/download/linux-image-"$release"_*.deb Version)
kbuild="linux-kbuild-$(echo "$release" | cut -d. -f1-2)"
packages="linux-headers-$release=$version linux-headers-${release%-*}-common=$version $kbuild=$version"

mkdir -p "$out/headers-download"
download() {
	# shellcheck disable=SC2086
	(cd "$out/headers-download" && rm -f ./*.deb &&
		apt-get download -q $packages >download.log 2>&1)
}
if ! download; then
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	$sudo apt-get update -q >/dev/null
	download || { cat "$out/headers-download/download.log" >&2; exit 1; }
fi

rm -rf "$out/headers" "$out/kbuild"
for deb in "$out"/headers-download/*.deb; do
	dpkg -x "$deb" "$out/headers"
done
root=$(cd "$out/headers" && pwd)
kdir="$root/usr/src/linux-headers-$release"
# The packages link scripts/ and tools/ relatively, which stays inside $root; only
# the arch Makefile includes the common one by its absolute /usr/src path.
sed -i "s|^include /usr/src/|include $root/usr/src/|" "$kdir/Makefile"
ln -s "headers/usr/src/linux-headers-$release" "$out/kbuild"
echo "fetch-kernel-headers: linux-headers-$release $version in $out/kbuild"
