"""Execute the per-paper notebooks (nbclient) so that they are tested against real artifacts.

Kernels talk to their client over Unix domain sockets (zmq's ``ipc`` transport) in a directory private to
one execution, not over TCP. With TCP, jupyter_client picks each of the kernel's five ports by binding a
socket to port 0 and closing it again (``jupyter_client.connect.write_connection_file``, or
``LocalPortCache.find_available_port``, whose cache only spans one Python process); the kernel binds the
ports only once its own interpreter has started, seconds later on a loaded machine, and ipykernel makes a
single attempt at a port it was given (``ipykernel.kernelapp.IPKernelApp._bind_socket``). Any other process
that takes one of those ports in between, such as a second notebook job that Snakemake started in the same
second, kills the kernel at start-up: "Kernel died before replying to kernel_info". Socket files named after
a private directory cannot collide, so there is nothing to retry.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from depth2.core.io import atomic_path

log = logging.getLogger(__name__)

NOTEBOOK_DIR = Path(__file__).resolve().parents[2] / "workflow" / "notebooks"

# A Unix socket path must fit sun_path: 108 bytes on Linux, 104 on macOS. Keep a margin for the "-<n>" suffix.
_SOCKET_PATH_MAX = 96


def source(paper: str) -> Path:
    """The notebook of ``paper`` in the checkout (``workflow/notebooks/<paper>.ipynb``)."""
    path = NOTEBOOK_DIR / f"{paper}.ipynb"
    if not path.is_file():
        raise FileNotFoundError(f"no notebook for paper {paper!r} at {path}")
    return path


@contextmanager
def _kernel_dir() -> Iterator[Path]:
    """A fresh directory, private to one execution, for the kernel's connection file and sockets; removed after."""
    path = Path(tempfile.mkdtemp(prefix="depth2-kernel-"))
    if len(str(path / "kernel-ipc-00")) > _SOCKET_PATH_MAX and Path("/tmp").is_dir():
        # a long $TMPDIR (cluster scratch paths) would overflow sun_path and fail the kernel's bind
        shutil.rmtree(path, ignore_errors=True)
        path = Path(tempfile.mkdtemp(prefix="depth2-kernel-", dir="/tmp"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def use_private_sockets(client: NotebookClient, directory: str | os.PathLike) -> None:
    """Give ``client`` a kernel manager whose connection file and ``ipc`` sockets live in ``directory``.

    The client still owns the manager (it was created by ``client.create_kernel_manager``), so it shuts the
    kernel down after ``execute`` as usual. Off POSIX, where libzmq may lack the ``ipc`` transport, the
    kernel keeps jupyter_client's TCP ports and a warning says that concurrent starts can race for them.
    """
    d = Path(directory)
    km = client.create_kernel_manager()
    km.connection_file = str(d / "kernel.json")
    if os.name == "posix":
        km.transport = "ipc"
        km.ip = str(d / "kernel-ipc")  # the socket files are "<ip>-<n>"
        km.cache_ports = False  # a TCP-only mechanism (its default follows the transport)
    else:
        log.warning("no ipc transport on this platform: the kernel uses TCP ports, which concurrent kernel "
                    "starts can race for")


def execute(notebook: str | os.PathLike, out: str | os.PathLike, *, cwd: str | os.PathLike = ".",
            timeout: int = 600) -> None:
    """Run every cell of ``notebook`` with working directory ``cwd``; write the executed copy to ``out``.

    A failing cell raises (nbclient's ``CellExecutionError``) and nothing is written. Safe to run many at
    once (see the module docstring).
    """
    nb = nbformat.read(notebook, as_version=4)
    with _kernel_dir() as kdir:
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                resources={"metadata": {"path": str(Path(cwd).resolve())}})
        use_private_sockets(client, kdir)
        client.execute()
    with atomic_path(out) as tmp:
        nbformat.write(nb, tmp)
