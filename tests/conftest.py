"""Shared fixtures: the smoke pipeline, run once per test session in a temporary directory."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SNAKEMAKE = [sys.executable, "-m", "snakemake"]


def run_snakemake(workdir: Path, *args: str, repo: Path = REPO, env: dict | None = None,
                  check: bool = True) -> subprocess.CompletedProcess:
    """Run Snakemake on ``repo``'s Snakefile in ``workdir`` (smoke config unless another is given)."""
    cmd = [*SNAKEMAKE, "-s", str(repo / "Snakefile"), "-d", str(workdir), "--cores", "2", *args]
    if "--configfile" not in args:
        cmd += ["--configfile", str(repo / "config" / "smoke.yaml")]
    # the rules call the `depth2` console script: make the one beside this interpreter come first
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    proc = subprocess.run(cmd, cwd=workdir, capture_output=True, text=True,
                          env={**os.environ, "PATH": path, **(env or {})})
    if check and proc.returncode != 0:
        raise AssertionError(f"snakemake failed ({proc.returncode}):\n{proc.stdout[-4000:]}\n{proc.stderr[-6000:]}")
    return proc


@pytest.fixture(scope="session")
def smoke_run(tmp_path_factory) -> Path:
    """A complete run of config/smoke.yaml (all stages), shared by the workflow tests."""
    work = tmp_path_factory.mktemp("smoke_a")
    run_snakemake(work)
    return work


@pytest.fixture(scope="session")
def repo_copy(tmp_path_factory) -> Path:
    """A copy of the repository's code and workflow (for tests that change a module)."""
    dst = tmp_path_factory.mktemp("repo") / "depth2"
    for item in ("src", "workflow", "config", "profiles", "Snakefile"):
        src = REPO / item
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, dst / item)
    return dst
