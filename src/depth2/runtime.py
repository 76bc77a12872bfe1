"""The runtime and memory table, from Snakemake's ``benchmark:`` files."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

COLUMNS = ["rule", "paper", "experiment", "job", "s", "cpu_time", "max_rss"]


def collect(files: Sequence[str | os.PathLike]) -> pd.DataFrame:
    """One row per benchmark file ``.../benchmarks/<rule>/<paper>/<experiment>/<job>.tsv``: wall seconds
    (``s``), CPU seconds and peak resident memory (MB)."""
    rows = []
    for f in files:
        parts = Path(f).parts
        if "benchmarks" not in parts:
            raise ValueError(f"benchmark file must lie under a 'benchmarks' directory: {f}")
        rel = Path(*parts[parts.index("benchmarks") + 1 :])
        rule, paper, experiment = (list(rel.parts[:3]) + ["", "", ""])[:3]
        bench = pd.read_csv(f, sep="\t")
        r = bench.iloc[-1]
        rows.append({"rule": rule, "paper": paper, "experiment": experiment,
                     "job": rel.with_suffix("").as_posix(), "s": float(r["s"]),
                     "cpu_time": float(r.get("cpu_time", float("nan"))),
                     "max_rss": float(r.get("max_rss", float("nan")))})
    return pd.DataFrame(rows, columns=COLUMNS).sort_values("job").reset_index(drop=True)
