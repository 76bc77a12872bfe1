"""awasthi2021 claims, against the pre-registered ``awasthi2021.bounds``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from depth2.claims import (
    INCONCLUSIVE,
    NOT_SUPPORTED,
    SUPPORTED,
    Claim,
    Evidence,
    compare,
    every_point,
    proportion_interval,
    slope_interval,
)

PAPER = "awasthi2021"


def _worst(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return df.groupby([*keys, "learner", "replicate"], as_index=False).agg(w_err=("w_err", "max"),
                                                                           rel_mse=("rel_mse", "first"))


def recovery_rate(tables: Mapping[str, pd.DataFrame], bounds: Mapping[str, Any]) -> Evidence:
    """Slope of log(max |w_hat - w|) on log n, per (d, m), inside [slope_lo, slope_hi] (95% interval)."""
    df = _worst(tables["recovery_vs_n"], ["d", "m", "n"])
    df = df[df["learner"] == "hermite_tensor"]
    lo_b, hi_b = float(bounds["slope_lo"]), float(bounds["slope_hi"])
    verdicts, obs = [], []
    for (d, m), g in df.groupby(["d", "m"], sort=True):
        fit = slope_interval(np.log(g["n"].to_numpy(float)), np.log(g["w_err"].to_numpy(float)))
        if fit is None:
            verdicts.append(INCONCLUSIVE)
            continue
        slope, lo, hi = fit
        verdicts.append(SUPPORTED if lo_b <= lo and hi <= hi_b else NOT_SUPPORTED if hi < lo_b or lo > hi_b
                        else INCONCLUSIVE)
        obs.append(f"d={d}, m={m}: slope {slope:+.2f} (95% CI {lo:+.2f}..{hi:+.2f})")
    return every_point(verdicts, obs, "least-squares slope of log max-neuron |w_hat - w| on log n over seeds",
                       "an interval overlaps the band's edge")


def _rate(g: pd.DataFrame) -> tuple[float, float, float]:
    return proportion_interval(int(g["recovered"].sum()), len(g))


def moderate_bias(tables: Mapping[str, pd.DataFrame], bounds: Mapping[str, Any]) -> Evidence:
    """Every neuron is recovered (lower Wilson bound > 1/2) at each |b| <= moderate_bias."""
    df = tables["bias_sweep"]
    df = df[(df["learner"] == "hermite_tensor") & (df["bias"] <= float(bounds["moderate_bias"]))]
    if df.empty:
        return Evidence(INCONCLUSIVE, "n/a", "n/a", "no bias at or below bounds.moderate_bias")
    verdicts, obs = [], []
    for bb, g in df.groupby("bias", sort=True):
        p, lo, hi = _rate(g)
        verdicts.append(compare(lo, hi, 0.5, "above"))
        obs.append(f"|b|={bb:g}: {p:.2f} recovered ({lo:.2f}..{hi:.2f})")
    return every_point(verdicts, obs, "fraction of planted neurons with |w_hat - w| <= bounds.recovery_tol",
                       "an interval contains 1/2")


def hermite_roots(tables: Mapping[str, pd.DataFrame], bounds: Mapping[str, Any]) -> Evidence:
    """T3 only loses the b = 0 neurons and keeps b = +-1; T4 only the reverse; T3 + T4 keeps all."""
    df = tables["hermite_roots"]
    expect = {"hermite_tensor_t3": {0.0: False, 1.0: True, -1.0: True},
              "hermite_tensor_t4": {0.0: True, 1.0: False, -1.0: False},
              "hermite_tensor": {0.0: True, 1.0: True, -1.0: True}}
    verdicts, obs = [], []
    for learner, roots in expect.items():
        for b, kept in roots.items():
            g = df[(df["learner"] == learner) & (df["b_true"] == b)]
            if g.empty:
                verdicts.append(INCONCLUSIVE)
                continue
            p, lo, hi = _rate(g)
            verdicts.append(compare(lo, hi, 0.5, "above" if kept else "below"))
            obs.append(f"{learner} b={b:g}: {p:.2f}")
    return every_point(verdicts, obs, "fraction of neurons at each root recovered, per tensor choice",
                       "a recovery rate's interval contains 1/2")


CLAIMS = (
    Claim(f"{PAPER}.recovery_rate", PAPER,
          "The tensor method's parameter error falls like n^(-1/2) (polynomial sample complexity).",
          "Main theorem (full-rank case): N >= poly(m, d, 1/eps, 1/s_m(W), B) samples give eps-close parameters.",
          ("recovery_vs_n",), "slope of log error on log n within [bounds.slope_lo, bounds.slope_hi]",
          recovery_rate, reconstruction=True),
    Claim(f"{PAPER}.moderate_bias", PAPER,
          "With biases up to a moderate magnitude every neuron is recovered.",
          "Main theorem: |b_i| < c sqrt(log(1 / (eps m d B))).",
          ("bias_sweep",), "recovery rate > 1/2 at every |b| <= bounds.moderate_bias", moderate_bias,
          reconstruction=True),
    Claim(f"{PAPER}.hermite_roots", PAPER,
          "Using T3 and T4 together recovers neurons whose bias is a root of c_3 (b = 0) or c_4 (b = +-1); either "
          "tensor alone loses exactly the neurons at its roots.",
          "Hermite expansion of relu(z + b) (Section 3; digest): c_3 = -b phi(b), c_4 = (b^2 - 1) phi(b).",
          ("hermite_roots",), "T3-only loses b = 0, T4-only loses b = +-1, T3 + T4 loses none", hermite_roots,
          reconstruction=True),
)
