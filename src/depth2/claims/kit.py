"""The claims kit: the pieces every predicate and regime is built from.

* verdict rules: :func:`compare` (one side of a bound), :func:`band` (inside a band; one edge convention:
  supported when the interval lies in the closed band, not supported when it lies wholly outside);
* combination: :func:`combine` (every point must hold), :func:`deciding`, :func:`every_point`;
* grids: :func:`per_point` (one statistic and verdict per group), :func:`paired` (two learners side by side,
  paired on the grid keys and the seed);
* named regime checks (:class:`~depth2.claims.model.Check`): :func:`converged`, :func:`min_seeds`,
  :func:`check`; they read bounds by key only (the schema supplies every default) and render their own
  statement.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from depth2.claims.model import (
    INCONCLUSIVE,
    NOT_SUPPORTED,
    SUPPORTED,
    Bounds,
    Check,
    Evidence,
    Tables,
)
from depth2.claims.stats import mean_interval

Judge = Callable[[float, float], str]
Source = str | Callable[[Tables, Bounds], pd.DataFrame]


# ------------------------------------------------------------------------------------------- verdict rules
def compare(lo: float, hi: float, threshold: float, predicted: str) -> str:
    """Verdict of a statistic with interval [lo, hi] against ``threshold``; ``predicted`` is ``"below"`` or
    ``"above"``, the side the claim predicts."""
    if predicted not in ("below", "above"):
        raise ValueError(f"predicted must be 'below' or 'above', got {predicted!r}")
    if predicted == "below":
        return SUPPORTED if hi < threshold else NOT_SUPPORTED if lo > threshold else INCONCLUSIVE
    return SUPPORTED if lo > threshold else NOT_SUPPORTED if hi < threshold else INCONCLUSIVE


def in_band(lo: float, hi: float, low: float, high: float) -> str:
    """Verdict of [lo, hi] against the closed band [low, high]: supported inside it, not supported when wholly
    outside it, inconclusive when it overlaps an edge."""
    return SUPPORTED if low <= lo and hi <= high else NOT_SUPPORTED if hi < low or lo > high else INCONCLUSIVE


def side(threshold: float, predicted: str) -> Judge:
    """A judge ``(lo, hi) -> verdict`` for :func:`compare` against ``threshold``."""
    return lambda lo, hi: compare(lo, hi, threshold, predicted)


def band(low: float, high: float) -> Judge:
    """A judge ``(lo, hi) -> verdict`` for :func:`in_band`."""
    return lambda lo, hi: in_band(lo, hi, low, high)


# ------------------------------------------------------------------------------------------- combination
def combine(verdicts: Sequence[str]) -> str:
    """A claim that must hold at every point: supported only if all are; not supported if any is not."""
    if any(v == NOT_SUPPORTED for v in verdicts):
        return NOT_SUPPORTED
    if verdicts and all(v == SUPPORTED for v in verdicts):
        return SUPPORTED
    return INCONCLUSIVE


combine_all = combine  # the earlier name


def deciding(verdicts: Sequence[str], observations: Sequence[str], verdict: str) -> str:
    """The observed text with the points that decide ``verdict`` first (``decided by: ...``), the others after
    (``other points: ...``), so that the text never quotes a point whose interval straddles the bound as if it
    were the reason."""
    if len(verdicts) != len(observations):
        raise ValueError(f"{len(verdicts)} verdicts but {len(observations)} observations")
    if verdict == SUPPORTED or not verdicts:
        return "; ".join(observations) if len(observations) != 1 else observations[0]
    decide = [o for v, o in zip(verdicts, observations, strict=True) if v == verdict]
    others = [o for v, o in zip(verdicts, observations, strict=True) if v != verdict]
    text = "decided by: " + "; ".join(decide)
    return text + (f"; other points: {'; '.join(others)}" if others else "")


def every_point(verdicts: Sequence[str], observations: Sequence[str], measured: str,
                inconclusive_reason: str, seeds: str = "") -> Evidence:
    """Evidence for a claim that must hold at every grid point: :func:`combine` of the verdicts, the
    observations with the deciding points first, and ``inconclusive_reason`` when undecided."""
    verdict = combine(verdicts)
    observed = deciding(verdicts, observations, verdict) if len(observations) == len(verdicts) \
        else "; ".join(observations)
    return Evidence(verdict, observed, measured, inconclusive_reason if verdict == INCONCLUSIVE else "", seeds)


# ------------------------------------------------------------------------------------------- grids
def per_point(groups: Any, values: Callable[[Any], Any], judge: Judge,
              describe: Callable[[Any, float, float, float], str], *,
              stat: Callable[[Any], tuple[float, float, float]] = mean_interval,
              min_n: int = 2) -> tuple[list[str], list[str]]:
    """One verdict and one observation per group.

    ``groups`` iterates ``(key, group)`` (a pandas ``groupby`` or pairs); ``values(group)`` gives the sample;
    ``stat(sample) -> (estimate, lo, hi)``; ``judge(lo, hi)`` the verdict (inconclusive with fewer than
    ``min_n`` values); ``describe(key, estimate, lo, hi)`` the observation."""
    verdicts, obs = [], []
    for key, g in groups:
        x = values(g)
        m, lo, hi = stat(x)
        verdicts.append(judge(lo, hi) if len(x) >= min_n else INCONCLUSIVE)
        obs.append(describe(key, m, lo, hi))
    return verdicts, obs


def paired(df: pd.DataFrame, keys: Sequence[str], value: str, column: str = "learner") -> pd.DataFrame:
    """``value`` of every ``column`` level side by side, one row per (``keys``, replicate): the pairing of
    learners (or families) that share a seed's data and test rows. Missing pairs are NaN."""
    return df.pivot_table(index=[*keys, "replicate"], columns=column, values=value)


