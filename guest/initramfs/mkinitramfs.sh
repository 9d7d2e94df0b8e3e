#!/bin/sh
# Packs the commodity OS's initramfs (newc cpio) from this directory's init, profile
# and selftest and Debian's static busybox, with a link for each of its applets, plus:
#   --module KO      a kernel module, into /lib/modules/ (init loads sbx.ko)
#   --program BIN    a program, into /bin/; a dynamically linked one brings the
#                    shared libraries ldd names and the dynamic loader, at the paths
#                    ldd gives (tpm2-tss has no static libraries in Debian)
#   --library LIB    a library the program dlopens, which ldd cannot see (the TCTI
#                    that tpm2-tss's loader opens by name)
# Fixed timestamps and sorted names make it reproducible, so that its measurement
# (PCR 19) depends only on its content.
#   guest/initramfs/mkinitramfs.sh OUT.cpio [--module KO]... [--program BIN]...
#                                           [--library LIB]...
set -eu
out="$1"
shift
here=$(dirname "$0")
busybox=/bin/busybox   # from busybox-static (mk/deps.sh)
[ -x "$busybox" ] || { echo "mkinitramfs: $busybox missing: install busybox-static" >&2; exit 1; }

staging="$out.staging"
rm -rf "$staging"
mkdir -p "$staging/bin" "$staging/dev" "$staging/etc" "$staging/lib/modules" \
	"$staging/proc" "$staging/root" "$staging/sys" "$staging/tmp"
cp "$busybox" "$staging/bin/busybox"
for applet in $("$busybox" --list); do
	[ "$applet" = busybox ] || ln -s busybox "$staging/bin/$applet"
done

# A file at its own absolute path inside the initramfs, symlinks resolved.
copy_at_path() {
	mkdir -p "$staging$(dirname "$1")"
	cp -L "$1" "$staging$1"
}
# The libraries and loader of a dynamically linked file, as ldd resolves them here.
copy_libraries() {
	ldd "$1" 2>/dev/null | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) .*/\1/p' |
		while read -r library; do copy_at_path "$library"; done
}

while [ $# -gt 0 ]; do
	[ $# -ge 2 ] || { echo "mkinitramfs: $1 needs a value" >&2; exit 1; }
	case "$1" in
	--module)  cp "$2" "$staging/lib/modules/" ;;
	--program) cp -L "$2" "$staging/bin/"; copy_libraries "$2" ;;
	--library) path=$(ldconfig -p | sed -n "s/^[[:space:]]*$2 (libc6,x86-64) => //p" | head -n1)
		   [ -n "$path" ] || { echo "mkinitramfs: no library $2" >&2; exit 1; }
		   copy_at_path "$path"; copy_libraries "$path" ;;
	*) echo "mkinitramfs: unknown option $1" >&2; exit 1 ;;
	esac
	shift 2
done

cp "$here/init" "$staging/init"
cp "$here/selftest" "$staging/bin/selftest"
cp "$here/profile" "$staging/etc/profile"
chmod 0755 "$staging/init" "$staging/bin/selftest"
find "$staging" -exec touch -h -d @0 {} +
(cd "$staging" && find . | LC_ALL=C sort | "$busybox" cpio -o -H newc) > "$out.tmp" 2>/dev/null
mv "$out.tmp" "$out"
rm -rf "$staging"
