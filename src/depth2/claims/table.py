"""The claims table: every claim evaluated on the main run, every test on its robustness variants too, with the
claim's attempt history beside it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from depth2.claims.model import FRAGILE, SUPPORTED, TEST, Claim, Evidence, Tables
from depth2.claims.variants import describe, variant_experiment

COLUMNS = ["id", "paper", "kind", "claim", "paper_states", "regime_statement", "measured", "predicted", "falsifier",
           "regime", "seeds", "observed", "verdict", "reason", "variants", "history", "reconstruction"]
NO_VARIANTS = "none registered in this config"


def shorten(text: Any, limit: int = 240) -> str:
    """One line of at most ``limit`` characters (an ellipsis marks a cut)."""
    t = " ".join(str(text).split())
    return t if len(t) <= limit else t[: limit - 3].rstrip() + "..."


def variant_tables(tables: Tables, claim: Claim, variant: str) -> dict[str, pd.DataFrame]:
    """The tables of ``variant``'s run, under the experiment names the claim's predicate reads."""
    return {e: tables[variant_experiment(e, variant)] for e in claim.experiments
            if variant_experiment(e, variant) in tables}


def evaluate_variants(claim: Claim, tables: Tables, bounds: Mapping[str, Any],
                      variants: Mapping[str, Mapping[str, Any]]) -> list[tuple[str, Evidence, str]]:
    """``[(label, evidence, regime cell)]`` for every variant registered for ``claim`` (same bounds, the
    variant's tables)."""
    out = []
    for name, v in variants.items():
        if claim.short in v.get("claims", ()):
            ev, regime = claim.evaluate(variant_tables(tables, claim, name), bounds)
            out.append((describe(name, v), ev, regime))
    return out


def variant_text(label: str, ev: Evidence, regime: str) -> str:
    """One variant in the ``variants`` cell: its verdict, why when it is not supported (out of regime, no
    data, an undecided interval), and its deciding figure."""
    why = f" ({shorten(ev.reason, 90)})" if ev.verdict != SUPPORTED and ev.reason else ""
    return f"{label}: {ev.verdict}{why} [{shorten(ev.observed, 110)}]" + ("" if regime in ("in", "not declared")
                                                                        else f" regime {shorten(regime, 60)}")


def robust_verdict(main: str, runs: list[tuple[str, Evidence, str]]) -> tuple[str, str]:
    """(verdict, reason addendum) of a test from its main verdict and its variants'.

    ``supported`` needs every variant supported too; a supported main run with a variant that says otherwise is
    ``fragile``. A main run that is ``not supported`` or ``inconclusive`` keeps its verdict whatever the variants
    say (a variant never softens a failure or rescues an undecided run); the disagreeing variants are named."""
    off = [f"{label} gives {ev.verdict}" for label, ev, _ in runs if ev.verdict != main]
    if not off:
        return main, ""
    if main == SUPPORTED:
        return FRAGILE, f"main run supported, but {'; '.join(off)}"
    return main, f"variants disagree: {'; '.join(off)}"


def claims_table(claims: Sequence[Claim], tables: Mapping[str, Tables], bounds: Mapping[str, Mapping[str, Any]],
                 variants: Mapping[str, Mapping[str, Mapping[str, Any]]] | None = None,
                 history: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Evaluate every claim -> one row per claim.

    ``tables[paper][experiment]`` (variant runs under :func:`variant_experiment` names), ``bounds[paper]``,
    ``variants[paper][name]`` (the config's declarations), ``history[claim id]`` (:mod:`depth2.claims.history`).
    A test's verdict combines its main run's and its variants' (:func:`robust_verdict`)."""
    variants, history = variants or {}, history or {}
    rows = []
    for c in claims:
        bnd = bounds.get(c.paper, {})
        ev, regime = c.evaluate(tables.get(c.paper, {}), bnd)
        verdict, reason, cell = ev.verdict, ev.reason, "n/a (not a test)"
        if c.kind == TEST:
            runs = evaluate_variants(c, tables.get(c.paper, {}), bnd, variants.get(c.paper, {}))
            cell = "; ".join(variant_text(*r) for r in runs) or NO_VARIANTS
            verdict, extra = robust_verdict(ev.verdict, runs)
            reason = "; ".join(x for x in (extra, ev.reason) if x)
        rows.append({"id": c.id, "paper": c.paper, "kind": c.kind, "claim": c.statement,
                     "paper_states": c.paper_states,
                     "regime_statement": c.regime.text(bnd) if c.regime else "not declared",
                     "measured": ev.measured, "predicted": c.predicted,
                     "falsifier": c.falsifier if c.kind == TEST else "n/a",
                     "regime": regime, "seeds": ev.seeds, "observed": ev.observed, "verdict": verdict,
                     "reason": reason, "variants": cell, "history": history.get(c.id, "n/a"),
                     "reconstruction": "yes" if c.reconstruction else "no"})
    return pd.DataFrame(rows, columns=COLUMNS)
