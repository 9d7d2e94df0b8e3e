"""Boots sbx images in QEMU (TCG, SVM + nested paging) beside a fresh swtpm.

Every process started here is killed by its PID when the machine is closed, and
every wait has a timeout, so a hung guest fails the test instead of the run."""
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "build"
OVMF_CODE = Path("/usr/share/OVMF/OVMF_CODE_4M.fd")
OVMF_VARS = Path("/usr/share/OVMF/OVMF_VARS_4M.fd")


class BootTimeout(AssertionError):
    pass


class Machine:
    """One QEMU run: `with Machine(iso) as m: m.wait_for(r"...")`."""

    def __init__(self, iso, firmware="bios", tpm=True, swtpm_log=False, tpm_state=None,
                 extra_arguments=()):
        """`tpm_state`: a directory that keeps the TPM's state across machines (a
        reboot); by default every machine gets a fresh TPM. `extra_arguments` go to
        QEMU as they are."""
        self.iso = Path(iso)
        self.firmware = firmware
        self.tpm = tpm
        self.swtpm_log = swtpm_log
        self.state = Path(tempfile.mkdtemp(prefix="sbx-test-"))
        self.tpm_state = Path(tpm_state) if tpm_state else self.state
        self.extra_arguments = list(extra_arguments)
        self.serial_path = self.state / "serial.log"
        self.swtpm = None
        self.qemu = None

    def __enter__(self):
        try:
            self._start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc):
        self.close()

    def _start(self):
        args = ["qemu-system-x86_64", "-accel", "tcg", "-cpu", "qemu64,+svm,+npt",
                "-m", "1G", "-display", "none", "-monitor", "none", "-no-reboot",
                "-serial", f"file:{self.serial_path}", "-cdrom", str(self.iso)]
        if self.tpm:
            sock = self.state / "swtpm.sock"
            swtpm = ["swtpm", "socket", "--tpm2", "--tpmstate", f"dir={self.tpm_state}",
                     "--ctrl", f"type=unixio,path={sock}", "--terminate"]
            if self.swtpm_log:
                swtpm += ["--log", f"level=20,file={self.state / 'swtpm.log'}"]
            self.swtpm = subprocess.Popen(swtpm, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 10
            while not sock.exists():
                if time.monotonic() > deadline or self.swtpm.poll() is not None:
                    raise RuntimeError("swtpm did not create its control socket")
                time.sleep(0.02)
            args += ["-chardev", f"socket,id=chrtpm,path={sock}",
                     "-tpmdev", "emulator,id=tpm0,chardev=chrtpm",
                     "-device", "tpm-tis,tpmdev=tpm0"]
        if self.firmware == "uefi":
            vars_copy = self.state / "OVMF_VARS.fd"
            shutil.copy(OVMF_VARS, vars_copy)
            args += ["-machine", "q35",
                     "-drive", f"if=pflash,format=raw,unit=0,readonly=on,file={OVMF_CODE}",
                     "-drive", f"if=pflash,format=raw,unit=1,file={vars_copy}"]
        args += self.extra_arguments
        self.qemu = subprocess.Popen(args, stdout=subprocess.DEVNULL,
                                     stderr=open(self.state / "qemu.err", "wb"))

    def serial(self):
        try:
            return self.serial_path.read_text(errors="replace").replace("\r", "")
        except FileNotFoundError:
            return ""

    def wait_for(self, pattern, timeout):
        """Waits until `pattern` (a regex) appears on the serial console and
        returns the console text so far."""
        regex = re.compile(pattern, re.MULTILINE)
        deadline = time.monotonic() + timeout
        while True:
            text = self.serial()
            if regex.search(text):
                return text
            if self.qemu.poll() is not None:
                raise BootTimeout(f"QEMU exited ({self.qemu.returncode}) before "
                                  f"{pattern!r}; console:\n{text[-3000:]}")
            if time.monotonic() > deadline:
                raise BootTimeout(f"no {pattern!r} within {timeout} s; console:\n"
                                  f"{text[-3000:]}")
            time.sleep(0.1)

    def swtpm_log_text(self):
        return (self.state / "swtpm.log").read_text(errors="replace")

    def close(self):
        for process in (self.qemu, self.swtpm):
            if process and process.poll() is None:
                process.send_signal(signal.SIGKILL)
                process.wait(timeout=10)
        shutil.rmtree(self.state, ignore_errors=True)


def make_iso(out, hv=None, policy=None, securebox=None, kernel=None, initrd=None,
             cmdline="console=ttyS0", hv_cmdline=""):
    """Builds a variant of build/sbx.iso with grub/mkiso.sh, the same script the
    Makefile uses."""
    files = {
        "hv": hv or BUILD / "hv.elf",
        "policy": policy or ROOT / "policy/default.pol",
        "securebox": securebox or BUILD / "securebox.elf",
        "kernel": kernel or BUILD / "modules/kernel.placeholder",
        "initrd": initrd or BUILD / "modules/initrd.placeholder",
    }
    args = ["sh", str(ROOT / "grub/mkiso.sh"), str(out)]
    for name, path in files.items():
        args += [f"--{name}", str(path)]
    args += ["--cmdline", cmdline, "--hv-cmdline", hv_cmdline]
    subprocess.run(args, check=True, timeout=120)
    return files


def predicted_pcrs(files, cmdline="console=ttyS0", event_log=None, identity_key=None):
    args = [str(BUILD / "sbx-measure")]
    for name, path in files.items():
        args += [f"--{name}", str(path)]
    args += ["--cmdline", cmdline]
    if identity_key:
        args += ["--identity-key", identity_key]
    if event_log:
        args += ["--event-log", str(event_log)]
    out = subprocess.run(args, check=True, capture_output=True, text=True, timeout=60).stdout
    return dict(re.findall(r"^pcr(\d+) ([0-9a-f]{64})$", out, re.MULTILINE))


def console_pcrs(text):
    """The PCR values the hypervisor read back from the TPM."""
    return dict(re.findall(r"^sbx: pcr(\d+) sha256 ([0-9a-f]{64})$", text, re.MULTILINE))


def console_event_log(text):
    """The event log bytes the hypervisor dumped between begin and end."""
    match = re.search(r"^sbx: event-log begin (\d+) bytes\n(.*?)^sbx: event-log end$",
                      text, re.MULTILINE | re.DOTALL)
    assert match, "no complete event log on the console"
    data = bytes.fromhex("".join(re.findall(r"^sbx: event-log ([0-9a-f]+)$",
                                            match.group(2), re.MULTILINE)))
    assert len(data) == int(match.group(1)), "event log length differs from its header"
    return data


def console_identity_key(text):
    """The securebox identity public key the hypervisor measured into PCR 18."""
    match = re.search(r"^sbx: securebox identity key ([0-9a-f]{130})$", text, re.MULTILINE)
    return match.group(1) if match else None
