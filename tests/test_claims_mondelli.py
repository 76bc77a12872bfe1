"""mondelli2019: the risk identities on planted data, and each claim predicate on constructed tables where it
must pass and where it must fail."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from depth2.claims import CHECK, INCONCLUSIVE, NOT_SUPPORTED, OBSERVATION, SUPPORTED, TEST
from depth2.papers.mondelli2019 import claims as C
from depth2.papers.mondelli2019.data import (
    ACTIVATIONS,
    activation,
    hermite_coefficients,
    planted_weights,
    population_variance,
)
from depth2.papers.mondelli2019.experiments import generic_rank

BOUNDS = {"recovery_cos": 0.9, "var_tol": 0.05, "shortcut_tol": 0.02, "frontier_recovered": 0.5,
          "frontier_slope": -0.2, "relation_tol": 0.05, "min_seeds": 2}
REGIME = {c.short: c.regime for c in C.CLAIMS}


@pytest.mark.parametrize("sigma", sorted(ACTIVATIONS))
def test_population_variance_matches_monte_carlo(sigma):
    """Var(y) identity within 4 standard errors of the MC variance (n = 2e5, d = 12, r = 30)."""
    rng = np.random.default_rng(1)
    W = planted_weights(rng, 12, 30)
    np.testing.assert_allclose(np.linalg.norm(W, axis=0), 1.0)
    coef = activation(sigma)
    y = np.polynomial.polynomial.polyval(rng.standard_normal((200_000, 12)) @ W, coef).sum(axis=1)
    c = y - y.mean()
    se = np.sqrt((np.mean(c**4) - np.mean(c**2) ** 2) / y.size)
    assert abs(y.var() - population_variance(W, coef)) < 4 * se
    assert abs(y.mean() - 30 * hermite_coefficients(coef)[0]) < 4 * y.std() / np.sqrt(y.size)


def test_he3_has_no_linear_or_even_part_and_cube_has_a_linear_one():
    np.testing.assert_allclose(hermite_coefficients(activation("he3")), [0, 0, 0, 1])
    np.testing.assert_allclose(hermite_coefficients(activation("cube")), [0, 3, 0, 1])
    with pytest.raises(ValueError, match="sigma must be one of"):
        activation("tanh")


def _identities(var_ratio: float, shortcut_risk: float, n: int = 50_000, seeds: int = 3) -> pd.DataFrame:
    rows = []
    for r in (50, 200):
        for rep in range(seeds):
            triv = 1.0 + 0.01 * (rep - 1)  # the trivial predictor's risk varies by seed; the pairing removes it
            for ln in ("trivial", "norm_only", "ols"):
                rows.append({"sigma": "he3", "r": r, "d": 30, "n": n, "replicate": rep, "learner": ln,
                             "var_ratio": var_ratio * (1 + 0.003 * (rep - 1)),
                             "rel_risk": triv if ln == "trivial" else triv * shortcut_risk * (1 + 0.0005 * rep)})
    return pd.DataFrame(rows)


def test_variance_identity_passes_and_fails():
    assert C.variance_identity({"identities": _identities(1.0, 1.0)}, BOUNDS).verdict == SUPPORTED
    assert C.variance_identity({"identities": _identities(1.3, 1.0)}, BOUNDS).verdict == NOT_SUPPORTED


def test_no_shortcut_is_paired_within_seed_and_passes_and_fails():
    assert C.no_shortcut({"identities": _identities(1.0, 1.001)}, BOUNDS).verdict == SUPPORTED
    assert C.no_shortcut({"identities": _identities(1.0, 0.6)}, BOUNDS).verdict == NOT_SUPPORTED
    # the seed-to-seed spread of the trivial risk (+-1%) would straddle 0.98 unpaired; paired it cancels
    ev = C.no_shortcut({"identities": _identities(1.0, 1.0)}, BOUNDS)
    assert ev.verdict == SUPPORTED and "1.000" in ev.observed


def test_identities_regime_in_and_out():
    assert C.IDENTITIES_REGIME.shortfalls({"identities": _identities(1.0, 1.0)}, BOUNDS) == []
    out = C.IDENTITIES_REGIME.shortfalls({"identities": _identities(1.0, 1.0, n=200, seeds=1)}, BOUNDS)
    assert any("seeds" in s for s in out) and any("n = 200 < 10 (d + 1) = 310" in s for s in out)


def _frontier(r_star_frac: dict, converged: bool = True, population: bool = True,
              fracs=(0.5, 0.6, 0.7, 0.8, 0.9, 1.0)) -> pd.DataFrame:
    """tensor_power recovers everything up to ``r_star_frac[d]`` of the generic rank and nothing above."""
    rows = []
    for d, top in r_star_frac.items():
        for f in fracs:
            r = round(f * generic_rank(d))
            for rep in range(3):
                ok = f <= top[rep] if isinstance(top, tuple) else f <= top
                for ln in ("tensor_power", "tensor_power_only"):
                    rec = (1.0 if ok else 0.05) if ln == "tensor_power" else 0.0
                    rows.append({"d": d, "r": r, "frac_rank": f, "replicate": rep, "learner": ln,
                                 "frac_recovered": rec, "mean_cos6": 1.0 if rec == 1.0 else 0.2,
                                 "rel_risk": 0.0 if rec == 1.0 else 0.8, "population": population,
                                 "converged": converged if ln == "tensor_power" else False, "steps": 100,
                                 "max_steps": 3000, "rel_decrease": 1e-9})
    return pd.DataFrame(rows)


FALLING = {20: (0.9, 0.9, 1.0 - 0.05), 30: 0.8, 40: 0.7, 50: 0.6}  # r* ~ d^1.5: r*/rank falls
FLAT = {20: 0.8, 30: 0.8, 40: (0.8, 0.9, 0.8), 50: 0.8}  # r* a fixed fraction of the generic rank


def test_frontier_points_read_the_largest_successful_r():
    fp = C.frontier_points(_frontier({30: 0.7}), BOUNDS)
    assert list(fp["r_star"]) == [round(0.7 * generic_rank(30))] * 3 and fp["bracketed"].all()


def test_frontier_passes():
    ev = C.frontier({"frontier": _frontier(FALLING)}, BOUNDS)
    assert ev.verdict == SUPPORTED, ev


def test_frontier_falsifier_flat_fraction_of_the_rank_is_not_supported():
    """The falsifier: r* a fixed fraction of the generic rank at every d (slope ~ 0, above frontier_slope)."""
    ev = C.frontier({"frontier": _frontier(FLAT)}, BOUNDS)
    assert ev.verdict == NOT_SUPPORTED and "0.80 rank" in ev.observed, ev


def test_frontier_on_one_grid_point_near_the_bound_is_inconclusive():
    """Like the referee's fresh seed 9301 (-0.260, -0.327..-0.192): a falling r* / rank (slope -0.31 here) whose
    seeds disagree at two d's has an interval (-0.47..-0.14) that straddles frontier_slope = -0.2."""
    ev = C.frontier({"frontier": _frontier({20: 0.9, 30: (0.75, 0.9, 0.75), 40: (0.75, 0.6, 0.75), 50: 0.7})},
                    BOUNDS)
    assert ev.verdict == INCONCLUSIVE and "contains bounds.frontier_slope" in ev.reason, ev


