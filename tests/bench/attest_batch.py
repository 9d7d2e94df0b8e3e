"""`make bench`: offline verification throughput of stored evidence.

Boots build/sbx-linux.iso once with an EK-certified TPM, enrols its AK and collects
EVIDENCE pieces of evidence with `sbx-attest verify --agent --save`. Then, in the
same run, times:
  - `sbx-attest verify --evidence` over all of them, REPEAT times over, in one
    process (every check of ATTESTATION.md per piece: RSA quote signature, both
    event logs parsed and replayed, reference values, the ECDSA-signed report);
  - `sbx-attest verify --evidence` on one piece per process, as a script would;
  - `tpm2_checkquote` on the same quotes, one process per quote, which checks the
    quote's signature, nonce and PCR digest only.
Prints verifications per second of each and the ratios. RSA-2048 AKs because an
RSA public-key operation (e = 65537) costs far less than an ECDSA P-256 verify in
mbedTLS 2.28, and a verifier checks fleets in batches. Not a test: nothing here
passes or fails on speed."""
import base64
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "system"))
from sbx_machine import BUILD, ROOT, Machine, free_port  # noqa: E402

ATTEST = BUILD / "sbx-attest"
REFERENCE = BUILD / "reference.json"
EVIDENCE = 8
REPEAT = 25
SINGLE_ROUNDS = 2
BOOT_TIMEOUT = 300


def run(*args, timeout=300):
    return subprocess.run(list(map(str, args)), capture_output=True, text=True,
                          timeout=timeout)


def collect(directory):
    tpm_state = directory / "tpm"
    tpm_state.mkdir()
    run("sh", ROOT / "mk/provision-tpm.sh", tpm_state).check_returncode()
    state = directory / "state"
    port = free_port()
    paths = []
    with Machine(BUILD / "sbx-linux.iso", tpm_state=tpm_state, agent_port=port) as machine:
        machine.wait_for(r"sbx-agent: listening on port 7780", BOOT_TIMEOUT)
        enrolled = run(ATTEST, "enroll", "--agent", f"127.0.0.1:{port}", "--state", state)
        if enrolled.returncode != 0:
            sys.exit(f"attest_batch: enrolment failed: {enrolled.stdout}{enrolled.stderr}")
        for index in range(EVIDENCE):
            path = directory / f"evidence-{index}.json"
            verified = run(ATTEST, "verify", "--agent", f"127.0.0.1:{port}", "--reference",
                           REFERENCE, "--state", state, "--save", path)
            if verified.returncode != 0:
                sys.exit(f"attest_batch: evidence {index} not trusted: {verified.stdout}")
            paths.append(path)
    return state, paths


def quote_files(directory, paths):
    """The quote parts of each piece of evidence, as tpm2_checkquote reads them."""
    quotes = []
    for index, path in enumerate(paths):
        evidence = json.loads(path.read_text())
        files = {}
        for name, value in (("ak", evidence["ak_public"]),
                            ("attest", evidence["quote"]["attest"]),
                            ("signature", evidence["quote"]["signature"])):
            files[name] = directory / f"quote-{index}.{name}"
            files[name].write_bytes(base64.b64decode(value))
        quotes.append((files, evidence["nonce"]))
    return quotes


def timed(function):
    start = time.perf_counter()
    count = function()
    return count / (time.perf_counter() - start)


def batch(state, paths):
    result = run(ATTEST, "verify", "--evidence", *(paths * REPEAT), "--reference", REFERENCE,
                 "--state", state, timeout=900)
    trusted = sum(json.loads(line)["status"] == "trusted" for line in result.stdout.splitlines())
    if result.returncode != 0 or trusted != len(paths) * REPEAT:
        sys.exit(f"attest_batch: batch verification failed ({trusted} trusted)")
    return trusted


def single(state, paths):
    for _ in range(SINGLE_ROUNDS):
        for path in paths:
            run(ATTEST, "verify", "--evidence", path, "--reference", REFERENCE, "--state",
                state).check_returncode()
    return SINGLE_ROUNDS * len(paths)


def checkquote(quotes):
    for _ in range(SINGLE_ROUNDS):
        for files, nonce in quotes:
            run("tpm2_checkquote", "-u", files["ak"], "-m", files["attest"], "-s",
                files["signature"], "-q", nonce, "-g", "sha256").check_returncode()
    return SINGLE_ROUNDS * len(quotes)


def main():
    directory = Path(tempfile.mkdtemp(prefix="sbx-attest-bench-"))
    try:
        state, paths = collect(directory)
        quotes = quote_files(directory, paths)
        batch_rate = timed(lambda: batch(state, paths))
        single_rate = timed(lambda: single(state, paths))
        checkquote_rate = timed(lambda: checkquote(quotes))
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    print(f"attest-bench: sbx-attest batch (one process, {len(paths) * REPEAT} pieces): "
          f"{batch_rate:.1f} verifications/s")
    print(f"attest-bench: sbx-attest one process per piece: {single_rate:.1f} verifications/s")
    print(f"attest-bench: tpm2_checkquote one process per quote: {checkquote_rate:.1f} quotes/s")
    print(f"attest-bench: ratio batch / tpm2_checkquote {batch_rate / checkquote_rate:.2f}")
    print(f"attest-bench: ratio per-process sbx-attest / tpm2_checkquote "
          f"{single_rate / checkquote_rate:.2f}")


main()
