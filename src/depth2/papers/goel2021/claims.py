"""goel2021 claims, against the pre-registered ``goel2021.bounds`` (table columns: see ``metrics``).

The paper's lower bounds are conditional (P != NP, Gap-ETH, a Densest-kappa-Subgraph hypothesis), worst case and
asymptotic, and its body could not be read: no row here tests it. The reduction rows check our reconstruction with
the exact solver (``check``: within their regime only a bug fails them); local_search and improper_vs_proper are our
framing on benign instances (``observation``); COVERAGE says what a test of each headline would take. Predicates
read counts, never the ``seconds`` columns (the table must be byte-identical for the same config).
"""

from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd

from depth2.claims import CHECK, INCONCLUSIVE, NOT_SUPPORTED, OBSERVATION, SUPPORTED, Claim, Evidence, Headline, Regime
from depth2.claims.kit import check, combine, converged, every_point, paired, per_point
from depth2.claims.model import Bounds, Tables
from depth2.claims.stats import log_mean_interval, proportion_interval, slope_interval

PAPER = "goel2021"
EXACT_TOL = 1e-9  # summed-loss slack for the exact solver's rounding
EXCESS_FLOOR = 1e-4  # relative excess below this counts as this (a log ratio needs positive values)


def _rows(experiment: str, learner: str | None = None):
    """A source ``(tables, bounds) -> frame``: the experiment's table (empty if absent), ``learner``'s rows only."""
    def get(tables: Tables, bounds: Bounds | None = None) -> pd.DataFrame:
        df = tables.get(experiment, pd.DataFrame())
        return df[df["learner"] == learner] if learner and "learner" in df.columns else df
    return get


def _flag(statement: str, src, mask, say):
    """A named regime check: the rows of ``src`` where ``mask(df, bounds)`` holds (a scalar: all rows or none) fall
    short, and ``say(df, short, bounds)`` says how (nothing to check on no rows: :func:`_ran` says so)."""
    def fn(t: Tables, b: Bounds) -> list[str]:
        df = src(t)
        m = mask(df, b) if len(df) else False
        short = df[m] if np.ndim(m) else df if m else df.iloc[:0]
        return [say(df, short, b)] if len(short) else []
    return check(statement, fn)


def _ran(src, what: str):
    return check(f"the {what} rows exist", lambda t, b: [] if len(src(t)) else [f"no {what} rows"])


def _no_timeout(src):
    return _flag("no exact solve timed out", src, lambda d, b: d["timed_out"].astype(bool),
                 lambda d, x, b: f"{len(x)} of {len(d)} exact solves timed out")


def _reduction_a_regime(learner: str, lower: str, proven: str, *extra) -> Regime:
    src = _rows("reduction_a", learner)
    return Regime.of(
        _ran(src, learner), _no_timeout(src),
        _flag("some tau >= 2", src, lambda d, b: d["tau"].max() < 2,
              lambda d, x, b: f"every instance has tau = {int(d['tau'].max())} (needs some tau >= 2)"),
        _flag(f"every instance's proven lower bound {proven} > tau - 1", src, lambda d, b: d[lower] <= d["tau"] - 1.0,
              lambda d, x, b: f"{len(x)} of {len(d)} instances with proven lower bound <= tau - 1 (e.g. "
                              f"{x[lower].iloc[0]:.3f} at tau = {int(x['tau'].iloc[0])}, M = {x['M'].iloc[0]:.0f}, "
                              f"origin = {int(x['origin'].iloc[0])})"), *extra)


def _reduction_b_regime(learner: str) -> Regime:
    src = _rows("reduction_b", learner)
    return Regime.of(
        _ran(src, learner),
        _flag("colourable and non-colourable instances both run", src,
              lambda d, b: d["colourable"].astype(bool).nunique() < 2,
              lambda d, x, b: f"only {'' if d['colourable'].astype(bool).all() else 'non-'}colourable instances "
                              f"({len(d)})"), _no_timeout(src))


def _compared(tables: Tables, bounds: Bounds | None = None) -> pd.DataFrame:
    """The restarts local_search compares: Set Cover at width 1, planted at width 2, the teacher (others: figure)."""
    df = tables.get("local_search", pd.DataFrame())
    df = df[df["success"].notna()]
    return df[((df["instance"] == "set_cover") & (df["width"] == 1)) | ((df["instance"] == "planted") &
              (df["width"] == 2)) | (df["instance"] == "teacher")]


