"""Every policy statement is enforced: for each one, the same test guest boots under
two policies that differ only in that statement, and the difference shows in what
the guest's probes (tests/guest/probes.h) or the hypervisor's console report."""
import re
import subprocess

import pytest

from sbx_machine import BUILD, ROOT, Machine, console_pcrs, make_iso, predicted_pcrs

TIMEOUT = 300
GUEST = BUILD / "sbx-test-guest.elf"
FREE_RAM = 0x10000000          # 256 MiB: commodity RAM under -m 1G
HYPERVISOR_IMAGE = 0x100000
DEFAULT_STATEMENTS = {
    "securebox-memory": "4M",
    "tpm-localities": "0",
    "user-hypercalls": "deny",
    "allow kernel": "hypervisor.version hypervisor.event-log hypervisor.exit-stats "
                    "securebox.version securebox.echo securebox.report "
                    "securebox.key-create securebox.key-sign securebox.key-public "
                    "securebox.seal securebox.unseal",
    "max-request": "4K",
    "max-response": "4K",
    "on-violation commodity": "fault",
    "on-violation securebox": "stop",
    "log hypervisor": "errors",
    "log securebox": "errors",
}


def policy_text(changes=None, extra=()):
    statements = dict(DEFAULT_STATEMENTS, **(changes or {}))
    lines = ["sbx-policy 1"] + [f"{key} {value}" for key, value in statements.items()
                                if value is not None]
    return "\n".join(lines + list(extra)) + "\n"


def boot(tmp_path, name, policy, probes, wait=r"^sbx-test: probes done|^sbx: launch finished"):
    policy_file = tmp_path / f"{name}.pol"
    policy_file.write_text(policy)
    iso = tmp_path / f"{name}.iso"
    make_iso(iso, policy=policy_file, kernel=GUEST, cmdline=" ".join(probes))
    with Machine(iso) as machine:
        return machine.wait_for(wait, TIMEOUT)


def probe(console, word):
    match = re.search(rf"^sbx-test: probe {re.escape(word)}: (.*)$", console, re.MULTILINE)
    assert match, f"no result for {word}:\n{console[-2000:]}"
    return match.group(1)


def compare(tmp_path, statement_a, statement_b, probes, extra_a=(), extra_b=()):
    a = boot(tmp_path, "a", policy_text(statement_a, extra_a), probes)
    b = boot(tmp_path, "b", policy_text(statement_b, extra_b), probes)
    return a, b


def test_hide(tmp_path):
    word = f"probe-read={FREE_RAM:#x}"
    hidden, visible = compare(tmp_path, {}, {}, [word],
                              extra_a=[f"hide {FREE_RAM:#x} 2M"])
    assert probe(hidden, word) == "fault 13"
    assert probe(visible, word) == "ok"


def test_read_only(tmp_path):
    words = [f"probe-read={FREE_RAM:#x}", f"probe-write={FREE_RAM:#x}"]
    read_only, writable = compare(tmp_path, {}, {}, words,
                                  extra_a=[f"read-only {FREE_RAM:#x} 2M"])
    assert probe(read_only, words[0]) == "ok"
    assert probe(read_only, words[1]) == "fault 13"
    assert probe(writable, words[1]) == "ok"


def test_tpm_localities(tmp_path):
    word = "probe-read=0xfed43000"
    three, zero = compare(tmp_path, {"tpm-localities": "0 3"}, {}, [word])
    assert probe(three, word) == "ok"
    assert probe(zero, word) == "fault 13"


def test_user_hypercalls(tmp_path):
    word = "probe-user-hypercall"
    allowed, denied = compare(
        tmp_path, {"user-hypercalls": "allow"}, {}, [word],
        extra_a=["allow user hypervisor.version"])
    assert probe(allowed, word) == "returned"
    assert probe(denied, word) == "ud"


@pytest.mark.parametrize("service", ["hypervisor.version", "hypervisor.event-log",
                                     "hypervisor.exit-stats", "securebox.version",
                                     "securebox.echo"])
def test_allow(tmp_path, service):
    others = DEFAULT_STATEMENTS["allow kernel"].replace(service, "").split()
    word = f"probe-service={service}"
    allowed, denied = compare(tmp_path, {}, {"allow kernel": " ".join(others)}, [word])
    assert probe(allowed, word) == "SBX_OK"
    assert probe(denied, word) == "SBX_E_DENIED"


def test_max_request_and_response(tmp_path):
    words = ["probe-request=128", "probe-response=128"]
    limited, default = compare(tmp_path, {"max-request": "64", "max-response": "64"}, {},
                               words)
    assert probe(limited, words[0]) == "SBX_E_TOO_LARGE"
    assert probe(limited, words[1]) == "SBX_E_TOO_LARGE"
    assert probe(default, words[0]) == "SBX_OK"
    assert probe(default, words[1]) == "SBX_OK"


def test_on_violation_fault_versus_stop(tmp_path):
    words = [f"probe-read={HYPERVISOR_IMAGE:#x}", "probe-service=hypervisor.version"]
    fault, stop = compare(tmp_path, {"on-violation commodity": "fault"},
                          {"on-violation commodity": "stop"}, words)
    assert probe(fault, words[0]) == "fault 13"
    assert probe(fault, words[1]) == "SBX_OK"
    assert "sbx: commodity partition stopped: nested page fault (read) at" in stop
    assert "sbx-test: probes done" not in stop
    assert "sbx: securebox still answers after the commodity partition" in stop


