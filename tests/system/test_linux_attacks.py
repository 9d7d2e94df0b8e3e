"""System test of the attacks from inside Linux (issue 6, item 6): Debian's stock
kernel boots under the hypervisor with an initramfs whose /init loads
tests/linux_attacks/sbx_attack.ko on the memory the hypervisor hid, and the module
attacks it from ring 0: hidden and securebox memory through memremap and ioremap,
TPM localities 1-4 and PCR 17, EFER.SVME and the other protected MSRs, the SVM
instructions, INIT and STARTUP IPIs to every APIC ID, and 10,000 random hypercalls.
Every attack must be contained, the hypervisor and the securebox must stay up, and
Linux must carry on: on one CPU, and under QEMU -smp 4 with Linux given two of them."""
import re
import subprocess
import tempfile
from pathlib import Path

import pytest

from sbx_machine import BUILD, ROOT, Machine, make_iso

TIMEOUT = 600
# As guest/linux.mk boots the test ISO: the whole boot on the serial console, and a
# panic ends QEMU (-no-reboot) instead of hanging the test.
CMDLINE = "console=ttyS0,115200 earlyprintk=serial,ttyS0,115200 panic=-1"


def boot(policy_changes=(), extra_policy="", qemu_arguments=(), extra_cmdline="",
         until=r"reboot: Power down", log="sbx-linux-attack.log"):
    """Boots the attack initramfs under policy/default.pol with `policy_changes`
    ((old line, new line) pairs) applied and `extra_policy` appended, in QEMU with
    `qemu_arguments` added and `extra_cmdline` on Linux's command line, and returns
    the console once `until` appears."""
    # attacks.mk stands alone (BUILD defaults to build/), so this works whether or
    # not the top-level Makefile includes it.
    subprocess.run(["make", "--no-print-directory", "-f", "tests/linux_attacks/attacks.mk",
                    "build/sbx_attack.ko", "build/sbx-attack.cpio"],
                   cwd=ROOT, check=True, timeout=600)
    with tempfile.TemporaryDirectory(prefix="sbx-attack-iso-") as tmp:
        policy = (ROOT / "policy/default.pol").read_text()
        for old, new in policy_changes:
            assert old in policy, f"default.pol has no {old!r}"
            policy = policy.replace(old, new)
        (Path(tmp) / "policy").write_text(policy + extra_policy)
        iso = Path(tmp) / "sbx-linux-attack.iso"
        make_iso(iso, policy=Path(tmp) / "policy", kernel=BUILD / "linux/vmlinuz",
                 initrd=BUILD / "sbx-attack.cpio", cmdline=CMDLINE + extra_cmdline)
        with Machine(iso, extra_arguments=qemu_arguments) as machine:
            try:
                return machine.wait_for(until, TIMEOUT)
            finally:
                # Kept for reading after a failure: the whole serial console.
                (BUILD / log).write_text(machine.serial())


@pytest.fixture(scope="module")
def one_cpu_run():
    return boot()


@pytest.fixture(scope="module")
def smp_run():
    """Four CPUs, two of them Linux's: it tries to start the other two as well, and
    each attack runs with a second vCPU of the partition up beside it."""
    return boot(extra_policy="cpus 2\n", qemu_arguments=["-smp", "4"],
                log="sbx-linux-attack-smp.log")


@pytest.fixture(params=["one-cpu", "smp"])
def run(request):
    """Every check below runs on both boots."""
    return request.getfixturevalue(request.param.replace("-", "_") + "_run")


def hidden_ranges(text):
    """What the hypervisor says it hides: {name: (start, end)}, end exclusive."""
    match = re.search(r"^sbx: commodity: hidden hypervisor 0x([0-9a-f]+)-0x([0-9a-f]+), "
                      r"arena 0x([0-9a-f]+)-0x([0-9a-f]+), "
                      r"securebox 0x([0-9a-f]+)-0x([0-9a-f]+)$", text, re.M)
    assert match, "the hypervisor did not say what it hides"
    bounds = [int(value, 16) for value in match.groups()]
    return {name: (bounds[2 * i], bounds[2 * i + 1] + 1)
            for i, name in enumerate(["hypervisor", "arena", "securebox"])}


def attacked_ranges(text):
    """The ranges the module attacked: [(kind, start, end)], end exclusive."""
    return [(kind, int(start, 16), int(end, 16) + 1) for kind, start, end in
            re.findall(r"sbx-attack: range (\w+) 0x([0-9a-f]+)-0x([0-9a-f]+)$", text, re.M)]


def verdicts(text):
    """Every attack's line: [(attack, detail, contained)]."""
    return [(attack, detail, verdict == "contained") for attack, detail, verdict in
            re.findall(r"sbx-attack: ([^:\n]+): (.*): (contained|NOT CONTAINED)$", text,
                       re.M)]


