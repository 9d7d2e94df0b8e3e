"""System tests of Linux as the commodity OS: boot build/sbx-linux-test.iso (Debian's
stock kernel and our initramfs, under the hypervisor), whose init powers the machine
off once userspace is reached, and check what Linux was handed and what it did."""
import re

import pytest

from sbx_machine import BUILD, Machine

TIMEOUT = 300


@pytest.fixture(scope="module")
def run():
    with Machine(BUILD / "sbx-linux-test.iso") as machine:
        # Linux's last words before the power goes: the log is then complete.
        return machine.wait_for(r"reboot: Power down", TIMEOUT)


def linux_e820(text):
    """Linux's own print of the memory map it was handed: [(start, end, type)]."""
    return [(int(start, 16), int(end, 16) + 1, kind) for start, end, kind in
            re.findall(r"BIOS-e820: \[mem 0x([0-9a-f]+)-0x([0-9a-f]+)\] (.+)$", text,
                       re.MULTILINE)]


def hidden_ranges(text):
    match = re.search(r"^sbx: commodity: hidden hypervisor 0x([0-9a-f]+)-0x([0-9a-f]+), "
                      r"arena 0x([0-9a-f]+)-0x([0-9a-f]+), "
                      r"securebox 0x([0-9a-f]+)-0x([0-9a-f]+)$", text, re.MULTILINE)
    assert match, "the hypervisor did not say what it hides"
    bounds = [int(value, 16) for value in match.groups()]
    return {name: (bounds[2 * i], bounds[2 * i + 1] + 1)
            for i, name in enumerate(["hypervisor", "arena", "securebox"])}


def test_the_kernel_boots_under_the_hypervisor(run):
    assert re.search(r"^sbx: starting the commodity partition \(Linux at 0x", run, re.M)
    assert re.search(r"Linux version 6\.\d+\.\d+-\d+-amd64", run)
    assert re.search(r"Command line: console=ttyS0\S* .*sbx\.test=poweroff", run)
    assert "Run /init as init process" in run


def test_userspace_is_reached_and_powers_off(run):
    reached = re.search(r"^sbx-linux: userspace reached, uptime ([0-9.]+) s$", run, re.M)
    assert reached, "init never ran"
    print(f"Linux reached userspace after {reached.group(1)} s of its own uptime")
    assert re.search(r"^sbx-linux: test done$", run, re.M)


def test_initrd_and_acpi_are_handed_over(run):
    assert re.search(r"RAMDISK: \[mem 0x[0-9a-f]+-0x[0-9a-f]+\]", run)
    assert "ACPI: RSDP" in run
    assert "tpm_tis" in run and "2.0 TPM" in run


def test_e820_reserves_hypervisor_and_securebox_memory(run):
    e820 = linux_e820(run)
    assert e820, "Linux printed no e820 map"
    for (_, end, _), (start, _, _) in zip(e820, e820[1:]):
        assert end <= start, "e820 entries overlap or are unsorted"
    for name, (start, end) in hidden_ranges(run).items():
        covering = [kind for first, last, kind in e820 if first <= start and end <= last]
        assert covering == ["reserved"], f"{name} {start:#x}-{end:#x} is not reserved"
        usable = [(first, last) for first, last, kind in e820
                  if kind == "usable" and first < end and start < last]
        assert not usable, f"Linux may use {name} memory: {usable}"


def test_no_violation_and_no_crash(run):
    assert not re.search(r"^sbx: \w+: violation", run, re.M)
    assert "FATAL" not in run
    assert "Kernel panic" not in run
    assert "sbx: commodity: shutdown" not in run
    assert "sbx: commodity partition stopped" not in run
