"""awasthi2021 claim predicates on constructed tables where they must pass and where they must fail."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from depth2.claims import CHECK, FRAGILE, INCONCLUSIVE, NOT_SUPPORTED, OBSERVATION, SUPPORTED, TEST, check_coverage
from depth2.claims.table import claims_table
from depth2.config import load
from depth2.papers.awasthi2021 import claims as C

BOUNDS = {"recovery_tol": 0.1, "slope_lo": -0.75, "slope_hi": -0.25, "moderate_bias": 2.0, "bias_tol": 0.2,
          "fail_err": 0.5, "cond_max": 2.0, "min_seeds": 3, "min_neurons": 20, "mc_familywise": 0.01,
          "low_mse": 0.05}


def _claim(short: str):
    return next(c for c in C.CLAIMS if c.short == short)


def _regime(short: str, tables) -> list[str]:
    return _claim(short).regime.shortfalls(tables, BOUNDS)


def _recovery(slope: float, spread: float = 0.02, flips: int = 0, ns=(1e5, 3e5, 1e6), base: float = 0.04,
              seeds: int = 3) -> pd.DataFrame:
    """Per-neuron direction errors ``base (n / n_0)^slope``; ``flips`` neurons per seed flipped (signed error 2,
    direction error small): the median must not see them, the failure count must."""
    rows = []
    for n in ns:
        for r in range(seeds):
            err = base * (n / ns[0]) ** slope * np.exp(spread * (r - 1))
            for i in range(5):
                e = err * (1 - 0.1 * i)
                w = 2.0 - e if i < flips else e
                rows.append({"d": 10, "m": 5, "n": n, "learner": "hermite_tensor", "replicate": r, "neuron": i,
                             "w_err": w, "dir_err": e, "failed": w > 0.5, "rel_mse": err**2})
    return pd.DataFrame(rows)


def test_recovery_rate_passes_and_is_inconclusive_when_noisy():
    assert C.recovery_rate({"recovery_vs_n": _recovery(-0.5)}, BOUNDS).verdict == SUPPORTED
    assert C.recovery_rate({"recovery_vs_n": _recovery(-0.5, spread=3.0)}, BOUNDS).verdict == INCONCLUSIVE


def test_recovery_rate_falsifier_error_floors_or_falls_too_fast():
    """The falsifier: the slope's interval wholly outside the band (a floor at slope 0, or faster than n^-1)."""
    for slope in (0.0, -1.0):
        ev = C.recovery_rate({"recovery_vs_n": _recovery(slope)}, BOUNDS)
        assert ev.verdict == NOT_SUPPORTED and ev.observed.startswith("decided by: d=10, m=5: slope")


def test_recovery_rate_resolves_through_a_flipped_neuron_and_reports_it():
    """The old statistic (max signed error) sat at 2 whenever one neuron flipped; the median does not."""
    ev = C.recovery_rate({"recovery_vs_n": _recovery(-0.5, flips=1)}, BOUNDS)
    assert ev.verdict == SUPPORTED
    assert "catastrophic failures n=100000: 3/15" in ev.observed


def test_recovery_rate_regime_in_and_out():
    assert _regime("recovery_rate", {"recovery_vs_n": _recovery(-0.5)}) == []
    out = _regime("recovery_rate", {"recovery_vs_n": _recovery(-0.5, base=0.5)})  # subspace not yet working
    assert len(out) == 1 and "not yet in the estimator's local regime" in out[0] and "n=100000" in out[0]
    out = _regime("recovery_rate", {"recovery_vs_n": _recovery(-0.5, ns=(1e5, 2e5), seeds=2)})
    assert any("< 3 seeds" in o for o in out) and any("needs >= 3 sizes" in o for o in out)


def _sweep(recovered_at: dict[float, float], k: int = 30, s_min: float = 1.0) -> pd.DataFrame:
    rows = []
    for bias, frac in recovered_at.items():
        rows += [{"bias": bias, "learner": "hermite_tensor", "wb_recovered": i < round(frac * k),
                  "recovered": True, "s_min": s_min} for i in range(k)]
    return pd.DataFrame(rows)


def test_moderate_bias_passes_and_reports_beyond_the_bound():
    ev = C.moderate_bias({"bias_sweep": _sweep({0.5: 1.0, 2.0: 0.95, 4.0: 0.0})}, BOUNDS)
    assert ev.verdict == SUPPORTED and ev.observed.endswith("; beyond the bound |b|=4: 0.00")


def test_moderate_bias_falsifier_rate_below_half_at_a_moderate_bias():
    ev = C.moderate_bias({"bias_sweep": _sweep({0.5: 1.0, 2.0: 0.1})}, BOUNDS)
    assert ev.verdict == NOT_SUPPORTED and ev.observed.startswith("decided by: |b|=2: 0.10 recovered")


