"""build/reference.json (attest/README.md, "Reference values") against real boots:
its component digests and hv_events against what the hypervisor measured and logged
booting build/sbx-linux-test.iso, its platform PCRs against a fresh boot of
build/sbx-linux.iso; and sbx-reference's --merge and its refusals of bad input.
Both boots end as soon as the hypervisor has printed what is compared (before
Linux runs)."""
import hashlib
import json
import re
import subprocess

import pytest
import yaml

from sbx_machine import BUILD, ROOT, Machine, console_event_log, console_pcrs

TIMEOUT = 180
REFERENCE = BUILD / "reference.json"
SBX_REFERENCE = BUILD / "sbx-reference"
SHARED_COMPONENTS = ["hypervisor", "policy", "securebox", "kernel", "initrd"]
FILES = {
    "hv": BUILD / "hv.elf",
    "policy": ROOT / "policy/default.pol",
    "securebox": BUILD / "securebox.elf",
    "kernel": BUILD / "linux/vmlinuz",
    "initrd": BUILD / "initramfs.cpio",
}


def linux_cmdline():
    """The command line sbx-linux.iso boots, as guest/linux.mk spells it."""
    text = (ROOT / "guest/linux.mk").read_text()
    return re.search(r"^LINUX_CMDLINE\s*:=\s*(.*)$", text, re.MULTILINE).group(1).strip()


# guest/linux.mk's sbx-linux-test.iso rule appends these.
TEST_CMDLINE = linux_cmdline() + " sbx.test=poweroff panic=-1"


@pytest.fixture(scope="module")
def reference():
    assert REFERENCE.exists(), "no build/reference.json: run `make build/reference.json`"
    return json.loads(REFERENCE.read_text())


@pytest.fixture(scope="module")
def test_iso_boot():
    with Machine(BUILD / "sbx-linux-test.iso") as machine:
        return machine.wait_for(r"^sbx: event-log end$", TIMEOUT)


@pytest.fixture(scope="module")
def logged_events(test_iso_boot, tmp_path_factory):
    """(pcr, event name, component digest or None) for each event of the hv log,
    parsed by tpm2_eventlog; each digest checked against its event data."""
    log = tmp_path_factory.mktemp("log") / "hv.bin"
    log.write_bytes(console_event_log(test_iso_boot))
    out = subprocess.run(["tpm2_eventlog", str(log)], capture_output=True, text=True,
                         check=True, timeout=60).stdout
    events = []
    for event in yaml.safe_load(out)["events"][1:]:
        data = bytes.fromhex(event["Event"])
        digest = next(d["Digest"] for d in event["Digests"] if d["AlgorithmId"] == "sha256")
        assert hashlib.sha256(data).hexdigest() == digest
        if event["EventType"] == "EV_SEPARATOR":
            events.append((event["PCRIndex"], "separator", None))
        else:
            # struct sbx_measurement_record: id, size, then sha256, size, name.
            assert event["EventType"] == "EV_EVENT_TAG"
            name = data[48:64].rstrip(b"\0").decode()
            events.append((event["PCRIndex"], name, data[8:40].hex()))
    return events


def run_sbx_reference(*args):
    return subprocess.run([str(SBX_REFERENCE), *map(str, args)], capture_output=True,
                          text=True, timeout=60)


def file_arguments(**replaced):
    args = []
    for name, path in {**FILES, **replaced}.items():
        args += [f"--{name}", path]
    return args


def test_components_equal_what_the_hypervisor_measured(reference, logged_events):
    logged = {name: digest for _, name, digest in logged_events if digest}
    for name in SHARED_COMPONENTS:
        assert reference["components"][name][0] == logged[name], name


