"""Figure style and shared drawing helpers (PDF + PNG outputs).

The backend is left to matplotlib (inline in a notebook; the CLI selects Agg before importing this module).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from depth2.claims import mean_interval
from depth2.core.io import atomic_path

STYLE = {
    "figure.dpi": 110,
    "savefig.dpi": 150,
    "font.size": 9,
    "axes.titlesize": 9,
    "axes.labelsize": 9,
    "legend.fontsize": 8,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "pdf.fonttype": 42,
    "svg.hashsalt": "depth2",
}
# One colour per learner, the same in every figure.
COLORS = {"zero": "#7f7f7f", "gd": "#d62728", "gd_pop": "#ff7f0e", "sq": "#1f77b4", "sq_pca": "#17becf",
          "alg1": "#2ca02c", "eq4": "#d62728", "realizable": "#1f77b4", "hermite_truncated": "#9467bd"}


def color(key: str) -> str | None:
    return COLORS.get(key)


def summarize(df: pd.DataFrame, by: list[str], value: str, *, log: bool = False) -> pd.DataFrame:
    """Mean and 95% t-interval of ``value`` over replicates, per group ``by``.

    With ``log=True`` the interval is computed on ``log(value)`` and mapped back (a geometric mean with a
    multiplicative interval): the right summary for ratios drawn on a log axis, never negative.
    """
    rows = []
    for key, g in df.groupby(by, sort=True):
        vals = g[value].to_numpy(dtype=float)
        if log:
            m, lo, hi = (float(np.exp(v)) for v in mean_interval(np.log(np.maximum(vals, 1e-300))))
        else:
            m, lo, hi = mean_interval(vals)
        key = key if isinstance(key, tuple) else (key,)
        rows.append({**dict(zip(by, key, strict=True)), "mean": m, "lo": lo, "hi": hi, "count": len(g)})
    return pd.DataFrame(rows)


def line_with_interval(ax, x, mean, lo, hi, *, label: str, color: str | None = None, marker: str = "o") -> None:
    """A line of means with a shaded 95% interval (intervals clipped to the axis where infinite)."""
    x, mean = np.asarray(x, float), np.asarray(mean, float)
    lo = np.where(np.isfinite(lo), lo, mean)
    hi = np.where(np.isfinite(hi), hi, mean)
    ax.plot(x, mean, marker=marker, ms=4, lw=1.4, label=label, color=color)
    ax.fill_between(x, lo, hi, alpha=0.18, color=color, lw=0)


def save(fig: plt.Figure, pdf: str | os.PathLike, png: str | os.PathLike) -> None:
    """Save ``fig`` as PDF and PNG, atomically, with fixed metadata (no creation date)."""
    for path, meta in ((pdf, {"CreationDate": None, "Producer": "depth2"}), (png, {"Software": "depth2"})):
        with atomic_path(path) as tmp:
            fig.savefig(tmp, metadata=meta, bbox_inches="tight")
    plt.close(fig)


def draw_figure(spec, tables: Mapping[str, pd.DataFrame], pdf: str | os.PathLike, png: str | os.PathLike) -> None:
    """Draw the :class:`~depth2.papers.spec.FigureSpec` ``spec`` from ``tables`` and save it."""
    with plt.rc_context(STYLE):
        fig = plt.figure(figsize=spec.size, layout="constrained")
        spec.draw(tables, fig)
        fig.suptitle(spec.title, fontsize=10)
        save(fig, pdf, png)
