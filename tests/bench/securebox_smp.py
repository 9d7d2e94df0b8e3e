"""`make bench`: securebox calls from several CPUs at once. Boots the stock Linux
kernel and initramfs of build/sbx-linux.iso under the hypervisor with four CPUs (QEMU
-smp 4, policy/default.pol plus `cpus 4`) and, in that one boot, makes CALLS
securebox ECHO calls with `sbxctl calls` from CPU 0 alone, from CPUs 0-1 and from
CPUs 0-3 (one thread pinned to each CPU, every reply checked byte for byte). Prints
the calls per second of each, as sbxctl timed them inside Linux, and the 2-CPU/1-CPU
and 4-CPU/1-CPU ratios, then the exits of each vCPU. Not a test: nothing here passes
or fails on speed; it fails only if Linux does not get four CPUs or a call fails."""
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "system"))
from sbx_machine import BUILD, ROOT, BootTimeout, Machine, make_iso  # noqa: E402

CPUS = 4
CALLS = 4000
CPU_LISTS = ["0", "0,1", "0,1,2,3"]
WARM_UP_CALLS = 100
BOOT_TIMEOUT = 600     # from QEMU's start to the shell's prompt
CALLS_TIMEOUT = 600    # per `sbxctl calls`
# As guest/linux.mk boots build/sbx-linux.iso (init then starts the shell); a panic
# ends QEMU (-no-reboot) instead of hanging the bench.
CMDLINE = "console=ttyS0,115200 earlyprintk=serial,ttyS0,115200 panic=-1"
PROMPT = r"sbx-linux:\S*# "   # guest/initramfs/profile's PS1, in whichever directory
LOG = BUILD / "sbx-bench-securebox-smp.log"
TOTAL = re.compile(r"^calls total (\d+) ok=(\d+) failed=(\d+) seconds=([0-9.]+) "
                   r"per_second=([0-9.]+)$", re.MULTILINE)


def shell(machine, command, timeout):
    """Runs `command` in the guest's shell; returns (its output, its exit status)."""
    output = machine.run(f"{command}; echo \"exit=$?\"", timeout)
    status = re.findall(r"^exit=(\d+)$", output, re.MULTILINE)
    assert status, f"{command!r} printed no exit status:\n{output}"
    return output, int(status[-1])


def calls(machine, cpu_list, count):
    """`sbxctl calls` on `cpu_list`: its calls per second; every call must succeed."""
    command = f"sbxctl calls --count {count} --cpus {cpu_list}"
    output, status = shell(machine, command, CALLS_TIMEOUT)
    total = TOTAL.search(output)
    assert status == 0 and total, f"{command!r} failed (exit {status}):\n{output}"
    assert int(total.group(2)) == count, f"{command!r}:\n{output}"
    return float(total.group(5))


def main():
    for path in (BUILD / "hv.elf", BUILD / "securebox.elf", BUILD / "linux/vmlinuz",
                 BUILD / "initramfs.cpio"):
        assert path.exists(), f"{path} is missing (make {BUILD.name}/sbx-linux.iso builds it)"
    policy = (ROOT / "policy/default.pol").read_text()
    assert not re.search(r"^cpus ", policy, re.MULTILINE), "default.pol already says cpus"
    with tempfile.TemporaryDirectory(prefix="sbx-bench-smp-") as tmp:
        (Path(tmp) / "policy").write_text(f"{policy}\ncpus {CPUS}\n")
        iso = Path(tmp) / "sbx-linux-smp.iso"
        make_iso(iso, policy=Path(tmp) / "policy", kernel=BUILD / "linux/vmlinuz",
                 initrd=BUILD / "initramfs.cpio", cmdline=CMDLINE)
        with Machine(iso, extra_arguments=["-smp", str(CPUS)], interactive=True) as machine:
            try:
                console = machine.wait_for(rf"{PROMPT}|^sbx: FATAL", BOOT_TIMEOUT)
                fatal = re.search(r"^sbx: FATAL.*$", console, re.MULTILINE)
                if fatal:
                    raise BootTimeout(f"the hypervisor refused to start: {fatal.group(0)}")
                # init started the attestation agent: stopped, so that its start-up
                # (EK and AK creation) takes no CPU time from the calls.
                shell(machine, "kill $(pidof sbx-agent)", 60)
                online, _ = shell(machine, "cat /sys/devices/system/cpu/online", 60)
                assert re.search(rf"^0-{CPUS - 1}$", online, re.MULTILINE), \
                    f"Linux has not got {CPUS} CPUs online:\n{online}"
                # The first calls of a boot pay for what later ones find ready
                # (sbxctl's pages, the securebox's first ECHO): not measured.
                calls(machine, ",".join(map(str, range(CPUS))), WARM_UP_CALLS)
                rates = {cpu_list: calls(machine, cpu_list, CALLS) for cpu_list in CPU_LISTS}
                stats, status = shell(machine, "sbxctl stats", 60)
                assert status == 0, f"sbxctl stats failed:\n{stats}"
            finally:
                # Kept for reading after a failure: the whole serial console.
                LOG.write_text(machine.serial())

    for cpu_list, rate in rates.items():
        print(f"sbx-bench: securebox-smp calls cpus={cpu_list} {rate:.1f} per s "
              f"({CALLS} ECHO calls)")
    single = rates[CPU_LISTS[0]]
    for cpu_list in CPU_LISTS[1:]:
        cpus = cpu_list.count(",") + 1
        print(f"sbx-bench: securebox-smp ratio {cpus}-cpu/1-cpu {rates[cpu_list] / single:.2f}")
    vcpus = re.search(r"^stats vcpus \d+ exits=[0-9,]*$", stats, re.MULTILINE)
    assert vcpus, f"sbxctl stats printed no vcpus line:\n{stats}"
    print(f"sbx-bench: securebox-smp {vcpus.group(0)}")


if __name__ == "__main__":
    main()
