"""System tests of the measured launch: boot the real ISO under QEMU TCG with a
fresh swtpm and check what a user (or a verifier) would check."""
import hashlib
import subprocess

import pytest
import yaml

from sbx_machine import (BUILD, Machine, console_event_log, console_identity_key,
                         console_pcrs, make_iso, predicted_pcrs)

BIOS_TIMEOUT = 180
UEFI_TIMEOUT = 420
FINISHED = r"^sbx: launch finished"
DEFAULT_FILES = {
    "hv": BUILD / "hv.elf",
    "policy": BUILD.parent / "policy/default.pol",
    "securebox": BUILD / "securebox.elf",
    "kernel": BUILD / "modules/kernel.placeholder",
    "initrd": BUILD / "modules/initrd.placeholder",
}
COMPONENT_ORDER = ["hv", "policy", "securebox", "kernel", "initrd"]


@pytest.fixture(scope="module")
def bios_boot():
    with Machine(BUILD / "sbx.iso", swtpm_log=True) as machine:
        text = machine.wait_for(FINISHED, BIOS_TIMEOUT)
        return {"console": text, "swtpm_log": machine.swtpm_log_text()}


@pytest.fixture(scope="module")
def prediction(bios_boot):
    """The securebox's identity key is new every boot: PCR 18's prediction takes the
    one this boot measured."""
    return predicted_pcrs(DEFAULT_FILES, identity_key=console_identity_key(bios_boot["console"]))


def test_identity_key_is_measured_once(bios_boot):
    console = bios_boot["console"]
    key = console_identity_key(console)
    assert key and key.startswith("04")
    assert console.count(" securebox-key sha256=") == 1
    assert hashlib.sha256(bytes.fromhex(key)).hexdigest() in console


def test_bios_boot_reaches_measured(bios_boot):
    console = bios_boot["console"]
    assert "sbx: measured\n" in console
    assert "FATAL" not in console
    for name in ("hypervisor", "policy", "securebox", "kernel", "initrd", "cmdline"):
        assert f" {name} sha256=" in console, f"no measurement line for {name}"
    assert "sbx: securebox ready" in console
    assert "sbx: kernel not run yet" in console


def test_pcrs_equal_sbx_measure_prediction(bios_boot, prediction):
    measured = console_pcrs(bios_boot["console"])
    assert {pcr: measured[pcr] for pcr in ("17", "18", "19")} == prediction


def test_grub_bios_build_measures_nothing(bios_boot):
    """SECURITY.md: on BIOS nothing measures the hypervisor before it runs."""
    measured = console_pcrs(bios_boot["console"])
    assert measured["8"] == measured["9"] == "00" * 32


def test_component_digests_are_on_the_wire(bios_boot):
    """Each component's SHA-256 travels to the TPM inside the PCR_Event data,
    so a TPM-side log (here swtpm's) shows what was measured."""
    wire = "".join(bios_boot["swtpm_log"].split()).lower()
    for name, path in DEFAULT_FILES.items():
        if name == "hv":
            continue   # its measured bytes are the loaded segment, checked via PCR 17
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert digest in wire, f"{name} digest not seen in TPM traffic"
    assert hashlib.sha256(b"console=ttyS0").hexdigest() in wire


def replay(events):
    pcrs = {}
    for event in events:
        if event["EventType"] == "EV_NO_ACTION":
            continue
        digest = next(d["Digest"] for d in event["Digests"] if d["AlgorithmId"] == "sha256")
        old = pcrs.get(event["PCRIndex"], b"\xff" * 32)
        pcrs[event["PCRIndex"]] = hashlib.sha256(old + bytes.fromhex(digest)).digest()
    return {str(k): v.hex() for k, v in pcrs.items()}


