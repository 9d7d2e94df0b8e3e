"""System tests of SMP Linux under the hypervisor (issue 8): Debian's stock kernel
boots under QEMU -smp 2 and -smp 4 (SeaBIOS), and -smp 2 under OVMF, with a policy
giving it every CPU (`cpus N`).
Linux starts its CPUs with INIT and STARTUP IPIs, which the hypervisor turns into
starting each vCPU inside the partition; every CPU then runs Linux under SVM: Linux
counts them all, CPUID on each shows the hypervisor, each vCPU's exit counter moves.
Securebox calls from every CPU at once all return correct results, and NMIs that
Linux sends to a CPU while it runs the securebox (sysrq-l backtraces) do not stop the
securebox."""
import json
import re
import time

import pytest

from sbx_machine import BUILD, ROOT, Machine, make_iso

BOOT_TIMEOUT = 300
COMMAND_TIMEOUT = 240
CMDLINE = "console=ttyS0,115200 earlyprintk=serial,ttyS0,115200"
STARTED = re.compile(r"^sbx: commodity: vcpu (\d+) \(apic id (\d+)\) started at "
                     r"0x([0-9a-f]+) in real mode$", re.M)


class Linux:
    """One boot of interactive Linux with `cpus` CPUs (QEMU -smp cpus). Commands
    are typed on the console (COM1), but their output goes to COM2, a file: under
    QEMU an SMP Linux's console now and then doubles a character of a long line
    (seen without the hypervisor too), which a test must not mistake for a result."""

    def __init__(self, machine, cpus, output):
        self.machine = machine
        self.cpus = cpus
        self.output = output
        self.commands = 0
        # OVMF and GRUB write on every serial port: what they wrote is not ours.
        self.read = len(output.read_text(errors="replace")) if output.exists() else 0

    def run(self, command):
        return self.status(command)[0]

    def status(self, command):
        """The command's output and its exit status."""
        self.commands += 1
        end = f"sbx-smp-end-{self.commands}"
        self.machine.run(f"{{ {command}; }} > /dev/ttyS1 2>&1; "
                         f"echo \"{end[:6]}\"\"{end[6:]} exit=$?\" > /dev/ttyS1",
                         COMMAND_TIMEOUT)
        pattern = re.compile(rf"^{re.escape(end)} exit=(\d+)$", re.M)
        deadline = time.monotonic() + COMMAND_TIMEOUT
        while not (match := pattern.search(text := self.output.read_text(errors="replace"),
                                           self.read)):
            assert time.monotonic() < deadline, f"no {end} on COM2"
            time.sleep(0.1)
        output = text[self.read:match.start()]
        self.read = match.end()
        return output, int(match.group(1))

    def stats(self):
        output, status = self.status("sbxctl --json stats")
        assert status == 0, output
        return json.loads(output)

    def console(self):
        return self.machine.serial()


@pytest.fixture(scope="module", params=[(2, "bios"), (4, "bios"), (2, "uefi")],
                ids=["smp2", "smp4", "uefi-smp2"])
def linux(request, tmp_path_factory):
    cpus, firmware = request.param
    name = f"{firmware}-smp{cpus}"
    directory = tmp_path_factory.mktemp(name)
    policy = directory / "policy"
    policy.write_text((ROOT / "policy/default.pol").read_text() + f"cpus {cpus}\n")
    iso = directory / "linux.iso"
    make_iso(iso, policy=policy, kernel=BUILD / "linux/vmlinuz",
             initrd=BUILD / "initramfs.cpio", cmdline=CMDLINE)
    output = directory / "com2"
    with Machine(iso, firmware=firmware,
                 extra_arguments=["-smp", str(cpus), "-serial", f"file:{output}"],
                 interactive=True) as machine:
        try:
            # q35 under OVMF has no e1000, so no agent: init says so and carries on.
            machine.wait_for(r"sbx-agent: listening on port 7780|"
                             r"sbx-linux: no network: the attestation agent does not run",
                             BOOT_TIMEOUT)
            # Kernel messages (sysrq's backtraces) stay off the console the
            # commands are typed on.
            machine.run("dmesg -n 1; stty -F /dev/ttyS1 raw -echo", COMMAND_TIMEOUT)
            yield Linux(machine, cpus, output)
        finally:
            (BUILD / f"sbx-linux-{name}.log").write_text(machine.serial())


def test_linux_counts_every_cpu(linux):
    assert linux.run("nproc").strip() == str(linux.cpus)
    assert linux.run("cat /sys/devices/system/cpu/online").strip() == f"0-{linux.cpus - 1}"
    assert re.search(rf"smp: Brought up 1 node, {linux.cpus} CPUs$", linux.console(), re.M)


