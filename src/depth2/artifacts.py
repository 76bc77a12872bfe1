"""Every intermediate artifact, written and read back in one place.

Layout (relative to the working directory of the run)::

    results/<paper>/<experiment>/<point>/data.npz, data.json     dataset (arrays | spec + sample rows)
    results/<paper>/<experiment>/<point>/fit/<learner>.npz, .json fitted parameters per replicate
    results/<paper>/<experiment>/<point>/metrics.parquet          one row per (learner, replicate)
    results/<paper>/<experiment>/table.parquet, table.csv          the aggregated experiment table
    figures/<paper>/<figure>.pdf, .png; figures/claims.csv, claims.md

Nobody parses these paths by hand: use :func:`paths` and the ``load_*`` functions.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from depth2.core.data import DatasetSpec, Samples, generate_hidden
from depth2.core.io import read_json, read_npz, read_table, write_json, write_npz, write_table
from depth2.learners.base import Fit

if TYPE_CHECKING:
    import pandas as pd

RESULTS = "results"

# Learner name of the metrics rows of a point that has no learner (a check on the data itself, e.g. a Monte
# Carlo estimate against a closed form); the learner registry refuses it as a learner name.
NO_LEARNER = "none"


@dataclass(frozen=True)
class Paths:
    """The artifact paths of one grid point."""

    root: Path

    @property
    def data(self) -> Path:
        return self.root / "data.npz"

    @property
    def data_spec(self) -> Path:
        return self.root / "data.json"

    def fit(self, learner: str) -> Path:
        return self.root / "fit" / f"{learner}.npz"

    @property
    def metrics(self) -> Path:
        return self.root / "metrics.parquet"


def paths(paper: str, experiment: str, point: str, results: str | os.PathLike = RESULTS) -> Paths:
    """Artifact paths of (paper, experiment, point) under ``results``."""
    return Paths(Path(results) / paper / experiment / point)


def table_path(paper: str, experiment: str, results: str | os.PathLike = RESULTS, suffix: str = ".parquet") -> Path:
    """The aggregated table of an experiment."""
    return Path(results) / paper / experiment / f"table{suffix}"


# ---------------------------------------------------------------------------------------------------
# Datasets
# ---------------------------------------------------------------------------------------------------


@dataclass
class Dataset:
    """A dataset read back: its spec, planted parameters, sample rows, and a stream per replicate.

    Attributes
    ----------
    spec : DatasetSpec
    hidden : dict of str -> ndarray
        Planted parameters stacked over replicates (leading axis R).
    labels : dict
        The grid point's coordinates.
    sample_X, sample_y : ndarray
        Inspectable rows, shapes (R, s, d) and (R, s): the first s rows of each replicate.
    stored : bool
        Whether all rows are on disk (else they are regenerated bit-identically from the spec).
    """

    spec: DatasetSpec
    hidden: dict[str, np.ndarray]
    labels: dict
    sample_X: np.ndarray
    sample_y: np.ndarray
    stored: bool
    _X: np.ndarray | None = None
    _y: np.ndarray | None = None

    def replicate(self, r: int) -> Samples:
        """The rows of replicate ``r`` as a :class:`Samples` stream."""
        if not 0 <= r < self.spec.replicates:
            raise IndexError(f"replicate must be in [0, {self.spec.replicates}), got {r}")
        hidden = {k: v[r] for k, v in self.hidden.items()}
        arrays = (self._X[r], self._y[r]) if self.stored and self._X is not None else None
        return Samples(self.spec.n, self.spec.d, arrays=arrays, spec=self.spec, replicate=r, hidden=hidden)


def write_dataset(npz: str | os.PathLike, spec: DatasetSpec, labels: dict, *, max_stored_mb: float,
                  sample_rows: int) -> Dataset:
    """Generate a dataset and write ``data.npz`` and its ``data.json`` sidecar (atomically).

    All rows are stored when they fit in ``max_stored_mb``; otherwise only the first ``sample_rows`` rows
    of each replicate, and consumers regenerate the rest from the spec.
    """
    hidden = generate_hidden(spec)
    size_mb = spec.replicates * spec.n * (spec.d + 1) * 8 / 2**20
    stored = size_mb <= max_stored_mb
    keep = spec.n if stored else min(sample_rows, spec.n)
    Xs, ys = [], []
    for r in range(spec.replicates):
        S = Samples(spec.n, spec.d, spec=spec, replicate=r, hidden={k: v[r] for k, v in hidden.items()})
        X, y = S.materialize(0, keep) if keep > 0 else (np.empty((0, spec.d)), np.empty(0))
        Xs.append(X)
        ys.append(y)
    X, y = np.stack(Xs), np.stack(ys)
    arrays = {f"hidden.{k}": v for k, v in hidden.items()}
    arrays.update({"X": X, "y": y} if stored else {"sample.X": X, "sample.y": y})
    write_npz(npz, arrays)
    write_json(Path(npz).with_suffix(".json"),
               {"spec": spec.to_dict(), "labels": labels, "stored": stored, "size_mb": round(size_mb, 3),
                "rows_on_disk": keep})
    return load_dataset(npz)


def load_dataset(npz: str | os.PathLike) -> Dataset:
    """Read a dataset written by :func:`write_dataset`."""
    meta = read_json(Path(npz).with_suffix(".json"))
    arrays = read_npz(npz)
    spec = DatasetSpec.from_dict(meta["spec"])
    hidden = {k.split(".", 1)[1]: v for k, v in arrays.items() if k.startswith("hidden.")}
    if meta["stored"]:
        X, y = arrays["X"], arrays["y"]
        s = min(X.shape[1], 1000)
        return Dataset(spec, hidden, meta["labels"], X[:, :s], y[:, :s], True, X, y)
    return Dataset(spec, hidden, meta["labels"], arrays["sample.X"], arrays["sample.y"], False)


# ---------------------------------------------------------------------------------------------------
# Fits
# ---------------------------------------------------------------------------------------------------


def write_fits(npz: str | os.PathLike, learner: str, fits: Sequence[Fit], params: dict[str, Any]) -> None:
    """Write one learner's fits of every replicate: parameters stacked on a leading replicate axis."""
    models = {f.model for f in fits}
    if len(models) != 1:
        raise ValueError(f"fits of one learner must share a model, got {sorted(models)}")
    arrays = {f"param.{k}": np.stack([np.asarray(f.params[k]) for f in fits]) for k in fits[0].params}
    write_npz(npz, arrays)
    write_json(Path(npz).with_suffix(".json"),
               {"learner": learner, "model": fits[0].model, "params": params, "info": [f.info for f in fits]})


