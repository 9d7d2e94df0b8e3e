"""MakeCredential interoperability: what the verifier's make_credential()
(attest/make_credential.c) makes, a real TPM activates, for exactly the AK it names
and the EK it was made for, and the TPM accepts tpm2-tools' own MakeCredential for
the same keys alike. Host only: a fresh swtpm over TCP and tpm2-tools, no QEMU; the
whole module takes a few seconds."""
import os
import socket
import subprocess

import pytest

from sbx_machine import BUILD, ROOT

DRIVER = BUILD / "make-credential-driver"
FIXTURES = ROOT / "tests/unit/fixtures"
TIMEOUT = 30
# tpm2-tools' credential file: magic, version 1, TPM2B_ID_OBJECT, TPM2B_ENCRYPTED_SECRET.
CREDENTIAL_FILE_HEADER = bytes.fromhex("badcc0de00000001")
AK_ATTRIBUTES = "fixedtpm|fixedparent|sensitivedataorigin|userwithauth|restricted|sign"


def free_port_pair():
    """A TCP port whose successor is free too: the swtpm TCTI's control channel."""
    while True:
        with socket.socket() as first, socket.socket() as second:
            first.bind(("127.0.0.1", 0))
            port = first.getsockname()[1]
            try:
                second.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
            return port