def test_moderate_bias_regime_in_and_out():
    assert _regime("moderate_bias", {"bias_sweep": _sweep({0.5: 1.0, 2.0: 1.0})}) == []
    out = _regime("moderate_bias", {"bias_sweep": _sweep({0.5: 1.0, 2.0: 1.0}, k=10, s_min=0.2)})
    assert any("1/s_m(W) = 5.00 > cond_max 2" in o for o in out) and any("< 20 neurons" in o for o in out)


def _roots(rates: dict[str, dict[float, float]], k: int = 30, s_min: float = 1.0, flip_full: bool = False):
    """``flip_full``: every T3 + T4 neuron has the right direction but the wrong sign."""
    rows = []
    for learner, per_b in rates.items():
        for b, frac in per_b.items():
            for i in range(k):
                ok = i < round(frac * k)
                signed = ok and not (flip_full and learner == "hermite_tensor")
                rows.append({"learner": learner, "b_true": b, "dir_recovered": ok, "recovered": signed,
                             "s_min": s_min})
    return pd.DataFrame(rows)


GOOD_ROOTS = {"hermite_tensor_t3": {0.0: 0.0, 1.0: 1.0, -1.0: 1.0},
              "hermite_tensor_t4": {0.0: 1.0, 1.0: 0.0, -1.0: 0.0},
              "hermite_tensor": {0.0: 1.0, 1.0: 1.0, -1.0: 1.0}}


def test_hermite_roots_passes():
    assert C.hermite_roots({"hermite_roots": _roots(GOOD_ROOTS)}, BOUNDS).verdict == SUPPORTED


def test_hermite_roots_falsifier_full_method_or_ablation_loses_a_root():
    """The falsifier: T3 + T4 loses the b = 0 neurons, T3-only loses b = +-1, or T4-only loses b = 0."""
    for bad in ({**GOOD_ROOTS, "hermite_tensor": {0.0: 0.0, 1.0: 1.0, -1.0: 1.0}},
                {**GOOD_ROOTS, "hermite_tensor_t3": {0.0: 0.0, 1.0: 0.1, -1.0: 1.0}},
                {**GOOD_ROOTS, "hermite_tensor_t4": {0.0: 0.0, 1.0: 0.0, -1.0: 0.0}}):
        assert C.hermite_roots({"hermite_roots": _roots(bad)}, BOUNDS).verdict == NOT_SUPPORTED
    # T3 + T4 is scored with its sign: right directions with flipped signs (the sign step failing) do not count
    assert C.hermite_roots({"hermite_roots": _roots(GOOD_ROOTS, flip_full=True)}, BOUNDS).verdict == NOT_SUPPORTED


def test_hermite_roots_regime_in_and_out():
    assert _regime("hermite_roots", {"hermite_roots": _roots(GOOD_ROOTS)}) == []
    out = _regime("hermite_roots", {"hermite_roots": _roots(GOOD_ROOTS, k=6, s_min=0.1)})
    assert any("cond_max" in o for o in out) and any("9 of 9 (learner, root) cells have < 20" in o for o in out)


def _coeffs(shift: float, k_bad: int = 3) -> pd.DataFrame:
    """A Monte Carlo table: z-scores standard normal, plus ``shift`` on every cell of order ``k_bad``."""
    rng = np.random.default_rng(0)
    rows = [{"b": b, "k": k, "replicate": r, "n": 10**6, "z": rng.standard_normal() + (shift if k == k_bad else 0)}
            for b in np.linspace(-3, 3, 13) for k in range(6) for r in range(3)]
    return pd.DataFrame(rows)


def test_hermite_coeffs_passes_and_fails():
    bounds = {**BOUNDS, "mc_familywise": 0.01}
    assert C.hermite_coeffs({"hermite_coeffs": _coeffs(0.0)}, bounds).verdict == SUPPORTED
    # A wrong closed form shows up as a systematic z-shift in one order: 10 sigma is beyond any threshold.
    assert C.hermite_coeffs({"hermite_coeffs": _coeffs(10.0)}, bounds).verdict == NOT_SUPPORTED


def _baselines(mse: float, recovered: float, k: int = 10) -> pd.DataFrame:
    rows = []
    for learner in C.BASELINES:
        for r in range(3):
            rows += [{"d": 10, "m": 5, "learner": learner, "replicate": r, "neuron": i,
                      "rel_mse": mse * (1 + 0.05 * r), "wb_recovered": i < round(recovered * k),
                      "recovered": True, "converged": True} for i in range(k)]
    return pd.DataFrame(rows)


def test_baselines_passes_and_fails():
    bounds = {**BOUNDS, "low_mse": 0.05}
    assert C.baselines({"baselines": _baselines(0.01, 0.0)}, bounds).verdict == SUPPORTED
    assert C.baselines({"baselines": _baselines(0.01, 1.0)}, bounds).verdict == NOT_SUPPORTED  # they recover
    assert C.baselines({"baselines": _baselines(0.5, 0.0)}, bounds).verdict == NOT_SUPPORTED  # high error


