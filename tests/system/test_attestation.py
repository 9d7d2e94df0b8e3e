"""Remote attestation end to end (issue 7, ../shared/ATTESTATION.md): build/sbx-linux.iso
boots with an EK-certified swtpm and the agent on a forwarded port; build/sbx-attest
enrols the machine's AK by credential activation and verifies it against
build/reference.json. Then everything a relying party must refuse is tried:
evidence edited field by field, replayed evidence, a report from another boot, a
quote over another PCR selection, an AK that was never activated, a TPM rolled back
to an older state, tampered boot components, and an agent that was killed.

Three boots share one TPM state, as one machine rebooting would:
  A  the genuine ISO, fresh from provisioning: enrol, verify, collect evidence;
  B  the genuine ISO again: the enrolment survives the reboot, the reset count
     rises, and a report of this boot is swapped into boot A's evidence;
  C  a tampered ISO (policy, securebox, kernel, initrd and command line all
     changed) on a copy of the TPM state taken before boot A: every component is
     named, and the reset count has gone down."""
import base64
import hashlib
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import threading

import pytest

from sbx_machine import BUILD, ROOT, Machine, free_port, make_iso

ATTEST = BUILD / "sbx-attest"
REFERENCE = BUILD / "reference.json"
LINUX_CMDLINE = "console=ttyS0,115200 earlyprintk=serial,ttyS0,115200"
BOOT_TIMEOUT = 300
AGENT_READY = r"sbx-agent: listening on port 7780"
COMMAND_TIMEOUT = 180

EXIT_TRUSTED, EXIT_UNTRUSTED, EXIT_MALFORMED, EXIT_CRYPTO, EXIT_TRANSPORT = range(5)
COMPONENTS = ["hypervisor", "policy", "securebox", "kernel", "initrd", "cmdline"]
TAMPERED = ["policy", "securebox", "kernel", "initrd", "cmdline"]


def attest(*args, timeout=COMMAND_TIMEOUT):
    """Runs build/sbx-attest; returns its exit code, its JSON verdicts and stderr."""
    result = subprocess.run([str(ATTEST), *map(str, args)], capture_output=True, text=True,
                            timeout=timeout)
    verdicts = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return result.returncode, verdicts, result.stderr


def failed(verdict):
    """The failed checks of a verdict, by name, with their reasons."""
    return {check["name"]: check.get("reason") or "" for check in verdict["checks"]
            if check["status"] == "failed"}


def exchange(port, request, timeout=COMMAND_TIMEOUT):
    """One request to the agent, as a relying party's client would send it."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
        connection.sendall(json.dumps(request).encode() + b"\n")
        data = b""
        while not data.endswith(b"\n"):
            chunk = connection.recv(65536)
            if not chunk:
                break
            data += chunk
    return data


def evidence_for(port, nonce):
    line = exchange(port, {"sbx_attest": 1, "request": "evidence", "nonce": nonce.hex()})
    evidence = json.loads(line)
    assert evidence["response"] == "evidence", evidence
    return evidence


def write_evidence(path, evidence):
    path.write_text(json.dumps(evidence, separators=(",", ":")) + "\n")
    return path


def field(evidence, *names):
    value = evidence
    for name in names:
        value = value[name]
    return base64.b64decode(value)


def with_field(evidence, names, data):
    """A deep copy of `evidence` with one base64 field replaced."""
    edited = json.loads(json.dumps(evidence))
    target = edited
    for name in names[:-1]:
        target = target[name]
    target[names[-1]] = base64.b64encode(data).decode()
    return edited


def flip(data, offset):
    data = bytearray(data)
    data[offset] ^= 0x01
    return bytes(data)


def log_banks(log):
    """The (algorithm, digest size) list of a crypto-agile log's Spec ID header."""
    event_size = struct.unpack_from("<I", log, 28)[0]
    spec = log[32:32 + event_size]
    count = struct.unpack_from("<I", spec, 24)[0]
    return [struct.unpack_from("<HH", spec, 28 + 4 * i) for i in range(count)]


def pcr_event2(log, pcr, event_type, data):
    """A TCG_PCR_EVENT2 whose digests are honest hashes of `data`, for every bank of
    `log`: an attacker who appends a well-formed event."""
    names = {0x0004: "sha1", 0x000B: "sha256", 0x000C: "sha384", 0x000D: "sha512"}
    banks = log_banks(log)
    record = struct.pack("<III", pcr, event_type, len(banks))
    for algorithm, _ in banks:
        record += struct.pack("<H", algorithm) + hashlib.new(names[algorithm], data).digest()
    return record + struct.pack("<I", len(data)) + data


