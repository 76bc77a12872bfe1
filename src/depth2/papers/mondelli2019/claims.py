"""mondelli2019 claims, against the pre-registered ``mondelli2019.bounds``.

The paper's hardness theorem is asymptotic and conditional (no polynomial-time algorithm beats sum-of-squares
tensor decomposition); a run can only test the trends it predicts at finite d, which the claims say.
"""

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
    mean_interval,
    min_seeds_shortfalls,
    paired_log_ratio_interval,
    slope_interval,
)
from depth2.papers.mondelli2019.experiments import PROPER, REFINED, generic_rank

PAPER = "mondelli2019"
MIN_SEEDS = 2  # a t-interval needs two seeds per point


# ---------------------------------------------------------------------------------------------- identities
def variance_identity(tables: Mapping[str, pd.DataFrame], bounds: Mapping[str, Any]) -> Evidence:
    """Var_test(y) / Var(y) (identity from the planted W) within 1 +- var_tol at every (sigma, r)."""
    df = tables["identities"]
    df = df[df["learner"] == "trivial"]
    tol = float(bounds["var_tol"])
    verdicts, obs = [], []
    for (s, r), g in df.groupby(["sigma", "r"], sort=True):
        m, lo, hi = mean_interval(g["var_ratio"])
        verdicts.append(SUPPORTED if 1 - tol <= lo and hi <= 1 + tol else
                        NOT_SUPPORTED if hi < 1 - tol or lo > 1 + tol else INCONCLUSIVE)
        obs.append(f"{s} r={r}: {m:.3f} ({lo:.3f}..{hi:.3f})")
    return every_point(verdicts, obs, "empirical Var(y) on fresh rows over sum_k k! h_k^2 sum_ij <w_i,w_j>^k",
                       "an interval crosses 1 +- bounds.var_tol")


def identities_regime(tables: Mapping[str, pd.DataFrame], bounds: Mapping[str, Any]) -> list[str]:
    """At least MIN_SEEDS seeds per (sigma, r), and n >= 10 (d + 1) rows (so that least squares, with d + 1
    parameters, would see a linear part if there were one)."""
    df = tables["identities"]
    out = min_seeds_shortfalls(df, ["sigma", "r", "learner"], MIN_SEEDS)
    few = df[df["n"] < 10 * (df["d"] + 1)]
    if len(few):
        out.append(f"n = {int(few['n'].min())} < 10 (d + 1) = {int(10 * (few['d'].iloc[0] + 1))}")
    return out


def no_shortcut(tables: Mapping[str, pd.DataFrame], bounds: Mapping[str, Any]) -> Evidence:
    """For sigma = He_3, the norm-only and least-squares predictors do no better than E[y]: per seed, their
    test risk over the trivial predictor's on the same test rows; the geometric mean of that ratio has its
    95% interval above 1 - shortcut_tol at every r (not supported when below it)."""
    df = tables["identities"]
    df = df[df["sigma"] == "he3"]
    if df.empty or "trivial" not in set(df["learner"]):
        return Evidence(INCONCLUSIVE, "n/a", "n/a", "no He_3 point with the trivial predictor in the identities "
                        "experiment")
    thr = 1.0 - float(bounds["shortcut_tol"])
    verdicts, obs = [], []
    for r, g in df.groupby("r", sort=True):
        triv = g[g["learner"] == "trivial"].set_index("replicate")["rel_risk"]
        for learner in ("norm_only", "ols"):
            other = g[g["learner"] == learner].set_index("replicate")["rel_risk"]
            reps = sorted(set(triv.index) & set(other.index))
            if not reps:
                continue
            m, lo, hi = paired_log_ratio_interval(other.loc[reps].to_numpy(), triv.loc[reps].to_numpy())
            verdicts.append(compare(lo, hi, thr, "above"))
            obs.append(f"{learner}/trivial r={r}: {m:.4f} ({lo:.4f}..{hi:.4f})")
    return every_point(verdicts, obs, "per seed, test risk of norm_only and ols over the trivial predictor's "
                       "(same test rows), He_3; geometric mean with its 95% t-interval",
                       "an interval contains 1 - bounds.shortcut_tol")


