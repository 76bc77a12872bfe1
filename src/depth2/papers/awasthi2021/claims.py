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
    Regime,
    compare,
    convergence_shortfalls,
    every_point,
    log_mean_interval,
    min_seeds_shortfalls,
    proportion_interval,
    slope_interval,
)

PAPER = "awasthi2021"
BASELINES = ("net_lbfgs", "hermite_tensor_zero_bias")


def hermite_coeffs(tables: Mapping[str, pd.DataFrame], bounds: Mapping[str, Any]) -> Evidence:
    """Closed-form c_k(b) against Monte Carlo: Bonferroni over every (b, k) of the replicate-pooled z-scores.

    With R replicates the pooled z is ``sum_r z_r / sqrt(R)`` (independent draws). Supported when no |z|
    exceeds the two-sided Bonferroni threshold at family-wise level ``mc_familywise``; not supported when
    one exceeds the threshold at a tenth of that level; inconclusive in between (Bonferroni holds under
    the dependence between the (b, k) cells, which share their draws).
    """
    from scipy.stats import norm

    df = tables["hermite_coeffs"]
    pooled = df.groupby(["b", "k"])["z"].agg(lambda z: float(z.sum() / np.sqrt(len(z))))
    alpha = float(bounds["mc_familywise"])
    cells = len(pooled)
    z_pass, z_fail = (float(norm.isf(a / (2 * cells))) for a in (alpha, alpha / 10))
    worst = pooled.abs().idxmax()
    zmax = float(pooled.abs().max())
    verdict = SUPPORTED if zmax < z_pass else NOT_SUPPORTED if zmax > z_fail else INCONCLUSIVE
    obs = (f"max |z| = {zmax:.2f} at b={worst[0]:g}, k={worst[1]} over {cells} cells "
           f"(thresholds {z_pass:.2f} / {z_fail:.2f}); n = {int(df['n'].iloc[0])} x {df['replicate'].nunique()}")
    return Evidence(verdict, obs, "replicate-pooled z-score of MC mean minus closed form, per (b, k <= 5)",
                    "the largest |z| lies between the two Bonferroni thresholds" if verdict == INCONCLUSIVE else "")


def _min_seeds(bounds: Mapping[str, Any]) -> int:
    return int(bounds.get("min_seeds", 3))


def _median_per_seed(df: pd.DataFrame, keys: list[str], col: str = "dir_err") -> pd.DataFrame:
    """Per (keys, learner, replicate): the median over neurons of ``col`` (robust to a minority of failed
    neurons, which the failure rate reports on its own), the failure count and s_m(W)."""
    agg = {"err": (col, "median"), "failed": ("failed", "sum"), "neurons": ("failed", "size")}
    if "s_min" in df.columns:
        agg["s_min"] = ("s_min", "first")
    return df.groupby([*keys, "learner", "replicate"], as_index=False).agg(**agg)


def recovery_rate(tables: Mapping[str, pd.DataFrame], bounds: Mapping[str, Any]) -> Evidence:
    """Slope of log(per-seed median direction error) on log n, per (d, m), inside [slope_lo, slope_hi]
    (95% interval); the catastrophic failures (signed error > fail_err) are reported beside it."""
    df = tables["recovery_vs_n"]
    df = _median_per_seed(df[df["learner"] == "hermite_tensor"], ["d", "m", "n"])
    lo_b, hi_b = float(bounds["slope_lo"]), float(bounds["slope_hi"])
    verdicts, obs = [], []
    for (d, m), g in df.groupby(["d", "m"], sort=True):
        fails = "; ".join(f"n={n:g}: {int(h['failed'].sum())}/{int(h['neurons'].sum())}"
                          for n, h in g.groupby("n", sort=True))
        fit = slope_interval(np.log(g["n"].to_numpy(float)), np.log(g["err"].to_numpy(float)))
        if fit is None:
            verdicts.append(INCONCLUSIVE)
            obs.append(f"d={d}, m={m}: fewer than 3 fits or one n")
            continue
        slope, lo, hi = fit
        verdicts.append(SUPPORTED if lo_b <= lo and hi <= hi_b else NOT_SUPPORTED if hi < lo_b or lo > hi_b
                        else INCONCLUSIVE)
        obs.append(f"d={d}, m={m}: slope {slope:+.2f} (95% CI {lo:+.2f}..{hi:+.2f}); catastrophic failures {fails}")
    return every_point(verdicts, obs, "least-squares slope of log (median over neurons of the direction error "
                       "min|w_hat -+ w|) on log n, over seeds; failures (signed |w_hat - w| > bounds.fail_err) "
                       "counted apart", "an interval overlaps the band's edge")


