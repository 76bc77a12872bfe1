"""A throw-away one-node Slurm cluster on this machine (for tests/test_slurm.py, and by hand).

Everything lives in one temporary directory: a fresh munge key and its own ``munged`` (own socket), a
``slurm.conf`` for ``NodeName=localhost`` with the CPUs and memory ``slurmd -C`` reports, ``slurmctld`` and
``slurmd`` run as root on free ports, state, spool, pid and log files. Nothing under /etc is read or written:
clients find the cluster through ``SLURM_CONF`` (see :attr:`SlurmCluster.env`), which ``sbatch --export=ALL``
hands on to the jobs.

Accounting: ``AccountingStorageType=accounting_storage/none`` (no slurmdbd, no database), so ``sacct`` answers
"Slurm accounting storage is disabled" and exits 1. snakemake-executor-plugin-slurm polls job states with
``sacct`` by default; on this cluster it must be told ``--slurm-status-command squeue`` (``squeue --states=all``
sees finished jobs for ``MinJobAge`` seconds, set high here). ``JobAcctGatherType=jobacct_gather/linux`` still
samples the jobs (``sstat`` works while they run). No cgroups are used (``proctrack/linuxproc``, ``task/none``):
they need a writable cgroup hierarchy, which containers often lack.

``srun`` and SLURM_CONF: inside a Slurm job, snakemake-executor-plugin-slurm-jobstep (0.6.1, the newest) starts
each rule with ``srun`` in an environment stripped of every ``SLURM_*`` variable, ``SLURM_CONF`` included, so
``srun`` falls back to /etc/slurm/slurm.conf, then /run/slurm/conf (configless), then DNS SRV records, and
fails with "Could not establish a configuration source" on a cluster whose config lives elsewhere (upstream:
snakemake/snakemake-executor-plugin-slurm#164 for the same stripping in the main plugin). Rather than write
/etc/slurm/slurm.conf (shared by every cluster on the machine), :attr:`SlurmCluster.env` puts
``<root>/bin/srun`` first on PATH: a two-line wrapper that sets SLURM_CONF again and execs the real srun.

By hand (as root)::

    python tests/slurm/cluster.py start /tmp/slurm1     # prints `export SLURM_CONF=... PATH=...`
    SLURM_CONF=/tmp/slurm1/slurm.conf sinfo
    python tests/slurm/cluster.py stop /tmp/slurm1
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

BINARIES = ("munged", "munge", "slurmctld", "slurmd", "sbatch", "squeue", "sinfo", "scontrol", "srun")
APT_PACKAGES = ("slurm-wlm", "munge")


def missing_binaries() -> list[str]:
    return [b for b in BINARIES if shutil.which(b) is None and not Path("/usr/sbin", b).exists()]


def ensure_installed(timeout: float = 600) -> str | None:
    """Install slurm-wlm and munge with apt-get when missing. Returns ``None`` when ready, else the reason
    the cluster cannot be started (to print in a skip)."""
    if sys.platform != "linux":
        return f"a local Slurm cluster needs Linux (this is {sys.platform})"
    if os.geteuid() != 0:
        return "a local Slurm cluster needs root (slurmd runs jobs as their user; munged and slurmctld as root)"
    if not missing_binaries():
        return None
    if shutil.which("apt-get") is None:
        return f"Slurm binaries missing ({', '.join(missing_binaries())}) and apt-get is not available"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", "--no-install-recommends", *APT_PACKAGES]
    log = []
    for cmd in (install, ["apt-get", "update", "-q"], install):
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"{' '.join(cmd)} failed: {exc}"
        log.append(proc.stdout[-1000:] + proc.stderr[-1000:])
        if cmd is install and proc.returncode == 0 and not missing_binaries():
            return None
    return f"apt-get install {' '.join(APT_PACKAGES)} failed:\n" + "\n".join(log)[-3000:]


def _sbin(name: str) -> str:
    return shutil.which(name) or str(Path("/usr/sbin", name))


def _free_ports(n: int) -> list[int]:
    socks = []
    try:
        for _ in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def node_line(oversubscribe: int = 1) -> str:
    """``NodeName=localhost CPUs=.. ... RealMemory=..`` from what ``slurmd -C`` detects on this machine; with
    ``oversubscribe`` > 1 the node offers that many job slots per CPU (one socket of CPUs x oversubscribe
    cores; slurm.conf sets ``SlurmdParameters=config_overrides`` so slurmd accepts it)."""
    out = subprocess.run([_sbin("slurmd"), "-C"], capture_output=True, text=True, check=True).stdout
    found = dict(re.findall(r"(\w+)=(\S+)", out.splitlines()[0]))
    if oversubscribe > 1:
        cpus = int(found["CPUs"]) * oversubscribe
        found.update(CPUs=cpus, Boards=1, SocketsPerBoard=1, CoresPerSocket=cpus, ThreadsPerCore=1)
    keys = ("CPUs", "Boards", "SocketsPerBoard", "CoresPerSocket", "ThreadsPerCore", "RealMemory")
    parts = [f"{k}={found[k]}" for k in keys if k in found]
    return "NodeName=localhost NodeAddr=127.0.0.1 NodeHostname=localhost " + " ".join(parts) + " State=UNKNOWN"


SLURM_CONF = """\
# One-node test cluster written by tests/slurm/cluster.py (not for production).
ClusterName=depth2test
SlurmctldHost=localhost
SlurmctldPort={ctld_port}
SlurmdPort={slurmd_port}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={root}/munge.socket
StateSaveLocation={root}/state
SlurmdSpoolDir={root}/spool
SlurmctldPidFile={root}/slurmctld.pid
SlurmdPidFile={root}/slurmd.pid
SlurmctldLogFile={root}/slurmctld.log
SlurmdLogFile={root}/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
SlurmdParameters=config_overrides
# no cgroups: plain process tracking, no task containment
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
# job sampling without a database: sacct needs slurmdbd (see the module docstring)
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=30
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SchedulerType=sched/backfill
# start jobs as soon as they are submitted or a CPU frees (default: batched every 3 s, every 60 s in full)
SchedulerParameters=batch_sched_delay=0,sched_interval=2
ReturnToService=2
# finished jobs stay visible to `squeue --states=all` this long (the executor's status command here)
MinJobAge=900
SlurmdTimeout=120
InactiveLimit=0
KillWait=10
{node}
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
"""


@dataclass
class SlurmCluster:
    """A one-node cluster rooted at ``root`` (created when missing). ``start()``, then ``stop()``.

    ``oversubscribe``: job slots per CPU. A Snakemake job on Slurm spends most of its ~10 s slot starting
    Python twice and waiting on Slurm, not computing, so 2 slots per CPU nearly halve a test run's wall time
    on a 2-core machine."""

    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="depth2-slurm-")))
    oversubscribe: int = 1
    started: dict[str, int] = field(default_factory=dict)

    def __post_init__(self):
        self.root = Path(self.root).resolve()

    @property
    def conf(self) -> Path:
        return self.root / "slurm.conf"

    @property
    def env(self) -> dict[str, str]:
        """What a client (sbatch, squeue, snakemake's executor) needs in its environment: SLURM_CONF, and
        the srun wrapper first on PATH (see the module docstring)."""
        return {"SLURM_CONF": str(self.conf),
                "PATH": os.pathsep.join([str(self.root / "bin"), os.environ.get("PATH", os.defpath)])}

    def _run(self, *cmd: str, timeout: float = 30, check: bool = True) -> subprocess.CompletedProcess:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                              env={**os.environ, **self.env})
        if check and proc.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stdout}{proc.stderr}"
                               f"\n{self.logs()}")
        return proc

    def logs(self, lines: int = 15) -> str:
        out = []
        for name in ("munged.log", "slurmctld.log", "slurmd.log"):
            p = self.root / name
            if p.exists():
                out.append(f"--- {p}\n" + "\n".join(p.read_text(errors="replace").splitlines()[-lines:]))
        return "\n".join(out)

    def start(self, timeout: float = 60) -> float:
        """Start munged, slurmctld and slurmd; wait until the node is idle. Returns the seconds it took."""
        t0 = time.monotonic()
        self.root.mkdir(parents=True, exist_ok=True)
        self.root.chmod(0o755)  # munged wants its socket directory searchable by everyone
        for sub in ("state", "spool"):
            (self.root / sub).mkdir(exist_ok=True)
        key = self.root / "munge.key"
        if not key.exists():
            key.write_bytes(os.urandom(1024))
        key.chmod(0o400)
        self._run(_sbin("munged"), "--force", f"--key-file={key}", f"--socket={self.root}/munge.socket",
                  f"--pid-file={self.root}/munged.pid", f"--log-file={self.root}/munged.log",
                  f"--seed-file={self.root}/munged.seed")
        self.started["munged"] = self._pid("munged")
        ctld_port, slurmd_port = _free_ports(2)
        self.conf.write_text(SLURM_CONF.format(root=self.root, ctld_port=ctld_port, slurmd_port=slurmd_port,
                                               node=node_line(self.oversubscribe)))
        (self.root / "bin").mkdir(exist_ok=True)
        srun = self.root / "bin" / "srun"
        srun.write_text(f"#!/bin/sh\n# the jobstep plugin strips SLURM_CONF (tests/slurm/cluster.py)\n"
                        f"SLURM_CONF={self.conf} exec {shutil.which('srun') or '/usr/bin/srun'} \"$@\"\n")
        srun.chmod(0o755)
        self._run(_sbin("slurmctld"), "-f", str(self.conf), "-c")  # -c: no state from an earlier run
        self.started["slurmctld"] = self._pid("slurmctld")
        self._run(_sbin("slurmd"), "-f", str(self.conf), "-N", "localhost")
        self.started["slurmd"] = self._pid("slurmd")
        while True:
            # compact state: "idle*" (not responding) until slurmd has registered
            state = self._run("sinfo", "-h", "-n", "localhost", "-o", "%t", check=False).stdout.strip()
            if state == "idle":
                return time.monotonic() - t0
            if time.monotonic() - t0 > timeout:
                raise RuntimeError(f"node not idle after {timeout:.0f} s (state {state!r})\n{self.logs()}")
            time.sleep(0.2)

    def _pid(self, name: str, wait: float = 10) -> int:
        pidfile = self.root / f"{name}.pid"
        t0 = time.monotonic()
        while time.monotonic() - t0 < wait:
            text = pidfile.read_text().strip() if pidfile.exists() else ""
            if text.isdigit():
                return int(text)
            time.sleep(0.05)
        raise RuntimeError(f"{name} wrote no pid file {pidfile}\n{self.logs()}")

    def stop(self, timeout: float = 20) -> None:
        """Cancel every job of this cluster, stop slurmd, slurmctld and munged (only the processes
        :meth:`start` started, by pid)."""
        if self.conf.exists() and "slurmctld" in self.started:
            try:
                self._run("scancel", "--full", "--user", "root", check=False, timeout=10)
                self._run("scontrol", "shutdown", check=False, timeout=10)
            except subprocess.TimeoutExpired:
                pass
        for name in ("slurmd", "slurmctld", "munged"):
            pid = self.started.pop(name, None) or self._pid_or_none(name)
            if pid is None:
                continue
            _terminate(pid, timeout)

    def _pid_or_none(self, name: str) -> int | None:
        p = self.root / f"{name}.pid"
        text = p.read_text().strip() if p.exists() else ""
        return int(text) if text.isdigit() else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie is as good as gone
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def _terminate(pid: int, timeout: float) -> None:
    t0 = time.monotonic()
    sig = signal.SIGTERM
    while _alive(pid):
        if time.monotonic() - t0 > timeout:
            sig = signal.SIGKILL
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return
        time.sleep(0.1)


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3) or argv[0] not in ("start", "stop") or (len(argv) == 3 and not argv[2].isdigit()):
        print("usage: python tests/slurm/cluster.py start DIR [SLOTS_PER_CPU] | stop DIR", file=sys.stderr)
        return 2
    cluster = SlurmCluster(Path(argv[1]), oversubscribe=int(argv[2]) if len(argv) == 3 else 1)
    if argv[0] == "start":
        reason = ensure_installed()
        if reason:
            print(reason, file=sys.stderr)
            return 1
        seconds = cluster.start()
        print(f"# cluster up in {seconds:.1f} s; logs in {cluster.root}", file=sys.stderr)
        print(f"export SLURM_CONF={cluster.conf} PATH={cluster.root / 'bin'}:$PATH")
    else:
        cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
