"""System tests of the hypervisor's own start of every application processor: each
comes up in SVM host mode before any guest code runs, and one the policy does not
give the commodity OS (the default policy gives it one CPU) stays parked.
build/sbx-test.iso (the bare-metal test guest) boots under QEMU -smp 1, 2 and 4
(and -smp 2 under UEFI); the test guest's scenarios must still all pass while the
other CPUs are parked. Linux, given one CPU, boots under -smp 2 with the startup
memory reserved;
its INIT and STARTUP IPIs to the second CPU are refused (the xAPIC page is read-only
in its nested page tables and the hypervisor emulates every write to it), so the
second CPU never runs Linux's code and Linux comes up with one CPU."""
import re

import pytest

from sbx_machine import BUILD, Machine
from test_linux import linux_e820
from test_partitions import SCENARIOS

TIMEOUT = 600
REFUSED = re.compile(r"^sbx: commodity: refused INIT/STARTUP IPI, ICR 0x([0-9a-f]+) to apic id "
                     r"(\d+): (.+) \((\d+) refused\)$", re.M)
NOT_OURS = "the target CPU is not the commodity partition's"
ONLINE = re.compile(r"^sbx: cpu (\d+) \(apic id (\d+)\) online in SVM host mode$", re.M)


def boot(cpus):
    with Machine(BUILD / "sbx-test.iso", extra_arguments=["-smp", str(cpus)]) as machine:
        return machine.wait_for(r"^sbx: launch finished", TIMEOUT)


@pytest.fixture(scope="module", params=[2, 4])
def smp_run(request):
    return request.param, boot(request.param)


@pytest.fixture(scope="module")
def single_run():
    return boot(1)


def scenario_results(run):
    return dict(re.findall(r"^sbx-test: ([a-z0-9-]+): (PASS|FAIL.*)$", run, re.M))


def test_every_application_processor_comes_online(smp_run):
    cpus, run = smp_run
    assert f"sbx: {cpus} CPUs in the ACPI MADT, booted on cpu 0 (apic id 0)" in run
    online = ONLINE.findall(run)
    # QEMU numbers the CPUs' APIC IDs 0..n-1 in MADT order; the boot CPU is 0.
    assert sorted((int(c), int(a)) for c, a in online) == [(i, i) for i in range(1, cpus)]
    assert re.search(rf"^sbx: all {cpus} CPUs in SVM host mode \(started from page 0x[0-9a-f]+, "
                     r"their pages at 0x[0-9a-f]+-0x[0-9a-f]+\); the application processors "
                     r"are parked$", run, re.M)
    assert "FATAL" not in run


def test_application_processors_are_up_before_any_guest_runs(smp_run):
    _, run = smp_run
    last_online = max(m.end() for m in ONLINE.finditer(run))
    assert last_online < run.index("sbx: securebox ready")
    assert last_online < run.index("sbx: starting the commodity partition")


def test_startup_memory_is_hidden_from_the_commodity(smp_run):
    """The startup page and the APs' pages are hypervisor memory: the test guest's
    hidden-memory scenarios pass, and the hypervisor's nested page table invariants
    held (it would stop otherwise)."""
    _, run = smp_run
    results = scenario_results(run)
    missing = [s for s in SCENARIOS if s not in results]
    assert not missing, f"scenarios that never reported: {missing}"
    failed = {s: r for s, r in results.items() if r != "PASS"}
    assert not failed, failed
    summary = re.search(r"^sbx-test: (\d+) passed, (\d+) failed$", run, re.M)
    assert summary and int(summary.group(2)) == 0


def test_the_test_guest_cannot_start_a_parked_cpu(smp_run):
    """init-startup-refused sends INIT, INIT, STARTUP, STARTUP to the second CPU
    with a trampoline of its own that would write a marker: the marker stays
    unwritten, and the hypervisor counted each refusal. self-ipi-arrives: an
    ordinary fixed IPI to itself is still delivered."""
    _, run = smp_run
    results = scenario_results(run)
    assert results.get("init-startup-refused") == "PASS"
    assert results.get("self-ipi-arrives") == "PASS"
    refused = REFUSED.findall(run)
    assert [int(icr, 16) & 0x700 for icr, _, _, _ in refused] == [0x500, 0x500, 0x600, 0x600]
    assert {(int(apic), why) for _, apic, why, _ in refused} == {(1, NOT_OURS)}
    assert [int(count) for *_, count in refused] == [1, 2, 3, 4]
    assert "xAPIC write not emulated" not in run


