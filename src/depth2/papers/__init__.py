"""One subpackage per paper key; each declares its experiments, metrics, figures and claims.

``get(key)`` returns the paper's :class:`~depth2.papers.spec.Paper` declaration; ``keys()`` lists them.
"""

from __future__ import annotations

import importlib

from depth2.papers.spec import Experiment, FigureSpec, Paper, Point

__all__ = ["Experiment", "FigureSpec", "Paper", "Point", "get", "keys", "KEYS"]

# Papers implemented so far, in the order of the design card.
KEYS = ("guo2025", "goel2021", "safran2022", "awasthi2021", "mondelli2019")


def keys() -> list[str]:
    """The implemented paper keys."""
    return list(KEYS)


def get(key: str) -> Paper:
    """The declaration of paper ``key`` (imports ``depth2.papers.<key>``)."""
    if key not in KEYS:
        raise KeyError(f"unknown paper {key!r}; implemented papers: {', '.join(KEYS)}")
    return importlib.import_module(f"depth2.papers.{key}").PAPER