def test_event_log_parses_with_tpm2_eventlog_and_replays(bios_boot, tmp_path):
    log = tmp_path / "hv-eventlog.bin"
    log.write_bytes(console_event_log(bios_boot["console"]))
    result = subprocess.run(["tpm2_eventlog", str(log)], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    parsed = yaml.safe_load(result.stdout)
    events = parsed["events"]
    assert events[0]["EventType"] == "EV_NO_ACTION"
    kinds = [(e["PCRIndex"], e["EventType"]) for e in events[1:]]
    assert kinds == [(17, "EV_EVENT_TAG"), (17, "EV_EVENT_TAG"), (18, "EV_EVENT_TAG"),
                     (19, "EV_EVENT_TAG"), (19, "EV_EVENT_TAG"), (19, "EV_EVENT_TAG"),
                     (18, "EV_EVENT_TAG"),
                     (17, "EV_SEPARATOR"), (18, "EV_SEPARATOR"), (19, "EV_SEPARATOR")]
    measured = console_pcrs(bios_boot["console"])
    assert replay(events) == {pcr: measured[pcr] for pcr in ("17", "18", "19")}


def test_event_log_digests_cover_their_event_data(bios_boot, tmp_path):
    """The hv log must equal, on its SHA-256 bank, the log sbx-measure predicts:
    same event data, same digests, in the same order."""
    predicted_log = tmp_path / "predicted.bin"
    predicted_pcrs(DEFAULT_FILES, event_log=predicted_log,
                   identity_key=console_identity_key(bios_boot["console"]))
    logs = {}
    for name, data in (("hv", console_event_log(bios_boot["console"])),
                       ("predicted", predicted_log.read_bytes())):
        path = tmp_path / f"{name}.bin"
        path.write_bytes(data)
        out = subprocess.run(["tpm2_eventlog", str(path)], capture_output=True, text=True,
                             check=True, timeout=60).stdout
        logs[name] = yaml.safe_load(out)["events"][1:]
    assert len(logs["hv"]) == len(logs["predicted"])
    for ours, theirs in zip(logs["hv"], logs["predicted"]):
        sha256 = lambda e: next(d["Digest"] for d in e["Digests"]
                                if d["AlgorithmId"] == "sha256")
        assert ours["PCRIndex"] == theirs["PCRIndex"]
        assert sha256(ours) == sha256(theirs)


def test_one_policy_byte_changes_pcr17_only(bios_boot, prediction, tmp_path):
    policy = bytearray(DEFAULT_FILES["policy"].read_bytes())
    # A byte inside a comment: the policy still parses, only its measurement changes.
    comment = policy.index(b"#") + 2
    policy[comment] ^= 0x01
    changed = tmp_path / "changed.policy"
    changed.write_bytes(bytes(policy))
    iso = tmp_path / "changed.iso"
    files = make_iso(iso, policy=changed)
    with Machine(iso) as machine:
        console = machine.wait_for(FINISHED, BIOS_TIMEOUT)
    measured = console_pcrs(console)
    baseline = console_pcrs(bios_boot["console"])
    assert measured["17"] != baseline["17"]
    # PCR 18 holds this boot's identity key as well: compare the rest.
    for pcr in ("8", "9", "19"):
        assert measured[pcr] == baseline[pcr]
    assert {pcr: measured[pcr] for pcr in ("17", "18", "19")} == predicted_pcrs(
        files, identity_key=console_identity_key(console))


def test_uefi_boot_gives_the_same_pcrs(bios_boot):
    with Machine(BUILD / "sbx.iso", firmware="uefi") as machine:
        console = machine.wait_for(FINISHED, UEFI_TIMEOUT)
    assert "sbx: measured\n" in console
    uefi, bios = console_pcrs(console), console_pcrs(bios_boot["console"])
    for pcr in ("17", "19"):
        assert uefi[pcr] == bios[pcr]
    assert uefi["18"] == predicted_pcrs(DEFAULT_FILES,
                                        identity_key=console_identity_key(console))["18"]
    # GRUB's EFI build with `insmod tpm` measured its commands and the files it
    # loaded, hv.elf among them.
    assert uefi["8"] != "00" * 32 and uefi["9"] != "00" * 32


def test_no_tpm_stops_the_boot_with_a_clear_message():
    with Machine(BUILD / "sbx.iso", tpm=False) as machine:
        console = machine.wait_for(r"^sbx: halted", BIOS_TIMEOUT)
    assert "sbx: FATAL: TPM: TIS at 0xfed40000, locality 2: no TIS device" in console
    assert "sbx: measured" not in console
    assert "launch finished" not in console


def test_tpm_optional_boots_on_unmeasured(tmp_path):
    iso = tmp_path / "optional.iso"
    make_iso(iso, hv_cmdline="tpm=optional")
    with Machine(iso, tpm=False) as machine:
        console = machine.wait_for(FINISHED, BIOS_TIMEOUT)
    assert "NOTHING WAS MEASURED" in console
    assert "sbx: measured" not in console
