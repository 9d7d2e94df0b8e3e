#!/bin/sh
# Calibration boot: boots ISO on the reference machine (QEMU exactly as `make run`
# and the system tests start it: SeaBIOS, TCG with SVM and nested paging, 1 GiB,
# an e1000 NIC, tpm-tis with a fresh swtpm) until the hypervisor has printed the
# platform PCRs, and writes its `sbx: pcrN sha256 HEX` lines for PCRs 0-9 to OUT.
# Those are what SeaBIOS (0-7) and GRUB (8-9) measured on this machine: the golden
# platform values of build/reference.json (attest/README.md, "Reference values").
#   mk/calibrate-platform.sh ISO OUT
# SBX_CALIBRATE_TIMEOUT (seconds, default 120) bounds the wait.
set -eu

if [ $# -ne 2 ]; then
	echo "usage: mk/calibrate-platform.sh ISO OUT" >&2
	exit 2
fi
iso="$1"
out="$2"
timeout="${SBX_CALIBRATE_TIMEOUT:-120}"
if [ ! -r "$iso" ]; then
	echo "calibrate-platform: cannot read $iso" >&2
	exit 1
fi

state=$(mktemp -d /tmp/sbx-calibrate.XXXXXX)
qemu_pid=
swtpm_pid=
cleanup() {
	[ -n "$qemu_pid" ] && kill "$qemu_pid" 2>/dev/null || true
	[ -n "$swtpm_pid" ] && kill "$swtpm_pid" 2>/dev/null || true
	[ -n "$qemu_pid" ] && wait "$qemu_pid" 2>/dev/null || true
	[ -n "$swtpm_pid" ] && wait "$swtpm_pid" 2>/dev/null || true
	rm -rf "$state"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

swtpm socket --tpm2 --tpmstate dir="$state" --ctrl type=unixio,path="$state/sock" \
	--terminate >/dev/null 2>&1 &
swtpm_pid=$!
waited=0
while [ ! -S "$state/sock" ]; do
	if [ "$waited" -ge 100 ] || ! kill -0 "$swtpm_pid" 2>/dev/null; then
		echo "calibrate-platform: swtpm did not create its control socket" >&2
		exit 1
	fi
	sleep 0.1
	waited=$((waited + 1))
done

# The NIC matters: SeaBIOS measures the e1000's option ROM into PCR 2, so the
# calibration machine has the NIC model that `make run` gives the guest.
qemu-system-x86_64 -accel tcg -cpu qemu64,+svm,+npt -m 1G -display none -monitor none \
	-no-reboot -serial file:"$state/serial.log" -nic user,model=e1000 \
	-chardev socket,id=chrtpm,path="$state/sock" \
	-tpmdev emulator,id=tpm0,chardev=chrtpm -device tpm-tis,tpmdev=tpm0 \
	-cdrom "$iso" >/dev/null 2>"$state/qemu.err" &
qemu_pid=$!

deadline=$(($(date +%s) + timeout))
until grep -q '^sbx: pcr9 sha256 ' "$state/serial.log" 2>/dev/null; do
	if ! kill -0 "$qemu_pid" 2>/dev/null; then
		echo "calibrate-platform: QEMU exited before the hypervisor printed PCR 9" >&2
		cat "$state/qemu.err" >&2
		tail -n 20 "$state/serial.log" >&2 2>/dev/null || true
		exit 1
	fi
	if [ "$(date +%s)" -ge "$deadline" ]; then
		echo "calibrate-platform: no 'sbx: pcr9 sha256' from $iso within $timeout s" >&2
		tail -n 20 "$state/serial.log" >&2 2>/dev/null || true
		exit 1
	fi
	sleep 0.2
done

tr -d '\r' <"$state/serial.log" >"$state/console.txt"
: >"$state/pcrs.txt"
for pcr in 0 1 2 3 4 5 6 7 8 9; do
	line=$(grep -E "^sbx: pcr$pcr sha256 [0-9a-f]{64}\$" "$state/console.txt" | head -n 1)
	if [ -z "$line" ]; then
		echo "calibrate-platform: the hypervisor printed no SHA-256 value for PCR $pcr" >&2
		exit 1
	fi
	echo "$line" >>"$state/pcrs.txt"
done
# Written whole or not at all, so that make never sees half a calibration.
cp "$state/pcrs.txt" "$out.tmp"
mv "$out.tmp" "$out"
