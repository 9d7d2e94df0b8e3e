"""System tests of the securebox services: boot build/sbx-test.iso once, require
every service scenario of the test guest (tests/guest/scenarios_{report,keys,seal,
malformed}.c) to pass, then verify on the host what the guest printed, with
build/sbx-verify-report: the signed REPORT against the nonce and user data the
guest asked with, the identity key and the PCRs the hypervisor measured and
printed; and a key vault signature against its public key, usage, label and
digest. Tampered copies must be refused."""
import hashlib
import json
import re
import subprocess

import pytest

from sbx_machine import BUILD, Machine, console_identity_key, console_pcrs

TIMEOUT = 600
VERIFY_TIMEOUT = 60
VERIFY = BUILD / "sbx-verify-report"

SERVICE_SCENARIOS = [
    "securebox-report",
    "key-create-sign", "key-wrong-usage", "key-bad-handle", "key-not-readable",
    "key-slots-exhausted",
    "seal-unseal", "seal-tamper",
    "securebox-malformed-corpus",
]

# The guest's fixed REPORT request (tests/guest/scenarios_report.c).
NONCE = bytes(range(1, 33))
USER_DATA = bytes(0xff - i for i in range(64))

COMPONENTS = ["hypervisor", "policy", "securebox", "kernel", "initrd", "cmdline"]
REPORTED_PCRS = ["17", "18", "19"]

# Offsets into struct sbx_report (include/sbx/service.h).
REPORT_SIZE = 592
REPORT_FIELDS = {
    "magic": 0,
    "nonce": 16,
    "user data": 48,
    "kernel digest": 112 + 3 * 32,
    "pcr 18": 304 + 32,
    "identity key": 448 + 20,
    "signature size": 516,
    "signature": 520 + 10,
}

KEY_SIGNATURE = re.compile(r"^sbx-test: key-signature public=([0-9a-f]{130}) usage=(\d+) "
                           r"label=([0-9a-f]{64}) digest=([0-9a-f]{64}) signature=([0-9a-f]+)$",
                           re.MULTILINE)


@pytest.fixture(scope="module")
def run():
    with Machine(BUILD / "sbx-test.iso") as machine:
        return machine.wait_for(r"^sbx: launch finished", TIMEOUT)


def scenario_results(run):
    return dict(re.findall(r"^sbx-test: ([a-z0-9-]+): (PASS|FAIL.*)$", run, re.MULTILINE))


def printed(run, pattern, scenario):
    """The match of `pattern` on the console; failing that, says what the scenario
    that prints it reported."""
    match = re.search(pattern, run, re.MULTILINE)
    assert match, f"{scenario} printed no such line; it reported: " \
                  f"{scenario_results(run).get(scenario, 'nothing')}"
    return match


def verify(*args):
    result = subprocess.run([str(VERIFY), *map(str, args)], capture_output=True, text=True,
                            timeout=VERIFY_TIMEOUT)
    verdict = json.loads(result.stdout) if result.stdout.strip() else None
    return result.returncode, verdict, result.stderr


# What the guest printed, parsed in each test rather than in fixtures, so that a
# missing line fails the tests that need it instead of erroring them.

def report_file(run, directory):
    payload = bytes.fromhex(printed(run, r"^sbx-test: report ([0-9a-f]+)$",
                                    "securebox-report").group(1))
    assert len(payload) == REPORT_SIZE, f"a {len(payload)}-byte report"
    path = directory / "report.bin"
    path.write_bytes(payload)
    return path


def report_expectations(run):
    """The report's reference values, every one from the hypervisor's console: the
    components it measured, the PCRs it read back after the separators, and the
    digest of the identity key it extended into PCR 18."""
    measured = dict(re.findall(r"^sbx: measured pcr\d+ ([a-z-]+) sha256=([0-9a-f]{64}) ",
                               run, re.MULTILINE))
    key = console_identity_key(run)
    assert key, "the hypervisor printed no securebox identity key"
    key_digest = hashlib.sha256(bytes.fromhex(key)).hexdigest()
    assert measured.get("securebox-key") == key_digest, \
        "the identity key printed is not the one measured into PCR 18"
    pcrs = console_pcrs(run)
    args = ["--nonce", NONCE.hex(), "--user-data", USER_DATA.hex(),
            "--identity-key-digest", key_digest]
    for name in COMPONENTS:
        args += ["--component", f"{name}={measured[name]}"]
    for pcr in REPORTED_PCRS:
        args += ["--pcr", f"{pcr}={pcrs[pcr]}"]
    return args


def key_signature(run):
    """The options of sbx-verify-report --key-signature, from the guest's line."""
    match = printed(run, KEY_SIGNATURE.pattern, "key-create-sign")
    return dict(zip(["--public-key", "--usage", "--label", "--digest", "--signature"],
                    match.groups()))


def key_signature_args(fields):
    args = ["--key-signature"]
    for option, value in fields.items():
        args += [option, value]
    return args


@pytest.mark.parametrize("scenario", SERVICE_SCENARIOS)
def test_scenario_passes(run, scenario):
    results = scenario_results(run)
    assert scenario in results, f"{scenario} never reported"
    assert results[scenario] == "PASS", f"{scenario}: {results[scenario]}"


def test_report_verifies(run, tmp_path):
    code, verdict, stderr = verify("--report", report_file(run, tmp_path),
                                   *report_expectations(run))
    assert code == 0, f"exit {code}: {verdict} {stderr}"
    assert verdict["status"] == "trusted"


@pytest.mark.parametrize("field", REPORT_FIELDS)
def test_tampered_report_is_refused(run, field, tmp_path):
    report = report_file(run, tmp_path)
    payload = bytearray(report.read_bytes())
    payload[REPORT_FIELDS[field]] ^= 0x01
    report.write_bytes(payload)
    code, verdict, stderr = verify("--report", report, *report_expectations(run))
    assert code != 0, f"a report with its {field} changed verified: {verdict}"
    assert verdict is None or verdict["status"] != "trusted"


def test_report_for_another_nonce_is_refused(run, tmp_path):
    """A report answers one nonce: it cannot be replayed for another."""
    other = report_expectations(run)
    other[other.index("--nonce") + 1] = bytes(32).hex()
    code, verdict, stderr = verify("--report", report_file(run, tmp_path), *other)
    assert code != 0, f"the report verified for another nonce: {verdict}"


def test_key_signature_verifies(run):
    code, verdict, stderr = verify(*key_signature_args(key_signature(run)))
    assert code == 0, f"exit {code}: {verdict} {stderr}"
    assert verdict["status"] == "trusted"


@pytest.mark.parametrize("option", ["--usage", "--label", "--digest"])
def test_key_signature_binds(run, option):
    """The signature covers the key's usage and label as well as the digest: it
    verifies for no other."""
    changed = key_signature(run)
    if option == "--usage":
        changed[option] = "2" if changed[option] == "1" else "1"
    else:
        value = bytearray.fromhex(changed[option])
        value[0] ^= 0x01
        changed[option] = value.hex()
    code, verdict, stderr = verify(*key_signature_args(changed))
    assert code != 0, f"the signature verified with another {option[2:]}: {verdict}"
