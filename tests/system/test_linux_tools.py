"""System tests of the guest tools under Linux: boot build/sbx-linux-test.iso, whose
init loads sbx.ko and runs guest/initramfs/selftest (sbxctl and tpm2-tools against
/dev/sbx and /dev/tpm0) before powering off, then check on the host what it printed:
the REPORT and a key vault signature verify with build/sbx-verify-report against
the hypervisor's own console, sealed data comes back intact, and the event log and
PCRs Linux reads are the ones the hypervisor printed."""
import hashlib
import json
import re
import subprocess

import pytest

from sbx_machine import BUILD, Machine, console_event_log, console_identity_key, console_pcrs

TIMEOUT = 300
VERIFY_TIMEOUT = 60
VERIFY = BUILD / "sbx-verify-report"

# guest/initramfs/selftest's fixed inputs.
NONCE = bytes(range(32))
USER_DATA = bytes([0xa5] * 64)
DIGEST = "5bb0e1a5c3d0b57c2a1f0e7e3a8b4c9d6f10213243546576879899aabbccddee"
SBX_KEY_USAGE_DOCUMENT = 2

STEPS = ["version", "report", "key-create", "key-sign", "key-public", "key-wrong-usage",
         "key-bad-handle", "seal", "unseal", "unseal-tampered", "eventlog", "stats",
         "stats-json", "pcrread"]
COMPONENTS = ["hypervisor", "policy", "securebox", "kernel", "initrd", "cmdline"]
REPORT_SIZE = 592
REPORT_NONCE_OFFSET = 16   # struct sbx_report_body.nonce


@pytest.fixture(scope="module")
def run():
    with Machine(BUILD / "sbx-linux-test.iso") as machine:
        # Linux's last words before the power goes: the log is then complete.
        return machine.wait_for(r"reboot: Power down", TIMEOUT)


def printed(run, pattern):
    match = re.search(pattern, run, re.MULTILINE)
    assert match, f"the self-test printed no line like {pattern!r}"
    return match


def verify(*args):
    result = subprocess.run([str(VERIFY), *map(str, args)], capture_output=True, text=True,
                            timeout=VERIFY_TIMEOUT)
    verdict = json.loads(result.stdout) if result.stdout.strip() else None
    return result.returncode, verdict, result.stderr


def report_file(run, directory):
    payload = bytes.fromhex(printed(run, r"^sbx-linux: report ([0-9a-f]+)$").group(1))
    assert len(payload) == REPORT_SIZE, f"a {len(payload)}-byte report"
    path = directory / "report.bin"
    path.write_bytes(payload)
    return path


def report_expectations(run):
    """Reference values, every one from the hypervisor's console."""
    key = console_identity_key(run)
    assert key, "the hypervisor printed no securebox identity key"
    measured = dict(re.findall(r"^sbx: measured pcr\d+ ([a-z-]+) sha256=([0-9a-f]{64}) ",
                               run, re.MULTILINE))
    pcrs = console_pcrs(run)
    args = ["--nonce", NONCE.hex(), "--user-data", USER_DATA.hex(),
            "--identity-key-digest", hashlib.sha256(bytes.fromhex(key)).hexdigest()]
    for name in COMPONENTS:
        args += ["--component", f"{name}={measured[name]}"]
    for pcr in ["17", "18", "19"]:
        args += ["--pcr", f"{pcr}={pcrs[pcr]}"]
    return args


def test_sbx_ko_is_loaded(run):
    assert re.search(r"^sbx-linux: sbx\.ko loaded$", run, re.M)


@pytest.mark.parametrize("step", STEPS)
def test_step_passes(run, step):
    match = printed(run, rf"^sbx-linux: step {step}: (.*)$")
    assert match.group(1).startswith("PASS"), f"{step}: {match.group(1)}"


def test_refusals_name_the_status(run):
    assert re.search(r"^sbx-linux: sbxctl: the securebox refused: SBX_SERVICE_E_USAGE", run, re.M)
    assert re.search(r"^sbx-linux: sbxctl: the securebox refused: SBX_SERVICE_E_HANDLE", run,
                     re.M)
    assert re.search(r"^sbx-linux: sbxctl: the securebox refused: SBX_SERVICE_E_INTEGRITY",
                     run, re.M)


def test_report_verifies_on_the_host(run, tmp_path):
    code, verdict, stderr = verify("--report", report_file(run, tmp_path),
                                   *report_expectations(run))
    assert code == 0, f"exit {code}: {verdict} {stderr}"
    assert verdict["status"] == "trusted"


def test_report_with_another_nonce_is_refused(run, tmp_path):
    report = report_file(run, tmp_path)
    payload = bytearray(report.read_bytes())
    payload[REPORT_NONCE_OFFSET] ^= 0x01
    report.write_bytes(payload)
    code, verdict, _ = verify("--report", report, *report_expectations(run))
    assert code != 0 and (verdict is None or verdict["status"] != "trusted")


