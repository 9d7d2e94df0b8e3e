"""System tests of the attestation agent (guest/agent/, attest/README.md): boot
build/sbx-linux.iso with a provisioned TPM and the agent's port forwarded, then talk
to the agent over TCP from the host and check what it says with tools that share no
code with it or with sbx-attest: openssl for the EK certificate chain, tpm2-tools
(tpm2_print, tpm2_makecredential, tpm2_checkquote, tpm2_eventlog) for the TPM
structures. Last, the agent must survive every kind of bad client and still serve."""
import base64
import hashlib
import json
import os
import re
import socket
import subprocess
import time

import pytest

from sbx_machine import BUILD, Machine, free_port

BOOT_TIMEOUT = 180
TOOL_TIMEOUT = 60
EXCHANGE_TIMEOUT = 30
CA = BUILD / "tpm-ca"
REQUEST_SECONDS = 10          # the agent's deadline for a request
REPORT_SIZE = 592             # struct sbx_report
REPORT_NONCE_OFFSET = 16      # struct sbx_report_body.nonce
AK_ATTRIBUTES = "fixedtpm|fixedparent|sensitivedataorigin|userwithauth|restricted|sign"
EK_ATTRIBUTES = "fixedtpm|fixedparent|sensitivedataorigin|adminwithpolicy|restricted|decrypt"


@pytest.fixture(scope="module")
def machine():
    with Machine(BUILD / "sbx-linux.iso", provision=True, agent_port=free_port(),
                 interactive=True) as machine:
        machine.wait_for(r"sbx-agent: listening on port 7780", BOOT_TIMEOUT)
        yield machine


def exchange(machine, data, timeout=EXCHANGE_TIMEOUT):
    """Sends `data` as it is and returns everything the agent sent until it closed."""
    with socket.create_connection(("127.0.0.1", machine.agent_port), timeout=timeout) as s:
        s.sendall(data)
        received = b""
        while chunk := s.recv(65536):
            received += chunk
    return received


def response(raw):
    """One JSON object on one line, ended by a newline, protocol version 1."""
    assert raw.endswith(b"\n") and raw.count(b"\n") == 1, f"not one line: {raw[:200]!r}"
    message = json.loads(raw)
    assert message["sbx_attest"] == 1
    return message


def request(machine, message):
    return response(exchange(machine, json.dumps({"sbx_attest": 1, **message}).encode()
                             + b"\n"))


def tool(*args, check=True, **kwargs):
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True,
                            timeout=TOOL_TIMEOUT, **kwargs)
    if check:
        assert result.returncode == 0, f"{args[0]} failed: {result.stderr}"
    return result


def tpm2_print(path, kind):
    """tpm2_print's YAML, flattened into {"name": "value"} of its leaf lines."""
    out = tool("tpm2_print", "-t", kind, path).stdout
    fields, parent = {}, None
    for line in out.splitlines():
        match = re.match(r"^(\s*)([\w -]+?):\s*(.*)$", line)
        if not match:
            continue
        indent, key, value = match.groups()
        if not indent:
            parent = key
        fields[f"{parent}.{key}" if indent and parent else key] = value
    return fields


@pytest.fixture(scope="module")
def identity(machine, tmp_path_factory):
    message = request(machine, {"request": "identity"})
    assert message["response"] == "identity", message
    assert set(message) == {"sbx_attest", "response", "ek_certificate", "ek_public",
                            "ak_public"}
    directory = tmp_path_factory.mktemp("identity")
    paths = {}
    for field in ("ek_certificate", "ek_public", "ak_public"):
        paths[field] = directory / field
        paths[field].write_bytes(base64.b64decode(message[field], validate=True))
    paths["ek_pem"] = directory / "ek.pem"
    tool("openssl", "x509", "-inform", "DER", "-in", paths["ek_certificate"],
         "-out", paths["ek_pem"])
    return paths


def ak_name(ak_public_path):
    """The AK's Name: nameAlg (SHA-256) then the hash of its TPMT_PUBLIC."""
    public = ak_public_path.read_bytes()
    assert int.from_bytes(public[:2], "big") == len(public) - 2
    return b"\x00\x0b" + hashlib.sha256(public[2:]).digest()


