"""The commodity OS starting its own CPUs: the test guest, given the first two of
three CPUs (policy "cpus 2", QEMU -smp 3, command line "smp"), runs its SMP
scenarios (tests/guest/scenarios_smp.c). INIT and STARTUP to its waiting vCPU
start that vCPU in real mode inside the partition, where a read of the
hypervisor's startup page faults; INIT and STARTUP to that vCPU, running, restart
it there; INIT or STARTUP to the CPU that is not the partition's, through a
shorthand or to the sender itself is refused, counted, and never starts anything.
When the guest's triple fault stops the partition, the hypervisor kicks the other
vCPU (halted with interrupts off) out of its guest, and it stops too."""
import re

import pytest

from sbx_machine import BUILD, ROOT, Machine, make_iso

TIMEOUT = 600
SMP_SCENARIOS = [
    "startup-inside-partition", "startup-running-restarts", "startup-unowned-refused",
    "startup-shorthand-refused", "startup-self-refused",
]
REFUSED = re.compile(r"^sbx: commodity: refused INIT/STARTUP IPI, ICR 0x([0-9a-f]+) to apic id "
                     r"(\d+): (.+) \((\d+) refused\)$", re.M)
NOT_OURS = "the target CPU is not the commodity partition's"
SHORTHAND = "a destination shorthand (self or all) in an INIT or STARTUP IPI"
SELF = "an INIT or STARTUP IPI to the sender itself"
DELIVERY_MODE = 0x700
INIT, STARTUP = 0x500, 0x600
LEVEL_ASSERT = 0x4000


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    directory = tmp_path_factory.mktemp("smp-guest")
    policy = directory / "cpus2.pol"
    policy.write_text((ROOT / "policy/default.pol").read_text() + "cpus 2\n")
    iso = directory / "sbx-smp-guest.iso"
    make_iso(iso, policy=policy, kernel=BUILD / "sbx-test-guest.elf", cmdline="smp")
    with Machine(iso, extra_arguments=["-smp", "3"]) as machine:
        return machine.wait_for(r"^sbx: launch finished", TIMEOUT)


def refusals(run):
    return [(int(icr, 16), int(apic), why, int(count))
            for icr, apic, why, count in REFUSED.findall(run)]


def startup_page(run):
    """The page the hypervisor started its own APs from, as it reported it."""
    match = re.search(r"^sbx: all 3 CPUs in SVM host mode \(started from page 0x([0-9a-f]+),",
                      run, re.M)
    assert match, "the hypervisor did not start its application processors"
    return int(match.group(1), 16)


def test_every_smp_scenario_passes_and_only_those_run(run):
    results = dict(re.findall(r"^sbx-test: ([a-z0-9-]+): (PASS|FAIL.*)$", run, re.M))
    assert list(results) == SMP_SCENARIOS, results
    failed = {s: r for s, r in results.items() if r != "PASS"}
    assert not failed, failed
    summary = re.search(r"^sbx-test: (\d+) passed, (\d+) failed$", run, re.M)
    assert summary, "no summary line"
    assert (int(summary.group(1)), int(summary.group(2))) == (len(SMP_SCENARIOS), 0)
    assert "sbx: commodity: shutdown (triple fault)" in run
    assert "FATAL" not in run


def test_the_waiting_vcpu_starts_at_our_trampoline_and_restarts(run):
    """vCPU 1 on APIC ID 1 starts at the page the guest chose, then, reset by the
    second INIT, at the next page (install_trampoline takes them in order)."""
    guest = re.search(r"^sbx-test: smp: trampoline at 0x([0-9a-f]+) reads the startup page at "
                      r"0x([0-9a-f]+)$", run, re.M)
    assert guest, "the guest did not say where its trampoline is"
    started = re.findall(r"^sbx: commodity: vcpu (\d+) \(apic id (\d+)\) started at "
                         r"0x([0-9a-f]+) in real mode$", run, re.M)
    first = int(guest.group(1), 16)
    starts = [(int(v), int(a), int(p, 16)) for v, a, p in started]
    assert starts[0] == (1, 1, first)
    assert len(starts) == 2 and starts[1][:2] == (1, 1) and starts[1][2] > first, starts
    reset = run.index("sbx: commodity: vcpu 1 reset by INIT, waiting for STARTUP")
    assert run.index("started at 0x%x" % first) < reset < run.index("started at 0x%x" %
                                                                    starts[1][2])
    assert int(guest.group(2), 16) == startup_page(run)


def test_a_stopping_partition_stops_the_other_vcpu(run):
    """vCPU 1 sits in its trampoline's HLT with interrupts off: only the hypervisor's
    kick gets it out of its guest once the boot vCPU's triple fault stops the
    partition."""
    after = run[run.index("sbx: commodity: shutdown (triple fault)"):]
    assert "sbx: commodity: vcpu 1 stopped: shutdown (triple fault)" in after


def test_the_started_vcpu_cannot_read_the_startup_page(run):
    """Its real-mode read of the hypervisor's startup page is a nested page fault,
    answered with the #GP whose handler told the guest it faulted."""
    page = startup_page(run)
    assert re.search(rf"^sbx: commodity: violation: nested page fault \(read\) at 0x{page:x} "
                     r"at rip 0x[0-9a-f]+: injecting #GP$", run, re.M), \
        f"no read violation at the startup page 0x{page:x}"
    assert not re.search(r"^sbx: commodity: violation: .*stopping the partition$", run, re.M)


def test_every_other_startup_is_refused_and_counted(run):
    """In scenario order: the whole sequence to the CPU that is not ours; the whole
    sequence through the all-but-self shorthand; the INIT to ourselves. Nothing else
    is refused, and the count runs 1, 2, 3..."""
    refused = refusals(run)
    assert [count for *_, count in refused] == list(range(1, len(refused) + 1))
    sequence = [INIT | LEVEL_ASSERT, INIT, STARTUP, STARTUP]
    expected = ([(mode, 2, NOT_OURS) for mode in sequence] +
                [(mode, 0, SHORTHAND) for mode in sequence] +
                [(INIT | LEVEL_ASSERT, 0, SELF)])
    assert [(icr & (DELIVERY_MODE | LEVEL_ASSERT), apic, why)
            for icr, apic, why, _ in refused] == expected
    shorthand = [icr for icr, _, why, _ in refused if why == SHORTHAND]
    assert all(icr & 0xc0000 == 0xc0000 for icr in shorthand)
    assert "xAPIC write not emulated" not in run