def test_baselines_regime_in_and_out():
    df = _baselines(0.01, 0.0)
    assert _regime("baselines", {"baselines": df}) == []
    df.loc[(df["learner"] == "net_lbfgs") & (df["replicate"] == 0), "converged"] = False
    out = _regime("baselines", {"baselines": df})
    assert out == ["net_lbfgs: 10 of 30 fits unconverged"]


def _conditioning(power: float, grid=((0.0, 0.8), (0.5, 0.5), (0.9, 0.2), (0.95, 0.1)), seeds: int = 3):
    rows = []
    for c, s_min in grid:
        for r in range(seeds):
            err = 0.02 * s_min ** (-power) * (1 + 0.05 * r)
            rows += [{"collinearity": c, "learner": "hermite_tensor", "replicate": r, "neuron": i, "s_min": s_min,
                      "w_err": err * (1 - 0.1 * i), "dir_err": err * (1 - 0.1 * i), "failed": False,
                      "rel_mse": err**2} for i in range(3)]
    return pd.DataFrame(rows)


def test_conditioning_passes():
    assert C.conditioning({"conditioning": _conditioning(1.0)}, BOUNDS).verdict == SUPPORTED


def test_conditioning_falsifier_error_falls_as_w_degrades():
    ev = C.conditioning({"conditioning": _conditioning(-1.0)}, BOUNDS)
    assert ev.verdict == NOT_SUPPORTED and ev.observed.startswith("slope -1.00")


def test_conditioning_regime_in_and_out():
    assert _regime("conditioning", {"conditioning": _conditioning(1.0)}) == []
    out = _regime("conditioning", {"conditioning": _conditioning(1.0, ((0.0, 0.8), (0.3, 0.6)), seeds=2)})
    assert any("< 3 seeds" in o for o in out) and any("needs a factor >= 3" in o for o in out)


def test_hermite_coeffs_is_a_check_with_a_regime():
    assert _claim("hermite_coeffs").kind == CHECK
    assert _regime("hermite_coeffs", {"hermite_coeffs": _coeffs(0.0)}) == []
    small = _coeffs(0.0).assign(n=5000)
    small = small[small["replicate"] == 0]
    assert len(_regime("hermite_coeffs", {"hermite_coeffs": small})) == 2


def test_every_claim_declares_a_regime():
    assert all(c.regime is not None for c in C.CLAIMS)


def test_kinds_falsifiers_and_coverage():
    """The referee report's classes (2026-12-07): hermite_coeffs SANITY -> check, baselines MISREAD -> observation;
    the WEAK rows are the paper's predictions and stay tests, each with its falsifier."""
    kinds = {c.short: c.kind for c in C.CLAIMS}
    assert kinds == {"hermite_coeffs": CHECK, "recovery_rate": TEST, "moderate_bias": TEST, "hermite_roots": TEST,
                     "baselines": OBSERVATION, "conditioning": TEST}
    assert all(c.falsifier for c in C.CLAIMS if c.kind == TEST)
    assert check_coverage(C.CLAIMS, C.COVERAGE) == []
    assert {r for h in C.COVERAGE for r in h.rows} == {s for s, k in kinds.items() if k == TEST}


def test_regime_statements_render_their_bounds():
    text = _claim("moderate_bias").regime.text(BOUNDS)
    assert "1/s_m(W) <= 2" in text and ">= 20 neurons in each of the biases <= moderate_bias" in text
    assert ">= 3 seeds per (d, m, n)" in _claim("recovery_rate").regime.text(BOUNDS)


def test_every_test_has_a_replication_and_a_nuisance_variant():
    variants = load(Path(__file__).resolve().parents[1] / "config" / "config.yaml")["awasthi2021"]["variants"]
    for c in C.CLAIMS:
        kinds = {v["kind"] for v in variants.values() if c.short in v["claims"]}
        assert kinds == ({"replication", "nuisance"} if c.kind == TEST else set()), c.short
    assert [v["seed"] for v in variants.values() if v["kind"] == "replication"] == [8401]


def test_a_disagreeing_variant_makes_recovery_rate_fragile():
    tables = {"awasthi2021": {"recovery_vs_n": _recovery(-0.5), "recovery_vs_n__recovery_larger_n": _recovery(0.0)}}
    variants = {"awasthi2021": {"recovery_larger_n": {"kind": "nuisance", "claims": ["recovery_rate"]}}}
    row = claims_table([_claim("recovery_rate")], tables, {"awasthi2021": BOUNDS}, variants).iloc[0]
    assert row["verdict"] == FRAGILE and "recovery_larger_n gives not supported" in row["reason"]