class ReplayingAgent:
    """An agent that answers every request with the same stored evidence: a
    compromised commodity OS replaying an old, genuine answer."""

    def __init__(self, line):
        self.line = line
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            with connection:
                connection.settimeout(10)
                try:
                    connection.recv(8192)
                    connection.sendall(self.line)
                except OSError:
                    pass

    def close(self):
        self.server.close()


def tampered_iso(directory):
    """build/sbx-linux.iso with five of its six measured components changed in ways
    that still boot: a policy comment, bytes appended to the securebox, the kernel
    and the initrd (trailing zeros, which the ELF loader, the boot protocol and the
    initramfs unpacker ignore), and one more command-line word."""
    policy = directory / "tampered.pol"
    policy.write_text((ROOT / "policy/default.pol").read_text() + "# tampered\n")
    files = {}
    for name, source in (("securebox", BUILD / "securebox.elf"),
                         ("kernel", BUILD / "linux/vmlinuz"),
                         ("initrd", BUILD / "initramfs.cpio")):
        files[name] = directory / f"tampered-{name}"
        files[name].write_bytes(source.read_bytes() + bytes(512))
    iso = directory / "tampered.iso"
    make_iso(iso, policy=policy, securebox=files["securebox"], kernel=files["kernel"],
             initrd=files["initrd"], cmdline=LINUX_CMDLINE + " sbx.tampered")
    return iso


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Runs boots A, B and C and gathers what every test below checks."""
    directory = tmp_path_factory.mktemp("attestation")
    state = directory / "verifier-state"
    tpm_state = directory / "tpm"
    tpm_state.mkdir()
    world = {"directory": directory, "state": state}
    port = free_port()
    shared_nonce = os.urandom(32)

    # Boot A, on a freshly provisioned TPM, whose state before the boot is kept for
    # boot C.
    subprocess.run(["sh", str(ROOT / "mk/provision-tpm.sh"), str(tpm_state)], check=True,
                   capture_output=True, timeout=120)
    rollback = directory / "tpm-before-a"
    shutil.copytree(tpm_state, rollback)
    with Machine(BUILD / "sbx-linux.iso", tpm_state=tpm_state, agent_port=port,
                 interactive=True) as machine:
        machine.wait_for(AGENT_READY, BOOT_TIMEOUT)
        world["enroll"] = attest("enroll", "--agent", f"127.0.0.1:{port}", "--state", state)
        first = directory / "a1.json"
        world["verify_a"] = attest("verify", "--agent", f"127.0.0.1:{port}", "--reference",
                                   REFERENCE, "--state", state, "--save", first)
        world["evidence_a"] = json.loads(first.read_text())
        world["evidence_a_line"] = first.read_bytes()
        world["evidence_a_shared"] = evidence_for(port, shared_nonce)
        machine.run("kill $(pidof sbx-agent)", timeout=60)
        world["verify_killed"] = attest("verify", "--agent", f"127.0.0.1:{port}",
                                        "--reference", REFERENCE, "--state", state)

    # Boot B: the same machine rebooted.
    with Machine(BUILD / "sbx-linux.iso", tpm_state=tpm_state, agent_port=port) as machine:
        machine.wait_for(AGENT_READY, BOOT_TIMEOUT)
        world["verify_b"] = attest("verify", "--agent", f"127.0.0.1:{port}", "--reference",
                                   REFERENCE, "--state", state, "--save", directory / "b1.json")
        world["evidence_b_shared"] = evidence_for(port, shared_nonce)

    # Boot C: tampered components, on the TPM state from before boot A.
    with Machine(tampered_iso(directory), tpm_state=rollback, agent_port=port) as machine:
        machine.wait_for(AGENT_READY, BOOT_TIMEOUT)
        world["verify_c"] = attest("verify", "--agent", f"127.0.0.1:{port}", "--reference",
                                   REFERENCE, "--state", state)

    world["tpm_state"] = tpm_state
    return world


def offline(world, evidence, name, *extra):
    path = write_evidence(world["directory"] / name, evidence)
    code, verdicts, stderr = attest("verify", "--evidence", path, "--reference", REFERENCE,
                                    "--state", world["state"], *extra)
    assert len(verdicts) == 1, stderr
    return code, verdicts[0]


# --- the genuine machine -----------------------------------------------------------

def test_enrolment_activates_the_ak(world):
    code, verdicts, stderr = world["enroll"]
    assert code == EXIT_TRUSTED, (verdicts, stderr)
    assert verdicts[-1]["status"] == "trusted"
    names = {check["name"] for check in verdicts[-1]["checks"] if check["status"] == "ok"}
    assert any("certificate" in name for name in names), names
    assert any("activat" in name for name in names), names


def test_genuine_boot_is_trusted(world):
    code, verdicts, stderr = world["verify_a"]
    assert code == EXIT_TRUSTED, (verdicts, stderr)
    assert verdicts[0]["status"] == "trusted" and not failed(verdicts[0])


def test_enrolment_survives_a_reboot(world):
    code, verdicts, stderr = world["verify_b"]
    assert code == EXIT_TRUSTED, (verdicts, stderr)


def test_each_verification_uses_a_fresh_nonce(world):
    b = json.loads((world["directory"] / "b1.json").read_text())
    assert b["nonce"] != world["evidence_a"]["nonce"]


def test_stored_evidence_verifies_offline_in_batch(world):
    code, verdicts, stderr = attest("verify", "--evidence", world["directory"] / "a1.json",
                                    world["directory"] / "b1.json", "--reference", REFERENCE,
                                    "--state", world["state"])
    assert [v["status"] for v in verdicts] == ["trusted", "trusted"], (verdicts, stderr)
    assert code == EXIT_TRUSTED


def test_killed_agent_is_a_transport_error(world):
    code, verdicts, _ = world["verify_killed"]
    assert code == EXIT_TRANSPORT
    assert verdicts and verdicts[0]["status"] == "error"


# --- interop -----------------------------------------------------------------------

def checkquote(directory, evidence):
    (directory / "ak.pub").write_bytes(field(evidence, "ak_public"))
    (directory / "quote.attest").write_bytes(field(evidence, "quote", "attest"))
    (directory / "quote.sig").write_bytes(field(evidence, "quote", "signature"))
    return subprocess.run(["tpm2_checkquote", "-u", directory / "ak.pub", "-m",
                           directory / "quote.attest", "-s", directory / "quote.sig",
                           "-q", evidence["nonce"], "-g", "sha256"],
                          capture_output=True, text=True, timeout=60).returncode


def test_verdict_agrees_with_tpm2_checkquote(world, tmp_path):
    evidence = world["evidence_a"]
    assert checkquote(tmp_path, evidence) == 0
    code, _ = offline(world, evidence, "genuine.json")
    assert code == EXIT_TRUSTED
    broken = with_field(evidence, ("quote", "signature"),
                        flip(field(evidence, "quote", "signature"), 40))
    assert checkquote(tmp_path, broken) != 0
    code, _ = offline(world, broken, "broken-signature.json")
    assert code == EXIT_CRYPTO


def test_hypervisor_log_parses_with_tpm2_eventlog(world, tmp_path):
    path = tmp_path / "hv.log"
    path.write_bytes(field(world["evidence_a"], "hv_log"))
    result = subprocess.run(["tpm2_eventlog", path], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "PCRIndex: 19" in result.stdout


# --- what must be refused -------------------------------------------------------------

def test_replayed_evidence_is_refused(world):
    agent = ReplayingAgent(world["evidence_a_line"])
    try:
        code, verdicts, _ = attest("verify", "--agent", f"127.0.0.1:{agent.port}",
                                   "--reference", REFERENCE, "--state", world["state"])
    finally:
        agent.close()
    assert code == EXIT_UNTRUSTED, verdicts
    assert any("nonce" in name for name in failed(verdicts[0])), verdicts


@pytest.mark.parametrize("names,offset", [(("quote", "attest"), 50), (("quote", "signature"), 100)])
def test_bit_flip_in_the_quote_is_a_crypto_failure(world, names, offset):
    evidence = world["evidence_a"]
    code, verdict = offline(world, with_field(evidence, names, flip(field(evidence, *names),
                                                                     offset)), "flip.json")
    assert code == EXIT_CRYPTO, verdict
    assert "quote.signature" in failed(verdict), verdict


def test_edited_hypervisor_log_is_refused(world):
    log = field(world["evidence_a"], "hv_log")
    # The last byte of the log is inside the last event's data (a separator): its
    # digest no longer matches, and the replay no longer equals the quote.
    code, verdict = offline(world, with_field(world["evidence_a"], ("hv_log",),
                                              flip(log, len(log) - 1)), "edited-hv.json")
    assert code in (EXIT_UNTRUSTED, EXIT_MALFORMED), verdict
    assert any(name.startswith(("hv_log", "quote.pcr", "pcr")) for name in failed(verdict)), \
        verdict


def first_sha256_digest_offset(log):
    """Where the first TCG_PCR_EVENT2's SHA-256 digest starts in a log."""
    offset = 32 + struct.unpack_from("<I", log, 28)[0] + 12   # pcr, type, digest count
    for algorithm, size in log_banks(log):
        if algorithm == 0x000B:
            return offset + 2
        offset += 2 + size
    raise AssertionError("the log has no SHA-256 bank")


