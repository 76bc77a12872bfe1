"""Notebook execution (depth2.notebooks): several `depth2 notebook` jobs started at once all succeed.

A fresh clone's first run once failed with "Kernel died before replying to kernel_info" when two notebook
jobs started in the same second: their kernels raced for TCP ports (see depth2.notebooks). The jobs here
start together as separate processes, as Snakemake starts them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

JOBS = 4

# Reports the kernel's transport and connection file, and writes a file relative to the working directory.
CELLS = [
    "import json, os\n"
    "from ipykernel.connect import get_connection_info, get_connection_file\n"
    "info = json.loads(get_connection_info())\n"
    "print(info['transport'], get_connection_file())",
    "open('ran-' + os.environ['DEPTH2_TEST_JOB'], 'w').write('ok')\n"
    "print(6 * 7)",
]


def _tiny_notebook(path: Path) -> Path:
    nb = new_notebook(cells=[new_code_cell(c) for c in CELLS],
                      metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nbformat.write(nb, path)
    return path


def _stdout(cell) -> str:
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


def test_concurrent_notebook_starts_all_succeed(tmp_path):
    notebook = _tiny_notebook(tmp_path / "tiny.ipynb")
    outs = [tmp_path / "out" / f"job{i}.ipynb" for i in range(JOBS)]
    # All processes are launched before any is waited for, so their kernels start within the same second.
    procs = [subprocess.Popen([sys.executable, "-m", "depth2.cli", "--log", str(tmp_path / f"job{i}.log"),
                               "notebook", "--notebook", str(notebook), "--out", str(out), "--cwd", str(tmp_path),
                               "--timeout", "60"],
                              env={**os.environ, "DEPTH2_TEST_JOB": str(i)},
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
             for i, out in enumerate(outs)]
    results = [p.communicate(timeout=120) for p in procs]  # a hung start fails here, not on a timer
    for i, (p, (output, _)) in enumerate(zip(procs, results, strict=True)):
        assert p.returncode == 0, f"job {i} failed:\n{output}"

    connection_files = set()
    for i, out in enumerate(outs):
        nb = nbformat.read(out, as_version=4)
        first, second = (_stdout(c) for c in nb.cells)
        transport, connection_file = first.split()
        if os.name == "posix":
            assert transport == "ipc"  # no TCP ports to race for
        connection_files.add(connection_file)
        assert second.strip() == "42"
        assert (tmp_path / f"ran-{i}").read_text() == "ok"  # --cwd is the kernel's working directory
        # the private connection directory is gone once the job is done
        assert not Path(connection_file).parent.exists()
    assert len(connection_files) == JOBS  # one private directory per execution


def test_execution_survives_taken_tcp_ports(tmp_path, monkeypatch):
    """The race made deterministic: every TCP port jupyter_client would hand the kernel is already taken
    (as by another job between jupyter_client's choice and the kernel's bind). Over TCP the kernel dies at
    start-up; the private ipc sockets do not use those ports at all."""
    import socket

    from jupyter_client.connect import LocalPortCache

    from depth2.notebooks import execute

    if os.name != "posix":
        return  # no ipc transport: TCP ports it is
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    monkeypatch.setattr(LocalPortCache, "find_available_port", lambda self, ip: taken.getsockname()[1])
    monkeypatch.setenv("DEPTH2_TEST_JOB", "0")  # the kernel inherits it (the second cell reads it)
    try:
        execute(_tiny_notebook(tmp_path / "tiny.ipynb"), tmp_path / "out.ipynb", cwd=tmp_path, timeout=60)
    finally:
        taken.close()
    assert _stdout(nbformat.read(tmp_path / "out.ipynb", as_version=4).cells[1]).strip() == "42"