def test_one_cpu_boots_as_before(single_run):
    assert "sbx: 1 CPUs in the ACPI MADT, booted on cpu 0 (apic id 0)" in single_run
    assert not ONLINE.search(single_run)
    assert "application processors" not in single_run
    results = scenario_results(single_run)
    assert all(s in results for s in SCENARIOS)
    assert all(r == "PASS" for r in results.values())
    assert "FATAL" not in single_run


def test_aps_parked_by_uefi_firmware_start_too():
    """OVMF leaves its APs in its own MP services' parking loop, not SeaBIOS's:
    INIT takes them back all the same."""
    with Machine(BUILD / "sbx-test.iso", firmware="uefi",
                 extra_arguments=["-smp", "2"]) as machine:
        run = machine.wait_for(r"^sbx: launch finished", TIMEOUT)
    assert [(int(c), int(a)) for c, a in ONLINE.findall(run)] == [(1, 1)]
    results = scenario_results(run)
    assert all(s in results for s in SCENARIOS)
    assert all(r == "PASS" for r in results.values())
    assert "FATAL" not in run


@pytest.fixture(scope="module")
def linux_run():
    with Machine(BUILD / "sbx-linux-test.iso", extra_arguments=["-smp", "2"]) as machine:
        return machine.wait_for(r"reboot: Power down", TIMEOUT)


def test_linux_boots_with_the_startup_memory_reserved(linux_run):
    """Linux reads low memory before it reads the e820 map (its iBFT scan covers
    0x80000-0xfffff): the startup page must lie elsewhere, and the e820 map must
    reserve it and the APs' pages, or Linux faults on them and dies silently."""
    match = re.search(r"^sbx: all 2 CPUs in SVM host mode \(started from page 0x([0-9a-f]+), "
                      r"their pages at 0x([0-9a-f]+)-0x([0-9a-f]+)\)", linux_run, re.M)
    assert match, "the hypervisor did not start the second CPU"
    page = int(match.group(1), 16)
    ap_start, ap_end = int(match.group(2), 16), int(match.group(3), 16) + 1
    assert 0x10000 <= page < 0x80000
    reserved = [(s, e) for s, e, kind in linux_e820(linux_run) if kind == "reserved"]
    for start, end in ((page, page + 0x1000), (ap_start, ap_end)):
        assert any(s <= start and end <= e for s, e in reserved), hex(start)
    assert not re.search(r"^sbx: \w+: violation", linux_run, re.M)
    assert "FATAL" not in linux_run


def test_linux_cannot_start_the_second_cpu(linux_run):
    """The default policy gives Linux one CPU. Linux tries INIT, then STARTUP, on
    the second: every one is refused and counted, the CPU never calls in, and Linux
    carries on with one CPU while its ordinary xAPIC writes (EOI, timer, self-IPIs)
    are performed for it."""
    refused = REFUSED.findall(linux_run)
    assert refused, "the hypervisor refused no INIT or STARTUP IPI"
    modes = {int(icr, 16) & 0x700 for icr, _, _, _ in refused}
    assert modes == {0x500, 0x600}, modes
    assert {(int(apic), why) for _, apic, why, _ in refused} == {(1, NOT_OURS)}
    assert [int(count) for *_, count in refused] == list(range(1, len(refused) + 1))
    assert re.search(r"smp: Brought up 1 node, 1 CPU$", linux_run, re.M)
    assert re.search(r"^sbx-linux: userspace reached", linux_run, re.M)
    assert re.search(r"^sbx-linux: test done$", linux_run, re.M)
    assert not re.search(r"^sbx: \w+: violation", linux_run, re.M)
    assert not re.search(r"xAPIC write not emulated", linux_run, re.M)