def test_edited_firmware_log_is_refused(world):
    """The firmware's first event (SeaBIOS's SMBIOS measurement in PCR 1) with
    another digest: the log no longer replays to the quoted PCRs."""
    log = field(world["evidence_a"], "firmware_log")
    edited = flip(log, first_sha256_digest_offset(log))
    code, verdict = offline(world, with_field(world["evidence_a"], ("firmware_log",), edited),
                            "edited-fw.json")
    assert code == EXIT_UNTRUSTED, verdict
    assert "pcr 1" in failed(verdict).get("quote.pcr_digest", ""), verdict


def test_edited_event_data_the_verifier_does_not_use_changes_nothing(world):
    """The firmware's last event (EV_IPL: SeaBIOS's digest is of the CD's boot image,
    not of the event data) with edited data: the PCRs cover only digests, and the
    verifier bases no decision on that data, so the verdict must stay trusted."""
    log = field(world["evidence_a"], "firmware_log")
    code, verdict = offline(world, with_field(world["evidence_a"], ("firmware_log",),
                                              flip(log, len(log) - 1)), "ipl-data.json")
    assert code == EXIT_TRUSTED, verdict


def test_event_after_the_separator_is_refused(world):
    log = field(world["evidence_a"], "hv_log")
    appended = log + pcr_event2(log, 19, 0x00000006, b"sbx: an event after the separator")
    code, verdict = offline(world, with_field(world["evidence_a"], ("hv_log",), appended),
                            "appended.json")
    assert code == EXIT_UNTRUSTED, verdict
    assert any("separator" in reason for reason in failed(verdict).values()), verdict


