"""awasthi2021 claim predicates on constructed tables where they must pass and where they must fail."""

from __future__ import annotations

import numpy as np
import pandas as pd

from depth2.claims import INCONCLUSIVE, NOT_SUPPORTED, SUPPORTED
from depth2.papers.awasthi2021 import claims as C

BOUNDS = {"recovery_tol": 0.1, "slope_lo": -0.75, "slope_hi": -0.25, "moderate_bias": 2.0}


def _recovery(slope: float, spread: float = 0.02) -> pd.DataFrame:
    rows = []
    for n in (2e4, 1e5, 5e5):
        for r in range(3):
            err = 0.3 * (n / 2e4) ** slope * np.exp(spread * (r - 1))
            rows += [{"d": 10, "m": 5, "n": n, "learner": "hermite_tensor", "replicate": r, "neuron": i,
                      "w_err": err * (1 - 0.1 * i), "rel_mse": err**2} for i in range(5)]
    return pd.DataFrame(rows)


def test_recovery_rate_passes_and_fails():
    assert C.recovery_rate({"recovery_vs_n": _recovery(-0.5)}, BOUNDS).verdict == SUPPORTED
    assert C.recovery_rate({"recovery_vs_n": _recovery(0.0)}, BOUNDS).verdict == NOT_SUPPORTED
    assert C.recovery_rate({"recovery_vs_n": _recovery(-0.5, spread=3.0)}, BOUNDS).verdict == INCONCLUSIVE


def _sweep(recovered_at: dict[float, float], k: int = 30) -> pd.DataFrame:
    rows = []
    for bias, frac in recovered_at.items():
        rows += [{"bias": bias, "learner": "hermite_tensor", "recovered": i < round(frac * k)} for i in range(k)]
    return pd.DataFrame(rows)


def test_moderate_bias_passes_and_fails():
    assert C.moderate_bias({"bias_sweep": _sweep({0.5: 1.0, 2.0: 0.95, 4.0: 0.0})}, BOUNDS).verdict == SUPPORTED
    assert C.moderate_bias({"bias_sweep": _sweep({0.5: 1.0, 2.0: 0.1})}, BOUNDS).verdict == NOT_SUPPORTED


def _roots(rates: dict[str, dict[float, float]], k: int = 30) -> pd.DataFrame:
    rows = []
    for learner, per_b in rates.items():
        for b, frac in per_b.items():
            rows += [{"learner": learner, "b_true": b, "recovered": i < round(frac * k)} for i in range(k)]
    return pd.DataFrame(rows)


def test_hermite_roots_passes_and_fails():
    good = {"hermite_tensor_t3": {0.0: 0.0, 1.0: 1.0, -1.0: 1.0}, "hermite_tensor_t4": {0.0: 1.0, 1.0: 0.0, -1.0: 0.0},
            "hermite_tensor": {0.0: 1.0, 1.0: 1.0, -1.0: 1.0}}
    assert C.hermite_roots({"hermite_roots": _roots(good)}, BOUNDS).verdict == SUPPORTED
    bad = {**good, "hermite_tensor": {0.0: 0.0, 1.0: 1.0, -1.0: 1.0}}
    assert C.hermite_roots({"hermite_roots": _roots(bad)}, BOUNDS).verdict == NOT_SUPPORTED


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
                      "rel_mse": mse * (1 + 0.05 * r), "recovered": i < round(recovered * k)} for i in range(k)]
    return pd.DataFrame(rows)


def test_baselines_passes_and_fails():
    bounds = {**BOUNDS, "low_mse": 0.05}
    assert C.baselines({"baselines": _baselines(0.01, 0.0)}, bounds).verdict == SUPPORTED
    assert C.baselines({"baselines": _baselines(0.01, 1.0)}, bounds).verdict == NOT_SUPPORTED  # they recover
    assert C.baselines({"baselines": _baselines(0.5, 0.0)}, bounds).verdict == NOT_SUPPORTED  # high error


def _conditioning(power: float) -> pd.DataFrame:
    rows = []
    for c, s_min in ((0.0, 0.8), (0.5, 0.5), (0.9, 0.2), (0.95, 0.1)):
        for r in range(3):
            err = 0.02 * s_min ** (-power) * (1 + 0.05 * r)
            rows += [{"collinearity": c, "learner": "hermite_tensor", "replicate": r, "neuron": i, "s_min": s_min,
                      "w_err": err * (1 - 0.1 * i), "rel_mse": err**2} for i in range(3)]
    return pd.DataFrame(rows)


def test_conditioning_passes_and_fails():
    assert C.conditioning({"conditioning": _conditioning(1.0)}, BOUNDS).verdict == SUPPORTED
    assert C.conditioning({"conditioning": _conditioning(-1.0)}, BOUNDS).verdict == NOT_SUPPORTED
