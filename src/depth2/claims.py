"""Claims, verdicts and the claims table.

A :class:`Claim` names a paper's statement, the experiment(s) whose aggregated table tests it, and a
predicate ``predicate(tables, bounds) -> Evidence``. ``bounds`` are the pre-registered thresholds from the
config (fixed before any run, never adjusted after seeing results). The verdict is computed, never typed:

* ``supported``      — the statistic's whole confidence interval lies on the predicted side;
* ``not supported``  — the whole interval lies on the other side;
* ``inconclusive``   — the interval straddles the threshold, there are too few replicates, or the
  experiment's preconditions fail (the reason says which).

Every claim also declares its **regime** (:class:`Regime`): where its paper predicts a visible effect, as a
check on the run's own sizes and diagnostics (active rows, rank against the generic rank, parameters against
n, every fit converged). A run outside it is ``inconclusive`` with the shortfall as the reason, never
``not supported``: evidence from outside a theorem's regime is not evidence against it. Each row also says
how many seeds (or instances) it used.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

SUPPORTED, NOT_SUPPORTED, INCONCLUSIVE = "supported", "not supported", "inconclusive"
VERDICTS = (SUPPORTED, NOT_SUPPORTED, INCONCLUSIVE)


@dataclass(frozen=True)
class Evidence:
    """What a predicate found: the verdict, the observed figure and how it was measured.

    ``observed`` names the point(s) that decide the verdict first; ``seeds`` says how many seeds (or
    instances) the statistic used (filled from the tables by :func:`count_seeds` when a predicate leaves it
    empty)."""

    verdict: str
    observed: str
    measured: str
    reason: str = ""
    seeds: str = ""

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, got {self.verdict!r}")


RegimeCheck = Callable[[Mapping[str, pd.DataFrame], Mapping[str, Any]], Sequence[str]]


@dataclass(frozen=True)
class Regime:
    """Where the paper predicts a visible effect, and the check that the run is there.

    Attributes
    ----------
    statement : str
        The conditions in words, with the bound keys they read (shown in the claims table).
    check : callable
        ``check(tables, bounds) -> list of str``: one entry per condition the run falls short of, each with
        the figure (e.g. ``"n Phi(b) = 95 < 1000 at b=-4"``); empty when the run is in its regime.
    """

    statement: str
    check: RegimeCheck

    def shortfalls(self, tables: Mapping[str, pd.DataFrame], bounds: Mapping[str, Any]) -> list[str]:
        return [str(s) for s in self.check(tables, bounds)]


def regime_text(shortfalls: Sequence[str]) -> str:
    """The claims table's ``regime`` cell: ``in`` or ``out: <shortfalls>``."""
    return "in" if not shortfalls else "out: " + "; ".join(shortfalls)


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
    regime : Regime or None
        Where the paper predicts a visible effect (checked on the run before the verdict counts).
    sanity : bool
        True for a check that holds by construction (a formula counted against itself, a bound the
        algorithm implies): reported, labelled so, and never counted as evidence for the paper.
    """

    id: str
    paper: str
    statement: str
    paper_states: str
    experiments: tuple[str, ...]
    predicted: str
    predicate: Callable[[Mapping[str, pd.DataFrame], Mapping[str, Any]], Evidence]
    reconstruction: bool = False
    regime: Regime | None = None
    sanity: bool = False

    def evaluate(self, tables: Mapping[str, pd.DataFrame], bounds: Mapping[str, Any]) -> tuple[Evidence, str]:
        """Run the regime check and the predicate -> (evidence, regime cell).

        A missing table makes the verdict inconclusive with the reason. A run out of its regime is
        inconclusive whatever the predicate says; the reason names the shortfall and what the predicate
        alone would have said (so a reader sees both)."""
        missing = [e for e in self.experiments if e not in tables or tables[e].empty]
        if missing:
            return (Evidence(INCONCLUSIVE, "n/a", "n/a", f"no data for experiment(s) {missing} (disabled in config?)"),
                    "out: no data")
        shortfalls = self.regime.shortfalls(tables, bounds) if self.regime else []
        ev = self.predicate(tables, bounds)
        if not ev.seeds:
            ev = replace(ev, seeds=count_seeds(tables, self.experiments))
        if shortfalls:
            alone = f"; in its regime the predicate would say {ev.verdict}" if ev.verdict != INCONCLUSIVE else ""
            ev = replace(ev, verdict=INCONCLUSIVE,
                         reason=f"out of regime: {'; '.join(shortfalls)}{alone}"
                                + (f" ({ev.reason})" if ev.reason else ""))
        return ev, regime_text(shortfalls) if self.regime else "not declared"


def count_seeds(tables: Mapping[str, pd.DataFrame], experiments: Sequence[str]) -> str:
    """``"3 per point (12 points)"``: the seeds (``replicate`` values) behind each grid point of the tables
    a claim reads; a range when points differ; ``"n/a"`` for tables without replicates."""
    per_point: list[int] = []
    for e in experiments:
        t = tables.get(e)
        if t is None or t.empty or "replicate" not in t.columns:
            continue
        keys = ["point"] if "point" in t.columns else [c for c in t.columns if c not in ("replicate",)][:1]
        per_point += [int(g["replicate"].nunique()) for _, g in t.groupby(keys, sort=False)]
    if not per_point:
        return "n/a"
    lo, hi = min(per_point), max(per_point)
    return f"{lo if lo == hi else f'{lo}-{hi}'} per point ({len(per_point)} points)"


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


def deciding(verdicts: Sequence[str], observations: Sequence[str], verdict: str) -> str:
    """The observed text with the points that decide ``verdict`` first.

    For a claim that must hold at every point, a ``not supported`` verdict is decided by the failing points, an
    ``inconclusive`` one by the undecided points, and ``supported`` by all of them. The deciding points are
    named first (``decided by: ...``), the others after (``other points: ...``), so that the text never
    quotes a point whose interval straddles the bound as if it were the reason."""
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
    """Evidence for a claim that must hold at every grid point: the verdicts combined by
    :func:`combine_all`, the observations with the deciding points first (:func:`deciding`), and
    ``inconclusive_reason`` given when undecided."""
    verdict = combine_all(verdicts)
    observed = deciding(verdicts, observations, verdict) if len(observations) == len(verdicts) \
        else "; ".join(observations)
    return Evidence(verdict, observed, measured, inconclusive_reason if verdict == INCONCLUSIVE else "", seeds)


# ---------------------------------------------------------------------------------------------------
# The claims table
# ---------------------------------------------------------------------------------------------------

COLUMNS = ["id", "paper", "claim", "paper_states", "regime_statement", "measured", "predicted", "regime", "seeds",
           "observed", "verdict", "reason", "reconstruction", "kind"]


def claims_table(claims: Sequence[Claim], tables: Mapping[str, Mapping[str, pd.DataFrame]],
                 bounds: Mapping[str, Mapping[str, Any]]) -> pd.DataFrame:
    """Evaluate every claim; ``tables[paper][experiment]``, ``bounds[paper]`` -> one row per claim."""
    rows = []
    for c in claims:
        ev, regime = c.evaluate(tables.get(c.paper, {}), bounds.get(c.paper, {}))
        rows.append({"id": c.id, "paper": c.paper, "claim": c.statement, "paper_states": c.paper_states,
                     "regime_statement": c.regime.statement if c.regime else "not declared",
                     "measured": ev.measured, "predicted": c.predicted, "regime": regime, "seeds": ev.seeds,
                     "observed": ev.observed, "verdict": ev.verdict, "reason": ev.reason,
                     "reconstruction": "yes" if c.reconstruction else "no",
                     "kind": "sanity check (holds by construction; not evidence)" if c.sanity else "test"})
    return pd.DataFrame(rows, columns=COLUMNS)


def convergence_shortfalls(table: pd.DataFrame, learners: Sequence[str] | None = None) -> list[str]:
    """Regime check shared by every claim that reads an iterative learner: one shortfall per learner with
    unconverged fits, e.g. ``"gd: 5 of 12 fits unconverged (steps 1000/1000, last rel. decrease 3e-03)"``.

    Reads the ``converged`` column that ``depth2 evaluate`` copies from each fit's
    :func:`depth2.learners.base.convergence` record; learners without it (closed forms, one-shot estimators)
    are not iterative and never fall short. ``learners`` restricts the check (default: every learner)."""
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
        out.append(f"{learner}: {len(bad)} of {len(flags)} fits unconverged" + (f" ({', '.join(detail)})" if detail
                                                                               else ""))
    return out


def min_seeds_shortfalls(table: pd.DataFrame, keys: Sequence[str], minimum: int) -> list[str]:
    """Regime check: every group of ``table`` by ``keys`` has at least ``minimum`` seeds (``replicate``)."""
    if table.empty:
        return [f"no rows (needs >= {minimum} seeds per point)"]
    counts = table.groupby(list(keys), sort=True)["replicate"].nunique()
    low = counts[counts < minimum]
    return [f"{len(low)} of {len(counts)} points have < {minimum} seeds (fewest: {int(low.min())})"] if len(low) else []


def _shorten(text: Any, limit: int = 240) -> str:
    """One line of at most ``limit`` characters (an ellipsis marks a cut)."""
    t = " ".join(str(text).split())
    return t if len(t) <= limit else t[: limit - 3].rstrip() + "..."


def _short_id(claim_id: Any) -> str:
    """A claim's id without its paper prefix (``guo2025.exy_sign`` -> ``exy_sign``)."""
    return str(claim_id).split(".", 1)[-1]


