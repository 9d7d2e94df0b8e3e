#!/bin/sh
# Fetch Debian's stock kernel, the one linux-image-amd64 currently depends on, into
# $1 (build/linux): `apt-get download` of the package, unpacked with `dpkg -x` under
# the build tree. Nothing is installed: the build machine's /boot stays untouched.
#   mk/fetch-kernel.sh build/linux    ->  build/linux/vmlinuz, build/linux/version
set -eu
out="$1"
[ -f "$out/vmlinuz" ] && [ -f "$out/version" ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
update_lists() {
	$sudo apt-get update -q >/dev/null
}
# The metapackage's dependency names the versioned image package.
resolve() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n1
}
download() {
	(cd "$out/download" && rm -f ./*.deb && apt-get download -q "$package" >download.log 2>&1)
}

mkdir -p "$out/download"
package=$(resolve)
# Missing or stale package lists: refresh them once, then try again.
if [ -z "$package" ] || ! download; then
	update_lists
	package=$(resolve)
	[ -n "$package" ] || { echo "fetch-kernel: linux-image-amd64 names no kernel package" >&2; exit 1; }
	download || { cat "$out/download/download.log" >&2; exit 1; }
fi

rm -rf "$out/unpacked"
dpkg -x "$out"/download/"$package"_*.deb "$out/unpacked"
release=${package#linux-image-}
cp "$out/unpacked/boot/vmlinuz-$release" "$out/vmlinuz.tmp"
mv "$out/vmlinuz.tmp" "$out/vmlinuz"
echo "$release" > "$out/version"
echo "fetch-kernel: $package ($(stat -c %s "$out/vmlinuz") bytes) in $out/vmlinuz"
