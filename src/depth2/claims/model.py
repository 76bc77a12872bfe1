"""The claim model: verdicts, evidence, regimes and the :class:`Claim` record.

A :class:`Claim` names a paper's statement, the experiment(s) whose aggregated tables test it, and a
predicate ``predicate(tables, bounds) -> Evidence``. ``bounds`` are the pre-registered thresholds from the
config (fixed before any run). The verdict is computed, never typed:

* ``supported``      -- the statistic's whole confidence interval lies on the predicted side;
* ``not supported``  -- the whole interval lies on the other side;
* ``inconclusive``   -- the interval straddles the threshold, there are too few replicates, or the run is out
  of the claim's regime (the reason says which);
* ``fragile``        -- (tests only) a pre-registered robustness variant gives another verdict than the main
  run (see :mod:`depth2.claims.variants`).

Every claim has a **kind**: ``test`` (a prediction the paper makes, which our code could fail: it declares its
``falsifier``), ``check`` (our construction, an identity or the implementation: only a bug fails it),
``observation`` (our framing, not the paper's) or ``proof check`` (a computation about the paper's proof).
Only tests count as evidence.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

SUPPORTED, NOT_SUPPORTED, INCONCLUSIVE, FRAGILE = "supported", "not supported", "inconclusive", "fragile"
VERDICTS = (SUPPORTED, NOT_SUPPORTED, INCONCLUSIVE)
TEST, CHECK, OBSERVATION, PROOF_CHECK = "test", "check", "observation", "proof check"
KINDS = (TEST, CHECK, OBSERVATION, PROOF_CHECK)

Tables = Mapping[str, pd.DataFrame]
Bounds = Mapping[str, Any]


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


class _Keep(dict):
    """``format_map`` helper: a bound the mapping lacks stays as its ``{key}`` placeholder."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render(text: str, bounds: Bounds) -> str:
    """``text`` with its ``{key}`` placeholders filled from ``bounds`` (lists joined by ', ')."""
    if "{" not in text:
        return text
    vals = _Keep({k: ", ".join(f"{x:g}" if isinstance(x, float) else str(x) for x in v)
                  if isinstance(v, list | tuple) else (f"{v:g}" if isinstance(v, float) else v)
                  for k, v in bounds.items()})
    return string.Formatter().vformat(text, (), vals)


@dataclass(frozen=True)
class Check:
    """One named regime condition: its statement (a template over the bound keys it reads, rendered with the
    run's bounds, so that the words cannot drift from the code) and ``fn(tables, bounds) -> [shortfall]``."""

    statement: str
    fn: Callable[[Tables, Bounds], Sequence[str]]


@dataclass(frozen=True)
class Regime:
    """Where the paper predicts a visible effect, and the check that the run is there.

    Built from named checks (:func:`Regime.of`, the checks of :mod:`depth2.claims.kit`), each of which renders
    its own statement, or from one ``statement`` and one ``check(tables, bounds) -> [shortfall]``.
    """

    statement: str
    check: Callable[[Tables, Bounds], Sequence[str]]

    @classmethod
    def of(cls, *checks: Check) -> Regime:
        def run(tables: Tables, bounds: Bounds) -> list[str]:
            return [str(s) for c in checks for s in c.fn(tables, bounds)]

        return cls("; ".join(c.statement for c in checks), run)

    def shortfalls(self, tables: Tables, bounds: Bounds) -> list[str]:
        return [str(s) for s in self.check(tables, bounds)]

    def text(self, bounds: Bounds) -> str:
        """The statement with the run's bound values filled in."""
        return render(self.statement, bounds)


def regime_text(shortfalls: Sequence[str]) -> str:
    """The claims table's ``regime`` cell: ``in`` or ``out: <shortfalls>``."""
    return "in" if not shortfalls else "out: " + "; ".join(shortfalls)


@dataclass(frozen=True)
class Claim:
    """A claim of a paper, evaluated by a predicate over aggregated tables.

    Attributes
    ----------
    id : str
        Unique id, ``<paper>.<short>``.
    paper : str
    statement : str
        The claim in our words.
    paper_states : str
        What the paper states, and where (theorem, section, page); what we did not read is said so.
    experiments : tuple of str
        Experiments whose tables the predicate reads.
    predicted : str
        The pre-registered prediction, with the bound's config key.
    predicate : callable
        ``predicate(tables: {experiment: DataFrame}, bounds: Mapping) -> Evidence``.
    reconstruction : bool
        Whether the row rests on our reconstruction rather than the paper's text.
    regime : Regime or None
        Where the paper predicts a visible effect (checked on the run before the verdict counts).
    kind : str
        One of :data:`KINDS`; only ``test`` rows count as evidence about the paper.
    falsifier : str
        For a ``test``: the result that would make it not supported, and why our code could produce it
        (required for tests; a row that only a bug could fail is a ``check``).
    """

    id: str
    paper: str
    statement: str
    paper_states: str
    experiments: tuple[str, ...]
    predicted: str
    predicate: Callable[[Tables, Bounds], Evidence]
    reconstruction: bool = False
    regime: Regime | None = None
    kind: str = TEST
    falsifier: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"claim {self.id}: kind must be one of {KINDS}, got {self.kind!r}")
        if self.kind == TEST and not self.falsifier.strip():
            raise ValueError(f"claim {self.id}: a test must declare its falsifier (else it is a check)")

    @property
    def short(self) -> str:
        return self.id.split(".", 1)[-1]

    def evaluate(self, tables: Tables, bounds: Bounds) -> tuple[Evidence, str]:
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


def count_seeds(tables: Tables, experiments: Sequence[str]) -> str:
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


@dataclass(frozen=True)
class Headline:
    """One headline result of a paper (from its abstract and every section we actually read) and its coverage.

    ``result`` in our words; ``source`` where the paper states it and what of it we read (``abstract``,
    ``Thm 8, p. 9 (read)``, ``Sec. 4 (not read: our reconstruction)``); ``rows`` the short ids of the rows that
    test it (only ``test`` rows count as coverage); ``not_tested`` what a test would take (the size, a cluster or
    GPU, the paper's text) -- required when no test row covers it, and may qualify a partial cover."""

    result: str
    source: str
    rows: tuple[str, ...] = ()
    not_tested: str = ""

    def __post_init__(self) -> None:
        if not self.rows and not self.not_tested.strip():
            raise ValueError(f"headline {self.result[:60]!r}: name the rows that test it or say what it would take")


def check_coverage(claims: Sequence[Claim], coverage: Sequence[Headline]) -> list[str]:
    """Problems with a paper's coverage list: a row that is not one of its claims, or a headline whose only rows
    are not tests but that does not say what a test would take."""
    kinds = {c.short: c.kind for c in claims}
    out = []
    for h in coverage:
        out += [f"{h.result[:50]!r}: row {r!r} is not a claim" for r in h.rows if r not in kinds]
        if not any(kinds.get(r) == TEST for r in h.rows) and not h.not_tested.strip():
            out.append(f"{h.result[:50]!r}: no test row covers it and not_tested is empty")
    return out