def test_frontier_regime_in_and_out():
    assert REGIME["frontier"].shortfalls({"frontier": _frontier(FALLING)}, BOUNDS) == []
    out = REGIME["frontier"].shortfalls({"frontier": _frontier(FALLING, converged=False)}, BOUNDS)
    assert any("tensor_power: 72 of 72 fits unconverged" in s for s in out)
    out = REGIME["frontier"].shortfalls({"frontier": _frontier({20: 1.0, 30: 0.8, 40: 0.7})}, BOUNDS)
    assert any("not bracketed" in s and "d=20" in s for s in out)  # r* at the top of the grid
    out = REGIME["frontier"].shortfalls({"frontier": _frontier({20: 0.9, 30: 0.8})}, BOUNDS)
    assert any("2 dimensions < 3" in s for s in out)
    out = REGIME["frontier"].shortfalls({"frontier": _frontier(FALLING, population=False)}, BOUNDS)
    assert any("not the population" in s for s in out)


def _relation(residual: float, fracs=(0.1, 0.2, 0.3, 0.4, 0.5, 0.8)) -> pd.DataFrame:
    """Proper fits whose risk / Var is (1 - mean c^6) + residual; r above half the generic rank off the line."""
    rows = []
    for d in (20, 30):
        for f in fracs:
            for rep in range(3):
                c6 = 0.3 + 0.2 * rep
                off = 0.5 if f > 0.5 else residual
                rows.append({"d": d, "r": round(f * generic_rank(d)), "replicate": rep, "learner": "tensor_power",
                             "mean_cos6": c6, "rel_risk": 1.0 - c6 + off + 0.004 * (rep - 1), "converged": True})
    return pd.DataFrame(rows)


def test_weights_vs_risk_passes_and_fails():
    ev = C.weights_vs_risk({"frontier": _relation(0.0), "barrier": _relation(0.0)}, BOUNDS)
    assert ev.verdict == SUPPORTED and "outside the regime" in ev.observed
    assert C.weights_vs_risk({"frontier": _relation(-0.3), "barrier": _relation(-0.3)}, BOUNDS).verdict == NOT_SUPPORTED


def test_weights_regime_in_and_out():
    weights = REGIME["weights_vs_risk"]
    assert weights.shortfalls({"frontier": _relation(0.0), "barrier": _relation(0.0)}, BOUNDS) == []
    exact = _relation(0.0).assign(mean_cos6=1.0, rel_risk=0.0)
    out = weights.shortfalls({"frontier": exact.assign(converged=False), "barrier": exact.iloc[:0]}, BOUNDS)
    assert any("nothing but exact recoveries" in s for s in out) and any("unconverged" in s for s in out)
    few = _relation(0.0, fracs=(0.8, 0.9))
    assert any("< 10" in s for s in weights.shortfalls({"frontier": few, "barrier": few}, BOUNDS))


