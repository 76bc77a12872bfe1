"""Pilot and confirmatory runs: which commit fixed a paper's design together with its confirmatory seed.

Designs (sizes, seeds, bounds) are tuned on pilot runs with other seeds (``--config <paper>='{seed: N}'`` or a
pilot config file). The confirmatory seed of a paper is the ``seed`` of its section in the committed
``config/config.yaml``, set in the commit that fixes the design and its bounds; no run uses it before that
commit, and its results land in a later commit. A paper-size run's seed is set the same way in
``config/paper.yaml``. The claims table states, per paper, that commit, found here
from git history, so a reader can check the order with ``git log``.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
CONFIG = "config/config.yaml"
PAPER_CONFIG = "config/paper.yaml"  # full sizes: a paper-size run's seed is set there, the same way


def _git(*args: str) -> str | None:
    try:
        proc = subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout if proc.returncode == 0 else None


def _seed_at(commit: str, paper: str, path: str = CONFIG) -> int | None:
    text = _git("show", f"{commit}:{path}")
    if text is None:
        return None
    try:
        section = (yaml.safe_load(text) or {}).get(paper) or {}
    except yaml.YAMLError:
        return None
    seed = section.get("seed") if isinstance(section, dict) else None
    return int(seed) if isinstance(seed, int) else None


def _setting_commit(path: str, paper: str, seed: int, commits: list[str]) -> str | None:
    """The oldest commit of the unbroken run, back from the newest commit touching ``path``, in which
    ``paper``'s seed in ``path`` is ``seed``; None if the newest one has another seed."""
    if not commits or _seed_at(commits[0], paper, path) != seed:
        return None
    found = commits[0]
    for c in commits[1:]:
        if _seed_at(c, paper, path) != seed:
            break
        found = c
    return found


def design_commit(paper: str, seed: int) -> str:
    """The short hash of the commit that set ``paper``'s seed in ``config/config.yaml`` to ``seed`` (the oldest
    commit of the unbroken run of commits, back from HEAD, in which it has that value), or, for a paper-size
    run, the commit that set it in ``config/paper.yaml`` (marked so); else a phrase saying why there is none:
    a pilot seed (neither committed one), an uncommitted change, or no git history."""
    log = _git("log", "--format=%h", "--", CONFIG)
    if log is None:
        return "unknown (no git history)"
    commits = log.split()
    found = _setting_commit(CONFIG, paper, seed, commits)
    where = CONFIG
    if found is None:
        paper_log = (_git("log", "--format=%h", "--", PAPER_CONFIG) or "").split()
        found = _setting_commit(PAPER_CONFIG, paper, seed, paper_log)
        where = PAPER_CONFIG
    if found is None:
        committed = _seed_at(commits[0], paper) if commits else None
        return (f"none: seed {seed} is a pilot seed (the committed confirmatory seed is {committed})"
                if committed is not None else f"none: {paper} has no committed confirmatory seed")
    dirty = _git("status", "--porcelain", "--", where)
    return (found + (" (paper size, config/paper.yaml)" if where == PAPER_CONFIG else "")
            + (f" ({where} has uncommitted changes)" if dirty else ""))