def test_securebox_memory(tmp_path):
    first = boot(tmp_path, "first", policy_text(), ["probe-service=hypervisor.version"])
    start = int(re.search(r"^sbx: securebox ready at (0x[0-9a-f]+) \(4096 KiB\)", first,
                          re.MULTILINE).group(1), 16)
    word = f"probe-read={start + (6 << 20):#x}"
    large, small = compare(tmp_path, {"securebox-memory": "8M"}, {}, [word])
    assert f"sbx: securebox ready at {start:#x} (8192 KiB)" in large
    assert probe(large, word) == "fault 13"
    assert probe(small, word) == "ok"


def test_log_hypervisor(tmp_path):
    words = [f"probe-read={HYPERVISOR_IMAGE:#x}", "probe-service=hypervisor.version"]
    info = boot(tmp_path, "info", policy_text({"log hypervisor": "info"}), words)
    errors = boot(tmp_path, "errors", policy_text({"log hypervisor": "errors"}), words)
    none = boot(tmp_path, "none", policy_text({"log hypervisor": "none"}), words)
    hypercall = "sbx: commodity: hypercall 0x1: status 0"
    violation = "sbx: commodity: violation: nested page fault (read)"
    assert hypercall in info and violation in info
    assert hypercall not in errors and violation in errors
    assert hypercall not in none and violation not in none


def test_log_securebox(tmp_path):
    word = "probe-service=securebox.echo"
    info, errors = compare(tmp_path, {"log securebox": "info"}, {"log securebox": "errors"},
                           [word])
    assert "sbx: securebox: request echo: ok" in info
    assert "sbx: securebox: request" not in errors


def test_bad_policy_stops_the_partitions_but_is_measured(tmp_path):
    policy = tmp_path / "bad.pol"
    policy.write_text("sbx-policy 1\nsecurebox-memory 4M\nfly-to-the-moon yes\n")
    iso = tmp_path / "bad.iso"
    files = make_iso(iso, policy=policy, kernel=GUEST, cmdline="scenarios")
    with Machine(iso) as machine:
        console = machine.wait_for(r"^sbx: halted", TIMEOUT)
    assert "sbx: FATAL: policy:3:1: unknown statement; the partitions are not started" in console
    assert "sbx-test:" not in console
    measured = console_pcrs(console)
    predicted = predicted_pcrs(files, cmdline="scenarios")
    assert measured["17"] == predicted["17"]


def test_cpus_above_the_machine_is_measured_then_refused(tmp_path):
    # The machine (QEMU's default, one CPU) has fewer CPUs than the policy gives the
    # commodity OS: the policy is measured like any other, then refused before any
    # partition runs, never run with fewer CPUs than it names.
    policy = tmp_path / "two.pol"
    policy.write_text(policy_text(extra=["cpus 2"]))
    line = policy.read_text().splitlines().index("cpus 2") + 1
    iso = tmp_path / "two.iso"
    files = make_iso(iso, policy=policy, kernel=GUEST, cmdline="scenarios")
    with Machine(iso) as machine:
        console = machine.wait_for(r"^sbx: halted", TIMEOUT)
    assert (f"sbx: FATAL: policy:{line}:1: cpus: more CPUs than the machine has; the "
            "partitions are not started") in console
    assert "sbx: policy accepted" not in console
    assert "sbx-test:" not in console
    measured = console_pcrs(console)
    predicted = predicted_pcrs(files, cmdline="scenarios")
    assert measured["17"] == predicted["17"]


def test_cpus_one_is_the_default(tmp_path):
    words = [f"probe-read={HYPERVISOR_IMAGE:#x}", "probe-service=hypervisor.version"]
    explicit, default = compare(tmp_path, {}, {}, words, extra_a=["cpus 1"])
    for console in (explicit, default):
        assert "sbx-test: probes done" in console
        assert probe(console, words[0]) == "fault 13"
        assert probe(console, words[1]) == "SBX_OK"

    def accepted(console):
        return re.search(r"^sbx: policy accepted: .*$", console, re.MULTILINE).group(0)
    assert accepted(explicit) == accepted(default)


def test_sbx_policy_cpus(tmp_path):
    def sbx_policy(command, text):
        path = tmp_path / "cpus.pol"
        path.write_text(text)
        return subprocess.run([str(BUILD / "sbx-policy"), command, str(path)],
                              capture_output=True, text=True, timeout=30)

    # Whether the machine has that many CPUs is for the hypervisor to see at boot.
    two = policy_text(extra=["cpus 64"])
    line = two.splitlines().index("cpus 64") + 1
    checked = sbx_policy("check", two)
    assert checked.returncode == 0, checked.stderr
    assert "cpus 64\n" in sbx_policy("show", two).stdout
    out_of_range = sbx_policy("check", policy_text(extra=["cpus 65"]))
    assert out_of_range.returncode == 1
    assert out_of_range.stderr.endswith(f":{line}:6: error: cpus must be 1 to 64\n")
    assert sbx_policy("check", policy_text(extra=["cpus 1"])).returncode == 0
    assert "cpus 1\n" in sbx_policy("show", policy_text()).stdout


def test_example_policies_check():
    for example in sorted((ROOT / "policy").glob("*.pol")):
        result = subprocess.run([str(BUILD / "sbx-policy"), "check", str(example)],
                                capture_output=True, text=True, timeout=30)
        assert result.returncode == 0, result.stderr