def _informative(df: pd.DataFrame) -> pd.DataFrame:
    """The points where eps is below the zero predictor's excess (seed mean): elsewhere predicting 0 meets eps."""
    return df[df["eps"] < df.groupby(["regime", "eps"])["zero_excess"].transform("mean")]


# ------------------------------------------------------------------------------------------- predicates
def _each(df: pd.DataFrame, model: str, ok: pd.Series, observed, measured: str) -> Evidence:
    """Every instance must hold; ``observed()`` (called only on rows) summarises them."""
    if df.empty:
        return Evidence(INCONCLUSIVE, "n/a", "n/a", f"no {model} rows")
    return Evidence(combine([SUPPORTED if o else NOT_SUPPORTED for o in ok]), observed(), measured,
                    seeds=f"{len(df)} instances")


def _separates(learner: str, model: str, tables: Tables, bounds: Bounds) -> Evidence:
    """Every instance has ``tau - 1 < OPT <= tau`` (summed): a threshold t separates tau <= t from tau >= t + 1."""
    df = _rows("reduction_a", learner)(tables)
    above, below = df["loss_sum"] - (df["tau"] - 1.0), df["tau"] - df["loss_sum"]  # > 0 and >= 0 predicted
    ok = (above > 0) & (below >= -EXACT_TOL)
    def observed() -> str:
        worst = df.loc[(above - (below < -EXACT_TOL) * 1e9).idxmin()]
        return (f"{int(ok.sum())}/{len(df)} instances with tau - 1 < OPT <= tau; deciding: OPT = "
                f"{worst['loss_sum']:.3f} at tau = {int(worst['tau'])}; OPT - (tau - 1) >= {float(above.min()):.3f}, "
                f"tau - OPT in [{float(below.min()):.3g}, {float(below.max()):.3f}] (tau = {int(df['tau'].min())}.."
                f"{int(df['tau'].max())})")
    return _each(df, model, ok, observed,
                 f"exact optimum of the reduction's single {model} ReLU against the brute-force cover number")


reduction_a_separates = partial(_separates, "exact_bias", "biased")
reduction_a_bias_free = partial(_separates, "exact", "bias-free")


def reduction_a_multiplicative(tables: Tables, bounds: Bounds) -> Evidence:
    """With a bias: ``1 <= tau / OPT <= bounds.approx_factor`` on every instance."""
    df = _rows("reduction_a", "exact_bias")(tables)
    f, ratio = float(bounds["approx_factor"]), df["tau"] / df["loss_sum"].clip(lower=1e-300)
    ok = (ratio <= f) & (df["loss_sum"] <= df["tau"] + EXACT_TOL)
    return _each(df, "biased", ok, lambda: (
        f"max tau / OPT = {float(ratio.max()):.4f} at tau = {int(df.loc[ratio.idxmax(), 'tau'])} (OPT = "
        f"{float(df.loc[ratio.idxmax(), 'loss_sum']):.3f}); min {float(ratio.min()):.4f}; {int(ok.sum())}/{len(df)} "
        f"within [1, {f}]"), "cover number over the exact optimum of one biased ReLU, per instance")


def _iff(learner: str, model: str, tables: Tables, bounds: Bounds) -> Evidence:
    """k positive ReLUs have exact loss 0 exactly on the colourable instances."""
    df = _rows("reduction_b", learner)(tables)
    col, real = df["colourable"].astype(bool), df["realizable"].astype(bool)
    bad = df[col != real]
    def observed() -> str:
        lead = "" if bad.empty else (f"deciding: {bad.iloc[0].get('kind', '?')} (colourable "
                                     f"{bool(bad.iloc[0]['colourable'])}, summed loss {bad.iloc[0]['loss_sum']:.3g}); ")
        return (f"{lead}{len(df) - len(bad)}/{len(df)} instances agree ({int(col.sum())} colourable, "
                f"{int(real.sum())} with loss 0); smallest summed loss on a non-colourable instance: "
                f"{float(df.loc[~col, 'loss_sum'].min()) if (~col).any() else float('nan'):.3f}")
    return _each(df, model, col == real, observed,
                 f"exact loss of k positive {model} ReLUs against brute-force colourability")


reduction_b_iff = partial(_iff, "exact_bias", "biased")
reduction_b_bias_free = partial(_iff, "exact", "bias-free")