def recovery_rate_regime(tables: Mapping[str, pd.DataFrame], bounds: Mapping[str, Any]) -> list[str]:
    df = tables["recovery_vs_n"]
    df = df[df["learner"] == "hermite_tensor"]
    out = convergence_shortfalls(df, ["hermite_tensor"]) + min_seeds_shortfalls(df, ["d", "m", "n"],
                                                                                  _min_seeds(bounds))
    tol = float(bounds["recovery_tol"])
    for (d, m), g in _median_per_seed(df, ["d", "m", "n"]).groupby(["d", "m"], sort=True):
        ns = np.unique(g["n"].to_numpy(float))
        if ns.size < 3 or ns.max() < 4 * ns.min():
            out.append(f"d={d}, m={m}: n spans {ns.min():g}..{ns.max():g} at {ns.size} sizes (needs >= 3 sizes, "
                       "a factor >= 4)")
        med = g.groupby("n")["err"].median()
        if (med > tol).any():
            n_bad = med.index[med > tol]
            out.append(f"d={d}, m={m}: median direction error {float(med.max()):.3f} > recovery_tol {tol:g} at "
                       f"n={', '.join(f'{v:g}' for v in n_bad)} (not yet in the estimator's local regime)")
    return out


def _rate(g: pd.DataFrame, col: str = "recovered") -> tuple[float, float, float]:
    return proportion_interval(int(g[col].sum()), len(g))


def _conditioned(df: pd.DataFrame, bounds: Mapping[str, Any]) -> list[str]:
    """Shortfall when some planted W has 1/s_m(W) > bounds.cond_max (the conditioning effect mixed in)."""
    cmax = float(bounds.get("cond_max", 2.0))
    worst = float((1.0 / df["s_min"]).max())
    return [f"1/s_m(W) = {worst:.2f} > cond_max {cmax:g}"] if worst > cmax else []


def _per_group_count(df: pd.DataFrame, keys: list[str], minimum: int, what: str) -> list[str]:
    counts = df.groupby(keys, sort=True).size()
    low = counts[counts < minimum]
    return [f"{len(low)} of {len(counts)} {what} have < {minimum} neurons (fewest: {int(low.min())})"] if len(low) \
        else []


def moderate_bias(tables: Mapping[str, pd.DataFrame], bounds: Mapping[str, Any]) -> Evidence:
    """Every neuron is recovered as (w, b) (lower Wilson bound > 1/2) at each |b| <= moderate_bias."""
    df = tables["bias_sweep"]
    df = df[(df["learner"] == "hermite_tensor") & (df["bias"] <= float(bounds["moderate_bias"]))]
    if df.empty:
        return Evidence(INCONCLUSIVE, "n/a", "n/a", "no bias at or below bounds.moderate_bias")
    verdicts, obs = [], []
    for bb, g in df.groupby("bias", sort=True):
        p, lo, hi = _rate(g, "wb_recovered")
        verdicts.append(compare(lo, hi, 0.5, "above"))
        obs.append(f"|b|={bb:g}: {p:.2f} recovered ({lo:.2f}..{hi:.2f})")
    beyond = tables["bias_sweep"]
    beyond = beyond[(beyond["learner"] == "hermite_tensor") & (beyond["bias"] > float(bounds["moderate_bias"]))]
    extra = [f"beyond the bound |b|={bb:g}: {_rate(g, 'wb_recovered')[0]:.2f}" for bb, g in beyond.groupby("bias")]
    ev = every_point(verdicts, obs, "fraction of planted neurons with |w_hat - w| <= bounds.recovery_tol and "
                     "|b_hat - b| <= bounds.bias_tol", "an interval contains 1/2")
    return Evidence(ev.verdict, ev.observed + ("; " + "; ".join(extra) if extra else ""), ev.measured, ev.reason)