def test_ek_certificate_chains_to_the_local_ca(identity):
    result = tool("openssl", "verify", "-CAfile", CA / "swtpm-localca-rootca-cert.pem",
                  "-untrusted", CA / "issuercert.pem", identity["ek_pem"])
    assert result.stdout.strip().endswith(": OK")


def test_ek_certificate_key_is_the_ek(identity):
    modulus = tool("openssl", "x509", "-in", identity["ek_pem"], "-noout",
                   "-modulus").stdout.strip()
    assert modulus.startswith("Modulus=")
    ek = tpm2_print(identity["ek_public"], "TPM2B_PUBLIC")
    assert ek["rsa"].lower() == modulus[len("Modulus="):].lower()


def test_ek_public_is_the_default_template(identity):
    ek = tpm2_print(identity["ek_public"], "TPM2B_PUBLIC")
    assert ek["attributes.value"] == EK_ATTRIBUTES
    assert ek["sym-alg.value"] == "aes" and ek["sym-mode.value"] == "cfb"
    assert ek["sym-keybits"] == "128" and ek["bits"] == "2048"
    assert ek["authorization policy"] == \
        "837197674484b3f81a90cc8d46a5d724fd52d76e06520b64f2a1da1b331469aa"


def test_ak_public_has_the_contract_attributes(identity):
    ak = tpm2_print(identity["ak_public"], "TPM2B_PUBLIC")
    assert ak["name-alg.value"] == "sha256"
    assert ak["attributes.value"] == AK_ATTRIBUTES
    assert ak["type.value"] == "rsa" and ak["bits"] == "2048"
    assert ak["scheme.value"] == "rsassa" and ak["scheme-halg.value"] == "sha256"
    assert ak["sym-alg.value"] == "null"
    assert "authorization policy" not in ak or not ak["authorization policy"]


def make_credential(identity, name, secret, directory):
    """tpm2-tools' own MakeCredential, offline: its output is a header (magic,
    version), then the TPM2B_ID_OBJECT, then the TPM2B_ENCRYPTED_SECRET."""
    (directory / "secret").write_bytes(secret)
    tool("tpm2_makecredential", "-T", "none", "-u", identity["ek_public"],
         "-s", directory / "secret", "-n", name.hex(), "-o", directory / "cred.out")
    blob = (directory / "cred.out").read_bytes()
    assert blob[:8] == bytes.fromhex("badcc0de00000001")
    body = blob[8:]
    id_object_size = 2 + int.from_bytes(body[:2], "big")
    id_object, encrypted_secret = body[:id_object_size], body[id_object_size:]
    assert len(encrypted_secret) == 2 + int.from_bytes(encrypted_secret[:2], "big")
    return {"request": "activate",
            "credential_blob": base64.b64encode(id_object).decode(),
            "secret": base64.b64encode(encrypted_secret).decode()}


def test_activate_returns_the_secret(machine, identity, tmp_path):
    secret = os.urandom(32)
    activation = make_credential(identity, ak_name(identity["ak_public"]), secret, tmp_path)
    message = request(machine, activation)
    assert message["response"] == "activate", message
    assert set(message) == {"sbx_attest", "response", "credential"}
    assert base64.b64decode(message["credential"], validate=True) == secret


def test_activate_refuses_a_credential_for_another_name(machine, identity, tmp_path):
    other = b"\x00\x0b" + hashlib.sha256(b"not the AK").digest()
    message = request(machine, make_credential(identity, other, os.urandom(32), tmp_path))
    assert message["response"] == "error"
    assert "ActivateCredential" in message["error"]


@pytest.fixture(scope="module")
def evidence(machine, tmp_path_factory):
    nonce = os.urandom(32)
    message = request(machine, {"request": "evidence", "nonce": nonce.hex()})
    assert message["response"] == "evidence", message
    assert set(message) == {"sbx_attest", "response", "nonce", "quote", "ak_public",
                            "ek_certificate", "firmware_log", "hv_log", "report"}
    assert set(message["quote"]) == {"attest", "signature"}
    directory = tmp_path_factory.mktemp("evidence")
    blobs = dict(message["quote"], **{field: message[field] for field in
                 ("ak_public", "ek_certificate", "firmware_log", "hv_log", "report")})
    paths = {"nonce": nonce, "message": message}
    for field, text in blobs.items():
        paths[field] = directory / field
        paths[field].write_bytes(base64.b64decode(text, validate=True))
    return paths