def test_the_module_ran_to_the_end(run):
    assert re.search(r"sbx-attack: start: \d+ ranges, 10000 hypercalls$", run, re.M)
    assert re.search(r"^sbx-attack-init: insmod exited with 0$", run, re.M)
    summary = re.search(r"sbx-attack: (\d+) contained, (\d+) not contained$", run, re.M)
    assert summary, "no summary line"
    lines = verdicts(run)
    assert int(summary.group(1)) == sum(ok for _, _, ok in lines)
    assert int(summary.group(2)) == sum(not ok for _, _, ok in lines)


def test_every_attack_is_contained(run):
    lines = verdicts(run)
    failed = [f"{attack}: {detail}" for attack, detail, ok in lines if not ok]
    assert not failed, "not contained:\n" + "\n".join(failed)
    attacks = [attack for attack, _, _ in lines]
    # Each kind the issue names, so that a module that silently skipped one fails.
    for expected in ["tpm-locality-2", "tpm-pcr17-locality-0", "clear-efer-svme", "vmrun",
                     "startup-ipis", "hypercalls", "scan-ram", "securebox-answers"]:
        assert expected in attacks, f"no {expected} attack"
    # Every range: read through memremap and ioremap, written through ioremap.
    for kind, start, end in attacked_ranges(run):
        name = f"{kind} {start:#x}-{end - 1:#x}"
        assert attacks.count(f"read {name}") == 2, f"{name} not read both ways"
        assert attacks.count(f"write {name}") == 1, f"{name} not written"


def test_the_attacked_ranges_cover_what_the_hypervisor_hides(run):
    """The module finds its targets in Linux's e820 map; they must be all of what
    the hypervisor hid, or the attacks above prove less than they claim."""
    attacked = attacked_ranges(run)
    for name, (start, end) in hidden_ranges(run).items():
        assert any(a <= start and end <= b for _, a, b in attacked), \
            f"{name} {start:#x}-{end:#x} was not attacked (attacked: {attacked})"


def test_the_hypercalls_all_returned(run):
    match = re.search(r"sbx-attack: hypercalls: (\d+) of (\d+) returned \((\d+) faulted\)",
                      run, re.M)
    assert match and match.group(1) == match.group(2) == "10000" and match.group(3) == "0"


def test_the_hypervisor_faulted_linux_and_stayed_up(run):
    # The policy's answer to each attack, on the hypervisor's side of the console.
    assert re.search(r"^sbx: commodity: violation: .* at rip 0x[0-9a-f]+: injecting #GP$",
                     run, re.M)
    assert re.search(r"^sbx: commodity: violation: .* at rip 0x[0-9a-f]+: injecting #UD$",
                     run, re.M)
    assert re.search(r"^sbx: commodity: violation: clearing EFER.SVME", run, re.M)
    assert "FATAL" not in run
    assert not re.search(r"^sbx: securebox: violation", run, re.M)
    assert "sbx: commodity partition stopped" not in run
    assert not re.search(r"^sbx: \w+: shutdown", run, re.M)


def test_linux_survived(run):
    assert "Kernel panic" not in run
    assert not re.search(r"\bOops\b|BUG: |general protection fault, ", run)
    after = run[run.index("sbx-attack: start:"):]
    assert re.search(r"^sbx-linux: survived the attacks, uptime [0-9.]+ s, \d+ applets$",
                     after, re.M)
    assert re.search(r"^sbx-linux: test done$", after, re.M)


REFUSED = (r"^sbx: commodity: refused INIT/STARTUP IPI, ICR 0x([0-9a-f]+) to apic id (\d+): "
           r"(.*) \(\d+ refused\)$")


def refusals(text):
    """The hypervisor's refusals: [(ICR low, APIC ID, reason)]."""
    return [(int(icr, 16), int(apic_id), reason)
            for icr, apic_id, reason in re.findall(REFUSED, text, re.M)]


def test_the_startup_ipis_were_refused_by_the_hypervisor(run):
    """The module's verdict says no CPU ran its trampoline, reset or went away; the
    hypervisor's side must show that it refused the IPIs, not that they got lost."""
    match = re.search(r"sbx-attack: startup-ipis: from apic id (\d+) \([^)]+ apic\), "
                      r"trampoline at 0x([0-9a-f]+): (\d+) INIT/STARTUP IPIs to apic ids "
                      r"0-7 but Linux's \(mask 0x([0-9a-f]+)\).*: contained$", run, re.M)
    assert match, "no contained startup-ipis verdict"
    self_id, page, sent = int(match.group(1)), int(match.group(2), 16), int(match.group(3))
    linux_cpus = int(match.group(4), 16)
    assert linux_cpus & (1 << self_id)
    # INIT to self, INIT and STARTUP to all but self, four to each APIC ID not Linux's.
    assert sent == 3 + 4 * (8 - bin(linux_cpus).count("1"))
    assert 0x8000 <= page < 0x10000 and page % 0x1000 == 0
    attack = refusals(run[run.index("sbx-attack: start:"):])
    # The first ones, in the order the module sends them (the hypervisor logs every
    # refusal only up to its 16th).
    assert attack[:3] == [
        (0xc500, self_id, "an INIT or STARTUP IPI to the sender itself"),
        (0xcc500, 0, "a destination shorthand (self or all) in an INIT or STARTUP IPI"),
        (0xc0600 | page >> 12, 0,
         "a destination shorthand (self or all) in an INIT or STARTUP IPI")], attack[:3]
    assert "started at" not in run[run.index("sbx-attack: start:"):]