# ---------------------------------------------------------------------------------------------- frontier
def frontier_points(df: pd.DataFrame, bounds: Mapping[str, Any], learner: str = "tensor_power") -> pd.DataFrame:
    """Per (d, replicate): ``r_star`` = the largest grid r at which ``learner`` recovered at least
    ``bounds.frontier_recovered`` of the planted weights, with ``bracketed`` (the grid's smallest r
    succeeded and its largest failed: r* lies inside the grid) and r* as a fraction of the generic rank and
    of d^1.5."""
    g = df[df["learner"] == learner]
    need = float(bounds["frontier_recovered"])
    rows = []
    for (d, rep), h in g.groupby(["d", "replicate"], sort=True):
        h = h.sort_values("r")
        ok = h["frac_recovered"].to_numpy(float) >= need
        rs = h["r"].to_numpy(int)
        r_star = int(rs[ok].max()) if ok.any() else 0
        rows.append({"d": int(d), "replicate": int(rep), "r_star": r_star, "bracketed": bool(ok[0] and not ok[-1]),
                     "r_min": int(rs[0]), "r_max": int(rs[-1]), "r_star_over_rank": r_star / generic_rank(d),
                     "r_star_over_d15": r_star / d**1.5})
    return pd.DataFrame(rows)


def frontier(tables: Mapping[str, pd.DataFrame], bounds: Mapping[str, Any]) -> Evidence:
    """r*(d) grows more slowly than the generic rank (d + 1)(d + 2) / 6: the least-squares slope of
    log(r* / generic rank) on log d, pooled over seeds, has its 95% interval below
    ``bounds.frontier_slope`` (supported) or above it (not supported)."""
    fp = frontier_points(tables["frontier"], bounds)
    fp = fp[fp["r_star"] > 0]
    fit = slope_interval(np.log(fp["d"].to_numpy(float)), np.log(fp["r_star_over_rank"].to_numpy(float))) \
        if len(fp) else None
    if fit is None:
        return Evidence(INCONCLUSIVE, "n/a", "n/a", "fewer than 3 frontier points or a single d")
    slope, lo, hi = fit
    thr = float(bounds["frontier_slope"])
    verdict = compare(lo, hi, thr, "below")
    exp = slope_interval(np.log(fp["d"].to_numpy(float)), np.log(fp["r_star"].to_numpy(float)))
    per = "; ".join(f"d={d}: r* {g['r_star'].mean():.0f} = {g['r_star_over_rank'].mean():.2f} rank = "
                    f"{g['r_star_over_d15'].mean():.2f} d^1.5" for d, g in fp.groupby("d"))
    obs = (f"slope of log(r*/rank) on log d {slope:+.3f} (95% CI {lo:+.3f}..{hi:+.3f}); exponent of r* "
           f"{exp[0]:.2f} ({exp[1]:.2f}..{exp[2]:.2f}); {per}")
    return Evidence(verdict, obs, "per (d, seed): the largest grid r where tensor_power at n = infinity recovers >= "
                    "bounds.frontier_recovered of the weights; log-log slope over d",
                    "the interval contains bounds.frontier_slope" if verdict == INCONCLUSIVE else "")


def frontier_regime(tables: Mapping[str, pd.DataFrame], bounds: Mapping[str, Any]) -> list[str]:
    """n = infinity (every tensor fit read the exact T3); every tensor_power fit converged; r* bracketed by
    the grid at every (d, seed); at least 3 dimensions and MIN_SEEDS seeds per point."""
    df = tables["frontier"]
    out = []
    tensor = df[df["learner"].str.startswith("tensor_")]
    if len(tensor) and not tensor["population"].astype(bool).all():
        out.append(f"{int((~tensor['population'].astype(bool)).sum())} tensor fits read samples, not the population")
    out += convergence_shortfalls(df, ["tensor_power"])
    fp = frontier_points(df, bounds)
    if fp.empty:
        return [*out, "no tensor_power fits"]
    loose = fp[~fp["bracketed"]]
    if len(loose):
        out.append("r* not bracketed by the grid at " + ", ".join(
            f"d={r.d} seed {r.replicate} (r* {r.r_star}, grid {r.r_min}..{r.r_max})" for r in loose.itertuples()))
    if fp["d"].nunique() < 3:
        out.append(f"{fp['d'].nunique()} dimensions < 3")
    out += min_seeds_shortfalls(df[df["learner"] == "tensor_power"], ["d", "r"], MIN_SEEDS)
    return out


