#!/bin/sh
# Packs the commodity OS's initramfs (newc cpio) from this directory's init, profile
# and selftest and Debian's static busybox, with a link for each of its applets, plus:
#   --module KO      a kernel module, into /lib/modules/ (init loads sbx.ko, and
#                    e1000.ko in the interactive boot)
#   --program BIN    a program, into /bin/; a dynamically linked one brings the
#                    shared libraries ldd names and the dynamic loader, at the paths
#                    ldd gives (tpm2-tss has no static libraries in Debian)
#   --library LIB    a library the program dlopens, which ldd cannot see (the TCTI
#                    that tpm2-tss's loader opens by name)
# Fixed timestamps, sorted names and numbered inodes make it reproducible, so that
# its measurement (PCR 19) depends only on its content.
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
# busybox cpio writes each file's inode and device numbers from the build's file
# system, which differ from one build to the next: number the entries instead.
# Every file was copied (no hard links), so distinct numbers change nothing.
/usr/bin/python3 - "$out.tmp" <<'EOF_PYTHON'
import sys
path = sys.argv[1]
data = bytearray(open(path, "rb").read())
offset, number = 0, 0
while True:
    assert data[offset:offset + 6] == b"070701", f"no newc header at {offset}"
    size, name_size = (int(data[offset + 6 + 8 * i:offset + 14 + 8 * i], 16) for i in (6, 11))
    name = bytes(data[offset + 110:offset + 110 + name_size - 1])
    if name == b"TRAILER!!!":
        break
    number += 1
    data[offset + 6:offset + 14] = b"%08X" % number     # c_ino
    data[offset + 62:offset + 78] = b"0" * 16           # c_devmajor, c_devminor
    offset = (offset + 110 + name_size + 3) & ~3
    offset = (offset + size + 3) & ~3
open(path, "wb").write(data)
EOF_PYTHON
mv "$out.tmp" "$out"
rm -rf "$staging"
