"""`make bench`: boots the same Linux kernel and initramfs (sbx.bench) twice in one
run, from two ISOs that differ only in their default GRUB entry: under the
hypervisor (build/sbx-linux-bench.iso) and directly (build/sbx-linux-bench-direct.iso).
Prints the host wall time from QEMU's start to Linux's userspace in both and their
ratio, Linux's own uptime at the shell-prompt point in both, and, under the
hypervisor, the exits during boot by reason and the exits per second while idle.
The two boots alternate for ROUNDS rounds; times are medians. The idle rate leaves
out what one `sbxctl stats` reading costs (init takes two back to back).
Not a test: nothing here passes or fails on speed."""
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "system"))
from sbx_machine import BUILD, BootTimeout, Machine  # noqa: E402

TIMEOUT = 600          # per boot, from QEMU's start to "bench done"
IDLE_SECONDS = 5       # what init sleeps between its last two `sbxctl stats`
ROUNDS = 3
REACHED = re.compile(r"^sbx-linux: userspace reached", re.MULTILINE)
DONE = re.compile(r"^sbx-linux: bench done$", re.MULTILINE)


def boot(iso):
    """Boots `iso` and returns (wall seconds to userspace, console text)."""
    with Machine(iso) as machine:
        start = time.monotonic()  # Machine started QEMU last, just now
        deadline = start + TIMEOUT
        reached = None
        while True:
            text = machine.serial()
            if reached is None and REACHED.search(text):
                reached = time.monotonic() - start
            if reached is not None and DONE.search(text):
                return reached, text
            if machine.qemu.poll() is not None:
                raise BootTimeout(f"{iso.name}: QEMU exited ({machine.qemu.returncode}) "
                                  f"before the bench was done; console:\n{text[-3000:]}")
            if time.monotonic() > deadline:
                raise BootTimeout(f"{iso.name}: no bench done within {TIMEOUT} s; "
                                  f"console:\n{text[-3000:]}")
            time.sleep(0.01)


def uptime(text):
    match = re.search(r"^sbx-linux: bench uptime ([0-9.]+)$", text, re.MULTILINE)
    assert match, "init printed no bench uptime"
    return float(match.group(1))


def stats(text, phase):
    """{partition: {reason: count}} from init's `sbxctl stats` of `phase` (the
    per-vCPU line, `stats vcpus`, is not a partition's)."""
    result = {}
    for partition, counts in re.findall(rf"^sbx-linux: bench {phase} stats "
                                        r"(commodity|securebox) (.*)$",
                                        text, re.MULTILINE):
        result[partition] = {reason: int(count)
                             for reason, count in re.findall(r"(\w+)=(\d+)", counts)}
    assert result, f"init printed no {phase} stats (no /dev/sbx?)"
    return result


def main():
    hv_runs, direct_runs = [], []
    for _ in range(ROUNDS):
        hv_runs.append(boot(BUILD / "sbx-linux-bench.iso"))
        direct_runs.append(boot(BUILD / "sbx-linux-bench-direct.iso"))
    for _, hv in hv_runs:
        # The hypervisor's own lines start with "sbx: " (the kernel's are timestamped).
        assert re.search(r"^sbx: starting the commodity partition", hv, re.MULTILINE), \
            "the hypervisor did not boot Linux"
    for _, direct in direct_runs:
        assert not re.search(r"^sbx: ", direct, re.MULTILINE), \
            "the direct entry ran the hypervisor"

    def median(values):
        return statistics.median(values)

    def samples(values):
        return " ".join(f"{value:.2f}" for value in values)

    wall_hv = median([wall for wall, _ in hv_runs])
    wall_direct = median([wall for wall, _ in direct_runs])
    uptime_hv = [uptime(text) for _, text in hv_runs]
    uptime_direct = [uptime(text) for _, text in direct_runs]
    print(f"sbx-bench: linux-boot-wall hypervisor {wall_hv:.2f} s "
          f"(median of {samples(wall for wall, _ in hv_runs)})")
    print(f"sbx-bench: linux-boot-wall direct {wall_direct:.2f} s "
          f"(median of {samples(wall for wall, _ in direct_runs)})")
    print(f"sbx-bench: linux-boot-wall ratio {wall_hv / wall_direct:.2f}")
    print(f"sbx-bench: linux-uptime hypervisor {median(uptime_hv):.2f} s "
          f"(median of {samples(uptime_hv)})")
    print(f"sbx-bench: linux-uptime direct {median(uptime_direct):.2f} s "
          f"(median of {samples(uptime_direct)})")

    # Exit counts from the median hypervisor boot.
    _, hv = sorted(hv_runs, key=lambda run: run[0])[len(hv_runs) // 2]
    boot_stats, again, idle = stats(hv, "boot"), stats(hv, "again"), stats(hv, "idle")
    for partition, counts in boot_stats.items():
        total = sum(counts.values())
        by_reason = " ".join(f"{reason}={count}" for reason, count in counts.items())
        print(f"sbx-bench: linux-boot-exits {partition} total={total} {by_reason}")
    for partition, counts in idle.items():
        first, second = boot_stats.get(partition, {}), again.get(partition, {})
        # (idle - again) spans 5 s and one reading; (again - boot) is one reading.
        rates = {reason: ((count - second.get(reason, 0))
                          - (second.get(reason, 0) - first.get(reason, 0))) / IDLE_SECONDS
                 for reason, count in counts.items()}
        reading = sum(second.get(reason, 0) - first.get(reason, 0) for reason in counts)
        by_reason = " ".join(f"{reason}={rate:.1f}" for reason, rate in rates.items())
        print(f"sbx-bench: linux-idle-exits-per-s {partition} "
              f"total={sum(rates.values()):.1f} {by_reason}")
        print(f"sbx-bench: linux-stats-reading-exits {partition} {reading}")


if __name__ == "__main__":
    main()