def moderate_bias_regime(tables: Mapping[str, pd.DataFrame], bounds: Mapping[str, Any]) -> list[str]:
    df = tables["bias_sweep"]
    df = df[df["learner"] == "hermite_tensor"]
    out = _conditioned(df, bounds)
    out += _per_group_count(df[df["bias"] <= float(bounds["moderate_bias"])], ["bias"],
                            int(bounds.get("min_neurons", 20)), "biases <= moderate_bias")
    return out


ROOT_EXPECT = {"hermite_tensor_t3": {0.0: False, 1.0: True, -1.0: True},
               "hermite_tensor_t4": {0.0: True, 1.0: False, -1.0: False},
               "hermite_tensor": {0.0: True, 1.0: True, -1.0: True}}
# The ablations are about which directions a tensor sees: scored up to sign. T3 + T4 is the full method:
# scored with its sign.
ROOT_SCORE = {"hermite_tensor_t3": "dir_recovered", "hermite_tensor_t4": "dir_recovered",
              "hermite_tensor": "recovered"}


def hermite_roots(tables: Mapping[str, pd.DataFrame], bounds: Mapping[str, Any]) -> Evidence:
    """T3 only loses the b = 0 neurons and keeps b = +-1; T4 only the reverse; T3 + T4 keeps all."""
    df = tables["hermite_roots"]
    verdicts, obs = [], []
    for learner, roots in ROOT_EXPECT.items():
        for b, kept in roots.items():
            g = df[(df["learner"] == learner) & (df["b_true"] == b)]
            if g.empty:
                verdicts.append(INCONCLUSIVE)
                obs.append(f"{learner} b={b:g}: no neurons")
                continue
            p, lo, hi = _rate(g, ROOT_SCORE[learner])
            verdicts.append(compare(lo, hi, 0.5, "above" if kept else "below"))
            obs.append(f"{learner} b={b:g}: {p:.2f} ({lo:.2f}..{hi:.2f})")
    return every_point(verdicts, obs, "fraction of neurons at each root recovered (T3-only / T4-only: direction "
                       "up to sign; T3 + T4: with its sign), per tensor choice", "a recovery rate's interval "
                       "contains 1/2")


def hermite_roots_regime(tables: Mapping[str, pd.DataFrame], bounds: Mapping[str, Any]) -> list[str]:
    df = tables["hermite_roots"]
    return _conditioned(df, bounds) + _per_group_count(df, ["learner", "b_true"], int(bounds.get("min_neurons", 20)),
                                                       "(learner, root) cells")


def baselines(tables: Mapping[str, pd.DataFrame], bounds: Mapping[str, Any]) -> Evidence:
    """Each baseline, at each (d, m): test MSE / Var(y) below ``low_mse`` (geometric mean, t-interval of the
    logs over seeds: a positive ratio) while
    fewer than half of the planted neurons are recovered as (w, b) (Wilson interval)."""
    df = tables["baselines"]
    low = float(bounds["low_mse"])
    verdicts, obs = [], []
    for (d, m, learner), g in df[df["learner"].isin(BASELINES)].groupby(["d", "m", "learner"], sort=True):
        mse, mlo, mhi = log_mean_interval(g.groupby("replicate")["rel_mse"].first())  # a ratio: log space
        p, plo, phi_ = _rate(g, "wb_recovered")
        parts = (compare(mlo, mhi, low, "below"), compare(plo, phi_, 0.5, "below"))
        verdicts.append(NOT_SUPPORTED if NOT_SUPPORTED in parts else SUPPORTED if parts == (SUPPORTED,) * 2
                        else INCONCLUSIVE)
        obs.append(f"{learner} d={d}, m={m}: MSE/Var {mse:.3f} ({mlo:.3f}..{mhi:.3f}), (w, b) recovered {p:.2f}")
    return every_point(verdicts, obs, "test MSE / Var(y) (geometric mean over seeds) and fraction of planted "
                       "neurons recovered as (w, b), per baseline", "an interval contains its threshold")


