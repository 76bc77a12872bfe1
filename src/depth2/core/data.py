"""Datasets as deterministic streams of sample blocks.

A dataset is fully described by a :class:`DatasetSpec` (JSON): the data family, its parameters, the sizes
and the seed path. Rows are generated in fixed blocks of ``block_rows`` rows; block ``i`` of replicate ``r``
draws from its own stream ``(root, paper, experiment, point, r, "data", i)``. Any consumer, reading any
row range in any chunking, therefore sees bit-identical numbers, whether the rows were stored on disk
or are regenerated on the fly — which is how datasets too large to store (1e7 x d) are consumed with
memory flat in n.

A data family is registered under ``"<paper>.<name>"`` by the paper's ``data`` module and provides

* ``hidden(rng, d, params) -> dict[str, ndarray]``: the planted parameters (independent of ``n``);
* ``sample(rng, m, d, params, hidden) -> (X, y)``: ``m`` fresh rows, ``X`` of shape (m, d), ``y`` (m,).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

import numpy as np

from depth2.core.rng import generator

DEFAULT_BLOCK_ROWS = 65536


class Family(Protocol):
    """What a data family provides (see the module docstring)."""

    def hidden(self, rng: np.random.Generator, d: int, params: Mapping[str, Any]) -> dict[str, np.ndarray]: ...

    def sample(
        self, rng: np.random.Generator, m: int, d: int, params: Mapping[str, Any], hidden: Mapping[str, np.ndarray]
    ) -> tuple[np.ndarray, np.ndarray]: ...


_FAMILIES: dict[str, Family] = {}


def register_family(name: str) -> Callable[[type], type]:
    """Class decorator registering a family instance under ``name`` (``"<paper>.<family>"``)."""

    def deco(cls: type) -> type:
        if name in _FAMILIES:
            raise ValueError(f"data family {name!r} is registered twice")
        _FAMILIES[name] = cls()
        return cls

    return deco


def get_family(name: str) -> Family:
    """The family registered as ``name``; imports ``depth2.papers.<paper>.data`` on first use."""
    if name not in _FAMILIES:
        paper = name.split(".", 1)[0]
        try:
            importlib.import_module(f"depth2.papers.{paper}.data")
        except ModuleNotFoundError as err:
            raise KeyError(f"unknown data family {name!r}: no module depth2.papers.{paper}.data") from err
    if name not in _FAMILIES:
        known = ", ".join(sorted(_FAMILIES))
        raise KeyError(f"unknown data family {name!r}; registered: {known}")
    return _FAMILIES[name]


@dataclass(frozen=True)
class DatasetSpec:
    """Everything needed to regenerate a dataset bit for bit.

    Attributes
    ----------
    family : str
        Registered family name, ``"<paper>.<name>"``.
    n, d : int
        Rows per replicate and input dimension.
    replicates : int
        Independent replicates (each with its own planted parameters and rows).
    params : dict
        Family parameters (JSON values).
    seed_path : list
        ``[root, paper, experiment, point]``: the prefix of every stream of this dataset.
    block_rows : int
        Rows per generation block.
    """

    family: str
    n: int
    d: int
    replicates: int
    params: dict = field(default_factory=dict)
    seed_path: list = field(default_factory=list)
    block_rows: int = DEFAULT_BLOCK_ROWS

    def __post_init__(self) -> None:
        if self.n < 1 or self.d < 1 or self.replicates < 1:
            raise ValueError(f"dataset sizes must be positive: n={self.n}, d={self.d}, replicates={self.replicates}")
        if self.block_rows < 1:
            raise ValueError(f"block_rows must be positive, got {self.block_rows}")
        if len(self.seed_path) < 1:
            raise ValueError("seed_path must start with the root seed")

    @classmethod
    def from_dict(cls, obj: Mapping[str, Any]) -> DatasetSpec:
        return cls(**{k: obj[k] for k in cls.__dataclass_fields__ if k in obj})

    def to_dict(self) -> dict:
        return asdict(self)

    def rng(self, replicate: int, *purpose: str | int) -> np.random.Generator:
        """The generator of stream ``purpose`` for ``replicate`` of this dataset."""
        root, *keys = self.seed_path
        return generator(int(root), *keys, int(replicate), *purpose)


class Samples:
    """One replicate's rows, read in chunks: stored arrays, or regenerated block by block.

    Learners take a ``Samples`` (or plain arrays, wrapped by :func:`as_samples`) so that the same code runs
    on a small in-memory matrix in a test and on 1e7 regenerated rows in a pipeline run.

    Attributes
    ----------
    n, d : int
        Rows and columns.
    hidden : dict
        Planted parameters of this replicate (empty for plain arrays).
    spec : DatasetSpec or None
        The generating spec (None for plain arrays).
    replicate : int
    """

    def __init__(
        self,
        n: int,
        d: int,
        *,
        arrays: tuple[np.ndarray, np.ndarray] | None = None,
        spec: DatasetSpec | None = None,
        replicate: int = 0,
        hidden: Mapping[str, np.ndarray] | None = None,
    ) -> None:
        if arrays is None and spec is None:
            raise ValueError("Samples needs stored arrays or a generating spec")
        self.n, self.d = int(n), int(d)
        self._arrays = arrays
        self.spec = spec
        self.replicate = int(replicate)
        self.hidden = dict(hidden or {})
        self.block_rows = spec.block_rows if spec is not None else DEFAULT_BLOCK_ROWS

    def _block(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        spec = self.spec
        assert spec is not None
        start = i * spec.block_rows
        m = min(spec.block_rows, spec.n - start)
        family = get_family(spec.family)
        return family.sample(spec.rng(self.replicate, "data", i), m, spec.d, spec.params, self.hidden)

    def chunks(
        self, start: int = 0, stop: int | None = None, chunk_rows: int | None = None
    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Yield ``(X, y)`` chunks covering rows ``[start, stop)`` in order.

        Chunks follow the generation blocks (at most ``chunk_rows`` rows each when reading stored arrays),
        so memory stays bounded by one block whatever ``n`` is.
        """
        stop = self.n if stop is None else min(int(stop), self.n)
        start = max(0, int(start))
        if start >= stop:
            return
        if self._arrays is not None:
            X, y = self._arrays
            step = int(chunk_rows or self.block_rows)
            for s in range(start, stop, step):
                e = min(s + step, stop)
                yield X[s:e], y[s:e]
            return
        br = self.block_rows
        for i in range(start // br, (stop - 1) // br + 1):
            X, y = self._block(i)
            lo = max(start - i * br, 0)
            hi = min(stop - i * br, X.shape[0])
            yield X[lo:hi], y[lo:hi]

    def materialize(self, start: int = 0, stop: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Rows ``[start, stop)`` as one ``(X, y)`` pair in memory."""
        if self._arrays is not None:
            stop = self.n if stop is None else stop
            return self._arrays[0][start:stop], self._arrays[1][start:stop]
        parts = list(self.chunks(start, stop))
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def as_samples(X: np.ndarray | Samples, y: np.ndarray | None = None) -> Samples:
    """Wrap plain arrays in :class:`Samples` after validating them; pass a ``Samples`` through.

    Raises
    ------
    ValueError
        If ``X`` is not 2-D, ``y`` is missing or of the wrong length, or either holds NaN or inf.
    """
    if isinstance(X, Samples):
        if y is not None:
            raise ValueError("y must be None when X is a Samples stream (the stream carries its labels)")
        return X
    X = np.asarray(X, dtype=float)
    if X.ndim != 2:
        raise ValueError(f"X must be a 2-D array (n, d), got shape {X.shape}")
    if y is None:
        raise ValueError("y is required when X is an array")
    y = np.asarray(y, dtype=float)
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have shape ({X.shape[0]},) to match X, got {y.shape}")
    if not (np.isfinite(X).all() and np.isfinite(y).all()):
        raise ValueError("X and y must be finite (found NaN or inf)")
    return Samples(X.shape[0], X.shape[1], arrays=(X, y))


def generate_hidden(spec: DatasetSpec) -> dict[str, np.ndarray]:
    """Planted parameters of every replicate, stacked on a leading replicate axis."""
    family = get_family(spec.family)
    per_rep = [family.hidden(spec.rng(r, "hidden"), spec.d, spec.params) for r in range(spec.replicates)]
    return {k: np.stack([h[k] for h in per_rep]) for k in per_rep[0]} if per_rep[0] else {}


def population_of(samples: Samples):
    """The exact population law of a generated replicate (for learners that use the law, not samples).

    Raises
    ------
    ValueError
        If ``samples`` are plain arrays, or their family has no exact population.
    """
    if samples.spec is None:
        raise ValueError("this learner needs the data's exact population: pass a generated dataset, not arrays")
    family = get_family(samples.spec.family)
    if not hasattr(family, "population"):
        raise ValueError(f"data family {samples.spec.family!r} has no exact population law")
    return family.population(samples.spec.params, samples.hidden)