def test_report_from_another_boot_is_refused(world):
    a, b = world["evidence_a_shared"], world["evidence_b_shared"]
    assert a["nonce"] == b["nonce"] and a["report"] != b["report"]
    assert offline(world, b, "b-shared.json")[0] == EXIT_TRUSTED
    code, verdict = offline(world, with_field(b, ("report",), field(a, "report")),
                            "report-swap.json")
    assert code in (EXIT_UNTRUSTED, EXIT_CRYPTO), verdict
    assert any(name.startswith("report") for name in failed(verdict)), verdict


def test_quote_over_another_selection_is_refused(world, tmp_path):
    """The same AK (a primary: the same TPM seed gives the same key) quotes PCRs 0-7
    only, on the machine's TPM state after its boots, through tpm2-tools on the
    host."""
    evidence = world["evidence_a"]
    attest_bytes, signature = other_selection_quote(world["tpm_state"], tmp_path,
                                                    field(evidence, "ak_public"),
                                                    evidence["nonce"])
    edited = with_field(with_field(evidence, ("quote", "attest"), attest_bytes),
                        ("quote", "signature"), signature)
    code, verdict = offline(world, edited, "selection.json")
    assert code == EXIT_UNTRUSTED, verdict
    assert any("selection" in name for name in failed(verdict)), verdict


def test_ak_that_was_not_activated_is_refused(world, tmp_path):
    code, verdicts, _ = attest("verify", "--evidence", world["directory"] / "a1.json",
                               "--reference", REFERENCE, "--state", tmp_path / "empty-state")
    assert code == EXIT_UNTRUSTED, verdicts
    assert any(name.startswith("ak") for name in failed(verdicts[0])), verdicts


