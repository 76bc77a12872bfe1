"""Execute the per-paper notebooks (nbclient) so that they are tested against real artifacts."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from depth2.core.io import atomic_path

NOTEBOOK_DIR = Path(__file__).resolve().parents[2] / "workflow" / "notebooks"


def source(paper: str) -> Path:
    """The notebook of ``paper`` in the checkout (``workflow/notebooks/<paper>.ipynb``)."""
    path = NOTEBOOK_DIR / f"{paper}.ipynb"
    if not path.is_file():
        raise FileNotFoundError(f"no notebook for paper {paper!r} at {path}")
    return path


def execute(notebook: str | os.PathLike, out: str | os.PathLike, *, cwd: str | os.PathLike = ".",
            timeout: int = 600) -> None:
    """Run every cell of ``notebook`` with working directory ``cwd``; write the executed copy to ``out``.

    A failing cell raises (nbclient's ``CellExecutionError``) and nothing is written.
    """
    nb = nbformat.read(notebook, as_version=4)
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(Path(cwd).resolve())}}).execute()
    with atomic_path(out) as tmp:
        nbformat.write(nb, tmp)
