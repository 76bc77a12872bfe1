"""Seed derivation: every random stream descends from one root seed.

A job's stream is ``SeedSequence(root, spawn_key=(h(paper), h(experiment), h(point), replicate, h(purpose)))``
where ``h`` is a stable 32-bit hash of a string (SHA-256, never Python's salted ``hash``). The same config
therefore reproduces the same numbers in any process, on any machine, in any order of execution.
"""

from __future__ import annotations

import hashlib

import numpy as np


def stable_hash(text: str) -> int:
    """A 32-bit integer from ``text`` that is identical in every process (unlike ``hash``)."""
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:4], "little")


def seed_sequence(root: int, *keys: str | int) -> np.random.SeedSequence:
    """The seed sequence of the stream named by ``keys`` under ``root``.

    Parameters
    ----------
    root : int
        The root seed from the config (non-negative).
    *keys : str or int
        The path of the stream, e.g. ``("guo2025", "bias_sweep", "family=eq4_b=-4", 0, "data")``.
        Strings are hashed with :func:`stable_hash`; integers are used as they are.
    """
    if int(root) < 0:
        raise ValueError(f"root seed must be a non-negative integer, got {root!r}")
    spawn_key = tuple(k if isinstance(k, int) else stable_hash(str(k)) for k in keys)
    return np.random.SeedSequence(int(root), spawn_key=spawn_key)


def generator(root: int, *keys: str | int) -> np.random.Generator:
    """A ``numpy.random.Generator`` (PCG64) on the stream named by ``keys`` (see :func:`seed_sequence`)."""
    return np.random.Generator(np.random.PCG64(seed_sequence(root, *keys)))
