"""Pilot and confirmatory runs: which commit fixed a paper's design together with its confirmatory seed.

Designs (sizes, seeds, bounds) are tuned on pilot runs with other seeds (``--config <paper>='{seed: N}'`` or a
pilot config file). The confirmatory seed of a paper is the ``seed`` of its section in the committed
``config/config.yaml``, set in the commit that fixes the design and its bounds; no run uses it before that
commit, and its results land in a later commit. The claims table states, per paper, that commit, found here
from git history, so a reader can check the order with ``git log``.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
CONFIG = "config/config.yaml"


def _git(*args: str) -> str | None:
    try:
        proc = subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout if proc.returncode == 0 else None


def _seed_at(commit: str, paper: str) -> int | None:
    text = _git("show", f"{commit}:{CONFIG}")
    if text is None:
        return None
    try:
        section = (yaml.safe_load(text) or {}).get(paper) or {}
    except yaml.YAMLError:
        return None
    seed = section.get("seed") if isinstance(section, dict) else None
    return int(seed) if isinstance(seed, int) else None


def design_commit(paper: str, seed: int) -> str:
    """The short hash of the commit that set ``paper``'s seed in ``config/config.yaml`` to ``seed`` (the oldest
    commit of the unbroken run of commits, back from HEAD, in which it has that value), or a phrase saying why
    there is none: a pilot seed (not the committed one), an uncommitted change, or no git history."""
    log = _git("log", "--format=%h", "--", CONFIG)
    if log is None:
        return "unknown (no git history)"
    commits = log.split()
    if not commits or _seed_at(commits[0], paper) != seed:
        committed = _seed_at(commits[0], paper) if commits else None
        return (f"none: seed {seed} is a pilot seed (the committed confirmatory seed is {committed})"
                if committed is not None else f"none: {paper} has no committed confirmatory seed")
    found = commits[0]
    for c in commits[1:]:
        if _seed_at(c, paper) != seed:
            break
        found = c
    dirty = _git("status", "--porcelain", "--", CONFIG)
    return found + (" (config/config.yaml has uncommitted changes)" if dirty else "")