def _why_not(r: Mapping[str, Any]) -> str:
    """What a row that is not supported means, read off its regime cell, verdict and reconstruction flag."""
    detail = r["reason"] if isinstance(r["reason"], str) and r["reason"] else r["observed"]
    if str(r["regime"]).startswith("out"):
        return f"out of its regime, so a limit of this run and not evidence ({_shorten(str(r['regime'])[4:], 160)})"
    if r["verdict"] == INCONCLUSIVE:
        return ("in its regime but undecided: a finite-size limit, the intervals do not resolve "
                f"({_shorten(detail, 160)})")
    about = "our reconstruction of the paper" if str(r["reconstruction"]) == "yes" else "the paper's statement"
    if str(r.get("seeds", "")).startswith("exact"):  # no sampling: nothing about sizes
        return f"an exact computation, so a finding about {about} ({_shorten(detail, 200)})"
    return f"in its regime, so a finding at these sizes about {about} ({_shorten(detail, 200)})"


def minute_summary(table: pd.DataFrame, provenance: Mapping[str, Mapping[str, Any]] | None = None) -> list[str]:
    """The claims table in a minute: per paper, what is supported, what is not and what that means (a finding
    in the claim's regime, or a limit of a run outside it), and the regime of its runs -> Markdown lines."""
    provenance = provenance or {}
    lines = ["## In a minute", ""]
    for paper, g in table.groupby("paper", sort=False):
        sanity = g["kind"].str.startswith("sanity")
        tests = g[~sanity]
        out = tests[tests["regime"].str.startswith("out")]
        regime = ("every tested claim's run is in its regime" if out.empty else
                  f"{len(out)} of {len(tests)} tested claims' runs are out of their regime")
        seed = provenance.get(paper, {}).get("seed", "n/a")
        lines += [f"**{paper}** (confirmatory seed {seed}; {regime})", ""]
        ok = [_short_id(i) for i in tests.loc[tests["verdict"] == SUPPORTED, "id"]]
        lines.append(f"- supported ({len(ok)}): " + (", ".join(f"`{i}`" for i in ok) if ok else "none"))
        for _, r in tests[tests["verdict"] != SUPPORTED].iterrows():
            lines.append(f"- {r['verdict']}: `{_short_id(r['id'])}`: {_why_not(r)}".replace("|", "\\|"))
        if sanity.any():
            checks = ", ".join(f"`{_short_id(i)}` ({v})" for i, v in zip(g.loc[sanity, "id"], g.loc[sanity, "verdict"],
                                                                          strict=True))
            lines.append(f"- sanity checks, not counted as evidence: {checks}")
        lines.append("")
    return lines


