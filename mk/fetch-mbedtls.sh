#!/bin/sh
# Fetch and unpack Debian's mbedtls source package into $1 without touching the
# machine's apt configuration: a private sources list built from the system's own
# Debian entry, and private lists/archives directories under the build tree.
set -eu
out="$1"
[ -f "$out/.unpacked" ] && exit 0

out="$(realpath -m "$out")"
work="$(dirname "$out")/apt-src"
mkdir -p "$work/sources.d" "$work/lists/partial" "$work/archives/partial" "$work/download"

system_entry=/etc/apt/sources.list.d/debian.sources
if [ -f "$system_entry" ]; then
	sed 's/^Types:.*/Types: deb-src/' "$system_entry" > "$work/sources.d/debian-src.sources"
else
	# Older one-line format: keep only the Debian deb lines, turned into deb-src.
	grep -h '^deb .*debian' /etc/apt/sources.list | sed 's/^deb /deb-src /' \
		> "$work/sources.d/debian-src.list"
fi

apt_opts="-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts=$work/sources.d \
 -o Dir::State::Lists=$work/lists -o Dir::Cache::Archives=$work/archives \
 -o Debug::NoLocking=1 -o APT::Sandbox::User=root"
# shellcheck disable=SC2086
apt-get -q $apt_opts update >"$work/update.log" 2>&1 || { cat "$work/update.log"; exit 1; }
cd "$work/download"
# shellcheck disable=SC2086
apt-get -q $apt_opts source --download-only mbedtls >"$work/source.log" 2>&1 || { cat "$work/source.log"; exit 1; }
dsc=$(ls mbedtls_*.dsc | head -n1)
rm -rf "$out"
dpkg-source --no-check -x "$dsc" "$out" >"$work/unpack.log" 2>&1 || { cat "$work/unpack.log"; exit 1; }
touch "$out/.unpacked"