def solver_cost_cells(tables: Tables, bounds: Bounds) -> Evidence:
    """Every fit enumerated exactly ``2 sum_{i<d} C(n' - 1, i)`` cells; the observed text adds, per d, the log-log
    slope of cells on n' over the ``bounds.slope_points`` largest n', and the cells at ``n' = 2d`` against d."""
    df = tables["solver_cost"]
    ok = df["cells_total"].astype(float) == df["cells_formula"].astype(float)
    obs = [f"{int(ok.sum())}/{len(df)} fits enumerate exactly 2 sum_(i<d) C(n'-1, i) cells"]
    if not ok.all():
        r = df[~ok].iloc[0]
        obs.insert(0, f"deciding: d = {int(r['d'])}, n' = {int(r['positive'])}: {int(r['cells_total'])} cells vs "
                      f"formula {int(r['cells_formula'])}")
    for d, g in (df[df["design"] == "n"] if "design" in df else df).groupby("d", sort=True):
        top = sorted(set(g["positive"]))[-int(bounds["slope_points"]):]
        g = g[g["positive"].isin(top)]
        fit = slope_interval(np.log(g["positive"]), np.log(np.maximum(g["cells_total"], 1)))
        if fit is not None:
            obs.append(f"d={d}: slope on log n' {fit[0]:.2f} [{fit[1]:.2f}, {fit[2]:.2f}] (n' = {top[0]}..{top[-1]})")
    gd = df[df["design"] == "d"].groupby("d")["cells_total"].max() if "design" in df else ()
    if len(gd):
        obs.append("n' = 2d: " + ", ".join(f"d={d}: {int(c)}" for d, c in gd.items()))
    return Evidence(SUPPORTED if ok.all() else NOT_SUPPORTED, "; ".join(obs),
                    "arrangement cells enumerated by the exact solver against Cover's count on n' positive labels")


def local_search_fails(tables: Tables, bounds: Bounds) -> Evidence:
    """The reductions' success rate's Wilson upper end below ``far_less`` times the teacher rate's lower end:
    supported; its lower end above ``far_less`` times the teacher's upper end: not supported."""
    df = _compared(tables)
    red, teach = df[df["instance"] != "teacher"], df[df["instance"] == "teacher"]
    if red.empty or teach.empty:
        return Evidence(INCONCLUSIVE, "no reduction or no teacher rows", "n/a", "an arm of the comparison is missing")
    (pr, lr, hr), (pt, lt, ht) = (proportion_interval(int(x["success"].astype(bool).sum()), len(x))
                                  for x in (red, teach))
    f = float(bounds["far_less"])
    verdict = SUPPORTED if hr < f * lt else NOT_SUPPORTED if lr > f * ht else INCONCLUSIVE
    return Evidence(verdict, f"success on reductions {pr:.3f} [{lr:.3f}, {hr:.3f}] ({len(red)} restarts) vs random "
                    f"teacher {pt:.3f} [{lt:.3f}, {ht:.3f}] ({len(teach)}); per instance: " +
                    ", ".join(f"{i}: {g['success'].astype(bool).mean():.2f}" for i, g in red.groupby("instance")),
                    "fraction of restarts within success_tol of the optimum (Wilson 95%)",
                    "the intervals overlap the far_less margin" if verdict == INCONCLUSIVE else "")


def improper_beats_proper(tables: Tables, bounds: Bounds) -> Evidence:
    """At each regime's smallest informative eps, kernel over grid relative excess (floored), paired by seed: upper
    95% end below ``bounds.improper_ratio`` in every regime: supported; lower end above 1 in one: not supported."""
    df, f, groups = _informative(tables["project_grid"]), float(bounds["improper_ratio"]), []
    for (regime, eps), g in df[df["eps"] == df.groupby("regime")["eps"].transform("min")].groupby(["regime", "eps"]):
        w = paired(g.assign(excess_rel=g["excess_rel"].clip(lower=EXCESS_FLOOR)), [], "excess_rel")
        w = w.reindex(columns=["poly_kernel", "project_grid"]).dropna()
        groups.append(((regime, eps, w, g.groupby("learner")["work"].mean()), w))
    def describe(key: tuple, m: float, lo: float, hi: float) -> str:
        regime, eps, w, work = key
        return f"{regime}: < 2 paired seeds at eps = {eps}" if len(w) < 2 else (
            f"{regime}, eps = {eps}: improper / proper relative excess {m:.3g} [{lo:.3g}, {hi:.3g}] "
            f"({float(np.mean(w['poly_kernel'])):.4f} vs {float(np.mean(w['project_grid'])):.4f} of E[y^2]); work "
            f"{work.get('poly_kernel', float('nan')):.3g} vs {work.get('project_grid', float('nan')):.3g}")
    verdicts, obs = per_point(groups, lambda w: (w["poly_kernel"] / w["project_grid"]).to_numpy(float),
                              lambda lo, hi: SUPPORTED if hi < f else NOT_SUPPORTED if lo > 1.0 else INCONCLUSIVE,
                              describe, stat=log_mean_interval)
    ev = every_point(verdicts, obs, "paired ratio of relative excess test loss, improper kernel vs proper grid learner",
                     "an interval straddles the bounds")
    return ev if verdicts else Evidence(INCONCLUSIVE, "n/a", ev.measured, ev.reason)