def test_evidence_echoes_the_nonce(evidence):
    assert evidence["message"]["nonce"] == evidence["nonce"].hex()


def test_evidence_carries_the_identity(evidence, identity):
    assert evidence["ak_public"].read_bytes() == identity["ak_public"].read_bytes()
    assert evidence["ek_certificate"].read_bytes() == \
        identity["ek_certificate"].read_bytes()


def test_quote_verifies_with_tpm2_checkquote(evidence):
    tool("tpm2_checkquote", "-u", evidence["ak_public"], "-m", evidence["attest"],
         "-s", evidence["signature"], "-q", evidence["nonce"].hex(), "-g", "sha256")


def test_quote_is_bound_to_the_nonce(evidence):
    other = bytes(b ^ 1 for b in evidence["nonce"]).hex()
    result = tool("tpm2_checkquote", "-u", evidence["ak_public"], "-m", evidence["attest"],
                  "-s", evidence["signature"], "-q", other, "-g", "sha256", check=False)
    assert result.returncode != 0


def test_quote_selects_sha256_pcrs_0_to_9_and_17_to_19(evidence):
    attest = tpm2_print(evidence["attest"], "TPMS_ATTEST")
    assert attest["magic"] == "ff544347" and attest["type"] == "8018"
    assert attest["extraData"] == evidence["nonce"].hex()
    out = tool("tpm2_print", "-t", "TPMS_ATTEST", evidence["attest"]).stdout
    assert re.search(r"count: 1\n", out)
    assert re.search(r"hash: 11 \(sha256\)\n\s*sizeofSelect: 3\n\s*pcrSelect: ff030e\n", out)


def test_report_carries_the_nonce(evidence):
    report = evidence["report"].read_bytes()
    assert len(report) == REPORT_SIZE
    assert report[REPORT_NONCE_OFFSET:REPORT_NONCE_OFFSET + 32] == evidence["nonce"]


def test_hv_log_parses_with_tpm2_eventlog(evidence):
    out = tool("tpm2_eventlog", evidence["hv_log"]).stdout
    pcrs = set(re.findall(r"PCRIndex: (\d+)", out))
    assert {"17", "18", "19"} <= pcrs
    assert "Spec ID Event03" in out


def test_firmware_log_parses_with_tpm2_eventlog(evidence):
    out = tool("tpm2_eventlog", evidence["firmware_log"]).stdout
    assert "Spec ID Event03" in out
    assert {str(pcr) for pcr in range(8)} <= set(re.findall(r"PCRIndex: (\d+)", out))


def error_for(machine, data):
    message = response(exchange(machine, data))
    assert message["response"] == "error", message
    assert set(message) == {"sbx_attest", "response", "error"}
    assert message["error"]
    return message["error"]


BAD_REQUESTS = {
    "garbage": b"\x00\xff\xfe\x80 not json at all\n",
    "invalid-utf8": b'{"sbx_attest":1,"request":"identity","x":"\xc3\x28"}\n',
    "invalid-json": b'{"sbx_attest":1,"request":"identity"\n',
    "trailing-bytes": b'{"sbx_attest":1,"request":"identity"} {}\n',
    "not-an-object": b'["sbx_attest",1]\n',
    "deep-json": b"[" * 2000 + b"]" * 2000 + b"\n",
    "wrong-version": b'{"sbx_attest":2,"request":"identity"}\n',
    "version-as-string": b'{"sbx_attest":"1","request":"identity"}\n',
    "version-as-float": b'{"sbx_attest":1.0,"request":"identity"}\n',
    "missing-version": b'{"request":"identity"}\n',
    "unknown-request": b'{"sbx_attest":1,"request":"reboot"}\n',
    "request-as-number": b'{"sbx_attest":1,"request":3}\n',
    "unknown-field": b'{"sbx_attest":1,"request":"identity","extra":true}\n',
    "field-of-another-request": b'{"sbx_attest":1,"request":"identity","nonce":"00"}\n',
    "nonce-missing": b'{"sbx_attest":1,"request":"evidence"}\n',
    "nonce-short": b'{"sbx_attest":1,"request":"evidence","nonce":"0011"}\n',
    "nonce-upper-case": b'{"sbx_attest":1,"request":"evidence","nonce":"' + b"AB" * 32
                        + b'"}\n',
    "nonce-as-number": b'{"sbx_attest":1,"request":"evidence","nonce":12}\n',
    "credential-not-base64": b'{"sbx_attest":1,"request":"activate",'
                             b'"credential_blob":"%%%%","secret":"AAAA"}\n',
    "credential-unpadded": b'{"sbx_attest":1,"request":"activate",'
                           b'"credential_blob":"AAA","secret":"AAAA"}\n',
    "credential-truncated": b'{"sbx_attest":1,"request":"activate",'
                            b'"credential_blob":"ACAA","secret":"AAAA"}\n',
    "secret-as-array": b'{"sbx_attest":1,"request":"activate",'
                       b'"credential_blob":"AAAA","secret":["AAAA"]}\n',
    "empty-line": b"\n",
}