def baselines_regime(tables: Mapping[str, pd.DataFrame], bounds: Mapping[str, Any]) -> list[str]:
    df = tables["baselines"]
    return (convergence_shortfalls(df, ["net_lbfgs"])
            + min_seeds_shortfalls(df, ["d", "m", "learner"], _min_seeds(bounds)))


def conditioning(tables: Mapping[str, pd.DataFrame], bounds: Mapping[str, Any]) -> Evidence:
    """Slope of log(per-seed median direction error) on log(1 / s_m(W)) over seeds and collinearities:
    positive (95%); the catastrophic failures are reported per collinearity beside it."""
    df = _median_per_seed(tables["conditioning"][tables["conditioning"]["learner"] == "hermite_tensor"],
                          ["collinearity"])
    x = -np.log(df["s_min"].to_numpy(float))
    fit = slope_interval(x, np.log(df["err"].to_numpy(float)))
    fails = "; ".join(f"c={c:g}: {int(h['failed'].sum())}/{int(h['neurons'].sum())}"
                      for c, h in df.groupby("collinearity", sort=True))
    if fit is None:
        return Evidence(INCONCLUSIVE, "n/a", "n/a", "fewer than 3 fits or a single s_m(W)")
    slope, lo, hi = fit
    verdict = compare(lo, hi, 0.0, "above")
    return Evidence(verdict, f"slope {slope:+.2f} (95% CI {lo:+.2f}..{hi:+.2f}) over {len(df)} fits, 1/s_m(W) in "
                    f"{np.exp(x.min()):.1f}..{np.exp(x.max()):.1f}; catastrophic failures {fails}",
                    "least-squares slope of log (median over neurons of min|w_hat -+ w|) on log 1/s_m(W); "
                    "failures (signed |w_hat - w| > bounds.fail_err) counted apart",
                    "the interval contains 0" if verdict == INCONCLUSIVE else "")


def conditioning_regime(tables: Mapping[str, pd.DataFrame], bounds: Mapping[str, Any]) -> list[str]:
    df = tables["conditioning"]
    df = df[df["learner"] == "hermite_tensor"]
    out = min_seeds_shortfalls(df, ["collinearity"], _min_seeds(bounds))
    inv = 1.0 / df["s_min"]
    if inv.max() < 3 * inv.min():
        out.append(f"1/s_m(W) spans only {inv.min():.1f}..{inv.max():.1f} (needs a factor >= 3)")
    return out


def hermite_coeffs_regime(tables: Mapping[str, pd.DataFrame], bounds: Mapping[str, Any]) -> list[str]:
    df = tables["hermite_coeffs"]
    out = []
    if int(df["n"].min()) < 100_000:
        out.append(f"{int(df['n'].min())} draws per replicate < 100000 (the z-scores of relu(z + b) He_5(z), a "
                   "heavy-tailed product, are near normal at the Bonferroni tail only with many draws)")
    if df["replicate"].nunique() < 2:
        out.append("one replicate (the pooled z needs >= 2)")
    return out