def grid_exponential(tables: Tables, bounds: Bounds) -> Evidence:
    """Per regime, log(grid points) fitted better (smaller RSS, every seed a point) linearly in 1/eps than in
    log(1/eps), with a positive slope; fewer than 3 eps values: inconclusive."""
    verdicts, obs = [], []
    for regime, g in _rows("project_grid", "project_grid")(tables).groupby("regime", sort=True):
        if g["eps"].nunique() < 3:
            verdicts.append(INCONCLUSIVE)
            obs.append(f"{regime}: < 3 eps values")
            continue
        y, inv = np.log(g["grid_points"].to_numpy(float)), 1.0 / g["eps"].to_numpy(float)
        (slope, _), (rss_exp,), *_ = np.polyfit(inv, y, 1, full=True)
        (power, _), (rss_poly,), *_ = np.polyfit(np.log(inv), y, 1, full=True)
        verdicts.append(SUPPORTED if rss_exp < rss_poly and slope > 0 else NOT_SUPPORTED)
        obs.append(f"{regime}: RSS exp {rss_exp:.3f} vs poly {rss_poly:.3f} (points ~ e^({slope:.2f}/eps) vs "
                   f"eps^-{power:.1f}); grid points {int(g['grid_points'].min())}..{int(g['grid_points'].max())}")
    return every_point(verdicts, obs, "least-squares fits of log grid points against 1/eps and against log(1/eps)",
                       "too few eps values")


# ------------------------------------------------------------------------------------------- claims
SOLVER, GRID, GRID_ONLY = _rows("solver_cost"), _rows("project_grid"), _rows("project_grid", "project_grid")
PROVEN_FACTOR = _flag("the proven factor tau / lower bound <= {approx_factor} on every instance",
                      _rows("reduction_a", "exact_bias"), lambda d, b: d["tau"] / d["lower_bias"] > b["approx_factor"],
                      lambda d, x, b: f"proven factor tau / lower bound up to {(d['tau'] / d['lower_bias']).max():.3f}"
                                      f" > approx_factor {b['approx_factor']}")
SOLVER_REGIME = Regime.of(
    _no_timeout(SOLVER),
    _flag("every fit has a complete cell count", SOLVER, lambda d, b: d["cells_total"].isna(),
          lambda d, x, b: f"{len(x)} fits without a complete cell count"),
    _flag("the d design has n' = 2d", SOLVER, lambda d, b: (d.get("design") == "d") & (d["positive"] != 2 * d["d"]),
          lambda d, x, b: f"{len(x)} of {int((d['design'] == 'd').sum())} fits of the d design with n' != 2d (e.g. "
                          f"n' = {int(x['positive'].iloc[0])} at d = {int(x['d'].iloc[0])})"))
LOCAL_REGIME = Regime.of(
    converged(_compared, ("net_gd", "net_adam")),
    _flag("every compared restart (Set Cover at width 1, planted at width 2, the teacher) stopped by its "
          "convergence test, not the step budget", _compared, lambda d, b: d["restart_converged"].eq(False),
          lambda d, x, b: f"{len(x)} of {int(d['restart_converged'].notna().sum())} restarts stopped by the step "
                          "budget"),
    _flag("the random-teacher arm ran", _compared, lambda d, b: not d["instance"].eq("teacher").any(),
          lambda d, x, b: "no random-teacher rows"))
GRID_REGIME = Regime.of(
    _ran(GRID_ONLY, "project_grid"),
    _flag(">= 3 eps values per regime", GRID_ONLY, lambda d, b: d.groupby("regime")["eps"].transform("nunique") < 3,
          lambda d, x, b: "; ".join(f"{r}: {g['eps'].nunique()} eps values (needs >= 3)"
                                    for r, g in x.groupby("regime", sort=True))))