def ratio(df: pd.DataFrame, keys: Sequence[str], a: str, b: str, value: str, column: str = "learner") -> pd.Series:
    """``value`` of ``a`` over ``b`` paired on ``keys`` + replicate (:func:`paired`), pairs with both only."""
    wide = paired(df, keys, value, column)
    return (wide[a] / wide[b]).dropna() if a in wide and b in wide else pd.Series(dtype=float)


# ------------------------------------------------------------------------------------------- regime checks
def _frame(source: Source, tables: Tables, bounds: Bounds) -> pd.DataFrame:
    return tables[source] if isinstance(source, str) else source(tables, bounds)


def convergence_shortfalls(table: pd.DataFrame, learners: Sequence[str] | None = None) -> list[str]:
    """One shortfall per learner with unconverged fits, e.g.
    ``"gd: 5 of 12 fits unconverged (steps 1000/1000, last rel. decrease up to 3.0e-03)"``.

    Reads the ``converged`` column that ``depth2 evaluate`` copies from each fit's
    :func:`depth2.learners.base.convergence` record; learners without it (closed forms) never fall short."""
    if "converged" not in table.columns or "learner" not in table.columns:
        return []
    sub = table if learners is None else table[table["learner"].isin(learners)]
    out = []
    for learner, g in sub.groupby("learner", sort=True):
        flags = g["converged"].dropna()
        if flags.empty:
            continue
        bad = g.loc[flags.index[~flags.astype(bool)]]
        if bad.empty:
            continue
        detail = []
        if {"steps", "max_steps"} <= set(bad.columns):
            detail.append(f"steps {bad['steps'].max():.0f}/{bad['max_steps'].max():.0f}")
        if "rel_decrease" in bad.columns and bad["rel_decrease"].notna().any():
            detail.append(f"last rel. decrease up to {bad['rel_decrease'].max():.1e}")
        out.append(f"{learner}: {len(bad)} of {len(flags)} fits unconverged"
                   + (f" ({', '.join(detail)})" if detail else ""))
    return out


def min_seeds_shortfalls(table: pd.DataFrame, keys: Sequence[str], minimum: int) -> list[str]:
    """Every group of ``table`` by ``keys`` has at least ``minimum`` seeds (``replicate``)."""
    if table.empty:
        return [f"no rows (needs >= {minimum} seeds per point)"]
    counts = table.groupby(list(keys), sort=True)["replicate"].nunique()
    low = counts[counts < minimum]
    return [f"{len(low)} of {len(counts)} points have < {minimum} seeds (fewest: {int(low.min())})"] if len(low) else []


def converged(source: Source, learners: Sequence[str] | None = None) -> Check:
    """Regime check: every fit of ``learners`` (default: every iterative learner) read converged."""
    who = " and ".join(learners) if learners else "iterative"
    return Check(f"every {who} fit read converged",
                 lambda t, b: convergence_shortfalls(_frame(source, t, b), learners))


def min_seeds(source: Source, keys: Sequence[str], bound: str | int = "min_seeds") -> Check:
    """Regime check: at least ``bounds[bound]`` seeds (or the fixed number ``bound``) per group of ``keys``."""
    need = (lambda b: int(b[bound])) if isinstance(bound, str) else (lambda b: int(bound))
    text = f">= {{{bound}}}" if isinstance(bound, str) else f">= {bound}"
    return Check(f"{text} seeds per ({', '.join(keys)})",
                 lambda t, b: min_seeds_shortfalls(_frame(source, t, b), [k for k in keys if k in _frame(
                     source, t, b).columns], need(b)))


def check(statement: str, fn: Callable[[Tables, Bounds], Sequence[str]]) -> Check:
    """A paper's own regime condition, its statement a template over the bound keys it reads."""
    return Check(statement, fn)
