#!/bin/sh
# Packs the commodity OS's initramfs (newc cpio) from this directory's init and
# profile and Debian's static busybox, with a link for each of its applets; no
# libraries are needed. Fixed timestamps and sorted names make it reproducible,
# so that its measurement (PCR 19) depends only on its content.
#   guest/initramfs/mkinitramfs.sh OUT.cpio
set -eu
out="$1"
here=$(dirname "$0")
busybox=/bin/busybox   # from busybox-static (mk/deps.sh)
[ -x "$busybox" ] || { echo "mkinitramfs: $busybox missing: install busybox-static" >&2; exit 1; }

staging="$out.staging"
rm -rf "$staging"
mkdir -p "$staging/bin" "$staging/dev" "$staging/etc" "$staging/proc" "$staging/root" \
	"$staging/sys" "$staging/tmp"
cp "$busybox" "$staging/bin/busybox"
for applet in $("$busybox" --list); do
	[ "$applet" = busybox ] || ln -s busybox "$staging/bin/$applet"
done
cp "$here/init" "$staging/init"
cp "$here/profile" "$staging/etc/profile"
chmod 0755 "$staging/init"
find "$staging" -exec touch -h -d @0 {} +
(cd "$staging" && find . | LC_ALL=C sort | "$busybox" cpio -o -H newc) > "$out.tmp" 2>/dev/null
mv "$out.tmp" "$out"
rm -rf "$staging"