def test_every_cpu_was_started_inside_the_partition(linux):
    """Each application processor's vCPU started from Linux's STARTUP IPI (its
    real-mode trampoline, below 1 MiB), and none of Linux's INIT or STARTUP IPIs
    was refused: they were all for CPUs the partition owns."""
    console = linux.console()
    started = [(int(v), int(a), int(page, 16)) for v, a, page in STARTED.findall(console)]
    assert [(v, a) for v, a, _ in started] == [(i, i) for i in range(1, linux.cpus)]
    assert all(0x1000 <= page < 0xa0000 and page % 0x1000 == 0 for _, _, page in started)
    assert "refused INIT/STARTUP IPI" not in console
    assert not re.search(r"^sbx: \w+: violation", console, re.M)


def test_every_cpu_runs_under_the_hypervisor(linux):
    """CPUID on each CPU (sbxctl pins a thread to each) shows the hypervisor bit
    and sbx's signature, which only the hypervisor's CPUID intercept gives; and
    each vCPU's own exit counter moves while its CPU runs a pinned loop of calls."""
    output, status = linux.status("sbxctl cpuid")
    assert status == 0, output
    lines = re.findall(r"^cpuid cpu (\d+): hypervisor-bit=(\d) signature=(\S+)", output, re.M)
    assert [(int(c), bit, signature) for c, bit, signature in lines] == \
        [(c, "1", "sbxsbxsbxsbx") for c in range(linux.cpus)]

    before = linux.stats()["vcpus"]
    assert len(before) == linux.cpus and all(count > 0 for count in before), before
    for cpu in range(linux.cpus):
        output, status = linux.status(f"sbxctl calls --count 200 --cpus {cpu}")
        assert status == 0, output
    after = linux.stats()["vcpus"]
    # Each CPU made 200 securebox calls, each a VMMCALL exit of its own vCPU.
    assert all(a - b >= 200 for a, b in zip(after, before)), (before, after)


def test_securebox_calls_from_every_cpu_at_once(linux):
    """10,000 ECHO calls spread over every CPU, each with its own payload, all
    answered with that payload on the CPU that made them."""
    output, status = linux.status("sbxctl calls --count 10000")
    assert status == 0, output
    per_cpu = re.findall(r"^calls cpu (\d+): (\d+) ok, (\d+) failed$", output, re.M)
    assert [int(c) for c, _, _ in per_cpu] == list(range(linux.cpus))
    assert all(int(failed) == 0 for _, _, failed in per_cpu)
    assert sum(int(ok) for _, ok, _ in per_cpu) == 10000
    assert re.search(r"^calls total 10000 ok=10000 failed=0 ", output, re.M)


def test_nmis_during_securebox_calls_do_not_stop_it(linux):
    """sysrq-l makes Linux NMI every other CPU for a backtrace. CPU 0 sends them
    while the others call the securebox, so some land while a CPU runs it: without
    the securebox's NMI intercept the first one stops it (it has no IDT)."""
    callers = ",".join(str(cpu) for cpu in range(1, linux.cpus))
    before = linux.stats()["securebox"]["interrupt"]
    output, status = linux.status(
        f"(sbxctl calls --count 30000 --cpus {callers} > /tmp/calls; "
        "echo \"calls=$?\" >> /tmp/calls) & "
        "for i in $(seq 1 40); do taskset -c 0 sh -c 'echo l > /proc/sysrq-trigger'; done; "
        "wait; sleep 1; cat /tmp/calls")
    assert status == 0
    assert "calls=0" in output, output
    assert re.search(r"^calls total 30000 ok=30000 failed=0 ", output, re.M), output
    stats = linux.stats()
    # NMIs did reach the securebox's CPU while it ran (else the test proves nothing).
    assert stats["securebox"]["interrupt"] > before
    assert stats["securebox"]["exception"] == 0
    assert "sbx: securebox: exception" not in linux.console()
    version, status = linux.status("sbxctl version")
    assert status == 0, version


def test_linux_takes_a_cpu_offline_and_back(linux):
    """CPU hotplug: Linux parks the CPU it takes offline in a HLT loop with
    interrupts off, then brings it back with INIT and STARTUP. The hypervisor kicks
    the vCPU out of its guest for the INIT and restarts it from the STARTUP, inside
    the partition; it then runs securebox calls like the others."""
    cpu = linux.cpus - 1
    online = f"/sys/devices/system/cpu/cpu{cpu}/online"
    for _ in range(2):
        linux.run(f"echo 0 > {online}")
        assert linux.run("cat /sys/devices/system/cpu/online").strip() == \
            ("0" if cpu == 1 else f"0-{cpu - 1}")
        linux.run(f"echo 1 > {online}")
        assert linux.run("cat /sys/devices/system/cpu/online").strip() == f"0-{cpu}"
    output, status = linux.status(f"sbxctl calls --count 300 --cpus {cpu}")
    assert status == 0, output
    console = linux.console()
    assert console.count(f"sbx: commodity: vcpu {cpu} reset by INIT, waiting for STARTUP") == 2
    starts = [v for v, _, _ in STARTED.findall(console) if int(v) == cpu]
    assert len(starts) == 3, starts
    assert "refused INIT/STARTUP IPI" not in console