CLAIMS = (
    Claim(f"{PAPER}.hermite_coeffs", PAPER,
          "The Hermite coefficients of a biased ReLU are c_0 = b Phi(b) + phi(b), c_1 = Phi(b) and "
          "c_k = (-1)^k He_(k-2)(b) phi(b) for k >= 2 (the identity every moment step rests on).",
          "Hermite expansion of relu(z + b) (Section 3; in the digest's probabilists' normalization).",
          ("hermite_coeffs",), "no Monte Carlo z-score beyond the Bonferroni threshold at bounds.mc_familywise",
          hermite_coeffs,
          regime=Regime(">= 100000 draws per replicate and >= 2 replicates (pooled z-scores near normal)",
                        hermite_coeffs_regime),
          sanity=True),
    Claim(f"{PAPER}.recovery_rate", PAPER,
          "The tensor method's direction error falls like n^(-1/2) (polynomial sample complexity).",
          "Main theorem (full-rank case): N >= poly(m, d, 1/eps, 1/s_m(W), B) samples give eps-close parameters.",
          ("recovery_vs_n",), "slope of log median direction error on log n within [bounds.slope_lo, "
          "bounds.slope_hi] at every (d, m)", recovery_rate, reconstruction=True,
          regime=Regime("every fit's joint refinement converged; >= bounds.min_seeds seeds per (d, m, n); >= 3 "
                        "sizes n spanning a factor >= 4; the median "
                        "direction error <= bounds.recovery_tol at every n (the estimator in its local regime, "
                        "where a moment method's error is a perturbation: the theorem's N >= poly has no "
                        "constants to compute)", recovery_rate_regime)),
    Claim(f"{PAPER}.moderate_bias", PAPER,
          "With biases up to a moderate magnitude every neuron is recovered (direction with its sign, and bias).",
          "Main theorem: |b_i| < c sqrt(log(1 / (eps m d B))).",
          ("bias_sweep",), "(w, b) recovery rate > 1/2 at every |b| <= bounds.moderate_bias", moderate_bias,
          reconstruction=True,
          regime=Regime("well-conditioned W (1/s_m(W) <= bounds.cond_max, so that the bias effect is not the "
                        "conditioning effect) and >= bounds.min_neurons neurons at each |b| <= moderate_bias",
                        moderate_bias_regime)),
    Claim(f"{PAPER}.hermite_roots", PAPER,
          "Using T3 and T4 together recovers neurons whose bias is a root of c_3 (b = 0) or c_4 (b = +-1); either "
          "tensor alone loses exactly the neurons at its roots.",
          "Hermite expansion of relu(z + b) (Section 3; digest): c_3 = -b phi(b), c_4 = (b^2 - 1) phi(b).",
          ("hermite_roots",), "T3-only loses b = 0, T4-only loses b = +-1 (directions up to sign), T3 + T4 loses "
          "none (with sign)", hermite_roots, reconstruction=True,
          regime=Regime("well-conditioned W (1/s_m(W) <= bounds.cond_max) and >= bounds.min_neurons neurons per "
                        "(tensor choice, root)", hermite_roots_regime)),
    Claim(f"{PAPER}.baselines", PAPER,
          "Low prediction error does not mean recovered parameters: local search from random starts and the "
          "zero-bias tensor method reach low test error without recovering the planted neurons as (w, b).",
          "Introduction: the goal is parameter recovery, a stronger guarantee than low error (our framing of the "
          "baselines; the paper runs no experiments).",
          ("baselines",), "each baseline: MSE/Var(y) < bounds.low_mse and (w, b) recovery rate < 1/2", baselines,
          reconstruction=True,
          regime=Regime("every net_lbfgs fit converged (L-BFGS stopped by its own test, not its budget) and "
                        ">= bounds.min_seeds seeds per (d, m, learner)", baselines_regime)),
    Claim(f"{PAPER}.conditioning", PAPER,
          "At a fixed n the recovery error grows as W becomes ill-conditioned (the sample complexity is "
          "polynomial in 1/s_m(W)).",
          "Main theorem (full-rank case): N >= poly(m, d, 1/eps, 1/s_m(W), B).",
          ("conditioning",), "slope of log median direction error on log 1/s_m(W) > 0", conditioning,
          reconstruction=True,
          regime=Regime(">= bounds.min_seeds seeds per collinearity and 1/s_m(W) spanning a factor >= 3",
                        conditioning_regime)),
)