def _cubic(large_n_risk: float, qs=(0.25, 0.5, 1, 4, 8)) -> pd.DataFrame:
    rows = []
    risks = {0.25: 3.0, 0.5: 1.5, 1: 0.9, 2: 0.5, 4: large_n_risk, 8: large_n_risk / 2}
    for r in (5, 50):
        for q in qs:
            rows += [{"r": r, "n_over_features": q, "replicate": rep, "learner": "cubic_ridge",
                      "rel_risk": risks[q] * (1 + 0.01 * rep)} for rep in range(3)]
    return pd.DataFrame(rows)


def test_cubic_control_passes_and_fails():
    assert C.cubic_control({"cubic_control": _cubic(0.01)}, BOUNDS).verdict == SUPPORTED
    assert C.cubic_control({"cubic_control": _cubic(0.6)}, BOUNDS).verdict == NOT_SUPPORTED


def test_cubic_regime_in_and_out():
    assert REGIME["cubic_control"].shortfalls({"cubic_control": _cubic(0.01)}, BOUNDS) == []
    out = REGIME["cubic_control"].shortfalls({"cubic_control": _cubic(0.01, qs=(1, 2, 4))}, BOUNDS)
    assert any("not both <= 0.5 and >= 4" in s for s in out)


def test_every_claim_declares_a_regime_and_no_row_is_a_test():
    """Kinds after the 2026-12-07 review: the identities and the cubic control are checks (true by construction
    for He_3 / noiseless ridge), weights_vs_risk an observation (our two-sided identity, not the paper's one-sided
    statement); the frontier is the one test, with its falsifier."""
    assert all(c.regime is not None for c in C.CLAIMS)
    assert {c.short: c.kind for c in C.CLAIMS} == {"variance_identity": CHECK, "no_shortcut": CHECK,
                                                   "frontier": OBSERVATION, "weights_vs_risk": OBSERVATION,
                                                   "cubic_control": CHECK}
    assert not any(c.kind == TEST for c in C.CLAIMS)  # the frontier too, after the 2026-12-08 red team


def test_coverage_names_claims_and_says_what_is_untested():
    from depth2.claims import check_coverage

    assert check_coverage(C.CLAIMS, C.COVERAGE) == []
    assert all("Section 4 unread" in h.source for h in C.COVERAGE)


def test_regime_statements_render_the_seed_bound():
    assert C.IDENTITIES_REGIME.text(BOUNDS).startswith(">= 2 seeds per (sigma, r, learner)")
    assert ">= 2 seeds per (d, r)" in REGIME["frontier"].text(BOUNDS)
    out = REGIME["cubic_control"].shortfalls({"cubic_control": _cubic(0.01)}, {**BOUNDS, "min_seeds": 4})
    assert out == ["10 of 10 points have < 4 seeds (fewest: 3)"]


def test_frontier_grid_reads_the_population_and_caps_r_at_max_ratio():
    from depth2.papers.mondelli2019.experiments import experiments

    on = {"enabled": True}
    cfg = {"replicates": 3, "learners": {"tensor_power": {"restarts": 2}},
           "experiments": {"identities": {"enabled": False, "sigmas": [], "r": []},
                           "barrier": {"enabled": False, "dims": []},
                           "cubic_control": {"enabled": False, "r": [], "d": 5, "n_over_features": []},
                           "student": {"enabled": False, "dims": []},
                           "frontier": {**on, "dims": [20, 50], "rank_fractions": [0.6, 0.9], "n_rows": 500,
                                        "learners": ["tensor_power", "tensor_power_only"], "max_ratio": 1.0,
                                        "replicates": 2}}}
    (ex,) = experiments(cfg, {})
    assert ex.name == "frontier"
    assert [(p.d, p.width) for p in ex.points] == [(20, 46), (20, 69), (50, 265)]  # 0.9 * 442 = 398 > 50^1.5
    assert all(p.replicates == 2 and p.n == 500 and p.learners == ("tensor_power", "tensor_power_only")
               for p in ex.points)
    assert ex.learner_params == {"tensor_power": {"restarts": 2, "population": True},
                                 "tensor_power_only": {"population": True}}


def test_half_the_generic_rank_allows_the_rounding_of_r():
    """rank_width rounds 0.5 * rank (d = 30: 82.7 -> 83): that r is in weights_vs_risk's regime, r + 1 is not."""
    rows = [{"d": 30, "r": r, "replicate": 0, "learner": "tensor_power", "mean_cos6": 0.5, "rel_risk": 0.5}
            for r in (83, 84)]
    fits = C._proper_fits({"frontier": pd.DataFrame(rows)})
    assert list(fits["half_rank"]) == [True, False]


def test_no_variants_since_no_row_is_a_test():
    """issue 27: only tests get robustness variants; mondelli2019 registers none (its frontier is an observation)."""
    from pathlib import Path

    from depth2.config import load

    assert load(Path(__file__).parents[1] / "config" / "config.yaml")["mondelli2019"]["variants"] == {}

