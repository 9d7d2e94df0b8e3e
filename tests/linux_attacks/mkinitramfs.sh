#!/bin/sh
# Appends a second newc archive, with sbx_attack.ko as /lib/sbx_attack.ko and our
# /init, to the commodity initramfs. The kernel unpacks concatenated archives in
# order, so our /init replaces the stock one and everything else stays as built.
#   tests/linux_attacks/mkinitramfs.sh BASE.cpio sbx_attack.ko OUT.cpio
set -eu
base="$1" module="$2" out="$3"
here=$(dirname "$0")
busybox=/bin/busybox   # from busybox-static (mk/deps.sh), as guest/initramfs uses

staging="$out.staging"
rm -rf "$staging"
mkdir -p "$staging/lib"
cp "$module" "$staging/lib/sbx_attack.ko"
cp "$here/init" "$staging/init"
chmod 0755 "$staging/init"
find "$staging" -exec touch -h -d @0 {} +
# The base archive's size is a multiple of 4, as newc wants between members;
# pad it to 512 anyway so that the two archives cannot run together.
{
	cat "$base"
	pad=$(( (512 - $(stat -c %s "$base") % 512) % 512 ))
	[ "$pad" -eq 0 ] || head -c "$pad" /dev/zero
	(cd "$staging" && find . | LC_ALL=C sort | "$busybox" cpio -o -H newc 2>/dev/null)
} > "$out.tmp"
mv "$out.tmp" "$out"
rm -rf "$staging"