def load_fits(npz: str | os.PathLike) -> list[Fit]:
    """The fits of every replicate, as :class:`~depth2.learners.Fit` objects (``predict`` works)."""
    meta = read_json(Path(npz).with_suffix(".json"))
    arrays = read_npz(npz)
    params = {k.split(".", 1)[1]: v for k, v in arrays.items() if k.startswith("param.")}
    R = len(meta["info"])
    return [Fit(meta["model"], {k: v[r] for k, v in params.items()}, meta["info"][r]) for r in range(R)]


# ---------------------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------------------

KEYS = ["paper", "experiment", "point", "learner", "replicate"]


def aggregate(metrics: Sequence[str | os.PathLike]) -> pd.DataFrame:
    """Concatenate metrics tables into one experiment table, sorted by its keys (deterministic)."""
    import pandas as pd

    frames = [read_table(p) for p in metrics]
    if not frames:
        raise ValueError("aggregate needs at least one metrics table")
    df = pd.concat(frames, ignore_index=True, sort=False)
    return df.sort_values(KEYS, kind="mergesort").reset_index(drop=True)


def write_metrics(path: str | os.PathLike, table: pd.DataFrame) -> None:
    write_table(path, table)


def load_metrics(path: str | os.PathLike) -> pd.DataFrame:
    return read_table(path)


def load_table(paper: str, experiment: str, results: str | os.PathLike = RESULTS) -> pd.DataFrame:
    """The aggregated table of (paper, experiment)."""
    return read_table(table_path(paper, experiment, results))


def load_claims(figures: str | os.PathLike = "figures") -> pd.DataFrame:
    """The claims table."""
    return read_table(Path(figures) / "claims.csv")


def points(paper: str, experiment: str, results: str | os.PathLike = RESULTS) -> list[str]:
    """The grid points of an experiment present on disk (directory names), sorted."""
    root = Path(results) / paper / experiment
    return sorted(p.name for p in root.iterdir() if (p / "data.json").exists()) if root.exists() else []
