"""The claims table: every claim evaluated on the main run, every test on its robustness variants too, with the
claim's attempt history beside it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from depth2.claims.model import FRAGILE, TEST, Claim, Tables
from depth2.claims.variants import describe, variant_experiment

COLUMNS = ["id", "paper", "kind", "claim", "paper_states", "regime_statement", "measured", "predicted", "falsifier",
           "regime", "seeds", "observed", "verdict", "reason", "variants", "history", "reconstruction"]
NO_VARIANTS = "none registered in this config"


def _short(text: Any, limit: int) -> str:
    t = " ".join(str(text).split())
    return t if len(t) <= limit else t[: limit - 3].rstrip() + "..."


def variant_tables(tables: Tables, claim: Claim, variant: str) -> dict[str, pd.DataFrame]:
    """The tables of ``variant``'s run, under the experiment names the claim's predicate reads."""
    return {e: tables[variant_experiment(e, variant)] for e in claim.experiments
            if variant_experiment(e, variant) in tables}


def evaluate_variants(claim: Claim, tables: Tables, bounds: Mapping[str, Any],
                      variants: Mapping[str, Mapping[str, Any]]) -> list[tuple[str, str, str]]:
    """``[(label, verdict, observed)]`` for every variant registered for ``claim`` (same bounds, the variant's
    tables)."""
    out = []
    for name, v in variants.items():
        if claim.short not in v.get("claims", ()):
            continue
        ev, _ = claim.evaluate(variant_tables(tables, claim, name), bounds)
        out.append((describe(name, v), ev.verdict, ev.observed))
    return out


def claims_table(claims: Sequence[Claim], tables: Mapping[str, Tables], bounds: Mapping[str, Mapping[str, Any]],
                 variants: Mapping[str, Mapping[str, Mapping[str, Any]]] | None = None,
                 history: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Evaluate every claim -> one row per claim.

    ``tables[paper][experiment]`` (variant runs under :func:`variant_experiment` names), ``bounds[paper]``,
    ``variants[paper][name]`` (the config's declarations), ``history[claim id]`` (:mod:`depth2.claims.history`).
    A test's verdict is ``fragile`` when any variant's verdict differs from the main run's; the reason names
    the variants that disagree."""
    variants, history = variants or {}, history or {}
    rows = []
    for c in claims:
        bnd = bounds.get(c.paper, {})
        ev, regime = c.evaluate(tables.get(c.paper, {}), bnd)
        verdict, reason, cell = ev.verdict, ev.reason, "n/a (not a test)"
        if c.kind == TEST:
            runs = evaluate_variants(c, tables.get(c.paper, {}), bnd, variants.get(c.paper, {}))
            cell = "; ".join(f"{label}: {v} [{_short(obs, 110)}]" for label, v, obs in runs) or NO_VARIANTS
            off = [f"{label} gives {v}" for label, v, _ in runs if v != ev.verdict]
            if off:
                verdict = FRAGILE
                reason = f"main run {ev.verdict}, but {'; '.join(off)}" + (f" ({ev.reason})" if ev.reason else "")
        rows.append({"id": c.id, "paper": c.paper, "kind": c.kind, "claim": c.statement,
                     "paper_states": c.paper_states,
                     "regime_statement": c.regime.text(bnd) if c.regime else "not declared",
                     "measured": ev.measured, "predicted": c.predicted, "falsifier": c.falsifier or "n/a",
                     "regime": regime, "seeds": ev.seeds, "observed": ev.observed, "verdict": verdict,
                     "reason": reason, "variants": cell, "history": history.get(c.id, "n/a"),
                     "reconstruction": "yes" if c.reconstruction else "no"})
    return pd.DataFrame(rows, columns=COLUMNS)
