"""Boots sbx images in QEMU (TCG, SVM + nested paging) beside a fresh swtpm.

Every process started here is killed by its PID when the machine is closed, and
every wait has a timeout, so a hung guest fails the test instead of the run."""
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "build"
OVMF_CODE = Path("/usr/share/OVMF/OVMF_CODE_4M.fd")
OVMF_VARS = Path("/usr/share/OVMF/OVMF_VARS_4M.fd")


class BootTimeout(AssertionError):
    pass


PROVISION = ROOT / "mk/provision-tpm.sh"
AGENT_GUEST_PORT = 7780


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on now (QEMU binds it next)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def provisioned(tpm_state):
    """Whether mk/provision-tpm.sh gave this state its EK certificate (it leaves a
    mark: provisioning again would wipe a state that a reboot test keeps)."""
    return (Path(tpm_state) / "sbx-provisioned").exists()


class Machine:
    """One QEMU run: `with Machine(iso) as m: m.wait_for(r"...")`."""

    def __init__(self, iso, firmware="bios", tpm=True, swtpm_log=False, tpm_state=None,
                 extra_arguments=(), provision=False, agent_port=None, interactive=False):
        """`tpm_state`: a directory that keeps the TPM's state across machines (a
        reboot); by default every machine gets a fresh TPM. `extra_arguments` go to
        QEMU as they are. `provision`: give the TPM an EK certificate from the local
        CA in build/tpm-ca/ first (mk/provision-tpm.sh), unless its state has been
        provisioned already. `agent_port`: forward 127.0.0.1:agent_port to the
        guest's agent (port 7780) through an e1000 user-mode NIC. `interactive`: the
        serial console also takes input, for run()."""
        self.iso = Path(iso)
        self.firmware = firmware
        self.tpm = tpm
        self.swtpm_log = swtpm_log
        self.state = Path(tempfile.mkdtemp(prefix="sbx-test-"))
        self.tpm_state = Path(tpm_state) if tpm_state else self.state
        self.extra_arguments = list(extra_arguments)
        self.provision = provision
        self.agent_port = agent_port
        self.interactive = interactive
        self.serial_path = self.state / "serial.log"
        self.console = None
        self.commands_run = 0
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
                "-cdrom", str(self.iso)]
        console_socket = self.state / "console.sock"
        if self.interactive:
            # wait=off: QEMU starts the guest at once; the log keeps serial()
            # working whether or not anyone is connected.
            args += ["-chardev", f"socket,id=serial0,path={console_socket},server=on,"
                                 f"wait=off,logfile={self.serial_path}",
                     "-serial", "chardev:serial0"]
        else:
            args += ["-serial", f"file:{self.serial_path}"]
        if self.agent_port:
            # e1000 is also QEMU's default NIC: the option ROM SeaBIOS measures
            # into PCR 2 stays the same.
            args += ["-nic", f"user,model=e1000,hostfwd=tcp:127.0.0.1:{self.agent_port}"
                             f"-:{AGENT_GUEST_PORT}"]
        if self.tpm and self.provision and not provisioned(self.tpm_state):
            subprocess.run(["sh", str(PROVISION), str(self.tpm_state)], check=True,
                           timeout=120)
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
        with open(self.state / "qemu.err", "wb") as errors:
            self.qemu = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=errors)
        if self.interactive:
            self.console = self._connect_console(console_socket)

    def _connect_console(self, path):
        deadline = time.monotonic() + 10
        while True:
            console = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                console.connect(str(path))
                # QEMU writes the console to this socket as well as to the log,
                # and stalls the guest's UART once the socket is full: someone
                # must read it. serial() reads the log instead.
                threading.Thread(target=self._drain_console, args=(console,),
                                 daemon=True).start()
                return console
            except OSError:
                console.close()
                if time.monotonic() > deadline or self.qemu.poll() is not None:
                    raise RuntimeError("QEMU did not open its serial console socket")
                time.sleep(0.05)

    @staticmethod
    def _drain_console(console):
        try:
            while console.recv(65536):
                pass
        except OSError:
            pass

    def run(self, command, timeout):
        """Types `command` into the guest's shell (build/sbx-linux.iso, interactive)
        and returns what it printed. Markers unique to the call are echoed before
        and after it; each is split in the typed line, so that only the shell's
        output, never the echo of the line (which the line editor may wrap),
        holds it whole."""
        assert self.console, "run() needs Machine(..., interactive=True)"
        self.commands_run += 1
        begin, end = (f"sbx-run-{which}-{os.getpid()}-{self.commands_run}"
                      for which in ("begin", "end"))
        start = len(self.serial())

        def typed(marker):
            return f"echo '{marker[:8]}''{marker[8:]}'"

        line = f"{typed(begin)}; {command}; echo; {typed(end)}\n"
        self.console.sendall(line.encode())
        pattern = re.compile(rf"^{re.escape(begin)}\n(.*?)\n?^{re.escape(end)}$",
                             re.MULTILINE | re.DOTALL)
        deadline = time.monotonic() + timeout
        while True:
            text = self.serial()[start:]
            match = pattern.search(text)
            if match:
                return match.group(1)
            if self.qemu.poll() is not None:
                raise BootTimeout(f"QEMU exited ({self.qemu.returncode}) while running "
                                  f"{command!r}; console:\n{text[-3000:]}")
            if time.monotonic() > deadline:
                raise BootTimeout(f"{command!r} did not finish within {timeout} s; "
                                  f"console:\n{text[-3000:]}")
            time.sleep(0.1)

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
        if self.console:
            self.console.close()
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