def test_smp_linux_started_its_own_cpus_only(smp_run):
    assert re.search(r"smp: Brought up 1 node, 2 CPUs$", smp_run, re.M)
    started = re.findall(r"^sbx: commodity: vcpu (\d+) \(apic id (\d+)\) started at "
                         r"0x[0-9a-f]+ in real mode$", smp_run, re.M)
    assert started == [("1", "1")], started
    # Linux's own attempts, before the module: CPUs 2 and 3 are the machine's, not
    # the partition's, and nothing it sent was refused for another reason.
    boot_refusals = refusals(smp_run[:smp_run.index("sbx-attack: start:")])
    assert {apic_id for _, apic_id, _ in boot_refusals} == {2, 3}, boot_refusals
    assert {reason for _, _, reason in boot_refusals} == \
        {"the target CPU is not the commodity partition's"}, boot_refusals


def test_smp_the_attack_spared_linuxs_own_cpus(smp_run):
    """An INIT and STARTUP to a CPU Linux runs on would restart it inside the
    partition (test_smp.py does it through CPU hotplug): the module leaves Linux's two
    CPUs out, and no vCPU was reset."""
    mask = re.search(r"sbx-attack: startup-ipis: .* but Linux's \(mask 0x([0-9a-f]+)\)",
                     smp_run).group(1)
    assert int(mask, 16) == 0b11
    assert "reset by INIT" not in smp_run


def test_a_vcpu_the_partition_may_start_runs_the_trampoline():
    """The startup-ipis attack must see a CPU run its trampoline when one may: Linux
    leaves its second vCPU waiting (maxcpus=1), so the module's INIT and STARTUP
    start it, inside the partition, at the module's page."""
    text = boot(extra_policy="cpus 2\n", qemu_arguments=["-smp", "2"],
                extra_cmdline=" maxcpus=1", log="sbx-linux-attack-waiting-vcpu.log")
    lines = verdicts(text)
    failed = [(attack, detail) for attack, detail, ok in lines if not ok]
    assert [attack for attack, _ in failed] == ["startup-ipis"], failed
    page = int(re.search(r"trampoline at 0x([0-9a-f]+)", failed[0][1]).group(1), 16)
    assert "the trampoline ran 1 times, 1 of 1 CPUs online, 1 answered" in failed[0][1]
    started = re.findall(r"^sbx: commodity: vcpu (\d+) \(apic id (\d+)\) started at "
                         r"0x([0-9a-f]+) in real mode$", text, re.M)
    assert started == [("1", "1", f"{page:x}")], started
    assert re.search(r"^sbx-linux: survived the attacks", text, re.M)


def test_a_weakened_policy_is_caught():
    """The module must see an attack succeed when the policy allows it: grant TPM
    locality 3, and exactly that attack is reported, the rest still contained."""
    text = boot([("tpm-localities 0\n", "tpm-localities 0 3\n")],
                log="sbx-linux-attack-locality-3.log")
    failed = [attack for attack, _, ok in verdicts(text) if not ok]
    assert failed == ["tpm-locality-3"], failed
    assert re.search(r"sbx-attack: \d+ contained, 1 not contained$", text, re.M)
    assert re.search(r"^sbx-linux: survived the attacks", text, re.M)


def test_a_stopping_policy_stops_linux_at_the_first_attack():
    """Under "on-violation commodity stop" the first attack stops the commodity
    partition, and only it: the hypervisor says so and nothing after runs."""
    text = boot([("on-violation commodity fault\n", "on-violation commodity stop\n")],
                until=r"^sbx: commodity partition stopped: .*$",
                log="sbx-linux-attack-stop.log")
    assert re.search(r"^sbx: commodity: violation: nested page fault \(read\) at 0x[0-9a-f]+ "
                     r"at rip 0x[0-9a-f]+: stopping the partition$", text, re.M)
    assert "FATAL" not in text
    attacks = text[text.index("sbx-attack: start:"):]
    assert not verdicts(attacks), "attacks ran on after the commodity was stopped"
    assert "sbx-linux: survived the attacks" not in text