def to_markdown(table: pd.DataFrame, provenance: Mapping[str, Mapping[str, Any]] | None = None) -> str:
    """The claims table as a Markdown document (pipes in cells escaped).

    ``provenance[paper]`` may hold ``seed`` (the paper's confirmatory seed) and ``design_commit`` (the commit
    that fixed the design and bounds with that seed); both are stated per paper above the table."""
    def cell(v: Any) -> str:
        return str(v).replace("|", "\\|").replace("\n", " ")

    provenance = provenance or {}
    counts = table["verdict"].value_counts()
    summary = ", ".join(f"{counts.get(v, 0)} {v}" for v in VERDICTS)
    lines = ["# Claims table", "",
             "Each verdict is computed from the aggregated tables by the claim's predicate against bounds "
             "pre-registered in the config; `reconstruction = yes` marks tests that rest on our "
             "reconstruction of the paper rather than its text. `regime` says whether the run is where the paper "
             "predicts a visible effect (a run out of it is inconclusive, never evidence against the paper); "
             "`kind = sanity check` marks rows that hold by construction and are not counted as evidence.", "",
             f"Summary: {summary}.", "",
             "| paper | confirmatory seed | design commit | supported | not supported | inconclusive | "
             "out of regime | sanity checks |", "|---|---|---|---|---|---|---|---|"]
    for paper, g in table.groupby("paper", sort=False):
        tests = g[~g["kind"].str.startswith("sanity")]
        c = tests["verdict"].value_counts()
        prov = provenance.get(paper, {})
        lines.append(f"| {paper} | {prov.get('seed', 'n/a')} | {prov.get('design_commit', 'n/a')} | "
                     f"{c.get(SUPPORTED, 0)} | {c.get(NOT_SUPPORTED, 0)} | {c.get(INCONCLUSIVE, 0)} | "
                     f"{int(tests['regime'].str.startswith('out').sum())} | {len(g) - len(tests)} |")
    lines += ["", *minute_summary(table, provenance), "## By paper", ""]
    for paper, g in table.groupby("paper", sort=False):
        lines.append(f"**{paper}**")
        lines.append("")
        for _, r in g.iterrows():
            short = _short_id(r["id"])
            tag = " (sanity check, not evidence)" if str(r["kind"]).startswith("sanity") else ""
            why = f" Why: {_shorten(r['reason'])}" if r["verdict"] != SUPPORTED and isinstance(r["reason"], str) \
                and r["reason"] else ""
            lines.append(f"- `{short}`: **{r['verdict']}**{tag}; regime {_shorten(r['regime'], 160)}. "
                         f"{_shorten(r['observed'])}.{why}".replace("|", "\\|"))
        lines.append("")
    lines += ["## Full table", "", "| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for _, r in table.iterrows():
        lines.append("| " + " | ".join(cell(r[c]) for c in COLUMNS) + " |")
    return "\n".join(lines) + "\n"
