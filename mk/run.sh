#!/bin/sh
# Boots an sbx ISO in QEMU (TCG with SVM and nested paging) beside a fresh swtpm
# that has an EK certificate from the local CA in build/tpm-ca/
# (mk/provision-tpm.sh). The serial console is this terminal; Ctrl-A X quits QEMU.
# The guest's attestation agent (port 7780) is forwarded to 127.0.0.1:7780.
#   mk/run.sh build/sbx.iso [uefi]
set -eu
iso="$1"
firmware="${2:-bios}"
state=$(mktemp -d /tmp/sbx-run.XXXXXX)
sh "$(dirname "$0")/provision-tpm.sh" "$state" || { rm -rf "$state"; exit 1; }
swtpm socket --tpm2 --tpmstate dir="$state" --ctrl type=unixio,path="$state/sock" \
	--terminate --daemon --pid file="$state/swtpm.pid"
cleanup() {
	[ -f "$state/swtpm.pid" ] && kill "$(cat "$state/swtpm.pid")" 2>/dev/null || true
	rm -rf "$state"
}
trap cleanup EXIT INT TERM

set -- -accel tcg -cpu qemu64,+svm,+npt -m 1G -display none -serial mon:stdio \
	-no-reboot -chardev socket,id=chrtpm,path="$state/sock" \
	-tpmdev emulator,id=tpm0,chardev=chrtpm -device tpm-tis,tpmdev=tpm0 -cdrom "$iso" \
	-nic user,model=e1000,hostfwd=tcp:127.0.0.1:7780-:7780
if [ "$firmware" = uefi ]; then
	cp /usr/share/OVMF/OVMF_VARS_4M.fd "$state/vars.fd"
	set -- "$@" -machine q35 \
		-drive if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd \
		-drive if=pflash,format=raw,unit=1,file="$state/vars.fd"
fi
echo "sbx: booting $iso ($firmware) in QEMU with swtpm; Ctrl-A X quits"
echo "sbx: the guest's attestation agent is forwarded to 127.0.0.1:7780; build/sbx-attest enroll / verify talk to it"
qemu-system-x86_64 "$@"
