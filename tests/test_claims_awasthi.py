"""awasthi2021 claim predicates on constructed tables where they must pass and where they must fail."""

from __future__ import annotations

import numpy as np
import pandas as pd

from depth2.claims import INCONCLUSIVE, NOT_SUPPORTED, SUPPORTED
from depth2.papers.awasthi2021 import claims as C

BOUNDS = {"recovery_tol": 0.1, "slope_lo": -0.75, "slope_hi": -0.25, "moderate_bias": 2.0, "bias_tol": 0.2,
          "fail_err": 0.5, "cond_max": 2.0, "min_seeds": 3, "min_neurons": 20}


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


def test_recovery_rate_passes_and_fails():
    assert C.recovery_rate({"recovery_vs_n": _recovery(-0.5)}, BOUNDS).verdict == SUPPORTED
    assert C.recovery_rate({"recovery_vs_n": _recovery(0.0)}, BOUNDS).verdict == NOT_SUPPORTED
    assert C.recovery_rate({"recovery_vs_n": _recovery(-0.5, spread=3.0)}, BOUNDS).verdict == INCONCLUSIVE


def test_recovery_rate_resolves_through_a_flipped_neuron_and_reports_it():
    """The old statistic (max signed error) sat at 2 whenever one neuron flipped; the median does not."""
    ev = C.recovery_rate({"recovery_vs_n": _recovery(-0.5, flips=1)}, BOUNDS)
    assert ev.verdict == SUPPORTED
    assert "catastrophic failures n=100000: 3/15" in ev.observed


def test_recovery_rate_regime_in_and_out():
    assert C.recovery_rate_regime({"recovery_vs_n": _recovery(-0.5)}, BOUNDS) == []
    out = C.recovery_rate_regime({"recovery_vs_n": _recovery(-0.5, base=0.5)}, BOUNDS)  # subspace not yet working
    assert len(out) == 1 and "not yet in the estimator's local regime" in out[0] and "n=100000" in out[0]
    out = C.recovery_rate_regime({"recovery_vs_n": _recovery(-0.5, ns=(1e5, 2e5), seeds=2)}, BOUNDS)
    assert any("< 3 seeds" in o for o in out) and any("needs >= 3 sizes" in o for o in out)


def _sweep(recovered_at: dict[float, float], k: int = 30, s_min: float = 1.0) -> pd.DataFrame:
    rows = []
    for bias, frac in recovered_at.items():
        rows += [{"bias": bias, "learner": "hermite_tensor", "wb_recovered": i < round(frac * k),
                  "recovered": True, "s_min": s_min} for i in range(k)]
    return pd.DataFrame(rows)


def test_moderate_bias_passes_and_fails():
    assert C.moderate_bias({"bias_sweep": _sweep({0.5: 1.0, 2.0: 0.95, 4.0: 0.0})}, BOUNDS).verdict == SUPPORTED
    assert C.moderate_bias({"bias_sweep": _sweep({0.5: 1.0, 2.0: 0.1})}, BOUNDS).verdict == NOT_SUPPORTED


def test_moderate_bias_regime_in_and_out():
    assert C.moderate_bias_regime({"bias_sweep": _sweep({0.5: 1.0, 2.0: 1.0})}, BOUNDS) == []
    out = C.moderate_bias_regime({"bias_sweep": _sweep({0.5: 1.0, 2.0: 1.0}, k=10, s_min=0.2)}, BOUNDS)
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


def test_hermite_roots_passes_and_fails():
    assert C.hermite_roots({"hermite_roots": _roots(GOOD_ROOTS)}, BOUNDS).verdict == SUPPORTED
    bad = {**GOOD_ROOTS, "hermite_tensor": {0.0: 0.0, 1.0: 1.0, -1.0: 1.0}}
    assert C.hermite_roots({"hermite_roots": _roots(bad)}, BOUNDS).verdict == NOT_SUPPORTED
    # T3 + T4 is scored with its sign: right directions with flipped signs do not count
    assert C.hermite_roots({"hermite_roots": _roots(GOOD_ROOTS, flip_full=True)}, BOUNDS).verdict == NOT_SUPPORTED


def test_hermite_roots_regime_in_and_out():
    assert C.hermite_roots_regime({"hermite_roots": _roots(GOOD_ROOTS)}, BOUNDS) == []
    out = C.hermite_roots_regime({"hermite_roots": _roots(GOOD_ROOTS, k=6, s_min=0.1)}, BOUNDS)
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
    assert C.baselines_regime({"baselines": df}, BOUNDS) == []
    df.loc[(df["learner"] == "net_lbfgs") & (df["replicate"] == 0), "converged"] = False
    out = C.baselines_regime({"baselines": df}, BOUNDS)
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


def test_conditioning_passes_and_fails():
    assert C.conditioning({"conditioning": _conditioning(1.0)}, BOUNDS).verdict == SUPPORTED
    assert C.conditioning({"conditioning": _conditioning(-1.0)}, BOUNDS).verdict == NOT_SUPPORTED


def test_conditioning_regime_in_and_out():
    assert C.conditioning_regime({"conditioning": _conditioning(1.0)}, BOUNDS) == []
    out = C.conditioning_regime({"conditioning": _conditioning(1.0, ((0.0, 0.8), (0.3, 0.6)), seeds=2)}, BOUNDS)
    assert any("< 3 seeds" in o for o in out) and any("needs a factor >= 3" in o for o in out)


def test_hermite_coeffs_is_a_sanity_check_with_a_regime():
    claim = next(c for c in C.CLAIMS if c.id.endswith("hermite_coeffs"))
    assert claim.sanity and claim.regime is not None
    assert C.hermite_coeffs_regime({"hermite_coeffs": _coeffs(0.0)}, BOUNDS) == []
    small = _coeffs(0.0).assign(n=5000)
    small = small[small["replicate"] == 0]
    assert len(C.hermite_coeffs_regime({"hermite_coeffs": small}, BOUNDS)) == 2


def test_every_claim_declares_a_regime():
    assert all(c.regime is not None for c in C.CLAIMS)