def test_cmdline_digest_as_the_hypervisor_measures_it(reference, logged_events, tmp_path):
    """The test ISO boots another command line: sbx-reference given that one must
    give the digest the hypervisor logged, and reference.json holds sbx-measure's
    record of the command line sbx-linux.iso boots."""
    logged = next(digest for _, name, digest in logged_events if name == "cmdline")
    out = tmp_path / "test-iso.json"
    result = run_sbx_reference(*file_arguments(), "--cmdline", TEST_CMDLINE,
                               "--platform-pcrs", BUILD / "platform-pcrs.txt", "--out", out)
    assert result.returncode == 0, result.stderr
    assert json.loads(out.read_text())["components"]["cmdline"] == [logged]

    log = tmp_path / "predicted.bin"
    subprocess.run([str(BUILD / "sbx-measure"), *map(str, file_arguments()), "--cmdline",
                    linux_cmdline(), "--event-log", str(log)], check=True,
                   capture_output=True, timeout=60)
    assert bytes.fromhex(reference["components"]["cmdline"][0]) in log.read_bytes()


def test_hv_events_follow_the_real_log(reference, logged_events):
    assert reference["hv_events"] == [{"pcr": pcr, "event": name}
                                      for pcr, name, _ in logged_events]


def test_platform_pcrs_equal_a_fresh_boot(reference, test_iso_boot):
    with Machine(BUILD / "sbx-linux.iso") as machine:
        console = machine.wait_for(r"^sbx: pcr9 sha256 ", TIMEOUT)
    booted = console_pcrs(console)
    assert {pcr: values[0] for pcr, values in reference["platform_pcrs"].items()} == \
        {str(pcr): booted[str(pcr)] for pcr in range(10)}
    # SeaBIOS measures the CD's boot catalog and image (PCRs 4, 5): xorriso gives
    # every sbx ISO the same El Torito layout, so the test ISO boots the same values.
    tested = console_pcrs(test_iso_boot)
    assert all(tested[str(pcr)] == booted[str(pcr)] for pcr in range(10))


def test_merge_keeps_both_values_in_order(reference, tmp_path):
    platform = tmp_path / "platform.txt"
    lines = (BUILD / "platform-pcrs.txt").read_text().splitlines()
    other_pcr2 = "ab" * 32
    platform.write_text("\n".join(f"sbx: pcr2 sha256 {other_pcr2}" if line.startswith(
        "sbx: pcr2 ") else line for line in lines) + "\n")
    out = tmp_path / "merged.json"
    result = run_sbx_reference(*file_arguments(), "--cmdline", "another", "--platform-pcrs",
                               platform, "--merge", REFERENCE, "--out", out)
    assert result.returncode == 0, result.stderr
    merged = json.loads(out.read_text())
    assert merged["components"]["cmdline"] == [
        hashlib.sha256(b"another").hexdigest(), reference["components"]["cmdline"][0]]
    assert merged["platform_pcrs"]["2"] == [other_pcr2, reference["platform_pcrs"]["2"][0]]
    # Values both files hold appear once.
    assert merged["components"]["kernel"] == reference["components"]["kernel"]
    assert merged["platform_pcrs"]["0"] == reference["platform_pcrs"]["0"]
    assert merged["hv_events"] == reference["hv_events"]


@pytest.mark.parametrize("problem, change, message", [
    ("missing file", {"kernel": "/nonexistent/vmlinuz"}, "cannot open /nonexistent/vmlinuz"),
    ("unknown option", {"bogus": "x"}, "unknown option --bogus"),
    ("bad platform file", {"platform-pcrs": ROOT / "policy/default.pol"},
     "expected 'sbx: pcrN sha256 HEX'"),
    ("platform file missing a PCR", {"platform-pcrs": "TRUNCATED"}, "no value for PCR 9"),
    ("bad merge file", {"merge": BUILD / "platform-pcrs.txt"}, "not JSON"),
    ("missing option", {"out": None}, "missing --out"),
])
def test_bad_input_exits_4_with_a_message(problem, change, message, tmp_path):
    truncated = tmp_path / "truncated.txt"
    truncated.write_text("".join((BUILD / "platform-pcrs.txt").read_text()
                                 .splitlines(keepends=True)[:9]))
    out = tmp_path / "out.json"
    options = {**FILES, "cmdline": "c", "platform-pcrs": BUILD / "platform-pcrs.txt",
               "out": out}
    options.update(change)
    args = []
    for name, value in options.items():
        if value is not None:
            args += [f"--{name}", truncated if value == "TRUNCATED" else value]
    result = run_sbx_reference(*args)
    assert result.returncode == 4, problem
    assert message in result.stderr, result.stderr
    assert not out.exists()
