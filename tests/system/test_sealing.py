"""Sealed data survives a reboot in the same measured state, on the same TPM, and
nowhere else: the securebox's sealing key comes from a root secret the TPM derives
only at locality 2 and only for the PCR 17/18 values of this hypervisor, policy and
securebox, mixed with every component digest. The blob travels between boots
through QEMU's fw_cfg, which no measurement covers, so both boots run the very same
ISO."""
import re

import pytest

from sbx_machine import BUILD, ROOT, Machine, make_iso

TIMEOUT = 300
GUEST = BUILD / "sbx-test-guest.elf"
DATA = "736278207365616c6564207365637265"     # 16 bytes
PROBES = f"probe-seal={DATA} probe-unseal-fw-cfg"


def run(iso, tpm_state, blob=None):
    extra = ["-fw_cfg", f"name=opt/sbx/blob,string={blob}"] if blob else []
    with Machine(iso, tpm_state=tpm_state, extra_arguments=extra) as machine:
        return machine.wait_for(r"^sbx-test: probes done", TIMEOUT)


def result(console, word):
    match = re.search(rf"^sbx-test: probe {re.escape(word)}: (.*)$", console, re.MULTILINE)
    assert match, console[-2000:]
    return match.group(1)


@pytest.fixture(scope="module")
def sealed(tmp_path_factory):
    work = tmp_path_factory.mktemp("sealing")
    tpm = work / "tpm"
    tpm.mkdir()
    iso = work / "seal.iso"
    make_iso(iso, kernel=GUEST, cmdline=PROBES)
    console = run(iso, tpm)
    assert "sbx: sealing root secret derived by the TPM" in console
    blob = result(console, f"probe-seal={DATA}")
    assert blob.startswith("blob ")
    assert result(console, "probe-unseal-fw-cfg") == "no blob"
    return {"work": work, "tpm": tpm, "iso": iso, "blob": blob[len("blob "):]}


def test_unseals_after_a_reboot_in_the_same_state(sealed):
    console = run(sealed["iso"], sealed["tpm"], sealed["blob"])
    assert result(console, "probe-unseal-fw-cfg") == f"data {DATA}"


def test_does_not_unseal_under_another_policy(sealed):
    policy = (ROOT / "policy/default.pol").read_text() + "# one more comment\n"
    changed = sealed["work"] / "changed.pol"
    changed.write_text(policy)
    iso = sealed["work"] / "changed.iso"
    make_iso(iso, kernel=GUEST, cmdline=PROBES, policy=changed)
    console = run(iso, sealed["tpm"], sealed["blob"])
    assert result(console, "probe-unseal-fw-cfg") == "service status -7"


def test_does_not_unseal_on_another_tpm(sealed, tmp_path):
    other = tmp_path / "other-tpm"
    other.mkdir()
    console = run(sealed["iso"], other, sealed["blob"])
    assert result(console, "probe-unseal-fw-cfg") == "service status -7"


def test_a_tampered_blob_does_not_unseal(sealed):
    blob = bytearray(bytes.fromhex(sealed["blob"]))
    blob[-1] ^= 0x01
    console = run(sealed["iso"], sealed["tpm"], blob.hex())
    assert result(console, "probe-unseal-fw-cfg") == "service status -7"