class Tpm:
    """A fresh swtpm and the tpm2-tools commands run against it."""

    def __init__(self, directory):
        self.directory = directory
        state = directory / "state"
        state.mkdir()
        port = free_port_pair()
        self.tcti = f"swtpm:port={port}"
        self.process = subprocess.Popen(
            ["swtpm", "socket", "--tpm2", "--server", f"type=tcp,port={port}",
             "--ctrl", f"type=tcp,port={port + 1}", "--flags", "not-need-init,startup-clear",
             "--tpmstate", f"dir={state}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(50):
            if self.run("tpm2_getrandom", "1", check=False).returncode == 0:
                return
            try:
                self.process.wait(timeout=0.1)
                break
            except subprocess.TimeoutExpired:
                pass
        self.stop()
        raise RuntimeError("swtpm did not start")

    def run(self, *args, check=True):
        return subprocess.run([str(arg) for arg in args], cwd=self.directory, check=check,
                              capture_output=True, timeout=TIMEOUT,
                              env={**os.environ, "TPM2TOOLS_TCTI": self.tcti})

    def stop(self):
        self.process.kill()
        self.process.wait(timeout=TIMEOUT)

    def activate(self, credential_file):
        """TPM2_ActivateCredential with the AK and the EK, as the agent runs it; returns
        the credential, or the TPM's refusal as tpm2-tools prints it."""
        output = self.directory / "activated.bin"
        output.unlink(missing_ok=True)
        self.run("tpm2_startauthsession", "--policy-session", "-S", "session.ctx")
        try:
            self.run("tpm2_policysecret", "-S", "session.ctx", "-c", "e")
            result = self.run("tpm2_activatecredential", "-c", "ak.ctx", "-C", "ek.ctx",
                              "-i", credential_file, "-o", output,
                              "-P", "session:session.ctx", check=False)
        finally:
            # No resource manager: what the tools loaded stays loaded until flushed.
            self.run("tpm2_flushcontext", "-t")
            self.run("tpm2_flushcontext", "-s")
        return output.read_bytes() if result.returncode == 0 else result.stderr.decode()


@pytest.fixture(scope="module")
def tpm(tmp_path_factory):
    subprocess.run(["make", "--no-print-directory", "build/make-credential-driver"], cwd=ROOT,
                   check=True, timeout=600, stdout=subprocess.DEVNULL)
    directory = tmp_path_factory.mktemp("make_credential")
    tpm = Tpm(directory)
    try:
        tpm.run("tpm2_createek", "-c", "ek.ctx", "-G", "rsa", "-u", "ek.pub")
        # The AK as the agent makes it (attest/README.md): a primary with a 256-byte
        # zero unique, which tpm2-tools reads after a little-endian size.
        (directory / "unique.bin").write_bytes(b"\x00\x01" + bytes(256))
        tpm.run("tpm2_createprimary", "-C", "e", "-G", "rsa2048:rsassa-sha256:null",
                "-g", "sha256", "-a", AK_ATTRIBUTES, "-u", "unique.bin", "-c", "ak.ctx")
        tpm.run("tpm2_readpublic", "-c", "ak.ctx", "-n", "ak.name")
        tpm.run("tpm2_flushcontext", "-t")
        yield tpm
    finally:
        tpm.stop()


def make_with_driver(tpm, credential, name="ak.name", ek="ek.pub"):
    """Our MakeCredential, packed as tpm2_activatecredential reads it."""
    directory = tpm.directory
    (directory / "credential.bin").write_bytes(credential)
    result = subprocess.run([DRIVER, directory / ek, directory / name,
                             directory / "credential.bin", directory / "blob.bin",
                             directory / "secret.bin"],
                            capture_output=True, text=True, timeout=TIMEOUT)
    assert result.returncode == 0, result.stderr
    packed = directory / "ours.cred"
    packed.write_bytes(CREDENTIAL_FILE_HEADER + (directory / "blob.bin").read_bytes()
                       + (directory / "secret.bin").read_bytes())
    return packed


def make_with_tpm2_tools(tpm, credential):
    directory = tpm.directory
    (directory / "credential.bin").write_bytes(credential)
    name = (directory / "ak.name").read_bytes().hex()
    subprocess.run(["tpm2_makecredential", "-T", "none", "-u", directory / "ek.pub",
                    "-s", directory / "credential.bin", "-n", name,
                    "-o", directory / "tools.cred"],
                   check=True, capture_output=True, timeout=TIMEOUT)
    return directory / "tools.cred"


@pytest.mark.parametrize("size", [1, 16, 32])
def test_tpm_activates_our_credential(tpm, size):
    credential = os.urandom(size)
    assert tpm.activate(make_with_driver(tpm, credential)) == credential


def test_tpm_activates_tpm2_tools_credential_too(tpm):
    credential = os.urandom(32)
    assert tpm.activate(make_with_tpm2_tools(tpm, credential)) == credential


def test_ours_and_tpm2_tools_agree_on_the_format(tpm):
    ours = make_with_driver(tpm, bytes(32)).read_bytes()
    theirs = make_with_tpm2_tools(tpm, bytes(32)).read_bytes()
    # Random seeds make the bytes differ, never the layout.
    assert len(ours) == len(theirs) == 8 + 2 + 34 + 34 + 2 + 256
    assert ours[:12] == theirs[:12]


# TPM_RC_INTEGRITY on parameter 1, the credential blob: its HMAC does not hold.
INTEGRITY_FAILURE = "Esys_ActivateCredential(0x1DF)"


def test_credential_for_another_name_is_refused(tpm):
    name = bytearray((tpm.directory / "ak.name").read_bytes())
    name[-1] ^= 0x01
    (tpm.directory / "other.name").write_bytes(name)
    refusal = tpm.activate(make_with_driver(tpm, os.urandom(32), name="other.name"))
    assert INTEGRITY_FAILURE in refusal


def test_credential_for_another_ek_is_refused(tpm):
    # A genuine EK of template L-1, of another TPM. swtpm (libtpms 0.9) answers a seed
    # that fails RSA-OAEP decryption with TPM_RC_FAILURE, for tpm2-tools' credentials
    # alike, and goes on working.
    other = FIXTURES / "ek_other_public.bin"
    (tpm.directory / "other_ek.pub").write_bytes(other.read_bytes())
    refusal = tpm.activate(make_with_driver(tpm, os.urandom(32), ek="other_ek.pub"))
    assert "Esys_ActivateCredential(0x101)" in refusal
    credential = os.urandom(32)
    assert tpm.activate(make_with_driver(tpm, credential)) == credential


def test_tampered_blob_is_refused(tpm):
    credential_file = make_with_driver(tpm, os.urandom(32))
    packed = bytearray(credential_file.read_bytes())
    packed[8 + 2 + 2 + 32 + 1] ^= 0x01    # inside encIdentity: the HMAC no longer holds
    credential_file.write_bytes(packed)
    assert INTEGRITY_FAILURE in tpm.activate(credential_file)

