"""Interval statistics shared by predicates and figures (pure functions; no verdicts here)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

# ---------------------------------------------------------------------------------------------------

# Two-sided 95% Student-t quantiles for small samples (df = 1..30); the normal 1.96 beyond.
_T95 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145,
        2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048,
        2.045, 2.042]


def t95(df: int) -> float:
    """Two-sided 95% Student-t quantile with ``df`` degrees of freedom."""
    return _T95[df - 1] if 1 <= df <= len(_T95) else 1.96


def mean_interval(values: Sequence[float]) -> tuple[float, float, float]:
    """(mean, lower, upper): the mean with its 95% t-interval (infinite width for a single value)."""
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    if x.size == 0:
        return math.nan, -math.inf, math.inf
    m = float(x.mean())
    if x.size < 2:
        return m, -math.inf, math.inf
    half = t95(x.size - 1) * float(x.std(ddof=1)) / math.sqrt(x.size)
    return m, m - half, m + half


def log_mean_interval(values: Sequence[float]) -> tuple[float, float, float]:
    """(geometric mean, lower, upper) of positive ratios: the 95% t-interval of the mean log, mapped back.

    Ratios (L/OPT, risk ratios, gd/sq) are skewed and positive: an arithmetic interval of them can reach below
    zero (``mean 43 (95% CI -7.37..93.3)``). Non-positive or non-finite values raise: a ratio that is not
    positive is a bug upstream, not a sample."""
    x = np.asarray(values, dtype=float)
    if x.size and not np.all(np.isfinite(x) & (x > 0)):
        raise ValueError(f"log_mean_interval needs positive finite ratios, got {x[~(np.isfinite(x) & (x > 0))][:3]}")
    m, lo, hi = mean_interval(np.log(x)) if x.size else (math.nan, -math.inf, math.inf)
    return math.exp(m) if math.isfinite(m) else math.nan, math.exp(lo), math.exp(hi)


def paired_log_ratio_interval(a: Sequence[float], b: Sequence[float]) -> tuple[float, float, float]:
    """Geometric mean of ``a / b`` paired by position (same seed, same test rows), with its 95% t-interval."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"paired samples need equal shapes, got {a.shape} and {b.shape}")
    return log_mean_interval(a / b)


def proportion_interval(successes: int, trials: int) -> tuple[float, float, float]:
    """(p, lower, upper): the Wilson 95% interval of a binomial proportion."""
    if trials <= 0:
        return math.nan, 0.0, 1.0
    z = 1.96
    p = successes / trials
    den = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / den
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / den
    return p, max(0.0, centre - half), min(1.0, centre + half)


def paired_difference_interval(a: Sequence[bool], b: Sequence[bool]) -> tuple[float, float, float]:
    """(P(a) - P(b), lower, upper) for binary outcomes paired by position (same init, same seed): the Wald
    interval of the paired difference with Agresti and Min's (2005) adjustment, half a count added to each of
    the four cells, which keeps its coverage near 95% when discordant pairs are few or absent."""
    a, b = np.asarray(a, dtype=bool), np.asarray(b, dtype=bool)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError(f"paired outcomes need equal 1-D shapes, got {a.shape} and {b.shape}")
    if a.size == 0:
        return math.nan, -1.0, 1.0
    n10, n01 = float(np.sum(a & ~b)) + 0.5, float(np.sum(~a & b)) + 0.5
    n = a.size + 2.0
    diff = (n10 - n01) / n
    half = 1.96 * math.sqrt(max(n10 + n01 - (n10 - n01) ** 2 / n, 0.0)) / n
    return float(np.mean(a) - np.mean(b)), max(-1.0, diff - half), min(1.0, diff + half)


def slope_interval(x: Sequence[float], y: Sequence[float]) -> tuple[float, float, float] | None:
    """Least-squares slope of ``y`` on ``x`` with its 95% t-interval, or None with < 3 points or < 2 distinct x."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if len(x) < 3 or np.unique(x).size < 2:
        return None
    A = np.vstack([x, np.ones_like(x)]).T
    coef = np.linalg.lstsq(A, y, rcond=None)[0]
    dof = len(x) - 2
    se = float(np.sqrt(np.sum((y - A @ coef) ** 2) / max(dof, 1) * np.linalg.inv(A.T @ A)[0, 0]))
    half = t95(dof) * se
    return float(coef[0]), float(coef[0] - half), float(coef[0] + half)
