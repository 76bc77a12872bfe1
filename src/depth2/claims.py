"""Claims, verdicts and the claims table.

A :class:`Claim` names a paper's statement, the experiment(s) whose aggregated table tests it, and a
predicate ``predicate(tables, bounds) -> Evidence``. ``bounds`` are the pre-registered thresholds from the
config (fixed before any run, never adjusted after seeing results). The verdict is computed, never typed:

* ``supported``      — the statistic's whole confidence interval lies on the predicted side;
* ``not supported``  — the whole interval lies on the other side;
* ``inconclusive``   — the interval straddles the threshold, there are too few replicates, or the
  experiment's preconditions fail (the reason says which).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

SUPPORTED, NOT_SUPPORTED, INCONCLUSIVE = "supported", "not supported", "inconclusive"
VERDICTS = (SUPPORTED, NOT_SUPPORTED, INCONCLUSIVE)


@dataclass(frozen=True)
class Evidence:
    """What a predicate found: the verdict, the observed figure and how it was measured."""

    verdict: str
    observed: str
    measured: str
    reason: str = ""

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, got {self.verdict!r}")


@dataclass(frozen=True)
class Claim:
    """A claim of a paper, tested by a predicate over aggregated tables.

    Attributes
    ----------
    id : str
        Unique id, ``<paper>.<short>``.
    paper : str
    statement : str
        The claim in our words.
    paper_states : str
        What the paper states, and where (theorem, section, page).
    experiments : tuple of str
        Experiments whose tables the predicate reads.
    predicted : str
        The pre-registered prediction, with the bound's config key.
    predicate : callable
        ``predicate(tables: {experiment: DataFrame}, bounds: Mapping) -> Evidence``.
    reconstruction : bool
        Whether the test rests on our reconstruction rather than the paper's text.
    """

    id: str
    paper: str
    statement: str
    paper_states: str
    experiments: tuple[str, ...]
    predicted: str
    predicate: Callable[[Mapping[str, pd.DataFrame], Mapping[str, Any]], Evidence]
    reconstruction: bool = False

    def evaluate(self, tables: Mapping[str, pd.DataFrame], bounds: Mapping[str, Any]) -> Evidence:
        """Run the predicate; a missing table makes the verdict inconclusive with the reason."""
        missing = [e for e in self.experiments if e not in tables or tables[e].empty]
        if missing:
            return Evidence(INCONCLUSIVE, "n/a", "n/a", f"no data for experiment(s) {missing} (disabled in config?)")
        return self.predicate(tables, bounds)


# ---------------------------------------------------------------------------------------------------
# Interval statistics shared by predicates
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


def compare(lo: float, hi: float, threshold: float, predicted: str) -> str:
    """Verdict of a statistic with interval [lo, hi] against ``threshold``.

    ``predicted`` is ``"below"`` or ``"above"``: the side the claim predicts.
    """
    if predicted not in ("below", "above"):
        raise ValueError(f"predicted must be 'below' or 'above', got {predicted!r}")
    if predicted == "below":
        return SUPPORTED if hi < threshold else NOT_SUPPORTED if lo > threshold else INCONCLUSIVE
    return SUPPORTED if lo > threshold else NOT_SUPPORTED if hi < threshold else INCONCLUSIVE


def combine_all(verdicts: Sequence[str]) -> str:
    """A claim that must hold at every point: supported only if all are; not supported if any is not."""
    if any(v == NOT_SUPPORTED for v in verdicts):
        return NOT_SUPPORTED
    if verdicts and all(v == SUPPORTED for v in verdicts):
        return SUPPORTED
    return INCONCLUSIVE


def every_point(verdicts: Sequence[str], observations: Sequence[str], measured: str,
                inconclusive_reason: str) -> Evidence:
    """Evidence for a claim that must hold at every grid point: the verdicts combined by
    :func:`combine_all`, the observations joined, and ``inconclusive_reason`` given when undecided."""
    verdict = combine_all(verdicts)
    return Evidence(verdict, "; ".join(observations), measured,
                    inconclusive_reason if verdict == INCONCLUSIVE else "")


# ---------------------------------------------------------------------------------------------------
# The claims table
# ---------------------------------------------------------------------------------------------------

COLUMNS = ["id", "paper", "claim", "paper_states", "measured", "predicted", "observed", "verdict", "reason",
           "reconstruction"]


def claims_table(claims: Sequence[Claim], tables: Mapping[str, Mapping[str, pd.DataFrame]],
                 bounds: Mapping[str, Mapping[str, Any]]) -> pd.DataFrame:
    """Evaluate every claim; ``tables[paper][experiment]``, ``bounds[paper]`` -> one row per claim."""
    rows = []
    for c in claims:
        ev = c.evaluate(tables.get(c.paper, {}), bounds.get(c.paper, {}))
        rows.append({"id": c.id, "paper": c.paper, "claim": c.statement, "paper_states": c.paper_states,
                     "measured": ev.measured, "predicted": c.predicted, "observed": ev.observed,
                     "verdict": ev.verdict, "reason": ev.reason,
                     "reconstruction": "yes" if c.reconstruction else "no"})
    return pd.DataFrame(rows, columns=COLUMNS)


def to_markdown(table: pd.DataFrame) -> str:
    """The claims table as a Markdown document (pipes in cells escaped)."""
    def cell(v: Any) -> str:
        return str(v).replace("|", "\\|").replace("\n", " ")

    counts = table["verdict"].value_counts()
    summary = ", ".join(f"{counts.get(v, 0)} {v}" for v in VERDICTS)
    lines = ["# Claims table", "",
             "Each verdict is computed from the aggregated tables by the claim's predicate against bounds "
             "pre-registered in the config; `reconstruction = yes` marks tests that rest on our "
             "reconstruction of the paper rather than its text.", "", f"Summary: {summary}.", "",
             "| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for _, r in table.iterrows():
        lines.append("| " + " | ".join(cell(r[c]) for c in COLUMNS) + " |")
    return "\n".join(lines) + "\n"