# ---------------------------------------------------------------------------------------------- weights_vs_risk
def _proper_fits(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    frames = [tables[e].assign(experiment=e) for e in ("frontier", "barrier", "student") if e in tables]
    df = pd.concat(frames, ignore_index=True)
    df = df[df["learner"].isin(PROPER) & df["mean_cos6"].notna()]
    rank = generic_rank(df["d"].to_numpy(float))
    # r at most half the generic rank, up to the rounding of a grid's r (rank_width rounds 0.5 * rank)
    return df.assign(r_over_rank=df["r"] / rank, half_rank=df["r"] <= 0.5 * rank + 0.5,
                     residual=df["rel_risk"] - (1.0 - df["mean_cos6"]))


def weights_vs_risk(tables: Mapping[str, pd.DataFrame], bounds: Mapping[str, Any]) -> Evidence:
    """For proper fits with r at most half the generic rank, risk / Var(y) = 1 - mean |cos|^6 of the matched
    weights: the 95% interval of the mean residual (risk/Var - (1 - mean c^6)) within +- bounds.relation_tol
    for every learner (not supported when one interval lies outside), so low risk needs accurate weights."""
    df = _proper_fits(tables)
    inside = df[df["half_rank"]]
    tol = float(bounds["relation_tol"])
    verdicts, obs = [], []
    for learner, g in inside.groupby("learner", sort=True):
        m, lo, hi = mean_interval(g["residual"])
        verdicts.append(SUPPORTED if -tol < lo and hi < tol else
                        NOT_SUPPORTED if hi < -tol or lo > tol else INCONCLUSIVE)
        obs.append(f"{learner}: mean residual {m:+.3f} ({lo:+.3f}..{hi:+.3f}), max |residual| "
                   f"{g['residual'].abs().max():.3f} over {len(g)} fits")
    out = df[~df["half_rank"] & (df["r_over_rank"] <= 1.0)]
    if len(out):
        obs.append(f"outside the regime (r between half and all of the generic rank, not counted): {len(out)} fits, "
                   f"max |residual| {out['residual'].abs().max():.3f}")
    if not verdicts:
        return Evidence(INCONCLUSIVE, "; ".join(obs) or "n/a", "n/a", "no proper fit with r <= generic rank / 2")
    return every_point(verdicts, obs, "per proper fit: test risk / Var(y) minus (1 - mean |cos|^6) of the matched "
                       "weights, r <= generic rank / 2", "an interval contains +- bounds.relation_tol")


def weights_regime(tables: Mapping[str, pd.DataFrame], bounds: Mapping[str, Any]) -> list[str]:
    """Refined tensor fits with r <= generic rank / 2 converged; at least 10 such proper fits, of which at least
    3 recover the weights only partly (1 - mean c^6 >= 0.1: otherwise the relation is only checked at 0)."""
    df = _proper_fits(tables)
    inside = df[df["half_rank"]]
    out = [f"r <= rank/2: {s}" for s in convergence_shortfalls(inside, list(REFINED))]
    if len(inside) < 10:
        out.append(f"{len(inside)} proper fits with r <= generic rank / 2 < 10")
    partial = int((1.0 - inside["mean_cos6"] >= 0.1).sum())
    if partial < 3:
        out.append(f"{partial} fits with 1 - mean c^6 >= 0.1 < 3 (nothing but exact recoveries)")
    return out


# ---------------------------------------------------------------------------------------------- cubic control
def cubic_control(tables: Mapping[str, pd.DataFrame], bounds: Mapping[str, Any]) -> Evidence:
    """Ridge on the cubic features, for every r: risk / Var(y) < 0.1 at n / C(d+2, 3) >= 4 and > 1/2 at
    n / C(d+2, 3) <= 1/2 (it learns once n exceeds the feature count, whatever r)."""
    df = tables["cubic_control"]
    df = df[df["learner"] == "cubic_ridge"]
    verdicts, obs = [], []
    for r, g in df.groupby("r", sort=True):
        big, small = g[g["n_over_features"] >= 4], g[g["n_over_features"] <= 0.5]
        if big.empty or small.empty:
            verdicts.append(INCONCLUSIVE)
            obs.append(f"r={r}: no point at n/C >= 4 or <= 0.5")
            continue
        mb, lb, hb = mean_interval(big.groupby("replicate")["rel_risk"].max())
        ms, ls, hs = mean_interval(small.groupby("replicate")["rel_risk"].min())
        parts = (compare(lb, hb, 0.1, "below"), compare(ls, hs, 0.5, "above"))
        verdicts.append(NOT_SUPPORTED if NOT_SUPPORTED in parts else
                        SUPPORTED if parts == (SUPPORTED, SUPPORTED) else INCONCLUSIVE)
        obs.append(f"r={r}: risk/Var {ms:.2f} at n/C<=0.5, {mb:.3f} at n/C>=4")
    return every_point(verdicts, obs, "cubic_ridge test risk / Var(y) at small and large n / C(d+2, 3)",
                       "an interval contains its threshold")


def cubic_regime(tables: Mapping[str, pd.DataFrame], bounds: Mapping[str, Any]) -> list[str]:
    """The grid has points at n / C(d+2, 3) >= 4 and <= 1/2 for every r, with MIN_SEEDS seeds each."""
    df = tables["cubic_control"]
    df = df[df["learner"] == "cubic_ridge"]
    out = min_seeds_shortfalls(df, ["r", "n_over_features"], MIN_SEEDS)
    for r, g in df.groupby("r", sort=True):
        q = g["n_over_features"]
        if not (q >= 4).any() or not (q <= 0.5).any():
            out.append(f"r={r}: n/C(d+2,3) spans {q.min():g}..{q.max():g}, not both <= 0.5 and >= 4")
    return out


CLAIMS = (
    Claim(f"{PAPER}.variance_identity", PAPER,
          "With unit w_i, Var(y) = sum_k k! h_k^2 sum_ij <w_i, w_j>^k (= 6 sum_ij <w_i, w_j>^3 for He_3): the "
          "risk of the trivial predictor E[y], the reference every learner is compared with.",
          "Hermite expansion of the risk (Section 2; digest backbone).",
          ("identities",), "Var_test(y) / Var(y) within 1 +- bounds.var_tol", variance_identity,
          regime=Regime(f">= {MIN_SEEDS} seeds per (sigma, r); n >= 10 (d + 1)", identities_regime), sanity=True),
    Claim(f"{PAPER}.no_shortcut", PAPER,
          "For sigma = He_3 neither the norm ||x|| nor a linear function carries information: the norm-only "
          "and least-squares predictors are no better than E[y] (paired within seed on the same test rows).",
          "E[y | ||x||] = E[y] when sigma has no even part beyond the constant; the linear part is a1 + 3 a3 = 0 "
          "for He_3 (digest, caveat 1).",
          ("identities",), "geometric mean of risk(learner) / risk(trivial) > 1 - bounds.shortcut_tol for "
          "norm_only and ols", no_shortcut,
          regime=Regime(f">= {MIN_SEEDS} seeds per (sigma, r); n >= 10 (d + 1) rows, so that least squares "
                        "would see a linear part", identities_regime)),
    Claim(f"{PAPER}.frontier", PAPER,
          "At n = infinity the largest width r*(d) at which a proper tensor learner (power method + joint "
          "refinement) still recovers the weights grows more slowly than the generic rank (d+1)(d+2)/6, as the "
          "barrier at r ~ d^1.5 for efficient algorithms predicts (a finite-d trend: the theorem is asymptotic "
          "and conditional on sum-of-squares optimality).",
          "Main result (v3 abstract): for d^1.5 << r << d^2 no polynomial-time algorithm beats E[y].",
          ("frontier",), "slope of log(r*/generic rank) on log d < bounds.frontier_slope (95%)", frontier,
          reconstruction=True,
          regime=Regime("n = infinity (exact T3); every tensor_power fit converged; r* bracketed by the grid at "
                        f"every (d, seed); >= 3 dimensions; >= {MIN_SEEDS} seeds per point", frontier_regime)),
    Claim(f"{PAPER}.weights_vs_risk", PAPER,
          "A proper network's risk is set by how accurately its weights are learned: risk / Var(y) = 1 - mean "
          "|cos|^6 of the matched weights, so low risk needs accurate weights.",
          "v1/v2 abstract: a network whose weights are not learned accurately generalizes no better than a "
          "predictor from ||x|| alone.",
          ("frontier", "barrier"), "|risk/Var - (1 - mean c^6)| < bounds.relation_tol (95% interval of the mean, "
          "per learner) for r <= generic rank / 2", weights_vs_risk, reconstruction=True,
          regime=Regime("refined tensor fits converged; >= 10 proper fits with r <= generic rank / 2, >= 3 of "
                        "them with 1 - mean c^6 >= 0.1", weights_regime)),
    Claim(f"{PAPER}.cubic_control", PAPER,
          "An improper learner (ridge on all cubic features) learns y once n exceeds the number of cubic "
          "features C(d+2, 3), whatever r: the hardness concerns proper learners or n << d^3.",
          "Digest caveat 2 (ours): the barrier is computational for n between r d and d^3.",
          ("cubic_control",), "risk/Var < 0.1 at n/C >= 4 and > 1/2 at n/C <= 1/2, for every r", cubic_control,
          reconstruction=True,
          regime=Regime(f"points at n/C(d+2,3) <= 1/2 and >= 4 for every r, >= {MIN_SEEDS} seeds each", cubic_regime)),
)