def test_key_signature_verifies_on_the_host(run):
    key = printed(run, r"^sbx-linux: key handle=\d+ usage=document label=([0-9a-f]{64}) "
                       r"public=([0-9a-f]{130})$")
    signature = printed(run, r"^sbx-linux: signature ([0-9a-f]+)$").group(1)
    code, verdict, stderr = verify("--key-signature", "--public-key", key.group(2),
                                   "--usage", SBX_KEY_USAGE_DOCUMENT, "--label", key.group(1),
                                   "--digest", DIGEST, "--signature", signature)
    assert code == 0, f"exit {code}: {verdict} {stderr}"


def test_key_public_answers_in_json(run):
    created = printed(run, r"^sbx-linux: key handle=(\d+) .* public=([0-9a-f]{130})$")
    key = json.loads(printed(run, r'^sbx-linux: (\{"handle".*\})$').group(1))
    assert key["handle"] == int(created.group(1))
    assert key["usage"] == "document" and key["label"] == "sbx-linux-selftest"
    assert key["public_key"] == created.group(2)


def test_seal_unseal_round_trip(run):
    sealed = printed(run, r"^sbx-linux: seal-in (.+)$").group(1)
    unsealed = printed(run, r"^sbx-linux: unseal-out (.+)$").group(1)
    assert unsealed == sealed


def test_event_log_is_the_hypervisors(run):
    match = printed(run, r"^sbx-linux: eventlog (\d+) bytes ([0-9a-f]*)$")
    log = bytes.fromhex(match.group(2))
    assert len(log) == int(match.group(1))
    assert log == console_event_log(run)


def test_exit_statistics_count_linux(run):
    stats = dict(re.findall(r"^sbx-linux: stats (\w+) (.+)$", run, re.M))
    commodity = dict(field.split("=") for field in stats["commodity"].split())
    assert int(commodity["cpuid"]) > 0 and int(commodity["vmmcall"]) > 0


def test_linux_reads_the_hypervisors_pcrs(run):
    read = dict(re.findall(r"^sbx-linux:\s+(\d+): 0x([0-9A-F]{64})$", run, re.M))
    pcrs = console_pcrs(run)
    for pcr in ["17", "18", "19"]:
        assert pcr in read, f"tpm2 pcrread printed no PCR {pcr}"
        assert read[pcr].lower() == pcrs[pcr], f"PCR {pcr} differs in Linux"


def replay_sha256(log):
    """PCR values from the SHA-256 bank of a crypto-agile log, replayed with
    tpm2_eventlog's parse; PCRs 17-22 start at all ones here (no dynamic launch)."""
    import hashlib
    import subprocess
    import tempfile

    import yaml

    with tempfile.NamedTemporaryFile(suffix=".bin") as file:
        file.write(log)
        file.flush()
        out = subprocess.run(["tpm2_eventlog", file.name], capture_output=True, text=True,
                             check=True, timeout=60).stdout
    pcrs = {}
    for event in yaml.safe_load(out)["events"]:
        if event["EventType"] == "EV_NO_ACTION":
            continue
        digest = next(d["Digest"] for d in event["Digests"] if d["AlgorithmId"] == "sha256")
        start = b"\xff" * 32 if 17 <= event["PCRIndex"] <= 22 else b"\0" * 32
        old = pcrs.get(event["PCRIndex"], start)
        pcrs[event["PCRIndex"]] = hashlib.sha256(old + bytes.fromhex(digest)).digest()
    return {str(pcr): value.hex() for pcr, value in pcrs.items()}


def test_linux_pcrs_equal_the_prediction_and_the_log_replay(run):
    """In Linux, PCR 17 and 19 equal what sbx-measure predicts from the ISO's files
    alone, and PCR 18 (which also holds this boot's identity key) equals the replay
    of the hypervisor's event log as Linux read it."""
    from sbx_machine import ROOT, predicted_pcrs

    read = dict(re.findall(r"^sbx-linux:\s+(\d+): 0x([0-9A-F]{64})$", run, re.M))
    read = {pcr: value.lower() for pcr, value in read.items()}
    files = {
        "hv": BUILD / "hv.elf",
        "policy": ROOT / "policy/default.pol",
        "securebox": BUILD / "securebox.elf",
        "kernel": BUILD / "linux/vmlinuz",
        "initrd": BUILD / "initramfs.cpio",
    }
    cmdline = ("console=ttyS0,115200 earlyprintk=serial,ttyS0,115200 "
               "sbx.test=poweroff panic=-1")
    prediction = predicted_pcrs(files, cmdline=cmdline)
    assert read["17"] == prediction["17"]
    assert read["19"] == prediction["19"]
    log = bytes.fromhex(printed(run, r"^sbx-linux: eventlog (\d+) bytes ([0-9a-f]*)$").group(2))
    assert read["18"] == replay_sha256(log)["18"]
