"""Claims, verdicts and the claims table (a package: the model, the statistics, the kit, the table with its
robustness variants and attempt history, and the report).

Everything a paper's ``claims`` module needs is importable from here; the submodules say what each piece is:
:mod:`~depth2.claims.model` (Claim, Evidence, Regime, kinds and verdicts), :mod:`~depth2.claims.stats`
(intervals), :mod:`~depth2.claims.kit` (verdict rules, per-point predicates, pairing, named regime checks),
:mod:`~depth2.claims.table` (the table, with variants), :mod:`~depth2.claims.history` (earlier confirmatory
attempts, from git), :mod:`~depth2.claims.report` (Markdown).
"""

from depth2.claims.kit import (
    band,
    check,
    combine,
    combine_all,
    compare,
    converged,
    convergence_shortfalls,
    deciding,
    every_point,
    in_band,
    min_seeds,
    min_seeds_shortfalls,
    paired,
    per_point,
    ratio,
    side,
)
from depth2.claims.model import (
    CHECK,
    FRAGILE,
    INCONCLUSIVE,
    KINDS,
    NOT_SUPPORTED,
    OBSERVATION,
    PROOF_CHECK,
    SUPPORTED,
    TEST,
    VERDICTS,
    Check,
    Claim,
    Evidence,
    Headline,
    Regime,
    check_coverage,
    count_seeds,
    regime_text,
    render,
)
from depth2.claims.stats import (
    log_mean_interval,
    mean_interval,
    paired_difference_interval,
    paired_log_ratio_interval,
    proportion_interval,
    slope_interval,
    t95,
)

__all__ = [
    "CHECK", "FRAGILE", "INCONCLUSIVE", "KINDS", "NOT_SUPPORTED", "OBSERVATION", "PROOF_CHECK", "SUPPORTED", "TEST",
    "VERDICTS", "Check", "Claim", "Evidence", "Headline", "Regime", "band", "check", "check_coverage", "combine",
    "combine_all", "compare", "converged", "convergence_shortfalls", "count_seeds", "deciding", "every_point",
    "in_band", "log_mean_interval", "mean_interval", "min_seeds", "min_seeds_shortfalls", "paired",
    "paired_difference_interval", "paired_log_ratio_interval", "per_point", "proportion_interval", "ratio",
    "regime_text", "render", "side", "slope_interval", "t95",
]


def __getattr__(name: str):  # the table and report functions, imported on first use (they load more)
    if name in ("claims_table", "COLUMNS"):
        from depth2.claims import table

        return getattr(table, name)
    if name in ("to_markdown", "minute_summary"):
        from depth2.claims import report

        return getattr(report, name)
    raise AttributeError(name)