IMPROPER_REGIME = Regime.of(
    _flag("both learners ran", GRID, lambda d, b: not {"project_grid", "poly_kernel"} <= set(d["learner"]),
          lambda d, x, b: "the proper or the improper learner did not run"),
    _flag("some eps below the zero predictor's excess", GRID, lambda d, b: _informative(d).empty,
          lambda d, x, b: f"no eps below the zero predictor's excess ({float(d['zero_excess'].mean()):.3f}; "
                          f"smallest eps {float(d['eps'].min())})"))
OURS = "A check of our construction by the exact solver, not of the paper's (its body was not read)"
GADGET = "with a bias and the origin gadget (origin rows with label 0; without it one biased ReLU fits every instance)"
SEPARATES, IFF = "tau - 1 < exact OPT <= tau on every instance", "loss 0 iff colourable on every instance"

A_BIAS = _reduction_a_regime("exact_bias", "lower_bias", "tau rho W0 / (W0 + tau rho)")
A_FREE = _reduction_a_regime("exact", "lower_sharp", "tau M / (M + 1)")
A_MULT = _reduction_a_regime("exact_bias", "lower_bias", "tau rho W0 / (W0 + tau rho)", PROVEN_FACTOR)
CLAIMS = (
    Claim(f"{PAPER}.reduction_a", PAPER, f"Reduction A (Set Cover to one ReLU {GADGET}) separates cover number <= t "
          "from >= t + 1 at the threshold t, on every instance run.", "Training one ReLU is NP-hard, from Set Cover "
          f"(abstract, a summary). {OURS}: the regime admits only instances whose proven bound implies the verdict.",
          ("reduction_a",), SEPARATES, reduction_a_separates, True, A_BIAS, CHECK),
    Claim(f"{PAPER}.reduction_a_bias_free", PAPER, "Reduction A for one bias-free ReLU separates cover number <= t "
          "from >= t + 1 at t, on every instance run (reduction_a's instances).", "The digest's bias-free Set Cover "
          f"reduction (the paper's model has biases). {OURS} (proven: tau M / (M + 1) <= OPT <= tau).",
          ("reduction_a",), SEPARATES, reduction_a_bias_free, True, A_FREE, CHECK),
    Claim(f"{PAPER}.reduction_a_multiplicative", PAPER, f"Through reduction A ({GADGET}) the exact optimum is within "
          "bounds.approx_factor of the cover number on every instance, so training within alpha would approximate "
          "Set Cover within alpha x approx_factor.", "One ReLU is hard to train approximately (a summary; the paper's "
          f"route, via Minimum Monotone Circuit Satisfiability, and its factor were not read). {OURS}: the regime's "
          "proven factor implies the verdict.", ("reduction_a",), "1 <= tau / OPT <= bounds.approx_factor on every "
          "instance", reduction_a_multiplicative, True, A_MULT, CHECK),
    Claim(f"{PAPER}.reduction_b", PAPER, "Reduction B (hypergraph 2-colouring): two ReLUs of positive output sign "
          f"(not the abstract's model, which allows negative coefficients) {GADGET} fit with loss 0 exactly when the "
          "3-uniform hypergraph is 2-colourable, on every instance run.", "Training k >= 2 ReLUs is NP-hard even on "
          f"realizable data, from hypergraph colouring (abstract). {OURS}; with free signs a (+, -) pair fits every "
          "instance.", ("reduction_b",), IFF, reduction_b_iff, True, _reduction_b_regime("exact_bias"), CHECK),
    Claim(f"{PAPER}.reduction_b_bias_free", PAPER, "Reduction B for bias-free units: k positive ReLUs fit with loss "
          "0 exactly when the hypergraph (k = 2) or graph (k = 3) is k-colourable, on every instance run.",
          f"The digest's bias-free colouring reduction (k = 3 proved for positive signs only). {OURS} (a proven iff).",
          ("reduction_b",), IFF, reduction_b_bias_free, True, _reduction_b_regime("exact"), CHECK),
    Claim(f"{PAPER}.solver_cost", PAPER, "Exact proper training of one bias-free ReLU enumerates the 2 sum_{i<d} "
          "C(n' - 1, i) cells of the arrangement of its n' positive-label points: about n'^(d - 1) at fixed d and "
          "2^(2d - 1) at n' = 2d.", "Worst-case hardness in d; the count is our exhaustive algorithm's cost.",
          ("solver_cost",), "cells enumerated = Cover's count on every fit", solver_cost_cells, True, SOLVER_REGIME,
          CHECK),
    Claim(f"{PAPER}.local_search", PAPER, "Gradient descent and Adam from random starts reach the optimum on "
          "reduction instances far less often than on random-teacher data.", "Not a claim of the paper (its hardness "
          "is worst case, for every algorithm): our framing; the teacher control also differs in geometry.",
          ("local_search",), "reduction success rate < bounds.far_less x teacher success rate (Wilson 95%)",
          local_search_fails, True, LOCAL_REGIME, OBSERVATION),
    Claim(f"{PAPER}.grid_exponential", PAPER, "The proper upper-bound learner (projection plus a grid) does work "
          "(grid points evaluated) exponential in 1/eps.", "Proper learning of bounded nets in 2^{O~(1/eps)} "
          "(realizable) or 2^{O~(1/eps^2)} (agnostic) time (abstract; the algorithm's parameters are ours). The grid "
          "size is a lattice count in eps alone: this row checks the algorithm, not the paper.", ("project_grid",),
          "log grid points fitted better by 1/eps than by log(1/eps)", grid_exponential, True, GRID_REGIME, CHECK),
    Claim(f"{PAPER}.improper_vs_proper", PAPER, "On the same benign, realizable bounded-ReLU instances, an improper "
          "learner (kernel ridge regression, multinomial kernel of degree ceil(1/eps), kernel_rows rows) reaches a "
          "smaller excess loss than the proper projection-plus-grid learner at the smallest eps where accuracy is "
          "not free.", "Abstract: properly learning the best-fitting ReLU (agnostic) takes time exp(1/eps^2), while "
          "improper learning (Goel, Kanade, Klivans, Thaler, COLT 2017) is poly(n) for eps = Omega(1/log n), i.e. "
          "2^{O(1/eps)} poly(n): a worst-case, asymptotic separation. It predicts nothing on these instances (proper "
          "gradient descent fits them better than the kernel): our framing.", ("project_grid",),
          "improper / proper relative excess < bounds.improper_ratio (paired by seed, 95%)", improper_beats_proper,
          True, IMPROPER_REGIME, OBSERVATION),
)