@pytest.mark.parametrize("name", BAD_REQUESTS)
def test_bad_request_gets_an_error(machine, name):
    error_for(machine, BAD_REQUESTS[name])


def test_request_longer_than_4096_bytes_gets_an_error(machine):
    assert "longer than 4096" in error_for(machine, b"{" + b" " * 4999)


def test_unknown_field_is_named(machine):
    assert "extra" in error_for(machine, BAD_REQUESTS["unknown-field"])


def test_disconnects_mid_request_are_survived(machine):
    with socket.create_connection(("127.0.0.1", machine.agent_port), timeout=10) as s:
        s.sendall(b'{"sbx_attest":1,"req')
    # A reset instead of a close: SO_LINGER with a zero timeout.
    with socket.create_connection(("127.0.0.1", machine.agent_port), timeout=10) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        s.sendall(b'{"sbx_attest":1,"req')
    assert request(machine, {"request": "identity"})["response"] == "identity"


def test_silent_client_times_out_and_others_are_served(machine):
    with socket.create_connection(("127.0.0.1", machine.agent_port), timeout=30) as silent:
        started = time.monotonic()
        # One connection at a time: this one waits for the silent client's 10 s.
        served = request(machine, {"request": "identity"})
        waited = time.monotonic() - started
        silent_answer = b""
        while chunk := silent.recv(65536):
            silent_answer += chunk
    assert served["response"] == "identity"
    assert waited >= REQUEST_SECONDS - 1
    assert "within 10 s" in response(silent_answer)["error"]


def test_tpm2_tools_in_the_shell_share_the_tpm_with_the_agent(machine, identity):
    out = machine.run("tpm2_pcrread sha256:17,18,19", 60)
    assert len(re.findall(r"^\s*1[789]\s*: 0x[0-9A-F]{64}$", out, re.MULTILINE)) == 3, out
    message = request(machine, {"request": "identity"})
    assert base64.b64decode(message["ak_public"]) == identity["ak_public"].read_bytes()


def test_agent_still_serves_after_everything(machine):
    # Module order puts this last: every bad client above has had its turn.
    assert request(machine, {"request": "identity"})["response"] == "identity"
    assert re.search(r"^\d+$", machine.run("pidof sbx-agent", 30).strip())


def test_unprovisioned_tpm_names_the_missing_ek_certificate():
    """A TPM without an EK certificate: the agent still serves, but identity and
    evidence say which certificate is missing (the contract has no evidence
    without one)."""
    with Machine(BUILD / "sbx-linux.iso", agent_port=free_port()) as bare:
        bare.wait_for(r"sbx-agent: listening on port 7780", BOOT_TIMEOUT)
        assert re.search(r"sbx-agent: no EK certificate: TPM NV index 0x01c00002",
                         bare.serial())
        for message in ({"request": "identity"},
                        {"request": "evidence", "nonce": os.urandom(32).hex()}):
            answer = request(bare, message)
            assert answer["response"] == "error"
            assert "EK certificate" in answer["error"] and "0x01c00002" in answer["error"]
