"""`make bench`: boots build/sbx-bench.iso (the test guest in benchmark mode) and
prints the median TSC cycles of a null hypercall and of a securebox ECHO round trip
(10,000 each), and of a KEY_SIGN round trip and the same ECDSA P-256 signature
computed in the guest (a few hundred each, alternated), measured in one run, with
their ratios. Not a test: nothing here passes or fails on speed."""
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "system"))
from sbx_machine import BUILD, Machine  # noqa: E402

with Machine(BUILD / "sbx-bench.iso") as machine:
    console = machine.wait_for(r"^sbx-bench: done", 900)
for line in re.findall(r"^sbx-bench: .*$", console, re.MULTILINE):
    print(line)
