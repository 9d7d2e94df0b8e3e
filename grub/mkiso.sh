#!/bin/sh
# Builds a bootable sbx ISO (SeaBIOS and UEFI) with grub-mkrescue.
#   grub/mkiso.sh OUT.iso --hv F --policy F --securebox F --kernel F --initrd F
#                 [--cmdline "commodity kernel command line"] [--hv-cmdline "hv options"]
#                 [--default N]
# --default picks the menu entry GRUB boots: 0 (the default) the hypervisor, 1 the
# same kernel and initrd directly, without the hypervisor (a baseline).
# The menu entry tags each module by the first word of its command line, which is
# how the hypervisor tells them apart.
set -eu
usage() { echo "usage: $0 OUT.iso --hv F --policy F --securebox F --kernel F --initrd F [--cmdline S] [--hv-cmdline S] [--default 0|1]" >&2; exit 2; }
[ $# -ge 1 ] || usage
out="$1"; shift
hv= policy= securebox= kernel= initrd= cmdline="console=ttyS0" hv_cmdline="" default=0
while [ $# -gt 0 ]; do
	[ $# -ge 2 ] || usage
	case "$1" in
		--hv) hv="$2" ;;
		--policy) policy="$2" ;;
		--securebox) securebox="$2" ;;
		--kernel) kernel="$2" ;;
		--initrd) initrd="$2" ;;
		--cmdline) cmdline="$2" ;;
		--hv-cmdline) hv_cmdline="$2" ;;
		--default) default="$2" ;;
		*) usage ;;
	esac
	shift 2
done
for f in "$hv" "$policy" "$securebox" "$kernel" "$initrd"; do
	[ -n "$f" ] && [ -f "$f" ] || { echo "mkiso: missing input file '$f'" >&2; usage; }
done
case "$default" in
	0|1) ;;
	*) echo "mkiso: --default must be 0 (hypervisor) or 1 (Linux directly)" >&2; exit 2 ;;
esac
case "$cmdline$hv_cmdline" in
	*[\"\\\$\;\'\`]*) echo "mkiso: command lines must not contain quotes, \\, \$, ; or \`" >&2; exit 2 ;;
esac

staging="$out.staging"
rm -rf "$staging"
mkdir -p "$staging/boot/grub" "$staging/boot/sbx"
cp "$hv" "$staging/boot/sbx/hv.elf"
cp "$policy" "$staging/boot/sbx/policy"
cp "$securebox" "$staging/boot/sbx/securebox"
cp "$kernel" "$staging/boot/sbx/kernel"
cp "$initrd" "$staging/boot/sbx/initrd"
sed -e "s|@HV_CMDLINE@|$hv_cmdline|" -e "s|@KERNEL_CMDLINE@|$cmdline|" \
	-e "s|@DEFAULT@|$default|" \
	"$(dirname "$0")/grub.cfg.in" > "$staging/boot/grub/grub.cfg"
grub-mkrescue -o "$out.tmp" "$staging" >"$out.log" 2>&1 || { cat "$out.log" >&2; exit 1; }
mv "$out.tmp" "$out"
rm -rf "$staging"