SOURCE = "abstract and openings only; the predecessor's definitions as quoted in the report"
BODY = "no test row: a test needs the paper's construction (its LIPIcs body, not in the store) run on instances where "
COVERAGE = tuple(Headline(result, SOURCE, not_tested=need) for result, need in (
    ("Training one ReLU is NP-hard.", f"{BODY}no bound of ours gives the verdict (reduction_a, _bias_free: checks)."),
    ("One ReLU is hard to train even approximately.", "needs the paper's factor and MMCS route (not read); "
     "reduction_a_multiplicative checks our reduction's factor (1.04)."),
    ("Training k > 1 ReLUs (signed output weights, biases) is NP-hard even on realizable data.", f"{BODY}a free-sign "
     "exact solve decides (Fano 58 s, K_5^(3) 5 s); reduction_b, _bias_free are positive-sign checks, and with free "
     "signs our instances are realizable."),
    ("Properly fitting the best ReLU takes exp(Omega(1/eps^2)) time (Densest-kappa-Subgraph hypothesis).", "no hard "
     "instance is built: needs planted Densest-kappa-Subgraph data (construction read or rebuilt; N = 20-40, "
     "brute-force OPT, seconds), a working proper arm (net_gd, width 1) and agnostic eps below the zero excess."),
    ("Gap-ETH lower bounds on the running time in terms of eps.", "needs the paper's text: no hard family is built."),
    ("With GKKT17 (improper, 2^{O(1/eps)} poly(n)), a proper/improper separation for a ReLU.", "needs the hard "
     "instances above, agnostic, the kernel on 2^{O(1/eps)}-scaled rows; improper_vs_proper is an observation."),
    ("Proper upper bounds for bounded depth-2 nets essentially match the lower bounds in eps.", "needs accuracy at "
     "eps below the zero excess: realizable eps <= 0.1 needs m >= 9 (3.4e9 grid points: a GPU GEMM, ~3e13 flop, "
     "minutes); agnostic (m >= 40) is infeasible here. grid_exponential checks a lattice count."),
))