@pytest.mark.parametrize("component", COMPONENTS)
def test_reference_mismatch_names_the_component(world, component, tmp_path):
    reference = json.loads(REFERENCE.read_text())
    reference["components"][component] = [hashlib.sha256(component.encode()).hexdigest()]
    path = tmp_path / "reference.json"
    path.write_text(json.dumps(reference))
    code, verdicts, _ = attest("verify", "--evidence", world["directory"] / "a1.json",
                               "--reference", path, "--state", world["state"])
    assert code == EXIT_UNTRUSTED, verdicts
    assert any(component in f"{name} {reason}" for name, reason in failed(verdicts[0]).items())


@pytest.mark.parametrize("component", TAMPERED)
def test_tampered_boot_names_the_component(world, component):
    code, verdicts, stderr = world["verify_c"]
    assert code == EXIT_UNTRUSTED, (verdicts, stderr)
    assert any(component in f"{name} {reason}" for name, reason in failed(verdicts[0]).items()), \
        verdicts


def test_tampered_boot_leaves_the_hypervisor_trusted(world):
    code, verdicts, _ = world["verify_c"]
    assert not any("hypervisor" in f"{name} {reason}"
                   for name, reason in failed(verdicts[0]).items()), verdicts


def test_rolled_back_tpm_is_refused(world):
    """Boot C runs on the TPM state from before boot A: its reset count is below
    the one boot B's trusted quote recorded."""
    code, verdicts, _ = world["verify_c"]
    assert any("count" in f"{name} {reason}" for name, reason in failed(verdicts[0]).items()), \
        verdicts


# --- tpm2-tools on the host, on the machine's TPM state --------------------------------

def free_port_pair():
    """A free TCP port whose successor is free too: tpm2-tss's swtpm TCTI finds the
    control channel at the server port plus one."""
    for _ in range(100):
        port = free_port()
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
        return port
    raise RuntimeError("no two adjacent free ports")


AK_ATTRIBUTES = "fixedtpm|fixedparent|sensitivedataorigin|userwithauth|restricted|sign"


def other_selection_quote(tpm_state, directory, ak_public, nonce):
    """Starts a host swtpm on a copy of `tpm_state`, derives the AK again and quotes
    SHA-256 PCRs 0-7 with `nonce`. Returns the attestation and signature bytes."""
    state = directory / "tpm"
    shutil.copytree(tpm_state, state)
    server = free_port_pair()
    swtpm = subprocess.Popen(["swtpm", "socket", "--tpm2", "--tpmstate", f"dir={state}",
                              "--server", f"type=tcp,port={server}",
                              "--ctrl", f"type=tcp,port={server + 1}", "--flags",
                              "not-need-init,startup-clear"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    tcti = f"swtpm:host=127.0.0.1,port={server}"
    try:
        def tool(*args):
            for _ in range(50):
                result = subprocess.run(list(map(str, args)) + ["-T", tcti],
                                        capture_output=True, text=True, timeout=60)
                if result.returncode == 0 or "Connection refused" not in result.stderr:
                    break
            assert result.returncode == 0, result.stderr
            return result

        # TPMU_PUBLIC_ID as tpm2-tools reads it: a little-endian size, then 256
        # zero bytes, as in the agent's AK template.
        unique = directory / "unique"
        unique.write_bytes(struct.pack("<H", 256) + bytes(256))
        tool("tpm2_createprimary", "-C", "e", "-G", "rsa2048:rsassa-sha256:null", "-g", "sha256",
             "-a", AK_ATTRIBUTES, "-u", unique, "-c", directory / "ak.ctx")
        tool("tpm2_readpublic", "-c", directory / "ak.ctx", "-f", "tss", "-o",
             directory / "ak.pub")
        assert (directory / "ak.pub").read_bytes() == ak_public, \
            "tpm2_createprimary derived another key than the agent's AK"
        # The machine's swtpm was killed, not shut down, so the TPM reports its
        # clock as possibly rolled back until the clock is set forward again.
        clock = tool("tpm2_readclock").stdout
        now = int(re.search(r"clock: (\d+)", clock).group(1))
        tool("tpm2_setclock", str(now + 3600 * 1000))
        tool("tpm2_quote", "-c", directory / "ak.ctx", "-l", "sha256:0,1,2,3,4,5,6,7",
             "-q", nonce, "-m", directory / "other.attest", "-s", directory / "other.sig",
             "-g", "sha256")
        return ((directory / "other.attest").read_bytes(),
                (directory / "other.sig").read_bytes())
    finally:
        swtpm.kill()
        swtpm.wait(timeout=10)
