"""safran2022 claims, against the pre-registered ``safran2022.bounds``.

The paper has no experiments and its constants are not observable literally; each predicate tests the trend
a theorem predicts at the sizes run (the claim's text says which). Tables (one row per fit and seed, or per
logged GD step for traced fits; the final models are then the rows of each fit's largest ``step``):

* ``strong_vs_width``: ``law``, ``d``, ``width``, ``learner``, ``replicate``, ``rel_mse`` (test MSE over the
  trivial MSE p (1 - p));
* ``weak_vs_strong``: ``d``, ``learner``, ``replicate``, ``rel_mse`` (learners at equal trainable parameters);
* ``output_ablation``: ``law``, ``learner`` in {strong_net, strong_net_sigmoid, strong_net_linear}, ``replicate``,
  ``rel_mse``;
* ``movement``: ``d``, ``learner``, ``replicate``, ``step``, ``movement`` (||theta_t - theta_0||), ``bound`` (the
  movement bound with the measured steps and initial loss; NaN for Adam, to which it does not apply), ``mse``
  (test MSE at that step).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from depth2.claims import (
    INCONCLUSIVE,
    NOT_SUPPORTED,
    SUPPORTED,
    Claim,
    Evidence,
    compare,
    every_point,
    mean_interval,
)
from depth2.papers.safran2022.metrics import final_rows

PAPER = "safran2022"
WEAK = ("weak_net", "weak_net_sigmoid", "weak_net_relu", "rf_ridge")
PAPER_ERROR_FLOOR = 1.0 / 400.0  # Theorem 3's epsilon: every GD iterate keeps E(N - f)^2 > 1/400


def strong_learns(tables: Mapping[str, pd.DataFrame], bounds: Mapping[str, Any]) -> Evidence:
    """At the largest width of each (law, d), the strong net's final test MSE / trivial MSE is below
    ``bounds.strong_fraction`` (95% t-interval over seeds)."""
    df = final_rows(tables["strong_vs_width"])
    df = df[df["learner"] == "strong_net"]
    frac = float(bounds["strong_fraction"])
    verdicts, obs = [], []
    for (law, d), g in df.groupby(["law", "d"], sort=True):
        top = g[g["width"] == g["width"].max()]
        m, lo, hi = mean_interval(top["rel_mse"])
        verdicts.append(compare(lo, hi, frac, "below"))
        obs.append(f"{law} d={d} r={int(top['width'].iloc[0])}: {m:.3f}")
    return every_point(verdicts, obs, "strong-net test MSE / trivial MSE at the largest width, per law and d",
                       "an interval contains bounds.strong_fraction")


def _paired(df: pd.DataFrame, a: str, b: str, keys: list[str]) -> pd.Series:
    """rel_mse of learner ``a`` minus that of ``b``, paired on ``keys`` + replicate."""
    wide = df.pivot_table(index=[*keys, "replicate"], columns="learner", values="rel_mse")
    return (wide[a] - wide[b]).dropna() if a in wide and b in wide else pd.Series(dtype=float)


def strong_beats_weak(tables: Mapping[str, pd.DataFrame], bounds: Mapping[str, Any]) -> Evidence:
    """At every d >= bounds.weak_min_d, the strong net's rel_mse is below that of every weak learner run
    (each weak activation and rf_ridge), paired over seeds (95% t-interval of the difference below 0)."""
    df = final_rows(tables["weak_vs_strong"])
    df = df[df["d"] >= int(bounds["weak_min_d"])]
    verdicts, obs = [], []
    for d, g in df.groupby("d", sort=True):
        for weak in sorted(set(g["learner"]) & set(WEAK)):
            diff = _paired(g, "strong_net", weak, ["d"])
            m, lo, hi = mean_interval(diff)
            verdicts.append(compare(lo, hi, 0.0, "below"))
            obs.append(f"d={d} strong - {weak}: {m:+.3f}")
    if not verdicts:
        return Evidence(INCONCLUSIVE, "n/a", "n/a", "no d >= bounds.weak_min_d with a weak learner")
    return every_point(verdicts, obs, "paired difference of test MSE / trivial MSE, strong minus weak",
                       "an interval contains 0")


def movement_bound(tables: Mapping[str, pd.DataFrame], bounds: Mapping[str, Any]) -> Evidence:
    """On D'_d, at every logged step of every GD run with a bound, ||theta_t - theta_0|| <= the bound, and the
    test MSE of every logged iterate (GD and Adam) stays above 1/400 (Theorem 3's epsilon). A step over the bound
    is ``not supported`` (the theorem's premise, a sufficient-decrease step, was violated or the bound is
    misread); an MSE at or below 1/400 likewise. No GD row with a bound: ``inconclusive``."""
    df = tables["movement"]
    gd = df[df["bound"].notna() & df["movement"].notna()]
    if gd.empty:
        return Evidence(INCONCLUSIVE, "no GD step with a movement bound", "n/a",
                        "the table has no line-search GD rows")
    ratio = gd["movement"] / gd["bound"]
    over = int((ratio > 1.0 + 1e-12).sum())
    low = int((df["mse"] <= PAPER_ERROR_FLOOR).sum())
    obs = (f"max movement / bound {float(ratio.max()):.3g} over {len(gd)} logged GD steps ({over} over); "
           f"min test MSE {float(df['mse'].min()):.4f} over {len(df)} logged iterates (floor 1/400 = "
           f"{PAPER_ERROR_FLOOR:.4f})")
    verdict = NOT_SUPPORTED if over or low else SUPPORTED
    return Evidence(verdict, obs, "weight movement against the bound, and test MSE, at every logged step")


def clipped_beats_linear(tables: Mapping[str, pd.DataFrame], bounds: Mapping[str, Any]) -> Evidence:
    """At equal width, the clipped output's rel_mse is below the linear output's, paired over seeds, for
    every law in the ablation."""
    df = final_rows(tables["output_ablation"])
    verdicts, obs = [], []
    for law, g in df.groupby("law", sort=True):
        diff = _paired(g, "strong_net", "strong_net_linear", ["law"])
        m, lo, hi = mean_interval(diff)
        verdicts.append(compare(lo, hi, 0.0, "below"))
        obs.append(f"{law}: clipped - linear {m:+.3f}")
    return every_point(verdicts, obs, "paired difference of test MSE / trivial MSE, clipped minus linear output",
                       "an interval contains 0")


CLAIMS = (
    Claim(f"{PAPER}.strong_learns", PAPER,
          "Gradient descent on the output layer of the two-layer erf net with a clipped output learns the ball "
          "indicator on every radial law tested.",
          "Theorem 8: for any law meeting Assumption 6 and any lam in [1, 2], GD reaches risk <= eps "
          "(constants not observable: we test test MSE against the trivial MSE).",
          ("strong_vs_width",), "MSE / trivial < bounds.strong_fraction at the largest width", strong_learns,
          reconstruction=True),
    Claim(f"{PAPER}.strong_beats_weak", PAPER,
          "At equal trainable parameter count and d >= bounds.weak_min_d the strong net beats every one-hidden-layer "
          "net trained by GD and the random-feature ridge.",
          "Theorems 2-5: one-hidden-layer nets need width or weights exponential in d (a trend at finite d).",
          ("weak_vs_strong",), "strong minus weak MSE / trivial < 0, paired over seeds", strong_beats_weak,
          reconstruction=True),
    Claim(f"{PAPER}.movement_bound", PAPER,
          "On D'_d, GD on the one-hidden-layer net moves its weights within the movement bound and its error "
          "stays above 1/400 for the steps run.",
          "Theorem 3 (key step): |theta_T - theta_0| <= 2 T sqrt(L(theta_0)) / L for a step below 2 / L.",
          ("movement",), "movement <= bound at every logged step and test MSE > 1/400", movement_bound,
          reconstruction=True),
    Claim(f"{PAPER}.clipped_beats_linear", PAPER,
          "The clipped output unit beats a linear output unit on the same frozen features at equal width.",
          "Eq. (2): the clipped ReLU output is part of the construction (our ablation).",
          ("output_ablation",), "clipped minus linear MSE / trivial < 0, paired over seeds", clipped_beats_linear,
          reconstruction=True),
)
