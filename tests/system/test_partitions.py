"""System tests of the partitions: boot build/sbx-test.iso, whose commodity
partition is the test guest (tests/guest), and check that every attack scenario is
contained, the securebox keeps answering, and the measurements are untouched."""
import re

import pytest

from sbx_machine import BUILD, Machine, console_pcrs

TIMEOUT = 600
SCENARIOS = [
    "null-hypercall", "securebox-echo",
    "read-hypervisor-memory", "write-hypervisor-memory",
    "read-securebox-memory", "write-securebox-memory",
    "tpm-localities",
    "vmrun", "clear-efer-svme", "write-vm-hsave-pa", "hidden-state-survives-world-switch",
    "hypercall-buffer-hypervisor", "hypercall-buffer-securebox",
    "hypercall-buffer-end-of-ram", "hypercall-buffer-overflow",
    "hypercall-buffer-oversized", "hypercall-buffer-unaligned",
    "hypercall-response-hypervisor",
    "cpl3-hypercall", "unknown-hypercall", "securebox-only-hypercall",
    "event-log-read", "exit-stats",
    "lvt-init-refused", "apic-base-locked",
]


@pytest.fixture(scope="module")
def run():
    with Machine(BUILD / "sbx-test.iso") as machine:
        return machine.wait_for(r"^sbx: launch finished", TIMEOUT)


def test_every_scenario_passes(run):
    results = dict(re.findall(r"^sbx-test: ([a-z0-9-]+): (PASS|FAIL.*)$", run, re.MULTILINE))
    missing = [s for s in SCENARIOS if s not in results]
    assert not missing, f"scenarios that never reported: {missing}"
    failed = {s: r for s, r in results.items() if r != "PASS"}
    assert not failed, failed
    summary = re.search(r"^sbx-test: (\d+) passed, (\d+) failed$", run, re.MULTILINE)
    assert summary, "no summary line"
    assert int(summary.group(2)) == 0
    assert int(summary.group(1)) >= len(SCENARIOS)


def test_attacks_are_reported_by_the_hypervisor(run):
    """The hypervisor, not only the guest, saw each kind of attack."""
    assert re.search(r"^sbx: commodity: violation: nested page fault \(read\) at", run, re.M)
    assert re.search(r"^sbx: commodity: violation: nested page fault \(write\) at", run, re.M)
    assert "sbx: commodity: violation: SVM instruction" in run
    assert "sbx: commodity: violation: clearing EFER.SVME" in run
    assert "sbx: commodity: violation: write to protected MSR 0xc0010117" in run
    assert "sbx: commodity: violation: xAPIC LVT entry with INIT delivery, at 0xfee00350" in run
    assert "sbx: commodity: violation: moving the xAPIC or x2APIC mode, APIC_BASE" in run


def test_triple_fault_stops_only_the_commodity(run):
    trigger = run.index("sbx-test: triple-fault: triggering")
    after = run[trigger:]
    assert "sbx: commodity: shutdown (triple fault)" in after
    assert "sbx: commodity partition stopped: shutdown (triple fault)" in after
    assert "sbx: securebox still answers after the commodity partition" in after
    assert "FATAL" not in run


def test_measurements_unchanged_by_the_attacks(run):
    """PCR 17-19 as the hypervisor read them before the guest ran equal what the
    guest reads at locality 0 after all its attacks."""
    before = console_pcrs(run)
    after = dict(re.findall(r"^sbx-test: pcr(\d+) sha256 ([0-9a-f]{64})$", run, re.M))
    assert set(after) == {"17", "18", "19"}
    for pcr in ("17", "18", "19"):
        assert after[pcr] == before[pcr]


def test_exit_counts_are_reported(run):
    counts = dict(re.findall(r"^sbx: exits (\w+): .*vmmcall (\d+)", run, re.M))
    assert int(counts["commodity"]) > 0
    assert int(counts["securebox"]) > 0
